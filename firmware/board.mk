# board.mk: per-board toolchain, flags and start-up sources, shared by
# firmware/Makefile (self-test images) and bench/mcu/Makefile (benchmarks).
#
# Inputs:  BOARD (mps2-an386 | cortex-m0plus | riscv-virt), REPO (repo root)
# Outputs: CC, SIZE, NM, OBJDUMP, ARCH_FLAGS, BOARD_SRCS, BOARD_LDFLAGS,
#          QEMU_CMD (empty when the board cannot run in QEMU)

PORT_DIR := $(REPO)/src/port/baremetal
FW_DIR   := $(REPO)/firmware

ifeq ($(BOARD),mps2-an386)
  CROSS       := arm-none-eabi-
  ARCH_FLAGS  := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
  BOARD_SRCS  := $(PORT_DIR)/cortex-m/reset.c $(FW_DIR)/mps2-an386/board.c
  LINK_SCRIPT := $(FW_DIR)/mps2-an386/link.ld
  LD_SEARCH   := -L$(PORT_DIR)/cortex-m
  QEMU_CMD    := qemu-system-arm -M mps2-an386 -nographic -monitor none -serial stdio \
                 -semihosting-config enable=on,target=native -kernel
else ifeq ($(BOARD),cortex-m0plus)
  # Same start-up and (CMSDK) console as the AN386; linked for a small M0+
  # part. Not run: QEMU has no Cortex-M0+ board.
  CROSS       := arm-none-eabi-
  ARCH_FLAGS  := -mcpu=cortex-m0plus -mthumb -mfloat-abi=soft
  BOARD_SRCS  := $(PORT_DIR)/cortex-m/reset.c $(FW_DIR)/mps2-an386/board.c
  LINK_SCRIPT := $(FW_DIR)/cortex-m0plus/link.ld
  LD_SEARCH   := -L$(PORT_DIR)/cortex-m
  QEMU_CMD    :=
else ifeq ($(BOARD),riscv-virt)
  CROSS       := riscv64-unknown-elf-
  # GCC 12 follows ISA spec 20191213, where csr instructions are the
  # separate Zicsr extension; -misa-spec=2.2 keeps them in the base ISA, so
  # -march stays rv32imac (which also selects picolibc's multilib).
  ARCH_FLAGS  := -march=rv32imac -mabi=ilp32 -mcmodel=medany -misa-spec=2.2
  BOARD_SRCS  := $(PORT_DIR)/riscv/crt0.S $(PORT_DIR)/riscv/trap.c $(FW_DIR)/riscv-virt/board.c
  LINK_SCRIPT := $(FW_DIR)/riscv-virt/link.ld
  LD_SEARCH   := -L$(PORT_DIR)/riscv
  QEMU_CMD    := qemu-system-riscv32 -M virt -bios none -nographic -monitor none -serial stdio -kernel
else
  $(error unknown BOARD '$(BOARD)': use mps2-an386, cortex-m0plus or riscv-virt)
endif

CC      := $(CROSS)gcc
SIZE    := $(CROSS)size
NM      := $(CROSS)nm
OBJDUMP := $(CROSS)objdump

# picolibc supplies memcpy/memset and libgcc the 64-bit arithmetic; the
# start-up code is ours (-nostartfiles), so picolibc's crt0 is not used.
FREESTANDING  ?= -ffreestanding
COMMON_CFLAGS := $(ARCH_FLAGS) -std=c11 $(FREESTANDING) -ffunction-sections -fdata-sections \
                 -g -Wall -Wextra -Werror --specs=picolibc.specs \
                 -I$(REPO)/include -I$(REPO)/sdk -I$(PORT_DIR) -I$(FW_DIR)/app
BOARD_LDFLAGS := -nostartfiles $(LD_SEARCH) \
                 -T$(LINK_SCRIPT) -Wl,--gc-sections -Wl,--no-warn-rwx-segments
BOARD_LIBS    := -lc -lgcc

# The sources of a layer exactly as its CMakeLists.txt declares them
# (fc_library(NAME SOURCES ...)), so the firmware compiles what the host
# build compiles and never a half-written file that is not in the build yet.
layer_srcs = $(shell $(REPO)/firmware/tools/layer-sources.sh $(REPO)/src/$(1))

VM_SRCS := $(call layer_srcs,vm)
