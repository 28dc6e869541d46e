/* femtod's CoAP resources, socket-free (server.h): routing, Block1
 * reassembly with early size refusal, Block2 slicing, and the resources
 *   GET    /.well-known/core the resources (RFC 6690 link format)
 *   POST   /suit             install or update from a signed SUIT envelope
 *   GET    /c                container list (CBOR, JSON or text)
 *   GET    /c/NAME           one container's status
 *   DELETE /c/NAME           removal (body: a signed removal envelope)
 *   *      /app/NAME[/...]   the CoAP hook of container NAME */
#include "server.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void fd_server_init(fd_server_t *s, fd_device_t *dev)
{
    memset(s, 0, sizeof *s);
    s->dev = dev;
}

static void drop_upload(fd_upload_t *u)
{
    free(u->buf);
    memset(u, 0, sizeof *u);
}

void fd_server_close(fd_server_t *s)
{
    for (size_t i = 0; i < FD_MAX_UPLOADS; i++)
        drop_upload(&s->uploads[i]);
    for (size_t i = 0; i < FD_RECENT; i++) {
        free(s->recent[i].resp.body);
        memset(&s->recent[i], 0, sizeof s->recent[i]);
    }
}

size_t fd_server_uploads(const fd_server_t *s, size_t *bytes)
{
    size_t n = 0, b = 0;
    for (size_t i = 0; i < FD_MAX_UPLOADS; i++)
        if (s->uploads[i].active) {
            n++;
            b += s->uploads[i].cap;
        }
    if (bytes)
        *bytes = b;
    return n;
}

void fd_response_free(fd_response_t *resp)
{
    free(resp->body);
    memset(resp, 0, sizeof *resp);
}

/* ---- responses ------------------------------------------------------------------------ */

static void set_body(fd_response_t *r, uint8_t code, int format, const void *data, size_t len)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
    r->code = code;
    r->content_format = format;
    if (len) {
        r->body = malloc(len);
        if (!r->body) {
            r->code = FD_CODE(5, 0);
            r->content_format = -1;
            return;
        }
        memcpy(r->body, data, len);
        r->body_len = len;
    }
}

static void text(fd_response_t *r, uint8_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void text(fd_response_t *r, uint8_t code, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    set_body(r, code, 0 /* text/plain */, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* CoAP response code for a refusal (docs/deployment.md lists them). */
static uint8_t code_for(int status)
{
    switch (status) {
    case FC_OK:
        return FD_CODE(2, 4);
    case FC_ERR_SIGNATURE:
        return FD_CODE(4, 1);
    case FC_ERR_PERMISSION:
        return FD_CODE(4, 3);
    case FC_ERR_ROLLBACK:
    case FC_ERR_CONDITION:
        return FD_CODE(4, 12);
    case FC_ERR_SIZE:
    case FC_ERR_QUOTA:
    case FC_ERR_NO_RAM:
    case FC_ERR_NO_SLOT:
        return FD_CODE(4, 13);
    case FC_ERR_NOT_FOUND:
        return FD_CODE(4, 4);
    case FC_ERR_EXISTS:
        return FD_CODE(4, 9);
    case FC_ERR_STORAGE:
        return FD_CODE(5, 0);
    case FC_ERR_SUIT_UNSUPPORTED:
        return FD_CODE(5, 1);
    default:
        /* verifier and image codes: the image itself is refused */
        if (status < 100 && status != FC_ERR_INVALID_ARG && status != FC_ERR_STATE)
            return FD_CODE(4, 22);
        return FD_CODE(4, 0);
    }
}

/* ---- resources ------------------------------------------------------------------------- */

static void report(fd_server_t *s, const fd_request_t *req, fd_response_t *resp, int slot)
{
    int fmt = req->accept < 0 ? FD_FMT_CBOR : req->accept;
    if (fmt != FD_FMT_CBOR && fmt != FD_FMT_JSON && fmt != FD_FMT_TEXT) {
        text(resp, FD_CODE(4, 6), "Accept: 60 (CBOR, default), 50 (JSON) or 0 (text)");
        return;
    }
    size_t len = 0;
    uint8_t *doc = fd_report(s->dev, slot, fmt, &len);
    if (!doc) {
        text(resp, FD_CODE(5, 0), "out of memory");
        return;
    }
    free(resp->body);
    resp->body = doc;
    resp->body_len = len;
    resp->code = FD_CODE(2, 5);
    resp->content_format = fmt;
}

static void post_suit(fd_server_t *s, const uint8_t *body, size_t len, fd_response_t *resp)
{
    fd_verdict_t v;
    if (len == 0) {
        text(resp, FD_CODE(4, 0), "refused: empty body (POST the SUIT envelope)");
        return;
    }
    fd_device_install(s->dev, body, len, &v);
    text(resp, v.fetch_failed ? FD_CODE(5, 2) : code_for(v.status), "%s", v.text);
}

static void app_request(fd_server_t *s, const fd_request_t *req, const char *name,
                        const uint8_t *body, size_t len, fd_response_t *resp)
{
    int slot = fd_device_find(s->dev, name);
    if (slot < 0) {
        text(resp, FD_CODE(4, 4), "no such container");
        return;
    }
    if (req->path_len > FC_COAP_PATH_MAX) {
        text(resp, FD_CODE(4, 14), "path longer than %d bytes", FC_COAP_PATH_MAX);
        return;
    }
    if (len > FC_COAP_PAYLOAD_MAX) { /* also refused earlier, by the body limit */
        text(resp, FD_CODE(4, 13), "payload longer than %d bytes (FC_COAP_PAYLOAD_MAX)",
             FC_COAP_PAYLOAD_MAX);
        return;
    }
    fc_hook_coap_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.method = req->method;
    ctx.content_format = req->content_format < 0 ? 0xffff : (uint16_t)req->content_format;
    memcpy(ctx.path, req->path, req->path_len);
    ctx.path_len = (uint16_t)req->path_len;
    if (len)
        memcpy(ctx.payload, body, len);
    ctx.payload_len = (uint16_t)len;
    int st = fd_device_coap_call(s->dev, slot, &ctx);
    if (st == FC_ERR_NOT_FOUND) {
        text(resp, FD_CODE(4, 4), "container is stopped or not attached to the coap hook");
    } else if (st != FC_OK) {
        const fc_error_t *f = &s->dev->slots[slot].c->stats.last_fault;
        text(resp, FD_CODE(5, 0), "container faulted: %s (%d): %s", fc_status_name(st), st,
             f->reason ? f->reason : fc_status_text(st));
    } else if (ctx.resp_code == 0) {
        text(resp, FD_CODE(5, 0), "container gave no response (fc_coap_respond)");
    } else if ((ctx.resp_code >> 5) < 2 || (ctx.resp_code >> 5) > 5) {
        text(resp, FD_CODE(5, 0), "container answered with code %u.%02u, not a response code",
             (unsigned)(ctx.resp_code >> 5), (unsigned)(ctx.resp_code & 31));
    } else {
        size_t n = ctx.resp_len <= FC_COAP_PAYLOAD_MAX ? ctx.resp_len : FC_COAP_PAYLOAD_MAX;
        set_body(resp, ctx.resp_code, ctx.resp_format, ctx.resp_payload, n);
    }
}

static void delete_container(fd_server_t *s, const char *name, const uint8_t *body, size_t len,
                             fd_response_t *resp)
{
    if (len == 0) {
        text(resp, FD_CODE(4, 1),
             "refused: DELETE needs a signed removal envelope in the body (femto rm -k KEY)");
        return;
    }
    fd_verdict_t v;
    fd_device_remove(s->dev, name, body, len, &v);
    text(resp, v.status == FC_OK ? FD_CODE(2, 2) : code_for(v.status), "%s", v.text);
}

/* ---- routing --------------------------------------------------------------------------- */

enum { ROUTE_NONE, ROUTE_CORE, ROUTE_SUIT, ROUTE_LIST, ROUTE_CONTAINER, ROUTE_APP };

/* What GET /.well-known/core answers, on femtod and on the board alike. */
static const char core_links[] = "</suit>;title=\"SUIT push\",</c>;ct=60;title=\"containers\"";

/* Which resource path names; name receives NAME of c/NAME and app/NAME[/...]. */
static int route(const char *path, size_t len, char *name, size_t cap)
{
    if (memchr(path, '\0', len))
        return ROUTE_NONE;
    if (len == 4 && !memcmp(path, "suit", 4))
        return ROUTE_SUIT;
    if (len == 16 && !memcmp(path, ".well-known/core", 16))
        return ROUTE_CORE;
    if (len == 1 && path[0] == 'c')
        return ROUTE_LIST;
    int kind = ROUTE_NONE;
    size_t skip = 0;
    if (len > 2 && !memcmp(path, "c/", 2)) {
        kind = ROUTE_CONTAINER;
        skip = 2;
    } else if (len > 4 && !memcmp(path, "app/", 4)) {
        kind = ROUTE_APP;
        skip = 4;
    } else {
        return ROUTE_NONE;
    }
    const char *rest = path + skip;
    size_t rest_len = len - skip, k = 0;
    while (k < rest_len && rest[k] != '/')
        k++;
    if (k == 0 || k >= cap || (kind == ROUTE_CONTAINER && k != rest_len))
        return ROUTE_NONE;
    memcpy(name, rest, k);
    name[k] = '\0';
    return kind;
}

size_t fd_server_body_limit(const fd_server_t *s, uint8_t method, const char *path, size_t len)
{
    char name[FC_IMAGE_NAME_MAX + 1];
    switch (route(path, len, name, sizeof name)) {
    case ROUTE_SUIT:
        return method == FD_METHOD_POST ? s->dev->cfg->max_envelope : 0;
    case ROUTE_CONTAINER:
        return method == FD_METHOD_DELETE ? s->dev->cfg->max_envelope : 0;
    case ROUTE_APP:
        return FC_COAP_PAYLOAD_MAX;
    default:
        return 0;
    }
}

static void dispatch(fd_server_t *s, const fd_request_t *req, const uint8_t *body, size_t len,
                     fd_response_t *resp)
{
    char name[FC_IMAGE_NAME_MAX + 1];
    int kind = route(req->path, req->path_len, name, sizeof name);
    uint8_t m = req->method;
    switch (kind) {
    case ROUTE_CORE:
        if (m != FD_METHOD_GET)
            text(resp, FD_CODE(4, 5), "GET /.well-known/core");
        else
            set_body(resp, FD_CODE(2, 5), 40 /* application/link-format */, core_links,
                     sizeof core_links - 1);
        return;
    case ROUTE_SUIT:
        if (m != FD_METHOD_POST)
            text(resp, FD_CODE(4, 5), "POST the SUIT envelope to /suit");
        else
            post_suit(s, body, len, resp);
        return;
    case ROUTE_LIST:
        if (m != FD_METHOD_GET)
            text(resp, FD_CODE(4, 5), "GET /c");
        else
            report(s, req, resp, -1);
        return;
    case ROUTE_CONTAINER: {
        int slot = fd_device_find(s->dev, name);
        if (slot < 0)
            text(resp, FD_CODE(4, 4), "no such container");
        else if (m == FD_METHOD_GET)
            report(s, req, resp, slot);
        else if (m == FD_METHOD_DELETE)
            delete_container(s, name, body, len, resp);
        else
            text(resp, FD_CODE(4, 5), "GET or DELETE");
        return;
    }
    case ROUTE_APP:
        app_request(s, req, name, body, len, resp);
        return;
    default:
        text(resp, FD_CODE(4, 4), "no such resource (/suit, /c, /c/NAME, /app/NAME)");
    }
}

/* ---- Block1: uploads ----------------------------------------------------------------- */

/* Length of a peer's address without its port: "[::1]:5683" -> "[::1]",
 * "127.0.0.1:9" -> "127.0.0.1" (coap_print_addr's forms). */
static size_t host_len(const char *peer)
{
    const char *colon = strrchr(peer, ':');
    if (!colon || (peer[0] == '[' && colon[-1] != ']') ||
        (peer[0] != '[' && strchr(peer, ':') != colon))
        return strlen(peer);
    return (size_t)(colon - peer);
}

static int same_host(const char *a, const char *b)
{
    size_t n = host_len(a);
    return n == host_len(b) && !memcmp(a, b, n);
}

static fd_upload_t *find_upload(fd_server_t *s, const fd_request_t *req)
{
    for (size_t i = 0; i < FD_MAX_UPLOADS; i++) {
        fd_upload_t *u = &s->uploads[i];
        if (u->active && !strcmp(u->peer, req->peer) && u->path_len == req->path_len &&
            !memcmp(u->path, req->path, req->path_len))
            return u;
    }
    return NULL;
}

static void expire_uploads(fd_server_t *s, uint64_t now)
{
    for (size_t i = 0; i < FD_MAX_UPLOADS; i++) {
        fd_upload_t *u = &s->uploads[i];
        if (u->active && (now < u->last_ms || now - u->last_ms >= FD_UPLOAD_IDLE_MS))
            drop_upload(u);
    }
}

static void too_large(fd_server_t *s, const fd_request_t *req, fd_response_t *resp, size_t limit,
                      const char *what, uint64_t size)
{
    char name[FC_IMAGE_NAME_MAX + 1];
    s->upload_too_large++;
    text(resp, FD_CODE(4, 13), "refused: %s of %" PRIu64 " bytes exceeds %s (%zu bytes)", what,
         size,
         route(req->path, req->path_len, name, sizeof name) == ROUTE_APP ? "FC_COAP_PAYLOAD_MAX"
                                                                         : "max_envelope",
         limit);
    resp->has_size1 = 1;
    resp->size1 = (uint32_t)limit;
}

/* One Block1 request. Returns 1 with the body in *owned and *len when it is
 * complete (*owned: a buffer the caller frees), 0 when resp is the answer. */
static int take_block1(fd_server_t *s, const fd_request_t *req, size_t limit, fd_response_t *resp,
                       uint8_t **owned, size_t *len)
{
    const fd_block_t *b = &req->block1;
    fd_upload_t *u = find_upload(s, req);
    if (b->szx > FD_BLOCK_SZX_MAX) {
        text(resp, FD_CODE(4, 0), "Block1 SZX 7 (BERT) is for CoAP over TCP");
        return 0;
    }
    size_t size = (size_t)16 << b->szx;
    if ((b->more && req->payload_len != size) || req->payload_len > size) {
        text(resp, FD_CODE(4, 0), "Block1 %" PRIu32 " carries %zu bytes, its size is %zu%s", b->num,
             req->payload_len, size, b->more ? " (M=1 needs a full block)" : "");
        return 0;
    }
    uint64_t offset = (uint64_t)b->num * size;
    /* The limit is checked before anything is stored, at the first block
     * that shows it: Size1 (the announced total) or where this block ends. */
    if (req->has_size1 && req->size1 > limit) {
        if (u)
            drop_upload(u);
        too_large(s, req, resp, limit, "request body (Size1)", req->size1);
        return 0;
    }
    if (offset + req->payload_len > limit) {
        if (u)
            drop_upload(u);
        too_large(s, req, resp, limit, "request body (Block1 number * size)",
                  offset + req->payload_len);
        return 0;
    }
    if (b->num == 0) {
        if (u) {
            drop_upload(u); /* a restart from block 0 */
        } else {
            size_t mine = 0, active = 0;
            for (size_t i = 0; i < FD_MAX_UPLOADS; i++) {
                active += s->uploads[i].active;
                mine += s->uploads[i].active && same_host(s->uploads[i].peer, req->peer);
                if (!s->uploads[i].active && !u)
                    u = &s->uploads[i];
            }
            if (!u || mine >= FD_MAX_UPLOADS_PER_PEER) {
                s->upload_busy++;
                text(resp, FD_CODE(5, 3),
                     "busy: uploads from this peer %zu of %d, from all peers %zu of %d; retry "
                     "after Max-Age",
                     mine, FD_MAX_UPLOADS_PER_PEER, active, FD_MAX_UPLOADS);
                resp->has_max_age = 1;
                resp->max_age = 5;
                return 0;
            }
        }
        memset(u, 0, sizeof *u);
        u->active = 1;
        snprintf(u->peer, sizeof u->peer, "%s", req->peer);
        memcpy(u->path, req->path, req->path_len);
        u->path_len = req->path_len;
        u->limit = limit;
        u->szx = b->szx;
        u->has_size1 = req->has_size1;
        u->size1 = req->size1;
    } else if (!u) {
        s->upload_incomplete++;
        text(resp, FD_CODE(4, 8), "Block1 %" PRIu32 " without an upload in progress (start at 0)",
             b->num);
        return 0;
    } else if (offset + req->payload_len == u->len && b->more && offset < u->len) {
        /* a retransmission of the block just stored (its answer was lost) */
        u->last_ms = req->now_ms;
        resp->code = FD_CODE(2, 31);
        resp->block1 = *b;
        return 0;
    } else if (offset != u->len) {
        s->upload_incomplete++;
        size_t have = u->len;
        drop_upload(u);
        text(resp, FD_CODE(4, 8),
             "Block1 %" PRIu32 " starts at byte %" PRIu64 ", %zu bytes were received", b->num,
             offset, have);
        return 0;
    }
    /* The announced total holds for the whole upload, not only for a
     * single-block one: no block may go past it or announce another. */
    if (u->has_size1 &&
        (offset + req->payload_len > u->size1 || (req->has_size1 && req->size1 != u->size1))) {
        uint64_t announced = u->size1;
        drop_upload(u);
        if (req->has_size1 && req->size1 != announced)
            text(resp, FD_CODE(4, 0),
                 "Block1 %" PRIu32 " announces Size1 %" PRIu64 ", block 0 announced %" PRIu64,
                 b->num, req->size1, announced);
        else
            text(resp, FD_CODE(4, 0),
                 "Block1 %" PRIu32 " ends at byte %" PRIu64 ", past the %" PRIu64
                 " bytes announced (Size1)",
                 b->num, offset + req->payload_len, announced);
        return 0;
    }
    if (req->payload_len) {
        size_t need = u->len + req->payload_len; /* <= limit, checked above */
        if (need > u->cap) {
            size_t cap = req->has_size1 && req->size1 >= need ? (size_t)req->size1 : need;
            if (cap < u->cap * 2)
                cap = u->cap * 2 < u->limit ? u->cap * 2 : u->limit;
            if (cap < need)
                cap = need;
            uint8_t *nb = realloc(u->buf, cap);
            if (!nb) {
                drop_upload(u);
                text(resp, FD_CODE(5, 0), "out of memory for the upload");
                return 0;
            }
            u->buf = nb;
            u->cap = cap;
        }
        memcpy(u->buf + u->len, req->payload, req->payload_len);
        u->len = need;
    }
    u->last_ms = req->now_ms;
    u->next_num = b->num + 1;
    if (b->more) {
        resp->code = FD_CODE(2, 31);
        resp->block1 = *b;
        return 0;
    }
    if (u->has_size1 && u->size1 != u->len) {
        size_t got = u->len;
        uint64_t announced = u->size1;
        drop_upload(u);
        text(resp, FD_CODE(4, 0), "Size1 announced %" PRIu64 " bytes, %zu arrived", announced, got);
        return 0;
    }
    *owned = u->buf;
    *len = u->len;
    u->buf = NULL;
    drop_upload(u);
    return 1;
}

/* ---- Block2: the slice of the response this request asks for --------------------------- */

static void slice_block2(const fd_request_t *req, fd_response_t *resp)
{
    resp->payload = resp->body;
    resp->payload_len = resp->body_len;
    uint8_t szx = FD_BLOCK_SZX_MAX;
    if (req->block2.present && req->block2.szx < szx)
        szx = req->block2.szx;
    size_t size = (size_t)16 << szx;
    if (!req->block2.present && resp->body_len <= size)
        return;
    uint32_t num = req->block2.present ? req->block2.num : 0;
    if (req->block2.present && req->block2.szx > szx) /* larger blocks asked: same offset in ours */
        num <<= req->block2.szx - szx;
    uint64_t off = (uint64_t)num * size;
    if (off > resp->body_len || (off == resp->body_len && off != 0)) {
        size_t total = resp->body_len;
        text(resp, FD_CODE(4, 2), "Block2 %" PRIu32 " is past the end of the %zu-byte response",
             num, total);
        resp->payload = resp->body;
        resp->payload_len = resp->body_len;
        return;
    }
    size_t n = resp->body_len - (size_t)off < size ? resp->body_len - (size_t)off : size;
    resp->payload = resp->body + off;
    resp->payload_len = n;
    resp->block2 =
        (fd_block_t){.present = 1, .num = num, .more = off + n < resp->body_len, .szx = szx};
    if (num == 0) {
        resp->has_size2 = 1;
        resp->size2 = (uint32_t)resp->body_len;
    }
}

/* ---- duplicates (RFC 7252 4.5) --------------------------------------------------------- */

/* A copy of what was sent: the payload becomes the body. 0, or -1 (no memory). */
static int copy_sent(const fd_response_t *from, fd_response_t *to)
{
    *to = *from;
    to->body = NULL;
    to->body_len = 0;
    to->payload = NULL;
    to->payload_len = 0;
    if (from->payload_len) {
        to->body = malloc(from->payload_len);
        if (!to->body)
            return -1;
        memcpy(to->body, from->payload, from->payload_len);
        to->body_len = from->payload_len;
    }
    to->payload = to->body;
    to->payload_len = to->body_len;
    return 0;
}

static fd_recent_t *find_recent(fd_server_t *s, const fd_request_t *req)
{
    for (size_t i = 0; i < FD_RECENT; i++) {
        fd_recent_t *r = &s->recent[i];
        if (r->used && r->mid == req->mid && !strcmp(r->peer, req->peer)) {
            if (req->now_ms >= r->at_ms && req->now_ms - r->at_ms < FD_RECENT_MS)
                return r;
            free(r->resp.body);
            memset(r, 0, sizeof *r); /* too old: a new message that reuses the id */
        }
    }
    return NULL;
}

static void remember(fd_server_t *s, const fd_request_t *req, const fd_response_t *resp)
{
    fd_recent_t *r = &s->recent[s->recent_next];
    s->recent_next = (s->recent_next + 1) % FD_RECENT;
    free(r->resp.body);
    memset(r, 0, sizeof *r);
    if (copy_sent(resp, &r->resp) != 0) {
        memset(r, 0, sizeof *r);
        return;
    }
    r->used = 1;
    snprintf(r->peer, sizeof r->peer, "%s", req->peer);
    r->mid = req->mid;
    r->at_ms = req->now_ms;
}

void fd_server_handle(fd_server_t *s, const fd_request_t *req, fd_response_t *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->content_format = -1;
    s->requests++;
    fd_recent_t *seen = req->has_mid ? find_recent(s, req) : NULL;
    if (seen) {
        s->duplicates++;
        if (copy_sent(&seen->resp, resp) != 0)
            text(resp, FD_CODE(5, 0), "out of memory");
        return;
    }
    expire_uploads(s, req->now_ms);
    if (req->method < FD_METHOD_GET || req->method > FD_METHOD_DELETE) {
        /* FETCH, PATCH, iPATCH (RFC 8132) and others: 4.05 on a resource
         * that exists (as PUT on /c/NAME gets), 4.04 where there is none. */
        char name[FC_IMAGE_NAME_MAX + 1];
        if (route(req->path, req->path_len, name, sizeof name) == ROUTE_NONE)
            text(resp, FD_CODE(4, 4), "no such resource (/suit, /c, /c/NAME, /app/NAME)");
        else
            text(resp, FD_CODE(4, 5), "method %u not allowed: GET, POST, PUT or DELETE",
                 (unsigned)req->method);
    } else if (req->bad_option) {
        text(resp, FD_CODE(4, 2), "bad option: %s", req->bad_option);
    } else if (req->path_too_long) {
        text(resp, FD_CODE(4, 14), "Uri-Path longer than %d bytes", FD_PATH_MAX);
    } else {
        size_t limit = fd_server_body_limit(s, req->method, req->path, req->path_len);
        uint8_t *owned = NULL;
        const uint8_t *body = req->payload;
        size_t len = req->payload_len;
        int complete = 1;
        if (req->block1.present) {
            if (limit == 0) {
                text(resp, FD_CODE(4, 2), "Block1 on a resource that takes no body");
                complete = 0;
            } else {
                complete = take_block1(s, req, limit, resp, &owned, &len);
                body = owned;
            }
        } else if (req->has_size1 && req->size1 > limit && limit) {
            too_large(s, req, resp, limit, "request body (Size1)", req->size1);
            complete = 0;
        } else if (len > limit && limit) {
            too_large(s, req, resp, limit, "request body", len);
            complete = 0;
        } else if (!limit) {
            len = 0; /* a body on a resource that takes none is ignored */
        }
        if (complete) {
            dispatch(s, req, body, len, resp);
            if (req->block1.present) { /* the final block's answer echoes Block1 (M=0) */
                resp->block1 = req->block1;
                resp->block1.more = 0;
            }
        }
        free(owned);
    }
    slice_block2(req, resp);
    if (req->has_mid)
        remember(s, req, resp);
}
