/** @file
 * Femto-Containers SUIT layer: a bounded CBOR decoder, SUIT envelope and
 * manifest decoding (draft-ietf-suit-manifest-37), COSE_Sign1
 * authentication, command-sequence evaluation and payload checks.
 *
 * Freestanding C11: no allocation, no global state, no copies. Every
 * decoded string is a (pointer, length) pair into the caller's input
 * buffer, which must outlive the decoded structs. Every limit is a
 * build-time constant below. docs/suit-profile.md says which subset of
 * SUIT is used and documents our extension (the femto install parameter).
 *
 * Typical install flow (engine side):
 *
 *     fc_suit_manifest_t m;  fc_suit_result_t r;  fc_error_t err;  size_t k;
 *     fc_suit_decode(env, len, &m, &err);                      // structure
 *     fc_suit_authenticate(&m, port, keys, n_keys, &k, &err);  // digest+COSE
 *     fc_suit_check_sequence(&m, stored_seq, &err);           // anti-rollback
 *     fc_suit_evaluate(&m, port, &device, FC_SUIT_RUN_INSTALL, &r, &err);
 *     // r.component[0]: slot, femto params, integrated payload or uri
 *     fc_suit_check_payload(&r.component[0].params, port, img, img_len, &err);
 *
 * Errors: every function returns FC_OK or a code from status.h and fills
 * err (code, where = byte offset in the envelope, reason). */
#ifndef FEMTO_SUIT_H
#define FEMTO_SUIT_H

#include <stddef.h>
#include <stdint.h>

#include "femto/port.h"
#include "femto/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- build-time limits (override with -D) ------------------------------ */
#ifndef FC_SUIT_MAX_COMPONENTS
#define FC_SUIT_MAX_COMPONENTS 4 /**< components of one manifest (at most 31) */
#endif
#ifndef FC_SUIT_MAX_ID_PARTS
#define FC_SUIT_MAX_ID_PARTS 4 /**< bstr elements of one component identifier */
#endif
#ifndef FC_SUIT_MAX_SIGNATURES
#define FC_SUIT_MAX_SIGNATURES 2 /**< authentication blocks kept */
#endif
#ifndef FC_SUIT_MAX_PAYLOADS
#define FC_SUIT_MAX_PAYLOADS 2 /**< integrated payloads in one envelope */
#endif
#ifndef FC_SUIT_MAX_HOOKS
#define FC_SUIT_MAX_HOOKS 4 /**< hooks named in one femto install parameter */
#endif
#ifndef FC_SUIT_MAX_NESTING
#define FC_SUIT_MAX_NESTING 3 /**< try-each / run-sequence inside each other */
#endif
#define FC_SUIT_MAX_PROTECTED 64 /**< bytes of a COSE protected header */

/* ======================================================================
 * CBOR values as the command-sequence walker reports them (RFC 8949).
 * The decoder itself is internal to the SUIT layer (src/suit/cbor.h).
 * ==================================================================== */

/** A (pointer, length) view into the caller's envelope buffer; never owns. */
typedef struct fc_suit_bytes {
    const uint8_t *ptr; /**< first byte, or NULL when len is 0 */
    size_t len;         /**< number of bytes */
} fc_suit_bytes_t;

/** CBOR major types (RFC 8949 section 3.1). */
enum fc_cbor_type {
    FC_CBOR_UINT = 0,  /**< unsigned integer: value is val */
    FC_CBOR_NINT = 1,  /**< negative integer: value is -1 - val */
    FC_CBOR_BSTR = 2,  /**< byte string: content in str */
    FC_CBOR_TSTR = 3,  /**< text string: content in str */
    FC_CBOR_ARRAY = 4, /**< array: val is the element count */
    FC_CBOR_MAP = 5,   /**< map: val is the pair count */
    FC_CBOR_TAG = 6,   /**< tag: val is the tag number */
    FC_CBOR_SIMPLE = 7 /**< simple value: val is FC_CBOR_FALSE, _TRUE or _NULL */
};

#define FC_CBOR_FALSE 20 /**< simple value false */
#define FC_CBOR_TRUE 21  /**< simple value true */
#define FC_CBOR_NULL 22  /**< simple value null (nil) */

/** One decoded CBOR head. For strings, str points at the content (len = val).
 *  For arrays/maps val is the element/pair count, for tags the tag number. */
typedef struct fc_cbor_item {
    uint8_t type;        /**< enum fc_cbor_type */
    uint64_t val;        /**< the head's argument */
    fc_suit_bytes_t str; /**< string content (BSTR/TSTR), else empty */
    size_t offset;       /**< byte offset of the head in the envelope */
} fc_cbor_item_t;

/* ======================================================================
 * SUIT envelope and manifest
 * ==================================================================== */

/* COSE algorithm ids (RFC 9053) and CBOR tags */
#define FC_COSE_ALG_SHA256 (-16)  /**< SHA-256 (the only digest accepted) */
#define FC_COSE_ALG_EDDSA (-8)    /**< EdDSA (RFC 9053); Ed25519 keys only here */
#define FC_COSE_ALG_ED25519 (-19) /**< draft-ietf-suit-mti */
#define FC_COSE_ALG_ES256 (-7)    /**< ECDSA P-256 with SHA-256 */
#define FC_COSE_ALG_ESP256 (-9)   /**< ECDSA P-256 with SHA-256, fully specified */
#define FC_COSE_TAG_SIGN1 18      /**< CBOR tag of COSE_Sign1 */
#define FC_SUIT_TAG_ENVELOPE 107  /**< CBOR tag of SUIT_Envelope */

/** Our private-use SUIT parameter (suit-parameter-custom, a negative key):
 * bstr .cbor femto-install map; see docs/suit-profile.md. */
#define FC_SUIT_PARAM_FEMTO (-257)
/** Keys of the femto install map (docs/suit-profile.md). */
enum fc_suit_femto_key {
    FC_SUIT_FEMTO_HOOKS = 1,    /**< [+ tstr] hook names */
    FC_SUIT_FEMTO_PRIORITY = 2, /**< int */
    FC_SUIT_FEMTO_BUDGET = 3,   /**< uint: instruction budget per run */
    FC_SUIT_FEMTO_ENTRY = 4,    /**< tstr: entry function name */
    FC_SUIT_FEMTO_EPOCH = 5     /**< uint: epoch of the sequence number (anti-rollback) */
};
/** Default identity of a femto device (docs/suit-profile.md): vendor-id =
 * UUIDv5(DNS, "femto-containers.invalid") e5168149-3f1f-5dd7-9930-71be23d3187b,
 * class-id = UUIDv5(vendor-id, "femtod") c752c419-fba8-582d-aed2-0deaba0f7edb.
 * A board may define its own class-id. */
#define FC_SUIT_FEMTO_VENDOR_ID                                                                    \
    {                                                                                              \
        0xe5, 0x16, 0x81, 0x49, 0x3f, 0x1f, 0x5d, 0xd7, 0x99, 0x30, 0x71, 0xbe, 0x23, 0xd3, 0x18,  \
            0x7b                                                                                   \
    }
/** class-id of femtod, see FC_SUIT_FEMTO_VENDOR_ID. */
#define FC_SUIT_FEMTOD_CLASS_ID                                                                    \
    {                                                                                              \
        0xc7, 0x52, 0xc4, 0x19, 0xfb, 0xa8, 0x58, 0x2d, 0xae, 0xd2, 0x0d, 0xea, 0xba, 0x0f, 0x7e,  \
            0xdb                                                                                   \
    }
/** First part of the component identifier of a container slot:
 *  [ 'femto', 'decimal slot number' ]. */
#define FC_SUIT_FEMTO_ID "femto"

/** Manifest member keys (draft 37) */
enum fc_suit_member {
    FC_SUIT_ENV_AUTH = 2,
    FC_SUIT_ENV_MANIFEST = 3,
    FC_SUIT_MANIFEST_VERSION = 1,
    FC_SUIT_MANIFEST_SEQUENCE = 2,
    FC_SUIT_COMMON = 3,
    FC_SUIT_REFERENCE_URI = 4,
    FC_SUIT_VALIDATE = 7,
    FC_SUIT_LOAD = 8,
    FC_SUIT_INVOKE = 9,
    FC_SUIT_PAYLOAD_FETCH = 16,
    FC_SUIT_INSTALL = 20,
    FC_SUIT_TEXT = 23,
    FC_SUIT_COMMON_COMPONENTS = 2,
    FC_SUIT_COMMON_SHARED = 4
};

/** Commands (conditions and directives) */
enum fc_suit_command {
    FC_SUIT_COND_VENDOR = 1,
    FC_SUIT_COND_CLASS = 2,
    FC_SUIT_COND_IMAGE_MATCH = 3,
    FC_SUIT_COND_COMPONENT_SLOT = 5,
    FC_SUIT_COND_CHECK_CONTENT = 6,
    FC_SUIT_COND_ABORT = 14,
    FC_SUIT_COND_DEVICE = 24,
    FC_SUIT_DIR_SET_COMPONENT_INDEX = 12,
    FC_SUIT_DIR_TRY_EACH = 15,
    FC_SUIT_DIR_WRITE = 18,
    FC_SUIT_DIR_OVERRIDE_PARAMETERS = 20,
    FC_SUIT_DIR_FETCH = 21,
    FC_SUIT_DIR_COPY = 22,
    FC_SUIT_DIR_INVOKE = 23,
    FC_SUIT_DIR_SWAP = 31,
    FC_SUIT_DIR_RUN_SEQUENCE = 32
};

/** Parameters */
enum fc_suit_parameter {
    FC_SUIT_PARAM_VENDOR_ID = 1,
    FC_SUIT_PARAM_CLASS_ID = 2,
    FC_SUIT_PARAM_IMAGE_DIGEST = 3,
    FC_SUIT_PARAM_COMPONENT_SLOT = 5,
    FC_SUIT_PARAM_STRICT_ORDER = 12,
    FC_SUIT_PARAM_SOFT_FAILURE = 13,
    FC_SUIT_PARAM_IMAGE_SIZE = 14,
    FC_SUIT_PARAM_CONTENT = 18,
    FC_SUIT_PARAM_URI = 21,
    FC_SUIT_PARAM_SOURCE_COMPONENT = 22,
    FC_SUIT_PARAM_INVOKE_ARGS = 23,
    FC_SUIT_PARAM_DEVICE_ID = 24,
    FC_SUIT_PARAM_FETCH_ARGS = 25
};

/** SUIT_Digest (draft-37 8.3): algorithm and bytes. */
typedef struct fc_suit_digest {
    int64_t alg;           /**< COSE hash algorithm, -16 = SHA-256 */
    fc_suit_bytes_t bytes; /**< digest bytes */
} fc_suit_digest_t;

/** One COSE_Sign1 authentication block. */
typedef struct fc_suit_signature {
    int64_t alg;                   /**< from the protected header */
    fc_suit_bytes_t protected_hdr; /**< content of the protected bstr */
    fc_suit_bytes_t signature;     /**< the signature bytes */
    fc_suit_bytes_t kid;           /**< header 4 if present (protected or not), else empty */
    size_t offset;                 /**< of the block in the envelope */
} fc_suit_signature_t;

/** Where a manifest member's content is (draft-37 8.6 severable elements). */
enum fc_suit_section_state {
    FC_SUIT_ABSENT = 0,     /**< not in the manifest */
    FC_SUIT_INLINE,         /**< bstr inside the manifest */
    FC_SUIT_SEVERED,        /**< manifest holds a digest; element in the envelope */
    FC_SUIT_SEVERED_MISSING /**< manifest holds a digest; element not supplied */
};

/** A bstr-wrapped member (command sequence or text). */
typedef struct fc_suit_section {
    uint8_t state;           /**< enum fc_suit_section_state */
    fc_suit_bytes_t wrapped; /**< the bstr including its CBOR head */
    fc_suit_bytes_t content; /**< the bstr content (the encoded sequence) */
    fc_suit_digest_t digest; /**< SEVERED / SEVERED_MISSING: from the manifest */
    size_t offset;           /**< of the content in the envelope */
} fc_suit_section_t;

/** SUIT_Component_Identifier (draft-37 8.4.5.1): an array of bstr. */
typedef struct fc_suit_component_id {
    fc_suit_bytes_t raw;                        /**< the encoded identifier array */
    size_t n_parts;                             /**< elements in part */
    fc_suit_bytes_t part[FC_SUIT_MAX_ID_PARTS]; /**< each bstr's content */
} fc_suit_component_id_t;

/** An integrated payload (draft-37 5.5): a text key and a bstr in the envelope. */
typedef struct fc_suit_payload {
    fc_suit_bytes_t key;  /**< text key, e.g. "#app" */
    fc_suit_bytes_t data; /**< the payload bytes */
    size_t offset;        /**< of data in the envelope */
} fc_suit_payload_t;

/** A decoded envelope and manifest. Every fc_suit_bytes_t points into the
 *  caller's envelope buffer (borrowed, must outlive this struct). */
typedef struct fc_suit_manifest {
    fc_suit_bytes_t envelope; /**< the whole envelope as given to fc_suit_decode() */
    /* authentication wrapper */
    fc_suit_bytes_t digest_wrapped; /**< bstr .cbor SUIT_Digest, head included */
    fc_suit_bytes_t digest_cbor;    /**< its content: the COSE detached payload */
    fc_suit_digest_t digest;        /**< over manifest_wrapped */
    size_t n_signatures;            /**< COSE_Sign1 blocks kept */
    size_t n_auth_blocks;           /**< all blocks, of any kind */
    fc_suit_signature_t signature[FC_SUIT_MAX_SIGNATURES]; /**< the kept COSE_Sign1 blocks */
    /* manifest */
    fc_suit_bytes_t manifest_wrapped; /**< bstr head included: what the digest covers */
    fc_suit_bytes_t manifest;         /**< content */
    size_t manifest_offset;           /**< of the content in the envelope */
    uint64_t version;                 /**< suit-manifest-version (1) */
    uint64_t sequence_number;         /**< suit-manifest-sequence-number (anti-rollback) */
    fc_suit_bytes_t reference_uri;    /**< empty when absent */
    uint32_t manifest_keys;           /**< bit k set: member k (1..31) present */
    uint32_t envelope_keys;           /**< bit k set: envelope member k present */
    size_t n_components;              /**< entries in component */
    fc_suit_component_id_t component[FC_SUIT_MAX_COMPONENTS]; /**< suit-components */
    fc_suit_section_t shared;        /**< common's shared sequence (INLINE or ABSENT) */
    fc_suit_section_t validate;      /**< suit-validate (7) */
    fc_suit_section_t load;          /**< suit-load (8) */
    fc_suit_section_t invoke;        /**< suit-invoke (9) */
    fc_suit_section_t payload_fetch; /**< suit-payload-fetch (16), severable */
    fc_suit_section_t install;       /**< suit-install (20), severable */
    fc_suit_section_t text;          /**< suit-text (23), severable */
    size_t n_payloads;               /**< entries in payload */
    fc_suit_payload_t payload[FC_SUIT_MAX_PAYLOADS]; /**< integrated payloads */
} fc_suit_manifest_t;

/** Decode and check the structure of an envelope (tag 107), and validate
 *  every command sequence's structure and argument types. No crypto.
 *  @param env the envelope bytes; borrowed: out points into them
 *  @param len bytes in env
 *  @param[out] out the decoded manifest (zeroed first)
 *  @param[out] err on failure: code, byte offset in env, reason (may be NULL)
 *  @return FC_OK, FC_ERR_INVALID_ARG, FC_ERR_CBOR, FC_ERR_CBOR_LIMIT,
 *          FC_ERR_SUIT_FORMAT or FC_ERR_SUIT_UNSUPPORTED */
fc_status_t fc_suit_decode(const uint8_t *env, size_t len, fc_suit_manifest_t *out,
                           fc_error_t *err);

/* ---- authentication ---------------------------------------------------- */
/** Kind of a trusted public key. */
enum fc_suit_key_type {
    FC_SUIT_KEY_ED25519 = 1, /**< Ed25519, 32-byte key */
    FC_SUIT_KEY_P256 = 2     /**< ECDSA P-256, 65-byte uncompressed point */
};

/** A trusted public key of the device (a tenant's). */
typedef struct fc_suit_key {
    uint8_t type;           /**< enum fc_suit_key_type */
    uint8_t public_key[65]; /**< Ed25519: 32 bytes; P-256: 0x04||x||y */
} fc_suit_key_t;

/** Check the SHA-256 digest of the manifest bstr, then each COSE_Sign1 block
 * against each key of a matching type (Ed25519: alg -8/-19; P-256: -7/-9,
 * only if port->es256_verify exists). The first block that verifies wins:
 * *which_key = index of the key. Then checks the digest of every severed
 * member supplied in the envelope.
 * @param m a manifest from fc_suit_decode()
 * @param port supplies sha256, ed25519_verify, es256_verify (borrowed)
 * @param keys trusted keys (borrowed; may be NULL when n_keys is 0)
 * @param n_keys entries in keys
 * @param[out] which_key index of the key that verified (may be NULL)
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, FC_ERR_INVALID_ARG, FC_ERR_DIGEST, FC_ERR_SIGNATURE,
 *         FC_ERR_SUIT_FORMAT (no authentication block), FC_ERR_SUIT_UNSUPPORTED,
 *         FC_ERR_CRYPTO */
fc_status_t fc_suit_authenticate(const fc_suit_manifest_t *m, const fc_port_t *port,
                                 const fc_suit_key_t *keys, size_t n_keys, size_t *which_key,
                                 fc_error_t *err);

/** Anti-rollback check (draft-37 8.4.2).
 * @param m a decoded manifest
 * @param installed sequence number of what is installed now
 * @param[out] err on failure (may be NULL)
 * @return FC_OK if m->sequence_number > installed, else FC_ERR_ROLLBACK */
fc_status_t fc_suit_check_sequence(const fc_suit_manifest_t *m, uint64_t installed,
                                   fc_error_t *err);

/** A container version for anti-rollback: (epoch, sequence number), ordered
 * lexicographically. The epoch (femto parameter key 5, 0 when absent, so
 * envelopes without it keep their meaning) lets a slot's owner go on after
 * sequence 2^64-1: the next version is (epoch + 1, any sequence). */
typedef struct fc_suit_version {
    uint64_t epoch; /**< femto parameter key 5, 0 when absent */
    uint64_t seq;   /**< the manifest's sequence number */
} fc_suit_version_t;

/** Anti-rollback over (epoch, sequence) (docs/suit-profile.md, "Epochs").
 * next must be newer than last (or equal to it, with allow_equal: a removal
 * may carry the number of the version it removes), and its epoch at most
 * last.epoch + 1: each accepted envelope moves the epoch by one at most, so
 * no signed value exhausts the space (2^64 accepted envelopes would be
 * needed) and no older envelope is ever newer than what was accepted.
 * @param next the version of the arriving manifest
 * @param last the last version accepted (0, 0 when none)
 * @param allow_equal non-zero: next == last is accepted too
 * @param[out] err on failure (may be NULL)
 * @return FC_OK or FC_ERR_ROLLBACK (reason: not newer, or the epoch jumps) */
fc_status_t fc_suit_check_version(fc_suit_version_t next, fc_suit_version_t last, int allow_equal,
                                  fc_error_t *err);

/* ---- command sequences ------------------------------------------------- */

/** What one step of a command sequence is, as given to a walker. */
enum fc_suit_step_kind {
    FC_SUIT_STEP_COMMAND,   /**< a condition, directive or custom command */
    FC_SUIT_STEP_PARAMETER, /**< one parameter of an override-parameters */
    FC_SUIT_STEP_CONTROL    /**< set-component-index, override-parameters, try-each,
                               run-sequence: reported before the walker applies it */
};

/** One step of a command sequence, as fc_suit_walk() hands it to a visitor.
 *  arg and raw point into the envelope (valid while the manifest is). */
typedef struct fc_suit_step {
    uint8_t kind;        /**< enum fc_suit_step_kind */
    uint8_t sequence;    /**< manifest key of the sequence: 4 (shared), 7, 8, 9, 16, 20 */
    uint32_t components; /**< bit i: applies to component i */
    int64_t id;          /**< command id, or parameter key */
    fc_cbor_item_t arg;  /**< head of the argument (command) or value (parameter) */
    fc_suit_bytes_t raw; /**< the whole encoded argument / value (empty for CONTROL) */
} fc_suit_step_t;

/** Called for every command and every parameter an override-parameters sets
 * (set-component-index, try-each, run-sequence and override-parameters are
 * interpreted by the walker). A non-FC_OK return stops the walk (inside a
 * try-each, FC_ERR_CONDITION moves on to the next alternative).
 * ctx is the pointer given to fc_suit_walk(); step is valid during the call. */
typedef fc_status_t (*fc_suit_visit_fn)(void *ctx, const fc_suit_step_t *step, fc_error_t *err);

/** Walk one sequence (a manifest member key: 4 = shared, 7, 8, 9, 16, 20).
 * all_branches: visit every try-each alternative (survey), instead of
 * stopping at the first that succeeds.
 * @param m a decoded manifest
 * @param sequence manifest key of the sequence: 4 (shared), 7, 8, 9, 16, 20
 * @param all_branches non-zero: visit every try-each alternative
 * @param visit called for each step
 * @param ctx passed to visit
 * @param[out] err on failure (may be NULL)
 * @return FC_OK (also when the sequence is absent), FC_ERR_INVALID_ARG (not a
 *         sequence key), a decoding error, or the first non-FC_OK of visit */
fc_status_t fc_suit_walk(const fc_suit_manifest_t *m, int sequence, int all_branches,
                         fc_suit_visit_fn visit, void *ctx, fc_error_t *err);

/** The device as SUIT conditions see it. */
typedef struct fc_suit_device {
    uint8_t vendor_id[16];    /**< vendor UUID (FC_SUIT_FEMTO_VENDOR_ID by default) */
    uint8_t class_id[16];     /**< class UUID (FC_SUIT_FEMTOD_CLASS_ID for femtod) */
    const uint8_t *device_id; /**< 16 bytes, or NULL if the device has none */
} fc_suit_device_t;

/** Which parameters are set for one component (fc_suit_params_t.has). */
enum fc_suit_param_bit {
    FC_SUIT_HAS_VENDOR = 1u << 0,     /**< vendor_id */
    FC_SUIT_HAS_CLASS = 1u << 1,      /**< class_id */
    FC_SUIT_HAS_DIGEST = 1u << 2,     /**< image_digest */
    FC_SUIT_HAS_SLOT = 1u << 3,       /**< component_slot */
    FC_SUIT_HAS_SIZE = 1u << 4,       /**< image_size */
    FC_SUIT_HAS_URI = 1u << 5,        /**< uri */
    FC_SUIT_HAS_SOURCE = 1u << 6,     /**< source_component */
    FC_SUIT_HAS_DEVICE = 1u << 7,     /**< device_id */
    FC_SUIT_HAS_FEMTO = 1u << 8,      /**< femto */
    FC_SUIT_HAS_INVOKE_ARGS = 1u << 9 /**< invoke_args */
};

/** The femto install parameter, decoded (docs/suit-profile.md). */
typedef struct fc_suit_femto {
    size_t n_hooks;                          /**< entries in hook */
    fc_suit_bytes_t hook[FC_SUIT_MAX_HOOKS]; /**< hook names (text, not NUL-terminated) */
    int64_t priority;                        /**< 0 if absent */
    uint64_t budget;                         /**< 0 if absent: the tenant's default */
    fc_suit_bytes_t entry;                   /**< empty if absent */
    uint64_t epoch;                          /**< 0 if absent: see fc_suit_version_t */
} fc_suit_femto_t;

/** Parameters in effect for one component (draft-37 8.4.8); a member is
 *  meaningful only when its bit is set in has. */
typedef struct fc_suit_params {
    uint32_t has;                  /**< enum fc_suit_param_bit */
    fc_suit_bytes_t vendor_id;     /**< 16-byte UUID, or the raw cbor-pen item */
    fc_suit_bytes_t class_id;      /**< 16-byte UUID */
    fc_suit_bytes_t device_id;     /**< 16-byte UUID */
    fc_suit_digest_t image_digest; /**< digest of the payload */
    uint64_t image_size;           /**< bytes of the payload */
    uint64_t component_slot;       /**< slot of the component */
    uint64_t source_component;     /**< component index copy reads from */
    fc_suit_bytes_t uri;           /**< where fetch gets the payload ("#key": integrated) */
    fc_suit_bytes_t invoke_args;   /**< arguments of invoke */
    fc_suit_femto_t femto;         /**< our install parameter */
} fc_suit_params_t;

/** What evaluation did for a component (fc_suit_component_result_t.actions). */
enum fc_suit_action_bit {
    FC_SUIT_DID_FETCH = 1u << 0,     /**< fetch directive ran */
    FC_SUIT_DID_COPY = 1u << 1,      /**< copy directive ran */
    FC_SUIT_DID_WRITE = 1u << 2,     /**< write directive ran */
    FC_SUIT_DID_INVOKE = 1u << 3,    /**< invoke directive ran */
    FC_SUIT_IMAGE_MATCHED = 1u << 4, /**< image-match checked on an integrated payload */
    FC_SUIT_IMAGE_PENDING = 1u << 5  /**< image-match needs the fetched payload:
                                        call fc_suit_check_payload */
};

/** The outcome of evaluation for one component. */
typedef struct fc_suit_component_result {
    fc_suit_params_t params;          /**< parameters in effect at the end */
    uint32_t actions;                 /**< enum fc_suit_action_bit */
    const fc_suit_payload_t *payload; /**< integrated payload fetched, or NULL */
    int has_femto_slot;               /**< component id is [ 'femto', 'decimal slot' ] */
    uint32_t femto_slot;              /**< that slot number, when has_femto_slot */
} fc_suit_component_result_t;

/** The outcome of fc_suit_evaluate(), per component of the manifest. */
typedef struct fc_suit_result {
    size_t n_components;                                          /**< as in the manifest */
    fc_suit_component_result_t component[FC_SUIT_MAX_COMPONENTS]; /**< one per component */
} fc_suit_result_t;

/** Which sequences fc_suit_evaluate runs, after the shared sequence. */
enum fc_suit_run {
    FC_SUIT_RUN_INSTALL = 1, /**< payload-fetch, install, validate */
    FC_SUIT_RUN_BOOT = 2     /**< validate, load, invoke */
};

/** Run the shared sequence then the sequences of `run` against `device`:
 * parameters are applied, vendor/class/device conditions checked,
 * fetch of "#key" resolves an integrated payload, image-match is checked on
 * an integrated payload or marked pending for a fetched one. Call it only
 * on an authenticated manifest.
 * @param m an authenticated manifest
 * @param port supplies sha256 for image-match (borrowed)
 * @param device the device's identity (borrowed)
 * @param run FC_SUIT_RUN_INSTALL or FC_SUIT_RUN_BOOT
 * @param[out] out per-component parameters and actions (zeroed first; its
 *             pointers point into the manifest's envelope)
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, FC_ERR_INVALID_ARG, FC_ERR_CONDITION (which condition, where),
 *         FC_ERR_SUIT_FORMAT, FC_ERR_SUIT_UNSUPPORTED, FC_ERR_DIGEST, FC_ERR_SIZE */
fc_status_t fc_suit_evaluate(const fc_suit_manifest_t *m, const fc_port_t *port,
                             const fc_suit_device_t *device, int run, fc_suit_result_t *out,
                             fc_error_t *err);

/** The one container-slot component (['femto', 'slot']) of an evaluated
 * manifest (our profile installs one container per envelope).
 * @param r the result of fc_suit_evaluate()
 * @param[out] index its component index
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, or FC_ERR_SUIT_UNSUPPORTED if there is none or more than one */
fc_status_t fc_suit_femto_component(const fc_suit_result_t *r, size_t *index, fc_error_t *err);

/** Check a payload against image-digest (SHA-256) and image-size.
 * @param p the component's parameters
 * @param port supplies sha256 (borrowed)
 * @param data the payload (may be NULL when len is 0)
 * @param len bytes in data
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, FC_ERR_INVALID_ARG, FC_ERR_SIZE, FC_ERR_DIGEST,
 *         FC_ERR_SUIT_FORMAT (parameter missing), FC_ERR_SUIT_UNSUPPORTED
 *         (digest algorithm) */
fc_status_t fc_suit_check_payload(const fc_suit_params_t *p, const fc_port_t *port,
                                  const uint8_t *data, size_t len, fc_error_t *err);

/** Decode an encoded SUIT_Digest [alg, bytes] (draft-37 8.3).
 * @param cbor the encoded digest (borrowed: d->bytes points into it)
 * @param base its byte offset in the envelope, for errors
 * @param[out] d the algorithm and bytes
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, FC_ERR_CBOR, FC_ERR_CBOR_LIMIT or FC_ERR_SUIT_FORMAT */
fc_status_t fc_suit_decode_digest(const fc_suit_bytes_t *cbor, size_t base, fc_suit_digest_t *d,
                                  fc_error_t *err);

/** Decode the femto install parameter (docs/suit-profile.md).
 * @param cbor the parameter's bstr content (borrowed: f points into it)
 * @param base its byte offset in the envelope, for errors
 * @param[out] f hooks, priority, budget, entry (zeroed first)
 * @param[out] err on failure (may be NULL)
 * @return FC_OK, FC_ERR_CBOR, FC_ERR_CBOR_LIMIT, FC_ERR_SUIT_FORMAT (duplicate
 *         key, wrong type) or FC_ERR_SUIT_UNSUPPORTED (unknown key, too many hooks) */
fc_status_t fc_suit_decode_femto(const fc_suit_bytes_t *cbor, size_t base, fc_suit_femto_t *f,
                                 fc_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
