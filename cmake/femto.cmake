# femto.cmake: the two functions every folder uses to declare its code.
#
#   fc_library(NAME SOURCES a.c b.c [DEPS lib...] [FREESTANDING])
#   fc_test(NAME SOURCES t.c [DEPS lib...] [LABELS l...])
#
# Every library comes in two builds: NAME (the normal one) and NAME_san
# (AddressSanitizer + UndefinedBehaviorSanitizer). Every test comes in two
# builds too, NAME linking the normal libraries and NAME_san linking the _san
# twins, so ctest runs each test once plainly and once under the sanitizers.
# A DEP that has no _san twin (an external library such as cmocka or
# libsodium) is linked as is into both.

include_guard(GLOBAL)

# Flags of the sanitizer twins. -O1 keeps stack traces readable while still
# exercising the optimiser a little; it comes after CMAKE_C_FLAGS_<CONFIG> on
# the command line, so it wins over -O2.
set(FC_SAN_COMPILE_FLAGS
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g)
set(FC_SAN_LINK_FLAGS -fsanitize=address,undefined)

# Where tests find their fixtures. FC_SHARED (set by the top-level file) is
# the read-only shared/ folder next to the checkout.
get_filename_component(FC_SHARED_DIR "${FC_SHARED}" ABSOLUTE)
if(NOT EXISTS "${FC_SHARED_DIR}/conformance")
  message(WARNING "femto: shared fixtures not found at ${FC_SHARED_DIR} "
                  "(expected the shared/ folder beside the checkout, or pass -DFC_SHARED=...); "
                  "tests that read fixtures will fail")
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

# _fc_san_deps(OUT dep...): the _san twin of each dep that has one, else the dep.
function(_fc_san_deps out)
  set(result "")
  foreach(dep IN LISTS ARGN)
    if(TARGET ${dep}_san)
      list(APPEND result ${dep}_san)
    else()
      list(APPEND result ${dep})
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

function(fc_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "FREESTANDING" "" "SOURCES;DEPS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fc_library(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "fc_library(${name}): SOURCES is empty")
  endif()

  set(extra "")
  if(arg_FREESTANDING)
    set(extra -ffreestanding)
  endif()

  add_library(${name} STATIC ${arg_SOURCES})
  target_include_directories(${name} PUBLIC ${FC_INCLUDE})
  target_compile_options(${name} PRIVATE ${FC_WARNINGS} ${extra})
  target_link_libraries(${name} PUBLIC ${arg_DEPS})

  _fc_san_deps(san_deps ${arg_DEPS})
  add_library(${name}_san STATIC ${arg_SOURCES})
  target_include_directories(${name}_san PUBLIC ${FC_INCLUDE})
  target_compile_options(${name}_san PRIVATE ${FC_WARNINGS} ${extra} ${FC_SAN_COMPILE_FLAGS})
  # INTERFACE: whatever links a _san library also links the sanitizer runtime.
  target_link_options(${name}_san INTERFACE ${FC_SAN_LINK_FLAGS})
  target_link_libraries(${name}_san PUBLIC ${san_deps})
endfunction()

# _fc_add_ctest(TARGET LABELS...): register TARGET with ctest.
# Each test runs in its own empty folder of the build tree, so files a test
# writes into its working directory never land in the checkout and never
# collide with its _san twin running in parallel. Fixtures are found through
# FC_SHARED_DIR and FC_SOURCE_DIR (absolute paths).
# A cmocka test that calls skip() exits 0; a skipped test must not count as
# passed, so ctest fails any test whose output shows a skip.
function(_fc_add_ctest target)
  set(workdir ${CMAKE_CURRENT_BINARY_DIR}/run/${target})
  file(MAKE_DIRECTORY ${workdir})
  add_test(NAME ${target} COMMAND ${target} WORKING_DIRECTORY ${workdir})
  set_tests_properties(${target} PROPERTIES FAIL_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  if(ARGN)
    set_tests_properties(${target} PROPERTIES LABELS "${ARGN}")
  endif()
endfunction()

function(fc_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;DEPS;LABELS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fc_test(${name}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "fc_test(${name}): SOURCES is empty")
  endif()

  set(defs FC_SHARED_DIR="${FC_SHARED_DIR}" FC_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

  add_executable(${name} ${arg_SOURCES})
  target_include_directories(${name} PRIVATE ${FC_INCLUDE})
  target_compile_options(${name} PRIVATE ${FC_WARNINGS})
  target_compile_definitions(${name} PRIVATE ${defs})
  target_link_libraries(${name} PRIVATE ${arg_DEPS} PkgConfig::CMOCKA)
  _fc_add_ctest(${name} ${arg_LABELS})

  _fc_san_deps(san_deps ${arg_DEPS})
  add_executable(${name}_san ${arg_SOURCES})
  target_include_directories(${name}_san PRIVATE ${FC_INCLUDE})
  target_compile_options(${name}_san PRIVATE ${FC_WARNINGS} ${FC_SAN_COMPILE_FLAGS})
  target_compile_definitions(${name}_san PRIVATE ${defs})
  target_link_options(${name}_san PRIVATE ${FC_SAN_LINK_FLAGS})
  target_link_libraries(${name}_san PRIVATE ${san_deps} PkgConfig::CMOCKA)
  _fc_add_ctest(${name}_san ${arg_LABELS} san)
  # Leaks are bugs too; a sanitizer report must name its source line.
  set_tests_properties(${name}_san PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endfunction()

# fc_output_test(NAME PASS regex COMMAND cmd... [EXIT status] [LABELS l...]):
# a test that passes when its output matches `regex` AND the command exits
# with `status` (default 0). ctest alone ignores the exit status of a test
# with PASS_REGULAR_EXPRESSION; cmake/expect_exit.sh reports a wrong one.
# A target name as the first word of COMMAND is resolved to its file.
function(fc_output_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PASS;EXIT" "COMMAND;LABELS")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_PASS OR NOT arg_COMMAND)
    message(FATAL_ERROR "fc_output_test(${name}): needs PASS and COMMAND (${arg_UNPARSED_ARGUMENTS})")
  endif()
  if(NOT DEFINED arg_EXIT)
    set(arg_EXIT 0)
  endif()
  list(POP_FRONT arg_COMMAND program)
  if(TARGET ${program})
    set(program $<TARGET_FILE:${program}>)
  endif()
  add_test(NAME ${name}
           COMMAND ${CMAKE_SOURCE_DIR}/cmake/expect_exit.sh ${arg_EXIT} ${program} ${arg_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS "${arg_LABELS}"
                       PASS_REGULAR_EXPRESSION "${arg_PASS}"
                       FAIL_REGULAR_EXPRESSION "fc-test: exit status")
endfunction()
