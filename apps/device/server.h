/* femtod's CoAP resources without sockets: a request (method, Uri-Path,
 * the options femtod reads, payload, who sent it) goes in, a response
 * (code, options, payload) comes out. main.c converts libcoap PDUs to and
 * from these structs (coap_pdu.c); fuzz/fuzz_coap.c drives the same
 * functions with arbitrary requests.
 *
 * Block-wise transfer (RFC 7959) is done here, not by libcoap, so that a
 * request body larger than its limit is refused at the FIRST block that
 * shows it (Size1, or Block1 number * size), before anything is buffered,
 * and so that concurrent uploads are bounded (FD_MAX_UPLOADS). */
#ifndef FEMTOD_SERVER_H
#define FEMTOD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"

#define FD_CODE(cls, detail) ((uint8_t)((cls) << 5 | (detail)))
#define FD_METHOD_GET 1
#define FD_METHOD_POST 2
#define FD_METHOD_PUT 3
#define FD_METHOD_DELETE 4

#define FD_PATH_MAX 255  /* longest Uri-Path (segments joined by '/') */
#define FD_PEER_MAX 80   /* "[address]:port" of the sender */
#define FD_MAX_UPLOADS 8 /* Block1 uploads in progress at once */
#define FD_MAX_UPLOADS_PER_PEER                                                                    \
    2                           /* of them from one peer address (any port): a few peers           \
                                 * cannot hold every upload slot */
#define FD_UPLOAD_IDLE_MS 30000 /* an upload with no block for this long is dropped */
#define FD_BLOCK_SZX_MAX 6      /* 1024-byte blocks at most (SZX 7 is BERT, CoAP over TCP) */
#define FD_RECENT 8             /* answers kept for duplicate messages (RFC 7252 4.5) */
#define FD_RECENT_MS 60000      /* ... for this long */

typedef struct fd_block {
    int present;
    uint32_t num; /* block number (20 bits) */
    int more;     /* M bit */
    uint8_t szx;  /* size exponent: 16 << szx bytes */
} fd_block_t;

typedef struct fd_request {
    uint8_t method; /* FD_METHOD_* (the CoAP code 0.0x) */
    char path[FD_PATH_MAX + 1];
    size_t path_len;   /* bytes of path used (path may hold NUL bytes from the wire) */
    int path_too_long; /* the Uri-Path did not fit in path */
    char peer[FD_PEER_MAX + 1];
    int accept;         /* -1: absent */
    int content_format; /* -1: absent */
    fd_block_t block1, block2;
    int has_size1;
    uint64_t size1;
    const char *bad_option; /* non-NULL: a malformed or unknown critical option (4.02) */
    const uint8_t *payload;
    size_t payload_len;
    uint64_t now_ms; /* monotonic clock, for upload timeouts */
    int has_mid;     /* mid is the Message ID: a repeat from the same peer gets the same answer */
    uint16_t mid;
} fd_request_t;

typedef struct fd_response {
    uint8_t code;       /* FD_CODE(class, detail) */
    int content_format; /* -1: none */
    fd_block_t block1, block2;
    int has_size1, has_size2, has_max_age;
    uint32_t size1, size2, max_age;
    uint8_t *body; /* malloc'd whole representation (NULL if none) */
    size_t body_len;
    const uint8_t *payload; /* what goes into this message: a slice of body */
    size_t payload_len;
} fd_response_t;

typedef struct fd_upload {
    int active;
    char peer[FD_PEER_MAX + 1];
    char path[FD_PATH_MAX + 1];
    size_t path_len;
    uint8_t *buf;
    size_t len, cap, limit;
    uint32_t next_num;
    uint8_t szx;
    uint64_t last_ms;
    int has_size1;  /* block 0 announced the total (Size1): every later */
    uint64_t size1; /* block and the end are checked against it */
} fd_upload_t;

/* An answer already sent, for a retransmission of the same message (a
 * client that gave up waiting while an install fetched its image must not
 * make the device run the install again). */
typedef struct fd_recent {
    int used;
    char peer[FD_PEER_MAX + 1];
    uint16_t mid;
    uint64_t at_ms;
    fd_response_t resp; /* body = the payload that was sent */
} fd_recent_t;

typedef struct fd_server {
    fd_device_t *dev;
    fd_upload_t uploads[FD_MAX_UPLOADS];
    fd_recent_t recent[FD_RECENT];
    size_t recent_next;
    uint64_t requests, duplicates, upload_busy, upload_too_large, upload_incomplete;
} fd_server_t;

void fd_server_init(fd_server_t *s, fd_device_t *dev);
/* Drop every upload in progress (frees their buffers). */
void fd_server_close(fd_server_t *s);

/* Answer one request. resp is filled; release it with fd_response_free. */
void fd_server_handle(fd_server_t *s, const fd_request_t *req, fd_response_t *resp);
void fd_response_free(fd_response_t *resp);

/* Number of uploads in progress and bytes they hold (for tests and the fuzzer). */
size_t fd_server_uploads(const fd_server_t *s, size_t *bytes);

/* Body limit of a resource (0: it takes no body). */
size_t fd_server_body_limit(const fd_server_t *s, uint8_t method, const char *path, size_t len);

#endif
