/* Femto-Containers standard hooks: ids and context layouts.
 *
 * One definition shared by container code (sdk/femto.h includes it) and by
 * the engine (src/engine declares these hooks for the host port), so both
 * sides agree byte for byte. Layouts use fixed-width fields with explicit
 * padding: they are identical for eBPF, x86-64, Cortex-M and RV32.
 *
 * A hook's context is passed to the container in r1 (address) and r2
 * (length) and granted read-only or read-write as listed below. */
#ifndef FEMTO_HOOKS_H
#define FEMTO_HOOKS_H

#include <stdint.h>

/* Hook ids (0..31: a tenant's allowed-hooks mask has one bit per id). */
#define FC_HOOK_TIMER 1 /* periodic tick; ctx fc_hook_timer_ctx_t, read-only, continue */
#define FC_HOOK_BOOT 2  /* once at start; ctx fc_hook_boot_ctx_t, read-only, continue */
#define FC_HOOK_SENSOR                                                                             \
    3 /* one sensor sample; ctx fc_hook_sensor_ctx_t, READ-WRITE                                   \
         (a filter may replace .value for the next one), continue */
#define FC_HOOK_COAP                                                                               \
    4 /* CoAP request; ctx fc_hook_coap_ctx_t, read-only, first only;                              \
         answer with fc_coap_respond() */
#define FC_HOOK_PACKET                                                                             \
    5 /* network packet filter; ctx = the raw packet bytes (any length                             \
         up to FC_PACKET_MAX), read-only, stop on non-zero                                         \
         (return 0: accept, non-zero: drop) */

typedef struct fc_hook_timer_ctx {
    uint64_t now_us;    /* monotonic time of this tick */
    uint32_t tick;      /* ticks since boot, from 0 */
    uint32_t period_ms; /* timer period */
} fc_hook_timer_ctx_t;

typedef struct fc_hook_boot_ctx {
    uint32_t boot_count; /* how many times the engine has started (0 if unknown) */
    uint32_t reason;     /* port-defined reset reason, 0: power on */
} fc_hook_boot_ctx_t;

typedef struct fc_hook_sensor_ctx {
    uint64_t timestamp_us; /* when the sample was taken */
    uint32_t sensor;       /* sensor index (as for fc_sensor_read) */
    int32_t value;         /* sample, port-defined fixed-point unit; writable */
} fc_hook_sensor_ctx_t;

#define FC_COAP_PATH_MAX 64
#define FC_COAP_PAYLOAD_MAX 128

/* CoAP methods and response codes (RFC 7252: class << 5 | detail). */
#define FC_COAP_GET 1
#define FC_COAP_POST 2
#define FC_COAP_PUT 3
#define FC_COAP_DELETE 4
#define FC_COAP_CODE(cls, detail) (((cls) << 5) | (detail))
#define FC_COAP_CONTENT FC_COAP_CODE(2, 5)     /* 2.05 */
#define FC_COAP_CHANGED FC_COAP_CODE(2, 4)     /* 2.04 */
#define FC_COAP_BAD_REQUEST FC_COAP_CODE(4, 0) /* 4.00 */
#define FC_COAP_NOT_FOUND FC_COAP_CODE(4, 4)   /* 4.04 */
#define FC_COAP_FORMAT_TEXT 0                  /* text/plain;charset=utf-8 */
#define FC_COAP_FORMAT_CBOR 60                 /* application/cbor */
#define FC_COAP_FORMAT_JSON 50                 /* application/json */

typedef struct fc_hook_coap_ctx {
    /* request, filled by the firmware */
    uint8_t method; /* FC_COAP_GET ... */
    uint8_t reserved0;
    uint16_t content_format; /* of the request payload, 0xffff: none */
    uint16_t path_len;       /* bytes used in path (no NUL needed) */
    uint16_t payload_len;    /* bytes used in payload */
    /* The request's Uri-Path options joined by '/', WITHOUT a leading '/'
     * and without the query: GET coap://dev/app/sensor/temp?unit=c gives
     * "app/sensor/temp" (femtod routes /app/NAME[/...] to container NAME;
     * `femto run --coap 'GET /app/sensor/temp'` builds the same). */
    char path[FC_COAP_PATH_MAX];
    uint8_t payload[FC_COAP_PAYLOAD_MAX];
    /* response, written only by fc_coap_respond() (the context is read-only) */
    uint8_t resp_code; /* FC_COAP_CONTENT ...; 0: no response yet */
    uint8_t reserved1;
    uint16_t resp_format; /* content format of resp_payload */
    uint16_t resp_len;    /* bytes used in resp_payload */
    uint16_t reserved2;
    uint8_t resp_payload[FC_COAP_PAYLOAD_MAX];
} fc_hook_coap_ctx_t;

/* ---- shared ABI constants ---- */
/* Negative results of helpers: -(status code), see include/femto/status.h. */
#define FC_E_NOT_FOUND (-83)   /* kv key absent, sensor missing */
#define FC_E_PERMISSION (-84)  /* not allowed in this hook / for this tenant */
#define FC_E_KV_FULL (-87)     /* key-value store or tenant quota full */
#define FC_E_KV_KEY (-88)      /* key or value size out of bounds */
#define FC_E_STORAGE (-89)     /* persistent write failed; nothing changed */
#define FC_E_INVALID_ARG (-90) /* an argument out of range */
#define FC_E_BUFFER (-91)      /* value larger than the buffer given */

/* Key-value bounds (the engine refuses larger keys and values). */
#define FC_KV_KEY_MAX 16
#define FC_KV_VALUE_MAX 32

#define FC_PACKET_MAX 1280 /* largest packet the packet hook passes (IPv6 minimum MTU) */

/* Sizes are part of the contract between containers and firmware. */
_Static_assert(sizeof(fc_hook_timer_ctx_t) == 16, "timer ctx layout");
_Static_assert(sizeof(fc_hook_boot_ctx_t) == 8, "boot ctx layout");
_Static_assert(sizeof(fc_hook_sensor_ctx_t) == 16, "sensor ctx layout");
_Static_assert(sizeof(fc_hook_coap_ctx_t) == 8 + FC_COAP_PATH_MAX + 2 * FC_COAP_PAYLOAD_MAX + 8,
               "coap ctx layout");

#endif
