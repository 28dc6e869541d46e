/** @file
 * Femto-Containers: status codes shared by every layer.
 *
 * This is the one source of truth for error codes: the VM, the image
 * parser, the engine, SUIT, the tools and docs/errors.md all use this table.
 * A code never changes its number once released; new codes go at the end of
 * their group. */
#ifndef FEMTO_STATUS_H
#define FEMTO_STATUS_H

/** The status table, one row per code: X(name, number, short text).
 *  Expanded into enum fc_status, fc_status_text() and fc_status_name(). */
#define FC_STATUS_TABLE(X)                                                                         \
    X(FC_OK, 0, "ok")                                                                              \
    /** verifier: the program is refused at load time (1..39) */                                   \
    X(FC_ERR_EMPTY, 1, "program is empty")                                                         \
    X(FC_ERR_TOO_LARGE, 2, "program has more instructions than allowed")                           \
    X(FC_ERR_BAD_OPCODE, 3, "unknown or unsupported opcode")                                       \
    X(FC_ERR_BAD_FIELD, 4, "a field this opcode does not use is not zero")                         \
    X(FC_ERR_BAD_REGISTER, 5, "register number greater than 10")                                   \
    X(FC_ERR_WRITE_R10, 6, "r10 (frame pointer) is read-only")                                     \
    X(FC_ERR_JUMP_OUT, 7, "jump target outside the program")                                       \
    X(FC_ERR_JUMP_LDDW, 8, "jump target is the second slot of an lddw")                            \
    X(FC_ERR_LDDW_INCOMPLETE, 9, "lddw without its second slot")                                   \
    X(FC_ERR_FALL_OFF, 10, "execution can run past the last instruction")                          \
    X(FC_ERR_HELPER_DENIED, 11, "helper not in the allow-list")                                    \
    X(FC_ERR_CALL_TARGET, 12, "local call target is not a function start")                         \
    X(FC_ERR_RECURSION, 13, "local calls are recursive")                                           \
    X(FC_ERR_CALL_DEPTH, 14, "local call depth exceeds the bound")                                 \
    X(FC_ERR_STACK_OFFSET, 15, "r10-relative access outside the stack frame")                      \
    X(FC_ERR_LDDW_SOURCE, 16, "lddw pseudo source not available")                                  \
    X(FC_ERR_BAD_CONFIG, 17, "invalid VM or verifier configuration")                               \
    X(FC_ERR_NOT_VERIFIED, 18, "program was not verified (or changed since)")                      \
    X(FC_ERR_UNREACHABLE, 19, "instruction can never execute")                                     \
    /** run time: the container faulted, the host goes on (40..59) */                              \
    X(FC_FAULT_MEM, 40, "memory access outside the granted regions")                               \
    X(FC_FAULT_MEM_PERM, 41, "memory access without the needed permission")                        \
    X(FC_FAULT_BUDGET, 42, "instruction budget exhausted")                                         \
    X(FC_FAULT_CALL_DEPTH, 43, "local call stack overflow")                                        \
    X(FC_FAULT_HELPER, 44, "helper id not allowed or unknown")                                     \
    X(FC_FAULT_HELPER_ARG, 45, "helper refused an argument")                                       \
    X(FC_FAULT_BAD_INSN, 46, "invalid instruction reached at run time")                            \
    X(FC_FAULT_ABORT, 47, "container aborted itself")                                              \
    /** image format (60..79) */                                                                   \
    X(FC_ERR_IMAGE_TRUNCATED, 60, "image shorter than its header says")                            \
    X(FC_ERR_IMAGE_MAGIC, 61, "not a Femto-Container image (bad magic)")                           \
    X(FC_ERR_IMAGE_VERSION, 62, "unsupported image format version")                                \
    X(FC_ERR_IMAGE_LAYOUT, 63, "image section offsets or sizes are inconsistent")                  \
    X(FC_ERR_IMAGE_NAME, 64, "bad name in image (not terminated or not printable)")                \
    X(FC_ERR_IMAGE_ENTRY, 65, "entry point not found or not a function start")                     \
    X(FC_ERR_IMAGE_ALIGN, 66, "image not aligned in memory")                                       \
    /** engine (80..109) */                                                                        \
    X(FC_ERR_NO_SLOT, 80, "no free container slot")                                                \
    X(FC_ERR_QUOTA, 81, "tenant quota exceeded")                                                   \
    X(FC_ERR_NO_RAM, 82, "not enough container RAM")                                               \
    X(FC_ERR_NOT_FOUND, 83, "no such container, hook or tenant")                                   \
    X(FC_ERR_PERMISSION, 84, "tenant is not allowed to do this")                                   \
    X(FC_ERR_BUSY, 85, "object is in use")                                                         \
    X(FC_ERR_EXISTS, 86, "already exists")                                                         \
    X(FC_ERR_KV_FULL, 87, "key-value store is full")                                               \
    X(FC_ERR_KV_KEY, 88, "bad key-value key or value size")                                        \
    X(FC_ERR_STORAGE, 89, "storage read or write failed")                                          \
    X(FC_ERR_INVALID_ARG, 90, "invalid argument")                                                  \
    X(FC_ERR_BUFFER, 91, "buffer too small")                                                       \
    X(FC_ERR_STATE, 92, "operation not valid in this state")                                       \
    /** deployment: SUIT, COSE, CBOR (110..139) */                                                 \
    X(FC_ERR_CBOR, 110, "malformed CBOR")                                                          \
    X(FC_ERR_CBOR_LIMIT, 111, "CBOR item too large or nested too deep")                            \
    X(FC_ERR_SUIT_FORMAT, 112, "SUIT envelope or manifest malformed")                              \
    X(FC_ERR_SUIT_UNSUPPORTED, 113, "SUIT feature not supported")                                  \
    X(FC_ERR_SIGNATURE, 114, "signature does not verify with any tenant key")                      \
    X(FC_ERR_ROLLBACK, 115, "sequence number not newer than the installed one")                    \
    X(FC_ERR_DIGEST, 116, "payload digest does not match the manifest")                            \
    X(FC_ERR_SIZE, 117, "payload size wrong or over quota")                                        \
    X(FC_ERR_CONDITION, 118, "SUIT condition failed")                                              \
    X(FC_ERR_CRYPTO, 119, "crypto primitive failed")

/** Status codes: FC_OK (0), refusals and faults; one per row of
 *  FC_STATUS_TABLE, which gives each its number and short text. */
typedef enum fc_status {
/** @cond INTERNAL */
#define FC_STATUS_ENUM_(name, num, text) name = num,
    FC_STATUS_TABLE(FC_STATUS_ENUM_)
#undef FC_STATUS_ENUM_
    /** @endcond */
} fc_status_t;

/** Short human text of a status, from FC_STATUS_TABLE.
 *  @param status an fc_status_t value (any int is accepted)
 *  @return a static string, "?" when status is not in the table */
const char *fc_status_text(int status);

/** Symbolic name of a status ("FC_ERR_CBOR").
 *  @param status an fc_status_t value (any int is accepted)
 *  @return a static string, "?" when status is not in the table */
const char *fc_status_name(int status);

/** An error as a value: what went wrong (code), where (instruction index or
 * byte offset, depending on the layer), the address and size of a faulting
 * memory access, and a reason a person can act on (static string). Every
 * function of every layer that takes an fc_error_t fills all of it, on
 * success too: {FC_OK, 0, 0, 0, "ok"}. */
typedef struct fc_error {
    int code;                /**< fc_status_t */
    unsigned long where;     /**< instruction index, or byte offset in an input */
    unsigned long long addr; /**< faulting guest address (memory faults) */
    unsigned size;           /**< access size in bytes (memory faults) */
    const char *reason;      /**< static, never NULL: "ok" when code is FC_OK */
} fc_error_t;

#endif
