/* SUIT values shared by decoding and evaluation (draft-ietf-suit-manifest-37):
 * SUIT_Digest (sections 8.3 and 8.4.12), the parameters of
 * override-parameters (8.4.8), the image-match check of a payload (8.4.9.2)
 * and our private-use femto install parameter (8.4.8.16 suit-parameter-
 * custom; docs/suit-profile.md).
 * Freestanding; every decoded string points into the caller's buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "suit_internal.h"

/* ---- manifest members ---------------------------------------------------- */

/* The section of m that holds manifest member `key`: a command sequence
 * (draft-37 8.4.6: shared 4 inside suit-common 8.4.5, validate 7, load 8,
 * invoke 9, payload-fetch 16, install 20) or suit-text (23, 8.4.4); NULL for
 * any other key. Like strchr, a const manifest gives a writable pointer:
 * only the decoder, which owns m, writes through it. */
fc_suit_section_t *fc_suit_section(const fc_suit_manifest_t *m, int64_t key)
{
    fc_suit_manifest_t *w = (fc_suit_manifest_t *)(uintptr_t)m;
    switch (key) {
    case FC_SUIT_COMMON_SHARED:
        return &w->shared;
    case FC_SUIT_VALIDATE:
        return &w->validate;
    case FC_SUIT_LOAD:
        return &w->load;
    case FC_SUIT_INVOKE:
        return &w->invoke;
    case FC_SUIT_PAYLOAD_FETCH:
        return &w->payload_fetch;
    case FC_SUIT_INSTALL:
        return &w->install;
    case FC_SUIT_TEXT:
        return &w->text;
    default:
        return NULL;
    }
}

/* Read the key of a map entry; a key 0..31 seen before in this map is
 * refused (a repeated key is ambiguous: draft-37 8.1, RFC 8949 5.6). */
fc_status_t fc_suit_map_key(fc_cbor_t *c, uint32_t *seen, int64_t *key, const char *dup_reason,
                            fc_error_t *err)
{
    size_t at = c->base + c->pos;
    FC_TRY(fc_cbor_int(c, key, err));
    if (*key >= 0 && *key < 32) {
        if (*seen & (1u << *key))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, dup_reason);
        *seen |= 1u << *key;
    }
    return FC_OK;
}

/* ---- SUIT_Digest -------------------------------------------------------- */

/* SUIT_Digest = [suit-digest-algorithm-id, suit-digest-bytes, *extension]
 * (draft-37 8.3 and 8.4.12; COSE algorithm ids). */
fc_status_t fc_suit_decode_digest(const fc_suit_bytes_t *cbor, size_t base, fc_suit_digest_t *d,
                                  fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n;
    FC_TRY(fc_cbor_check(cbor->ptr, cbor->len, base, err));
    fc_cbor_init(&c, cbor->ptr, cbor->len, base);
    FC_TRY(fc_cbor_array(&c, &n, err));
    if (n < 2)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base, "SUIT_Digest needs [algorithm, bytes]");
    FC_TRY(fc_cbor_int(&c, &d->alg, err));
    FC_TRY(fc_cbor_bstr(&c, &d->bytes, err));
    return fc_ok(err); /* extensions after the bytes are allowed and ignored */
}

/* ---- parameters ----------------------------------------------------------- */

/* How override-parameters' value of one parameter key is checked (its CDDL
 * type in draft-37 8.4.8) and where fc_suit_params_t keeps it. */
enum param_kind {
    P_NONE = 0, /* not a parameter of this profile: refused */
    P_UUID,     /* bstr of 16 bytes (8.4.8.4, 8.4.8.5) */
    P_VENDOR,   /* 16-byte UUID or cbor-pen tag 112 (8.4.8.3, 8.4.8.1) */
    P_DIGEST,   /* bstr .cbor SUIT_Digest (8.4.8.6) */
    P_UINT,     /* uint (8.4.8.7, 8.4.8.8, 8.4.8.11) */
    P_TSTR,     /* tstr (8.4.8.10) */
    P_BSTR,     /* bstr (8.4.8.9, 8.4.8.12, 8.4.8.13) */
    P_BOOL,     /* bool (8.4.8.14, 8.4.8.15) */
    P_FEMTO     /* bstr .cbor femto-install map (ours, 8.4.8.16) */
};

typedef struct param_rule {
    uint8_t kind;  /* enum param_kind */
    uint8_t field; /* offsetof the fc_suit_params_t member (when has != 0) */
    uint16_t has;  /* enum fc_suit_param_bit set when applied (0: not kept) */
} param_rule_t;

/* femto is the member after every kept one: all their offsets fit. */
_Static_assert(offsetof(fc_suit_params_t, femto) <= UINT8_MAX, "field offsets fit in uint8_t");

#define KEEP(kind, bit, member)                                                                    \
    {                                                                                              \
        (kind), (uint8_t)offsetof(fc_suit_params_t, member), (bit)                                 \
    }
/* Indexed by parameter key (draft-37 11.5): the one list of the parameters
 * this device understands. */
static const param_rule_t param_rules[] = {
    [FC_SUIT_PARAM_VENDOR_ID] = KEEP(P_VENDOR, FC_SUIT_HAS_VENDOR, vendor_id),
    [FC_SUIT_PARAM_CLASS_ID] = KEEP(P_UUID, FC_SUIT_HAS_CLASS, class_id),
    [FC_SUIT_PARAM_IMAGE_DIGEST] = KEEP(P_DIGEST, FC_SUIT_HAS_DIGEST, image_digest),
    [FC_SUIT_PARAM_COMPONENT_SLOT] = KEEP(P_UINT, FC_SUIT_HAS_SLOT, component_slot),
    [FC_SUIT_PARAM_STRICT_ORDER] = {P_BOOL, 0, 0},
    [FC_SUIT_PARAM_SOFT_FAILURE] = {P_BOOL, 0, 0},
    [FC_SUIT_PARAM_IMAGE_SIZE] = KEEP(P_UINT, FC_SUIT_HAS_SIZE, image_size),
    [FC_SUIT_PARAM_CONTENT] = {P_BSTR, 0, 0},
    [FC_SUIT_PARAM_URI] = KEEP(P_TSTR, FC_SUIT_HAS_URI, uri),
    [FC_SUIT_PARAM_SOURCE_COMPONENT] = KEEP(P_UINT, FC_SUIT_HAS_SOURCE, source_component),
    [FC_SUIT_PARAM_INVOKE_ARGS] = KEEP(P_BSTR, FC_SUIT_HAS_INVOKE_ARGS, invoke_args),
    [FC_SUIT_PARAM_DEVICE_ID] = KEEP(P_UUID, FC_SUIT_HAS_DEVICE, device_id),
    [FC_SUIT_PARAM_FETCH_ARGS] = {P_BSTR, 0, 0},
};
#undef KEEP

/* Per kind: the CBOR major type the value must have, and the reason given
 * when it has another. */
static const struct {
    uint8_t type;
    const char *reason;
} kind_check[] = {
    [P_UUID] = {FC_CBOR_BSTR, "class-id/device-id must be a 16-byte UUID"},
    [P_VENDOR] = {FC_CBOR_BSTR, "vendor-id must be a 16-byte UUID or PEN"},
    [P_DIGEST] = {FC_CBOR_BSTR, "image-digest must be bstr .cbor SUIT_Digest"},
    [P_UINT] = {FC_CBOR_UINT, "parameter must be an unsigned integer"},
    [P_TSTR] = {FC_CBOR_TSTR, "uri must be a text string"},
    [P_BSTR] = {FC_CBOR_BSTR, "parameter must be a byte string"},
    [P_BOOL] = {FC_CBOR_SIMPLE, "parameter must be a boolean"},
    [P_FEMTO] = {FC_CBOR_BSTR, "femto parameter must be bstr .cbor map"},
};

/* The rule of parameter key id; P_NONE for a key we do not know. */
static param_rule_t rule_for(int64_t id)
{
    static const param_rule_t femto = {P_FEMTO, 0, FC_SUIT_HAS_FEMTO};
    static const param_rule_t none = {P_NONE, 0, 0};
    if (id == FC_SUIT_PARAM_FEMTO)
        return femto;
    if (id < 0 || (uint64_t)id >= sizeof param_rules / sizeof param_rules[0])
        return none;
    return param_rules[id];
}

/* Apply one parameter of suit-directive-override-parameters (draft-37
 * 8.4.10.3) to p: check the value's type (8.4.8) and keep it. Decode-time
 * validation calls this on a scratch p; evaluation on each component's. */
fc_status_t fc_suit_apply_parameter(fc_suit_params_t *p, const fc_suit_step_t *s, fc_error_t *err)
{
    const fc_cbor_item_t *a = &s->arg;
    param_rule_t r = rule_for(s->id);
    if (r.kind == P_NONE) {
        if (s->id < 0) /* another private-use parameter (8.4.8.16): ignored */
            return FC_OK;
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, a->offset, "unknown SUIT parameter");
    }
    /* cbor-pen (8.4.8.1): kept raw, never equal to our UUID vendor-id */
    int pen = r.kind == P_VENDOR && a->type == FC_CBOR_TAG && a->val == 112;
    int ok = a->type == kind_check[r.kind].type;
    if (r.kind == P_UUID || r.kind == P_VENDOR)
        ok = ok && a->str.len == 16;
    if (r.kind == P_BOOL)
        ok = ok && a->val != FC_CBOR_NULL;
    if (!ok && !pen)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, kind_check[r.kind].reason);
    size_t inner = a->offset + (s->raw.len - a->str.len); /* of a bstr's content */
    void *field = (char *)p + r.field;
    if (r.kind == P_DIGEST)
        FC_TRY(fc_suit_decode_digest(&a->str, inner, &p->image_digest, err));
    else if (r.kind == P_FEMTO)
        FC_TRY(fc_suit_decode_femto(&a->str, inner, &p->femto, err));
    else if (r.kind == P_UINT)
        *(uint64_t *)field = a->val;
    else if (r.has)
        *(fc_suit_bytes_t *)field = pen ? s->raw : a->str;
    p->has |= r.has;
    return FC_OK;
}

/* ---- digests and payloads ---------------------------------------------- */

fc_status_t fc_suit_sha256_equals(const fc_port_t *port, fc_suit_bytes_t data,
                                  const fc_suit_digest_t *d, size_t where, const char *reason,
                                  fc_error_t *err)
{
    uint8_t h[32];
    if (d->alg != FC_COSE_ALG_SHA256)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, where,
                       "digest algorithm is not SHA-256 (-16)");
    if (d->bytes.len != sizeof h)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, where, "SHA-256 digest is not 32 bytes");
    fc_status_t rc = port->sha256(port->ctx, data.ptr, data.len, h);
    if (rc != FC_OK)
        return fc_fail(err, FC_ERR_CRYPTO, where, "SHA-256 failed in the port");
    if (memcmp(h, d->bytes.ptr, sizeof h) != 0)
        return fc_fail(err, FC_ERR_DIGEST, where, reason);
    return FC_OK;
}

/* ---- payload ------------------------------------------------------------ */

fc_status_t fc_suit_check_payload(const fc_suit_params_t *p, const fc_port_t *port,
                                  const uint8_t *data, size_t len, fc_error_t *err)
{
    if (!p || !port || !port->sha256 || (!data && len))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL parameters, port or data");
    if (!(p->has & FC_SUIT_HAS_DIGEST))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, 0, "no image-digest parameter for this component");
    if (!(p->has & FC_SUIT_HAS_SIZE))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, 0, "no image-size parameter for this component");
    if (p->image_size != (uint64_t)len)
        return fc_fail(err, FC_ERR_SIZE, len, "payload size differs from image-size");
    fc_suit_bytes_t b = {data, len};
    FC_TRY(fc_suit_sha256_equals(port, b, &p->image_digest, 0,
                                 "payload SHA-256 differs from image-digest", err));
    return fc_ok(err);
}

/* ---- our install parameter ---------------------------------------------- */

fc_status_t fc_suit_decode_femto(const fc_suit_bytes_t *cbor, size_t base, fc_suit_femto_t *f,
                                 fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n, count;
    uint32_t seen = 0;
    memset(f, 0, sizeof *f);
    FC_TRY(fc_cbor_check(cbor->ptr, cbor->len, base, err));
    fc_cbor_init(&c, cbor->ptr, cbor->len, base);
    FC_TRY(fc_cbor_map(&c, &n, err));
    for (uint64_t i = 0; i < n; i++) {
        size_t at = base + c.pos;
        int64_t key;
        FC_TRY(fc_suit_map_key(&c, &seen, &key, "duplicate key in the femto parameter", err));
        switch (key) {
        case FC_SUIT_FEMTO_HOOKS:
            FC_TRY(fc_cbor_array(&c, &count, err));
            if (count > FC_SUIT_MAX_HOOKS)
                return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at,
                               "more hooks than FC_SUIT_MAX_HOOKS");
            f->n_hooks = (size_t)count;
            for (size_t k = 0; k < f->n_hooks; k++)
                FC_TRY(fc_cbor_tstr(&c, &f->hook[k], err));
            break;
        case FC_SUIT_FEMTO_PRIORITY:
            FC_TRY(fc_cbor_int(&c, &f->priority, err));
            break;
        case FC_SUIT_FEMTO_BUDGET:
            FC_TRY(fc_cbor_uint(&c, &f->budget, err));
            break;
        case FC_SUIT_FEMTO_ENTRY:
            FC_TRY(fc_cbor_tstr(&c, &f->entry, err));
            break;
        case FC_SUIT_FEMTO_EPOCH:
            FC_TRY(fc_cbor_uint(&c, &f->epoch, err));
            break;
        default:
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown key in the femto parameter");
        }
    }
    return fc_ok(err);
}
