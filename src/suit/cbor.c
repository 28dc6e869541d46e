/* Bounded, allocation-free CBOR decoder (RFC 8949), see suit.h for what it
 * accepts and refuses. Every length is checked against the bytes left
 * before it is used, in a form that cannot overflow (n <= len - pos). */
#include <stddef.h>
#include <stdint.h>

#include "../common/fc_error.h"
#include "cbor.h"

/* Start a cursor over buf[0..len); offsets are reported as base + position. */
void fc_cbor_init(fc_cbor_t *c, const uint8_t *buf, size_t len, size_t base)
{
    c->buf = buf;
    c->len = len;
    c->pos = 0;
    c->base = base;
}

/* Read the argument of a head whose additional information is ai (24..27),
 * refusing encodings that a shorter head could have carried. */
static fc_status_t read_argument(const fc_cbor_t *c, size_t *pos, uint8_t ai, uint64_t *val,
                                 fc_error_t *err)
{
    size_t at = c->base + *pos - 1;
    if (ai < 24) {
        *val = ai;
        return FC_OK;
    }
    if (ai > 27) {
        if (ai == 31)
            return fc_fail(err, FC_ERR_CBOR, at, "indefinite length or break: not accepted");
        return fc_fail(err, FC_ERR_CBOR, at, "reserved additional information (28-30)");
    }
    size_t n = (size_t)1 << (ai - 24);
    if (n > c->len - *pos)
        return fc_fail(err, FC_ERR_CBOR, at, "truncated: head argument past the end");
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | c->buf[*pos + i];
    *pos += n;
    static const uint64_t min_for[4] = {24, 0x100, 0x10000, 0x100000000ull};
    if (v < min_for[ai - 24])
        return fc_fail(err, FC_ERR_CBOR, at, "non-minimal head encoding (not deterministic)");
    *val = v;
    return FC_OK;
}

/* Decode the head at c->pos into item; *end is the position after the item
 * head (and string content). c is not modified. */
static fc_status_t decode_head(const fc_cbor_t *c, fc_cbor_item_t *item, size_t *end,
                               fc_error_t *err)
{
    size_t pos = c->pos;
    if (pos >= c->len)
        return fc_fail(err, FC_ERR_CBOR, c->base + pos, "truncated: item expected");
    uint8_t ib = c->buf[pos++];
    item->type = (uint8_t)(ib >> 5);
    item->offset = c->base + c->pos;
    item->str.ptr = NULL;
    item->str.len = 0;
    uint8_t ai = ib & 0x1f;
    fc_status_t rc = read_argument(c, &pos, ai, &item->val, err);
    if (rc != FC_OK)
        return rc;
    size_t left = c->len - pos;
    switch (item->type) {
    case FC_CBOR_BSTR:
    case FC_CBOR_TSTR:
        if (item->val > left)
            return fc_fail(err, FC_ERR_CBOR_LIMIT, item->offset,
                           "string longer than the bytes left");
        item->str.ptr = c->buf + pos;
        item->str.len = (size_t)item->val;
        pos += (size_t)item->val;
        break;
    case FC_CBOR_ARRAY:
        /* every element takes at least one byte */
        if (item->val > left)
            return fc_fail(err, FC_ERR_CBOR_LIMIT, item->offset,
                           "array count larger than the bytes left");
        break;
    case FC_CBOR_MAP:
        if (item->val > left / 2)
            return fc_fail(err, FC_ERR_CBOR_LIMIT, item->offset,
                           "map count larger than the bytes left");
        break;
    case FC_CBOR_SIMPLE:
        if (ai >= 24 ||
            (item->val != FC_CBOR_FALSE && item->val != FC_CBOR_TRUE && item->val != FC_CBOR_NULL))
            return fc_fail(err, FC_ERR_CBOR, item->offset,
                           "simple value or float other than false/true/null");
        break;
    default:
        break;
    }
    *end = pos;
    return FC_OK;
}

/* RFC 8949 3: decode the next head without consuming it. */
fc_status_t fc_cbor_peek(const fc_cbor_t *c, fc_cbor_item_t *item, fc_error_t *err)
{
    size_t end;
    return decode_head(c, item, &end, err);
}

/* RFC 8949 3: decode the next head (and string content) and consume it. */
fc_status_t fc_cbor_next(fc_cbor_t *c, fc_cbor_item_t *item, fc_error_t *err)
{
    size_t end;
    fc_status_t rc = decode_head(c, item, &end, err);
    if (rc == FC_OK)
        c->pos = end;
    return rc;
}

/* Iterative skip: pending[d] counts the items still to read at depth d.
 * Counts are bounded by the bytes left (decode_head), so they never wrap. */
fc_status_t fc_cbor_skip(fc_cbor_t *c, fc_error_t *err)
{
    uint64_t pending[FC_CBOR_MAX_DEPTH + 1];
    size_t depth = 0;
    pending[0] = 1;
    for (;;) {
        while (pending[depth] == 0) {
            if (depth == 0)
                return FC_OK;
            depth--;
        }
        fc_cbor_item_t it;
        fc_status_t rc = fc_cbor_next(c, &it, err);
        if (rc != FC_OK)
            return rc;
        pending[depth]--;
        uint64_t children = 0;
        if (it.type == FC_CBOR_ARRAY || it.type == FC_CBOR_TAG)
            children = it.type == FC_CBOR_TAG ? 1 : it.val;
        else if (it.type == FC_CBOR_MAP)
            children = it.val * 2; /* val <= len/2: no overflow */
        if (children == 0)
            continue;
        if (depth == FC_CBOR_MAX_DEPTH)
            return fc_fail(err, FC_ERR_CBOR_LIMIT, it.offset,
                           "nesting deeper than FC_CBOR_MAX_DEPTH");
        pending[++depth] = children;
    }
}

/* RFC 8949 5.1 (well-formedness): buf holds exactly one item, nothing after it. */
fc_status_t fc_cbor_check(const uint8_t *buf, size_t len, size_t base, fc_error_t *err)
{
    fc_cbor_t c;
    fc_cbor_init(&c, buf, len, base);
    fc_status_t rc = fc_cbor_skip(&c, err);
    if (rc != FC_OK)
        return rc;
    if (!fc_cbor_at_end(&c))
        return fc_fail(err, FC_ERR_CBOR, base + c.pos, "trailing bytes after the item");
    return FC_OK;
}

/* ---- typed reads ------------------------------------------------------- */

/* Reason given when an item has another type than the read expects, by
 * major type. */
static const char *const expected[8] = {
    [FC_CBOR_UINT] = "unsigned integer expected",
    [FC_CBOR_BSTR] = "byte string expected",
    [FC_CBOR_TSTR] = "text string expected",
    [FC_CBOR_ARRAY] = "array expected",
    [FC_CBOR_MAP] = "map expected",
    [FC_CBOR_TAG] = "tag expected",
};

/* Consume one head of major type `type`; FC_ERR_SUIT_FORMAT (c unchanged)
 * when the item has another type. */
static fc_status_t expect(fc_cbor_t *c, uint8_t type, fc_cbor_item_t *it, fc_error_t *err)
{
    size_t end;
    FC_TRY(decode_head(c, it, &end, err));
    if (it->type != type)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, it->offset, expected[type]);
    c->pos = end;
    return FC_OK;
}

/* The argument of a head of major type `type` (0 uint, 4 array count,
 * 5 map count, 6 tag number: RFC 8949 3.1, 3.4). */
static fc_status_t expect_val(fc_cbor_t *c, uint8_t type, uint64_t *v, fc_error_t *err)
{
    fc_cbor_item_t it;
    FC_TRY(expect(c, type, &it, err));
    *v = it.val;
    return FC_OK;
}

/* The content of a string of major type `type` (2 bstr, 3 tstr; definite
 * length only; UTF-8 not checked). */
static fc_status_t expect_str(fc_cbor_t *c, uint8_t type, fc_suit_bytes_t *s, fc_error_t *err)
{
    fc_cbor_item_t it;
    FC_TRY(expect(c, type, &it, err));
    *s = it.str;
    return FC_OK;
}

/* RFC 8949 3.1 major type 0. */
fc_status_t fc_cbor_uint(fc_cbor_t *c, uint64_t *v, fc_error_t *err)
{
    return expect_val(c, FC_CBOR_UINT, v, err);
}

/* RFC 8949 3.1 major type 4: the head only; the elements follow. */
fc_status_t fc_cbor_array(fc_cbor_t *c, uint64_t *count, fc_error_t *err)
{
    return expect_val(c, FC_CBOR_ARRAY, count, err);
}

/* RFC 8949 3.1 major type 5: the head only; the pairs follow. */
fc_status_t fc_cbor_map(fc_cbor_t *c, uint64_t *count, fc_error_t *err)
{
    return expect_val(c, FC_CBOR_MAP, count, err);
}

/* RFC 8949 3.4: the tag number; the tagged item follows. */
fc_status_t fc_cbor_tag(fc_cbor_t *c, uint64_t *tag, fc_error_t *err)
{
    return expect_val(c, FC_CBOR_TAG, tag, err);
}

/* RFC 8949 3.1 major type 2. */
fc_status_t fc_cbor_bstr(fc_cbor_t *c, fc_suit_bytes_t *s, fc_error_t *err)
{
    return expect_str(c, FC_CBOR_BSTR, s, err);
}

/* RFC 8949 3.1 major type 3. */
fc_status_t fc_cbor_tstr(fc_cbor_t *c, fc_suit_bytes_t *s, fc_error_t *err)
{
    return expect_str(c, FC_CBOR_TSTR, s, err);
}

/* RFC 8949 3.1 major types 0 and 1, as int64 (CDDL `int`). */
fc_status_t fc_cbor_int(fc_cbor_t *c, int64_t *v, fc_error_t *err)
{
    fc_cbor_item_t it;
    fc_status_t rc = fc_cbor_peek(c, &it, err);
    if (rc != FC_OK)
        return rc;
    if ((it.type != FC_CBOR_UINT && it.type != FC_CBOR_NINT))
        return fc_fail(err, FC_ERR_SUIT_FORMAT, it.offset, "integer expected");
    if (it.val > (uint64_t)INT64_MAX)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, it.offset, "integer out of int64 range");
    rc = fc_cbor_next(c, &it, err);
    if (rc == FC_OK)
        *v = it.type == FC_CBOR_UINT ? (int64_t)it.val : -1 - (int64_t)it.val;
    return rc;
}
