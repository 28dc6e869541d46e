/* SUIT values shared by decoding and evaluation (draft-ietf-suit-manifest-37):
 * SUIT_Digest (section 8.4.4.3? see below), the parameters of
 * override-parameters (8.4.8), the image-match check of a payload (8.4.9.1)
 * and our private-use femto install parameter (docs/suit-profile.md).
 * Freestanding; every decoded string points into the caller's buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "suit_internal.h"

/* ---- SUIT_Digest -------------------------------------------------------- */

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
    return FC_OK; /* extensions after the bytes are allowed and ignored */
}

/* ---- parameters ----------------------------------------------------------- */

static int is_uuid(const fc_cbor_item_t *a)
{
    return a->type == FC_CBOR_BSTR && a->str.len == 16;
}

/* Decode a parameter value into p (also used to validate at decode time). */
fc_status_t fc_suit_apply_parameter(fc_suit_params_t *p, const fc_suit_step_t *s, fc_error_t *err)
{
    const fc_cbor_item_t *a = &s->arg;
    switch (s->id) {
    case FC_SUIT_PARAM_VENDOR_ID:
        if (a->type == FC_CBOR_TAG && a->val == 112) { /* cbor-pen: kept raw, never ours */
            p->vendor_id = s->raw;
        } else if (is_uuid(a)) {
            p->vendor_id = a->str;
        } else {
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "vendor-id must be a 16-byte UUID or PEN");
        }
        p->has |= FC_SUIT_HAS_VENDOR;
        return FC_OK;
    case FC_SUIT_PARAM_CLASS_ID:
    case FC_SUIT_PARAM_DEVICE_ID:
        if (!is_uuid(a))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "class-id/device-id must be a 16-byte UUID");
        if (s->id == FC_SUIT_PARAM_CLASS_ID) {
            p->class_id = a->str;
            p->has |= FC_SUIT_HAS_CLASS;
        } else {
            p->device_id = a->str;
            p->has |= FC_SUIT_HAS_DEVICE;
        }
        return FC_OK;
    case FC_SUIT_PARAM_IMAGE_DIGEST:
        if (a->type != FC_CBOR_BSTR)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset,
                        "image-digest must be bstr .cbor SUIT_Digest");
        FC_TRY(fc_suit_decode_digest(&a->str, a->offset + (s->raw.len - a->str.len), &p->image_digest,
                                  err));
        p->has |= FC_SUIT_HAS_DIGEST;
        return FC_OK;
    case FC_SUIT_PARAM_COMPONENT_SLOT:
    case FC_SUIT_PARAM_IMAGE_SIZE:
    case FC_SUIT_PARAM_SOURCE_COMPONENT:
        if (a->type != FC_CBOR_UINT)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "parameter must be an unsigned integer");
        if (s->id == FC_SUIT_PARAM_COMPONENT_SLOT) {
            p->component_slot = a->val;
            p->has |= FC_SUIT_HAS_SLOT;
        } else if (s->id == FC_SUIT_PARAM_IMAGE_SIZE) {
            p->image_size = a->val;
            p->has |= FC_SUIT_HAS_SIZE;
        } else {
            p->source_component = a->val;
            p->has |= FC_SUIT_HAS_SOURCE;
        }
        return FC_OK;
    case FC_SUIT_PARAM_URI:
        if (a->type != FC_CBOR_TSTR)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "uri must be a text string");
        p->uri = a->str;
        p->has |= FC_SUIT_HAS_URI;
        return FC_OK;
    case FC_SUIT_PARAM_INVOKE_ARGS:
    case FC_SUIT_PARAM_FETCH_ARGS:
    case FC_SUIT_PARAM_CONTENT:
        if (a->type != FC_CBOR_BSTR)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "parameter must be a byte string");
        if (s->id == FC_SUIT_PARAM_INVOKE_ARGS) {
            p->invoke_args = a->str;
            p->has |= FC_SUIT_HAS_INVOKE_ARGS;
        }
        return FC_OK;
    case FC_SUIT_PARAM_STRICT_ORDER:
    case FC_SUIT_PARAM_SOFT_FAILURE:
        if (a->type != FC_CBOR_SIMPLE || a->val == FC_CBOR_NULL)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "parameter must be a boolean");
        return FC_OK;
    case FC_SUIT_PARAM_FEMTO:
        if (a->type != FC_CBOR_BSTR)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, a->offset, "femto parameter must be bstr .cbor map");
        FC_TRY(fc_suit_decode_femto(&a->str, a->offset + (s->raw.len - a->str.len), &p->femto, err));
        p->has |= FC_SUIT_HAS_FEMTO;
        return FC_OK;
    default:
        if (s->id < 0) /* another private-use parameter: int/bool/tstr/bstr, ignored */
            return FC_OK;
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, a->offset, "unknown SUIT parameter");
    }
}

/* ---- digests and payloads ---------------------------------------------- */

fc_status_t fc_suit_sha256_equals(const fc_port_t *port, fc_suit_bytes_t data, const fc_suit_digest_t *d,
                         size_t where, const char *reason, fc_error_t *err)
{
    uint8_t h[32];
    if (d->alg != FC_COSE_ALG_SHA256)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, where, "digest algorithm is not SHA-256 (-16)");
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

fc_status_t fc_suit_check_payload(const fc_suit_params_t *p, const fc_port_t *port, const uint8_t *data,
                          size_t len, fc_error_t *err)
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
    return fc_suit_sha256_equals(port, b, &p->image_digest, 0, "payload SHA-256 differs from image-digest",
                         err);
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
        FC_TRY(fc_cbor_int(&c, &key, err));
        if (key >= 0 && key < 32) {
            if (seen & (1u << key))
                return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "duplicate key in the femto parameter");
            seen |= 1u << key;
        }
        switch (key) {
        case FC_SUIT_FEMTO_HOOKS:
            FC_TRY(fc_cbor_array(&c, &count, err));
            if (count > FC_SUIT_MAX_HOOKS)
                return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "more hooks than FC_SUIT_MAX_HOOKS");
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
        default:
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown key in the femto parameter");
        }
    }
    return FC_OK;
}
