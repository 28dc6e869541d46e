/* SUIT envelope and manifest decoding, COSE_Sign1 authentication and
 * payload checks (draft-ietf-suit-manifest-37). Freestanding, no copies:
 * the decoded manifest points into the caller's envelope buffer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "suit_internal.h"

/* Read a bstr and report both its content and the whole encoded item. */
static fc_status_t read_wrapped(fc_cbor_t *c, fc_suit_bytes_t *wrapped, fc_suit_bytes_t *content,
                                fc_error_t *err)
{
    size_t start = c->pos;
    FC_TRY(fc_cbor_bstr(c, content, err));
    wrapped->ptr = c->buf + start;
    wrapped->len = c->pos - start;
    return FC_OK;
}

/* Skip one item and report its encoded bytes. */
static fc_status_t read_raw(fc_cbor_t *c, fc_suit_bytes_t *raw, fc_error_t *err)
{
    size_t start = c->pos;
    FC_TRY(fc_cbor_skip(c, err));
    raw->ptr = c->buf + start;
    raw->len = c->pos - start;
    return FC_OK;
}

/* ---- COSE_Sign1 --------------------------------------------------------- */

/* Header map: alg (1) and kid (4) are read; crit (2) is refused because we
 * understand no critical extension; other labels are ignored. */
static fc_status_t decode_cose_headers(fc_cbor_t *c, int is_protected, fc_suit_signature_t *sig,
                                       fc_error_t *err)
{
    uint64_t n;
    uint32_t seen = 0; /* labels 1, 2 and 4: a repeated one is ambiguous, refused */
    FC_TRY(fc_cbor_map(c, &n, err));
    for (uint64_t i = 0; i < n; i++) {
        fc_cbor_item_t key;
        FC_TRY(fc_cbor_peek(c, &key, err));
        if (key.type != FC_CBOR_UINT && key.type != FC_CBOR_NINT) {
            FC_TRY(fc_cbor_skip(c, err));
            FC_TRY(fc_cbor_skip(c, err));
            continue;
        }
        int64_t label;
        FC_TRY(fc_cbor_int(c, &label, err));
        if (label >= 1 && label <= 4) {
            if (seen & (1u << label))
                return fc_fail(err, FC_ERR_SUIT_FORMAT, key.offset,
                               "duplicate label in a COSE header");
            seen |= 1u << label;
        }
        if (label == 1) {
            if (!is_protected)
                return fc_fail(err, FC_ERR_SUIT_FORMAT, key.offset,
                               "COSE alg must be in the protected header");
            FC_TRY(fc_cbor_int(c, &sig->alg, err));
        } else if (label == 2) {
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, key.offset,
                           "COSE crit header: no critical extension is supported");
        } else if (label == 4) {
            fc_suit_bytes_t kid;
            FC_TRY(fc_cbor_bstr(c, &kid, err));
            if (is_protected || !sig->kid.ptr) /* the protected kid wins */
                sig->kid = kid;
        } else {
            FC_TRY(fc_cbor_skip(c, err));
        }
    }
    return FC_OK;
}

/* COSE_Sign1 (RFC 9052 4.2) as SUIT uses it (draft-37 8.3): protected header
 * with alg, nil (detached) payload, signature. */
static fc_status_t decode_sign1(fc_cbor_t *c, fc_suit_signature_t *sig, fc_error_t *err)
{
    uint64_t n;
    fc_cbor_item_t it;
    FC_TRY(fc_cbor_array(c, &n, err));
    if (n != 4)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, c->base + c->pos,
                       "COSE_Sign1 must be [protected, unprotected, payload, signature]");
    FC_TRY(fc_cbor_bstr(c, &sig->protected_hdr, err));
    size_t prot_base = c->base + c->pos - sig->protected_hdr.len;
    if (sig->protected_hdr.len > FC_SUIT_MAX_PROTECTED)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, prot_base, "COSE protected header too large");
    if (sig->protected_hdr.len == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, prot_base,
                       "COSE protected header is empty (no alg)");
    fc_cbor_t prot;
    FC_TRY(fc_cbor_check(sig->protected_hdr.ptr, sig->protected_hdr.len, prot_base, err));
    fc_cbor_init(&prot, sig->protected_hdr.ptr, sig->protected_hdr.len, prot_base);
    sig->alg = 0;
    FC_TRY(decode_cose_headers(&prot, 1, sig, err));
    if (sig->alg == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, prot_base, "COSE protected header has no alg");
    FC_TRY(decode_cose_headers(c, 0, sig, err));
    FC_TRY(fc_cbor_next(c, &it, err));
    if (it.type != FC_CBOR_SIMPLE || it.val != FC_CBOR_NULL)
        return fc_fail(
            err, FC_ERR_SUIT_FORMAT, it.offset,
            "COSE_Sign1 payload must be nil: SUIT uses a detached payload (draft-37 8.3)");
    FC_TRY(fc_cbor_bstr(c, &sig->signature, err));
    if (!fc_cbor_at_end(c))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, c->base + c->pos,
                       "trailing bytes after COSE_Sign1");
    return FC_OK;
}

/* One authentication block: bstr .cbor COSE_*_Tagged. Only COSE_Sign1 is
 * kept; other COSE structures are counted and left for fc_suit_authenticate
 * to ignore. */
static fc_status_t decode_auth_block(fc_suit_manifest_t *m, fc_suit_bytes_t block, size_t base,
                                     fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t tag;
    FC_TRY(fc_cbor_check(block.ptr, block.len, base, err));
    fc_cbor_init(&c, block.ptr, block.len, base);
    FC_TRY(fc_cbor_tag(&c, &tag, err));
    m->n_auth_blocks++;
    if (tag != FC_COSE_TAG_SIGN1) {
        if (tag == 17 || tag == 97 || tag == 98)
            return FC_OK; /* COSE_Mac0, COSE_Mac, COSE_Sign: not supported, ignored */
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base,
                       "authentication block is not a COSE tag 17/18/97/98");
    }
    if (m->n_signatures == FC_SUIT_MAX_SIGNATURES)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, base,
                       "more COSE_Sign1 blocks than FC_SUIT_MAX_SIGNATURES");
    fc_suit_signature_t *sig = &m->signature[m->n_signatures];
    memset(sig, 0, sizeof *sig);
    sig->offset = base;
    FC_TRY(decode_sign1(&c, sig, err));
    m->n_signatures++;
    return FC_OK;
}

/* SUIT_Authentication = [bstr .cbor SUIT_Digest, * bstr .cbor
 * SUIT_Authentication_Block] (draft-37 8.3). */
static fc_status_t decode_auth_wrapper(fc_suit_manifest_t *m, fc_suit_bytes_t content, size_t base,
                                       fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n;
    fc_suit_bytes_t block;
    FC_TRY(fc_cbor_check(content.ptr, content.len, base, err));
    fc_cbor_init(&c, content.ptr, content.len, base);
    FC_TRY(fc_cbor_array(&c, &n, err));
    if (n == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base, "authentication wrapper has no SUIT_Digest");
    FC_TRY(read_wrapped(&c, &m->digest_wrapped, &m->digest_cbor, err));
    size_t digest_base = base + c.pos - m->digest_cbor.len;
    FC_TRY(fc_suit_decode_digest(&m->digest_cbor, digest_base, &m->digest, err));
    for (uint64_t i = 1; i < n; i++) {
        FC_TRY(fc_cbor_bstr(&c, &block, err));
        FC_TRY(decode_auth_block(m, block, base + c.pos - block.len, err));
    }
    return FC_OK;
}

/* ---- manifest ----------------------------------------------------------- */

static fc_status_t decode_component_id(fc_cbor_t *c, fc_suit_component_id_t *id, fc_error_t *err)
{
    uint64_t n;
    size_t start = c->pos;
    FC_TRY(fc_cbor_array(c, &n, err));
    if (n > FC_SUIT_MAX_ID_PARTS)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, c->base + start,
                       "component identifier has more parts than FC_SUIT_MAX_ID_PARTS");
    id->n_parts = (size_t)n;
    for (size_t i = 0; i < id->n_parts; i++)
        FC_TRY(fc_cbor_bstr(c, &id->part[i], err));
    id->raw.ptr = c->buf + start;
    id->raw.len = c->pos - start;
    return FC_OK;
}

/* suit-common (draft-37 8.4.5): suit-components (8.4.5.1) and
 * suit-shared-sequence. */
static fc_status_t decode_common(fc_suit_manifest_t *m, fc_suit_bytes_t content, size_t base,
                                 fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n, count;
    uint32_t seen = 0;
    FC_TRY(fc_cbor_check(content.ptr, content.len, base, err));
    fc_cbor_init(&c, content.ptr, content.len, base);
    FC_TRY(fc_cbor_map(&c, &n, err));
    for (uint64_t i = 0; i < n; i++) {
        size_t at = base + c.pos;
        int64_t key;
        FC_TRY(fc_suit_map_key(&c, &seen, &key, "duplicate key in suit-common", err));
        if (key == FC_SUIT_COMMON_COMPONENTS) {
            FC_TRY(fc_cbor_array(&c, &count, err));
            if (count == 0)
                return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "suit-components is empty");
            if (count > FC_SUIT_MAX_COMPONENTS)
                return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at,
                               "more components than FC_SUIT_MAX_COMPONENTS");
            m->n_components = (size_t)count;
            for (size_t k = 0; k < m->n_components; k++)
                FC_TRY(decode_component_id(&c, &m->component[k], err));
        } else if (key == FC_SUIT_COMMON_SHARED) {
            FC_TRY(read_wrapped(&c, &m->shared.wrapped, &m->shared.content, err));
            m->shared.state = FC_SUIT_INLINE;
            m->shared.offset = base + c.pos - m->shared.content.len;
        } else if (key < 0) {
            FC_TRY(fc_cbor_skip(&c, err)); /* private-use extension */
        } else {
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown member in suit-common");
        }
    }
    if (m->n_components == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base, "suit-common has no components");
    return FC_OK;
}

/* Members that may be severed (draft-37 8.6): payload-fetch, install, text. */
static int severable(int64_t key)
{
    return key == FC_SUIT_PAYLOAD_FETCH || key == FC_SUIT_INSTALL || key == FC_SUIT_TEXT;
}

/* A manifest member that is a bstr-wrapped sequence, or (severable
 * members) the SUIT_Digest of an element carried in the envelope. */
static fc_status_t decode_section(fc_cbor_t *c, int64_t key, fc_suit_section_t *s, fc_error_t *err)
{
    fc_cbor_item_t it;
    FC_TRY(fc_cbor_peek(c, &it, err));
    if (it.type == FC_CBOR_ARRAY && severable(key)) {
        fc_suit_bytes_t raw;
        FC_TRY(read_raw(c, &raw, err));
        FC_TRY(fc_suit_decode_digest(&raw, it.offset, &s->digest, err));
        s->state = FC_SUIT_SEVERED_MISSING; /* until the envelope supplies it */
        s->offset = it.offset;
        return FC_OK;
    }
    FC_TRY(read_wrapped(c, &s->wrapped, &s->content, err));
    s->state = FC_SUIT_INLINE;
    s->offset = c->base + c->pos - s->content.len;
    if (key != FC_SUIT_TEXT)
        FC_TRY(fc_cbor_check(s->content.ptr, s->content.len, s->offset, err));
    return FC_OK;
}

/* SUIT_Manifest (draft-37 8.4): version (8.4.1), sequence number (8.4.2),
 * common (8.4.5), reference-uri (8.4.3), command sequences (8.4.6), text
 * (8.4.4). Negative keys are extensions and skipped. */
static fc_status_t decode_manifest(fc_suit_manifest_t *m, fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n;
    size_t base = m->manifest_offset;
    FC_TRY(fc_cbor_check(m->manifest.ptr, m->manifest.len, base, err));
    fc_cbor_init(&c, m->manifest.ptr, m->manifest.len, base);
    FC_TRY(fc_cbor_map(&c, &n, err));
    for (uint64_t i = 0; i < n; i++) {
        size_t at = base + c.pos;
        int64_t key;
        FC_TRY(fc_cbor_int(&c, &key, err));
        if (key < 0) {
            FC_TRY(fc_cbor_skip(&c, err)); /* private-use extension */
            continue;
        }
        if (key >= 32)
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown manifest member");
        if (m->manifest_keys & (1u << key))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "duplicate key in the manifest");
        m->manifest_keys |= 1u << key;
        fc_suit_section_t *s = fc_suit_section(m, key);
        if (key == FC_SUIT_MANIFEST_VERSION) {
            FC_TRY(fc_cbor_uint(&c, &m->version, err));
            if (m->version != 1)
                return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "manifest version is not 1");
        } else if (key == FC_SUIT_MANIFEST_SEQUENCE) {
            FC_TRY(fc_cbor_uint(&c, &m->sequence_number, err));
        } else if (key == FC_SUIT_COMMON) {
            fc_suit_bytes_t wrapped, content;
            FC_TRY(read_wrapped(&c, &wrapped, &content, err));
            FC_TRY(decode_common(m, content, base + c.pos - content.len, err));
        } else if (key == FC_SUIT_REFERENCE_URI) {
            FC_TRY(fc_cbor_tstr(&c, &m->reference_uri, err));
        } else if (s) {
            FC_TRY(decode_section(&c, key, s, err));
        } else {
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown manifest member");
        }
    }
    const uint32_t required = (1u << FC_SUIT_MANIFEST_VERSION) | (1u << FC_SUIT_MANIFEST_SEQUENCE) |
                              (1u << FC_SUIT_COMMON);
    if ((m->manifest_keys & required) != required)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base,
                       "manifest lacks manifest-version, sequence-number or common");
    return FC_OK;
}

/* ---- envelope ----------------------------------------------------------- */

/* A severable member supplied in the envelope: the manifest must hold its
 * digest (checked by fc_suit_authenticate, once the manifest is trusted). */
static fc_status_t attach_severed(fc_suit_manifest_t *m, int64_t key, fc_suit_bytes_t wrapped,
                                  fc_suit_bytes_t content, size_t at, fc_error_t *err)
{
    fc_suit_section_t *s = fc_suit_section(m, key);
    if (s->state != FC_SUIT_SEVERED_MISSING)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, at,
                       "severed member in the envelope but the manifest holds no digest of it");
    s->wrapped = wrapped;
    s->content = content;
    s->offset = fc_suit_offset(m, content.ptr);
    s->state = FC_SUIT_SEVERED;
    if (key != FC_SUIT_TEXT)
        FC_TRY(fc_cbor_check(content.ptr, content.len, s->offset, err));
    return FC_OK;
}

typedef struct pending_severed {
    int64_t key;
    fc_suit_bytes_t wrapped, content;
    size_t at;
} pending_severed_t;

/* SUIT_Envelope (draft-37 8.2): authentication wrapper before the manifest
 * (8.3), severed members (8.6), integrated payloads (5.5, 7.5). */
static fc_status_t decode_envelope_map(fc_suit_manifest_t *m, fc_cbor_t *c, fc_error_t *err)
{
    uint64_t n;
    pending_severed_t sev[3];
    size_t n_sev = 0;
    fc_suit_bytes_t auth = {0};
    size_t auth_at = 0;
    FC_TRY(fc_cbor_map(c, &n, err));
    for (uint64_t i = 0; i < n; i++) {
        size_t at = c->pos;
        fc_cbor_item_t key_item;
        FC_TRY(fc_cbor_peek(c, &key_item, err));
        if (key_item.type == FC_CBOR_TSTR) {
            if (m->n_payloads == FC_SUIT_MAX_PAYLOADS)
                return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at,
                               "more integrated payloads than FC_SUIT_MAX_PAYLOADS");
            fc_suit_payload_t *p = &m->payload[m->n_payloads];
            FC_TRY(fc_cbor_tstr(c, &p->key, err));
            for (size_t k = 0; k < m->n_payloads; k++)
                if (fc_suit_bytes_eq(m->payload[k].key, p->key.ptr, p->key.len))
                    return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "duplicate integrated payload key");
            FC_TRY(fc_cbor_bstr(c, &p->data, err));
            p->offset = c->pos - p->data.len;
            m->n_payloads++;
            continue;
        }
        int64_t key;
        FC_TRY(fc_cbor_int(c, &key, err));
        if (key < 0) {
            FC_TRY(fc_cbor_skip(c, err)); /* private-use extension */
            continue;
        }
        if (key >= 32 ||
            (key != FC_SUIT_ENV_AUTH && key != FC_SUIT_ENV_MANIFEST && !severable(key)))
            return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at, "unknown envelope member");
        if (m->envelope_keys & (1u << key))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "duplicate key in the envelope");
        m->envelope_keys |= 1u << key;
        fc_suit_bytes_t wrapped, content;
        FC_TRY(read_wrapped(c, &wrapped, &content, err));
        if (key == FC_SUIT_ENV_AUTH) {
            auth = content;
            auth_at = c->pos - content.len;
        } else if (key == FC_SUIT_ENV_MANIFEST) {
            if (!(m->envelope_keys & (1u << FC_SUIT_ENV_AUTH)))
                return fc_fail(err, FC_ERR_SUIT_FORMAT, at,
                               "authentication wrapper must come before the manifest");
            m->manifest_wrapped = wrapped;
            m->manifest = content;
            m->manifest_offset = c->pos - content.len;
        } else {
            sev[n_sev].key = key; /* at most 3: keys are distinct */
            sev[n_sev].wrapped = wrapped;
            sev[n_sev].content = content;
            sev[n_sev].at = at;
            n_sev++;
        }
    }
    if (!(m->envelope_keys & (1u << FC_SUIT_ENV_AUTH)))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, c->pos, "envelope has no authentication wrapper");
    if (!(m->envelope_keys & (1u << FC_SUIT_ENV_MANIFEST)))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, c->pos, "envelope has no manifest");
    FC_TRY(decode_auth_wrapper(m, auth, auth_at, err));
    FC_TRY(decode_manifest(m, err));
    for (size_t k = 0; k < n_sev; k++)
        FC_TRY(attach_severed(m, sev[k].key, sev[k].wrapped, sev[k].content, sev[k].at, err));
    return FC_OK;
}

/* SUIT_Envelope_Tagged (draft-37 8.2): structure only, no crypto (suit.h). */
fc_status_t fc_suit_decode(const uint8_t *env, size_t len, fc_suit_manifest_t *out, fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t tag;
    if (!env || !out)
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL envelope or output");
    memset(out, 0, sizeof *out);
    out->envelope.ptr = env;
    out->envelope.len = len;
    FC_TRY(fc_cbor_check(env, len, 0, err));
    fc_cbor_init(&c, env, len, 0);
    FC_TRY(fc_cbor_tag(&c, &tag, err));
    if (tag != FC_SUIT_TAG_ENVELOPE)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, 0, "not a SUIT envelope (tag 107 expected)");
    FC_TRY(decode_envelope_map(out, &c, err));
    FC_TRY(fc_suit_validate_sequences(out, err));
    return fc_ok(err);
}

/* ---- authentication ----------------------------------------------------- */

/* Sig_structure = ["Signature1", protected, external_aad = h'', payload]
 * where the detached payload is the encoded SUIT_Digest. Built in buf. */
static size_t put_bstr_head(uint8_t *p, size_t len)
{
    if (len < 24) {
        p[0] = (uint8_t)(0x40 | len);
        return 1;
    }
    if (len < 256) {
        p[0] = 0x58;
        p[1] = (uint8_t)len;
        return 2;
    }
    p[0] = 0x59;
    p[1] = (uint8_t)(len >> 8);
    p[2] = (uint8_t)len;
    return 3;
}

#define SIG_STRUCTURE_MAX (1 + 11 + 3 + FC_SUIT_MAX_PROTECTED + 1 + 3 + 128)

/* Sig_structure for COSE_Sign1 (RFC 9052 4.4) over the detached payload. */
static fc_status_t build_sig_structure(const fc_suit_manifest_t *m, const fc_suit_signature_t *sig,
                                       uint8_t *buf, size_t *len, fc_error_t *err)
{
    static const uint8_t prefix[] = {0x84, 0x6a, 'S', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', '1'};
    if (m->digest_cbor.len > 128)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, fc_suit_offset(m, m->digest_cbor.ptr),
                       "SUIT_Digest too large to sign (over 128 bytes)");
    size_t n = 0;
    memcpy(buf, prefix, sizeof prefix);
    n += sizeof prefix;
    n += put_bstr_head(buf + n, sig->protected_hdr.len);
    memcpy(buf + n, sig->protected_hdr.ptr, sig->protected_hdr.len);
    n += sig->protected_hdr.len;
    buf[n++] = 0x40; /* external_aad: empty */
    n += put_bstr_head(buf + n, m->digest_cbor.len);
    memcpy(buf + n, m->digest_cbor.ptr, m->digest_cbor.len);
    n += m->digest_cbor.len;
    *len = n;
    return FC_OK;
}

/* Whether key k can check a signature of COSE algorithm alg (draft-ietf-suit-mti). */
static int key_fits_alg(const fc_suit_key_t *k, int64_t alg, const fc_port_t *port)
{
    if (alg == FC_COSE_ALG_EDDSA || alg == FC_COSE_ALG_ED25519)
        return k->type == FC_SUIT_KEY_ED25519 && port->ed25519_verify != NULL;
    if (alg == FC_COSE_ALG_ES256 || alg == FC_COSE_ALG_ESP256)
        return k->type == FC_SUIT_KEY_P256 && port->es256_verify != NULL;
    return 0;
}

/* One signature check by the port: FC_OK or FC_ERR_SIGNATURE (or a port error). */
static fc_status_t verify_one(const fc_port_t *port, const fc_suit_key_t *k,
                              const fc_suit_signature_t *sig, const uint8_t *msg, size_t len)
{
    if (sig->signature.len != 64)
        return FC_ERR_SIGNATURE;
    if (k->type == FC_SUIT_KEY_ED25519)
        return port->ed25519_verify(port->ctx, sig->signature.ptr, msg, len, k->public_key);
    return port->es256_verify(port->ctx, sig->signature.ptr, msg, len, k->public_key);
}

/* Severed members supplied in the envelope match their digests (draft-37 8.6). */
static fc_status_t check_severed(const fc_suit_manifest_t *m, const fc_port_t *port,
                                 fc_error_t *err)
{
    const fc_suit_section_t *secs[3] = {&m->payload_fetch, &m->install, &m->text};
    for (size_t i = 0; i < 3; i++) {
        const fc_suit_section_t *s = secs[i];
        if (s->state == FC_SUIT_SEVERED)
            FC_TRY(fc_suit_sha256_equals(port, s->wrapped, &s->digest, s->offset,
                                         "severed member does not match its digest in the manifest",
                                         err));
    }
    return FC_OK;
}

/* Authenticated manifests (draft-37 8.3, 6.2 required checks): digest,
 * then COSE_Sign1 against the device keys, then severed members. */
fc_status_t fc_suit_authenticate(const fc_suit_manifest_t *m, const fc_port_t *port,
                                 const fc_suit_key_t *keys, size_t n_keys, size_t *which_key,
                                 fc_error_t *err)
{
    uint8_t tbs[SIG_STRUCTURE_MAX];
    size_t tbs_len = 0;
    int found_usable = 0;
    if (!m || !port || !port->sha256 || (!keys && n_keys))
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL manifest, port, sha256 or keys");
    FC_TRY(fc_suit_sha256_equals(port, m->manifest_wrapped, &m->digest, m->manifest_offset,
                                 "manifest does not match the digest in the authentication wrapper",
                                 err));
    if (m->n_signatures == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, fc_suit_offset(m, m->digest_wrapped.ptr),
                       "no COSE_Sign1 authentication block: unsigned manifests are refused");
    for (size_t s = 0; s < m->n_signatures; s++) {
        const fc_suit_signature_t *sig = &m->signature[s];
        FC_TRY(build_sig_structure(m, sig, tbs, &tbs_len, err));
        for (size_t k = 0; k < n_keys; k++) {
            if (!key_fits_alg(&keys[k], sig->alg, port))
                continue;
            found_usable = 1;
            fc_status_t rc = verify_one(port, &keys[k], sig, tbs, tbs_len);
            if (rc == FC_OK) {
                if (which_key)
                    *which_key = k;
                FC_TRY(check_severed(m, port, err));
                return fc_ok(err);
            }
            if (rc != FC_ERR_SIGNATURE)
                return fc_fail(err, rc, sig->offset, "signature check failed in the port");
        }
    }
    if (!found_usable)
        return fc_fail(err, FC_ERR_SIGNATURE, m->signature[0].offset,
                       "no key of this device fits the signature algorithm (or the port lacks it)");
    return fc_fail(err, FC_ERR_SIGNATURE, m->signature[0].offset,
                   "signature does not verify with any trusted key");
}

/* Anti-rollback (draft-37 8.4.2): the sequence number must grow. */
fc_status_t fc_suit_check_sequence(const fc_suit_manifest_t *m, uint64_t installed, fc_error_t *err)
{
    if (m->sequence_number <= installed)
        return fc_fail(err, FC_ERR_ROLLBACK, m->manifest_offset,
                       "sequence number is not newer than the installed one");
    return fc_ok(err);
}

/* (epoch, sequence): newer, and the epoch moves by one at most. */
fc_status_t fc_suit_check_version(fc_suit_version_t next, fc_suit_version_t last, int allow_equal,
                                  fc_error_t *err)
{
    int newer = next.epoch > last.epoch || (next.epoch == last.epoch && next.seq > last.seq);
    int equal = next.epoch == last.epoch && next.seq == last.seq;
    if (!newer && !(allow_equal && equal))
        return fc_fail(err, FC_ERR_ROLLBACK, 0,
                       "(epoch, sequence number) is not newer than the last accepted one");
    if (next.epoch > last.epoch && next.epoch - last.epoch > 1)
        return fc_fail(err, FC_ERR_ROLLBACK, 0, "epoch more than one above the last accepted one");
    return fc_ok(err);
}
