/* A small blocking CoAP client over libcoap for the femto deployment verbs
 * (deploy, ls, status, rm, call, fleet). Block-wise transfer (RFC 7959) is
 * done by libcoap in both directions. */
#ifndef FEMTO_TOOLS_COAP_CLIENT_H
#define FEMTO_TOOLS_COAP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct fc_coap_client fc_coap_client_t;

typedef struct fc_coap_reply {
    int code;      /* class * 100 + detail, e.g. 204; 0: no response */
    int format;    /* content format, -1: none */
    uint8_t *data; /* malloc'd, NUL-terminated (len excludes the NUL) */
    size_t len;
    int max_age;     /* Max-Age option in seconds, -1: absent */
    char error[256]; /* transport error when code is 0 */
} fc_coap_reply_t;

enum { FC_COAP_METHOD_GET = 1, FC_COAP_METHOD_POST = 2, FC_COAP_METHOD_DELETE = 4 };

/* Open a session to the host and port of uri ("coap://[::1]:5683[/path]").
 * *path receives the path part of uri ("" if none). NULL with msg on error. */
fc_coap_client_t *fc_coap_open(const char *uri, char *path, size_t path_cap, char *msg,
                               size_t msg_cap);

/* One request on the open session; path is "a/b/c" (no leading '/').
 * accept / content_format: -1 for none. timeout_ms bounds the whole
 * exchange. Returns 0 when a response arrived (see reply->code), -1 on a
 * transport failure (reply->error). Free reply->data with fc_coap_reply_free. */
int fc_coap_request(fc_coap_client_t *c, int method, const char *path, int accept,
                    int content_format, const uint8_t *body, size_t len, int timeout_ms,
                    fc_coap_reply_t *reply);

void fc_coap_reply_free(fc_coap_reply_t *reply);
void fc_coap_close(fc_coap_client_t *c);

/* "2.04" style text of a code. */
const char *fc_coap_code_text(int code, char buf[8]);

/* POST body to uri's path (default "suit") in 1024-byte Block1 requests
 * (RFC 7959), calling progress(user, bytes_sent, total) after each block. */
typedef void (*fc_coap_progress_fn)(void *user, size_t sent, size_t total);
int fc_coap_upload(const char *uri, const uint8_t *body, size_t len, int timeout_ms,
                   fc_coap_progress_fn progress, void *user, fc_coap_reply_t *reply);

/* fc_coap_upload without progress. POST env to uri's path (default "suit"): open, request, close. 0
 * when the device answered (reply->code says how), -1 on transport failure. */
int fc_coap_deploy(const char *uri, const uint8_t *env, size_t len, int timeout_ms,
                   fc_coap_reply_t *reply);
#endif
