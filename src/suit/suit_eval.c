/* SUIT command sequences: a walker that interprets the control directives
 * (set-component-index, override-parameters, try-each, run-sequence) and
 * hands every other command and every parameter to a visitor; the decode
 * time validator and the evaluator are two such visitors. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "femto/suit.h"
#include "suit_internal.h"

#define FAIL(code, where, reason) fc_suit_fail_(err, (code), (where), (reason))
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_ != FC_OK)                                                                          \
            return rc_;                                                                            \
    } while (0)

_Static_assert(FC_SUIT_MAX_COMPONENTS <= 31, "component sets are 32-bit masks");

typedef struct walker {
    const fc_suit_manifest_t *m;
    fc_suit_visit_fn visit;
    void *ctx;
    int all_branches;
    uint8_t sequence;
    uint32_t components; /* current component index, as a set */
} walker_t;

static int walk_commands(walker_t *w, fc_suit_bytes_t seq, size_t base, unsigned depth,
                         fc_error_t *err);

/* A failure that lets try-each move on to its next alternative. */
static int is_condition_failure(int rc)
{
    return rc == FC_ERR_CONDITION || rc == FC_ERR_DIGEST || rc == FC_ERR_SIZE;
}

static int set_component_index(walker_t *w, fc_cbor_t *c, fc_error_t *err)
{
    fc_cbor_item_t it;
    size_t n = w->m->n_components;
    TRY(fc_cbor_next(c, &it, err));
    if (it.type == FC_CBOR_SIMPLE && it.val == FC_CBOR_TRUE) {
        w->components = (uint32_t)((1u << n) - 1u);
        return FC_OK;
    }
    if (it.type == FC_CBOR_UINT) {
        if (it.val >= n)
            return FAIL(FC_ERR_SUIT_FORMAT, it.offset, "component index out of range");
        w->components = 1u << it.val;
        return FC_OK;
    }
    if (it.type != FC_CBOR_ARRAY || it.val == 0)
        return FAIL(FC_ERR_SUIT_FORMAT, it.offset,
                    "component index must be a uint, true or a non-empty array");
    uint32_t set = 0;
    for (uint64_t i = 0, count = it.val; i < count; i++) {
        uint64_t idx;
        size_t at = c->base + c->pos;
        TRY(fc_cbor_uint(c, &idx, err));
        if (idx >= n)
            return FAIL(FC_ERR_SUIT_FORMAT, at, "component index out of range");
        set |= 1u << idx;
    }
    w->components = set;
    return FC_OK;
}

static int override_parameters(walker_t *w, fc_cbor_t *c, fc_error_t *err)
{
    uint64_t n;
    size_t at = c->base + c->pos;
    TRY(fc_cbor_map(c, &n, err));
    if (n == 0)
        return FAIL(FC_ERR_SUIT_FORMAT, at, "override-parameters with an empty map");
    for (uint64_t i = 0; i < n; i++) {
        fc_suit_step_t step;
        step.kind = FC_SUIT_STEP_PARAMETER;
        step.sequence = w->sequence;
        step.components = w->components;
        TRY(fc_cbor_int(c, &step.id, err));
        size_t start = c->pos;
        TRY(fc_cbor_peek(c, &step.arg, err));
        TRY(fc_cbor_skip(c, err));
        step.raw.ptr = c->buf + start;
        step.raw.len = c->pos - start;
        TRY(w->visit(w->ctx, &step, err));
    }
    return FC_OK;
}

static int nested_sequence(walker_t *w, fc_cbor_t *c, unsigned depth, fc_error_t *err)
{
    fc_suit_bytes_t inner;
    size_t at = c->base + c->pos;
    TRY(fc_cbor_bstr(c, &inner, err));
    if (depth + 1 > FC_SUIT_MAX_NESTING)
        return FAIL(FC_ERR_SUIT_UNSUPPORTED, at,
                    "try-each/run-sequence nested deeper than FC_SUIT_MAX_NESTING");
    return walk_commands(w, inner, c->base + c->pos - inner.len, depth + 1, err);
}

static int try_each(walker_t *w, fc_cbor_t *c, unsigned depth, fc_error_t *err)
{
    uint64_t n;
    size_t at = c->base + c->pos;
    int done = 0, last = FC_OK;
    fc_error_t last_err = {0};
    TRY(fc_cbor_array(c, &n, err));
    if (n < 2)
        return FAIL(FC_ERR_SUIT_FORMAT, at, "try-each needs at least two sequences");
    for (uint64_t i = 0; i < n; i++) {
        fc_cbor_item_t it;
        TRY(fc_cbor_peek(c, &it, err));
        if (it.type == FC_CBOR_SIMPLE && it.val == FC_CBOR_NULL && i == n - 1) {
            TRY(fc_cbor_next(c, &it, err));
            if (!done) /* a trailing nil: "all may fail" */
                done = 1;
            continue;
        }
        if (done && !w->all_branches) {
            TRY(fc_cbor_skip(c, err));
            continue;
        }
        uint32_t saved = w->components;
        int rc = nested_sequence(w, c, depth, err);
        if (rc == FC_OK) {
            done = 1;
        } else if (is_condition_failure(rc) && !w->all_branches) {
            w->components = saved;
            last = rc;
            if (err)
                last_err = *err; /* its bstr is consumed: go on with the next */
        } else {
            return rc;
        }
    }
    if (!done) {
        if (err)
            *err = last_err;
        return last;
    }
    return FC_OK;
}

static int is_control(int64_t id)
{
    return id == FC_SUIT_DIR_SET_COMPONENT_INDEX || id == FC_SUIT_DIR_OVERRIDE_PARAMETERS ||
           id == FC_SUIT_DIR_TRY_EACH || id == FC_SUIT_DIR_RUN_SEQUENCE;
}

static int report_control(walker_t *w, const fc_cbor_t *c, int64_t id, fc_error_t *err)
{
    fc_suit_step_t step;
    step.kind = FC_SUIT_STEP_CONTROL;
    step.sequence = w->sequence;
    step.components = w->components;
    step.id = id;
    TRY(fc_cbor_peek(c, &step.arg, err));
    step.raw.ptr = c->buf + c->pos;
    step.raw.len = 0; /* not skipped yet: the walker decodes it next */
    return w->visit(w->ctx, &step, err);
}

static int walk_commands(walker_t *w, fc_suit_bytes_t seq, size_t base, unsigned depth,
                         fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n;
    TRY(fc_cbor_check(seq.ptr, seq.len, base, err));
    fc_cbor_init(&c, seq.ptr, seq.len, base);
    TRY(fc_cbor_array(&c, &n, err));
    if (n == 0 || n % 2 != 0)
        return FAIL(FC_ERR_SUIT_FORMAT, base,
                    "command sequence must hold (command, argument) pairs");
    for (uint64_t i = 0; i < n; i += 2) {
        int64_t id;
        TRY(fc_cbor_int(&c, &id, err));
        if (is_control(id))
            TRY(report_control(w, &c, id, err));
        if (id == FC_SUIT_DIR_SET_COMPONENT_INDEX) {
            TRY(set_component_index(w, &c, err));
        } else if (id == FC_SUIT_DIR_OVERRIDE_PARAMETERS) {
            TRY(override_parameters(w, &c, err));
        } else if (id == FC_SUIT_DIR_TRY_EACH) {
            TRY(try_each(w, &c, depth, err));
        } else if (id == FC_SUIT_DIR_RUN_SEQUENCE) {
            TRY(nested_sequence(w, &c, depth, err));
        } else {
            fc_suit_step_t step;
            step.kind = FC_SUIT_STEP_COMMAND;
            step.sequence = w->sequence;
            step.components = w->components;
            step.id = id;
            size_t start = c.pos;
            TRY(fc_cbor_peek(&c, &step.arg, err));
            TRY(fc_cbor_skip(&c, err));
            step.raw.ptr = c.buf + start;
            step.raw.len = c.pos - start;
            TRY(w->visit(w->ctx, &step, err));
        }
    }
    return FC_OK;
}

static const fc_suit_section_t *sequence_section(const fc_suit_manifest_t *m, int sequence)
{
    switch (sequence) {
    case FC_SUIT_COMMON_SHARED:
        return &m->shared;
    case FC_SUIT_VALIDATE:
        return &m->validate;
    case FC_SUIT_LOAD:
        return &m->load;
    case FC_SUIT_INVOKE:
        return &m->invoke;
    case FC_SUIT_PAYLOAD_FETCH:
        return &m->payload_fetch;
    case FC_SUIT_INSTALL:
        return &m->install;
    default:
        return NULL;
    }
}

int fc_suit_walk(const fc_suit_manifest_t *m, int sequence, int all_branches,
                 fc_suit_visit_fn visit, void *ctx, fc_error_t *err)
{
    const fc_suit_section_t *s = sequence_section(m, sequence);
    if (!s)
        return FAIL(FC_ERR_INVALID_ARG, 0, "not a command sequence key (4, 7, 8, 9, 16, 20)");
    if (s->state == FC_SUIT_ABSENT)
        return FC_OK;
    if (s->state == FC_SUIT_SEVERED_MISSING)
        return FAIL(FC_ERR_SUIT_FORMAT, s->offset,
                    "command sequence is severed and the envelope does not supply it");
    walker_t w = {m, visit, ctx, all_branches, (uint8_t)sequence, 1u};
    return walk_commands(&w, s->content, s->offset, 0, err);
}

/* ---- parameters ----------------------------------------------------------- */

static int is_uuid(const fc_cbor_item_t *a)
{
    return a->type == FC_CBOR_BSTR && a->str.len == 16;
}

/* Decode a parameter value into p (also used to validate at decode time). */
static int apply_parameter(fc_suit_params_t *p, const fc_suit_step_t *s, fc_error_t *err)
{
    const fc_cbor_item_t *a = &s->arg;
    switch (s->id) {
    case FC_SUIT_PARAM_VENDOR_ID:
        if (a->type == FC_CBOR_TAG && a->val == 112) { /* cbor-pen: kept raw, never ours */
            p->vendor_id = s->raw;
        } else if (is_uuid(a)) {
            p->vendor_id = a->str;
        } else {
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "vendor-id must be a 16-byte UUID or PEN");
        }
        p->has |= FC_SUIT_HAS_VENDOR;
        return FC_OK;
    case FC_SUIT_PARAM_CLASS_ID:
    case FC_SUIT_PARAM_DEVICE_ID:
        if (!is_uuid(a))
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "class-id/device-id must be a 16-byte UUID");
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
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset,
                        "image-digest must be bstr .cbor SUIT_Digest");
        TRY(fc_suit_decode_digest(&a->str, a->offset + (s->raw.len - a->str.len), &p->image_digest,
                                  err));
        p->has |= FC_SUIT_HAS_DIGEST;
        return FC_OK;
    case FC_SUIT_PARAM_COMPONENT_SLOT:
    case FC_SUIT_PARAM_IMAGE_SIZE:
    case FC_SUIT_PARAM_SOURCE_COMPONENT:
        if (a->type != FC_CBOR_UINT)
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "parameter must be an unsigned integer");
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
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "uri must be a text string");
        p->uri = a->str;
        p->has |= FC_SUIT_HAS_URI;
        return FC_OK;
    case FC_SUIT_PARAM_INVOKE_ARGS:
    case FC_SUIT_PARAM_FETCH_ARGS:
    case FC_SUIT_PARAM_CONTENT:
        if (a->type != FC_CBOR_BSTR)
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "parameter must be a byte string");
        if (s->id == FC_SUIT_PARAM_INVOKE_ARGS) {
            p->invoke_args = a->str;
            p->has |= FC_SUIT_HAS_INVOKE_ARGS;
        }
        return FC_OK;
    case FC_SUIT_PARAM_STRICT_ORDER:
    case FC_SUIT_PARAM_SOFT_FAILURE:
        if (a->type != FC_CBOR_SIMPLE || a->val == FC_CBOR_NULL)
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "parameter must be a boolean");
        return FC_OK;
    case FC_SUIT_PARAM_FEMTO:
        if (a->type != FC_CBOR_BSTR)
            return FAIL(FC_ERR_SUIT_FORMAT, a->offset, "femto parameter must be bstr .cbor map");
        TRY(fc_suit_decode_femto(&a->str, a->offset + (s->raw.len - a->str.len), &p->femto, err));
        p->has |= FC_SUIT_HAS_FEMTO;
        return FC_OK;
    default:
        if (s->id < 0) /* another private-use parameter: int/bool/tstr/bstr, ignored */
            return FC_OK;
        return FAIL(FC_ERR_SUIT_UNSUPPORTED, a->offset, "unknown SUIT parameter");
    }
}

/* ---- decode-time validation ----------------------------------------------- */

static int is_directive_with_policy(int64_t id)
{
    return id == FC_SUIT_DIR_WRITE || id == FC_SUIT_DIR_FETCH || id == FC_SUIT_DIR_COPY ||
           id == FC_SUIT_DIR_INVOKE || id == FC_SUIT_DIR_SWAP;
}

static int is_condition(int64_t id)
{
    return id == FC_SUIT_COND_VENDOR || id == FC_SUIT_COND_CLASS ||
           id == FC_SUIT_COND_IMAGE_MATCH || id == FC_SUIT_COND_COMPONENT_SLOT ||
           id == FC_SUIT_COND_CHECK_CONTENT || id == FC_SUIT_COND_ABORT ||
           id == FC_SUIT_COND_DEVICE;
}

static int validate_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    (void)ctx;
    if (s->kind == FC_SUIT_STEP_CONTROL)
        return FC_OK;
    if (s->kind == FC_SUIT_STEP_PARAMETER) {
        fc_suit_params_t scratch;
        memset(&scratch, 0, sizeof scratch);
        int rc = apply_parameter(&scratch, s, err);
        return rc == FC_ERR_SUIT_UNSUPPORTED ? FC_OK : rc; /* refused at evaluation */
    }
    if (is_condition(s->id) || is_directive_with_policy(s->id)) {
        if (s->arg.type != FC_CBOR_UINT)
            return FAIL(FC_ERR_SUIT_FORMAT, s->arg.offset,
                        "reporting policy (uint) expected as the argument");
        if (s->sequence == FC_SUIT_COMMON_SHARED && !is_condition(s->id))
            return FAIL(FC_ERR_SUIT_FORMAT, s->arg.offset,
                        "directive not allowed in the shared sequence");
        return FC_OK;
    }
    if (s->id < 0) {
        if (s->sequence == FC_SUIT_COMMON_SHARED)
            return FAIL(FC_ERR_SUIT_FORMAT, s->arg.offset,
                        "custom command not allowed in the shared sequence");
        if (s->arg.type == FC_CBOR_ARRAY || s->arg.type == FC_CBOR_MAP ||
            s->arg.type == FC_CBOR_TAG ||
            (s->arg.type == FC_CBOR_SIMPLE && s->arg.val != FC_CBOR_NULL))
            return FAIL(FC_ERR_SUIT_FORMAT, s->arg.offset,
                        "custom command argument must be bstr, tstr, int or nil");
    }
    return FC_OK; /* unknown commands are refused at evaluation */
}

int fc_suit_validate_sequences_(const fc_suit_manifest_t *m, fc_error_t *err)
{
    static const int seqs[] = {FC_SUIT_COMMON_SHARED, FC_SUIT_VALIDATE,      FC_SUIT_LOAD,
                               FC_SUIT_INVOKE,        FC_SUIT_PAYLOAD_FETCH, FC_SUIT_INSTALL};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        const fc_suit_section_t *s = sequence_section(m, seqs[i]);
        if (s->state == FC_SUIT_INLINE || s->state == FC_SUIT_SEVERED)
            TRY(fc_suit_walk(m, seqs[i], 1, validate_step, NULL, err));
    }
    return FC_OK;
}

/* ---- evaluation ------------------------------------------------------------ */

typedef struct evaluator {
    const fc_suit_manifest_t *m;
    const fc_port_t *port;
    const fc_suit_device_t *device;
    fc_suit_result_t *out;
} evaluator_t;

static const fc_suit_payload_t *find_payload(const fc_suit_manifest_t *m, fc_suit_bytes_t uri)
{
    for (size_t i = 0; i < m->n_payloads; i++)
        if (fc_suit_bytes_eq_(m->payload[i].key, uri.ptr, uri.len))
            return &m->payload[i];
    return NULL;
}

static int check_identity(const fc_suit_bytes_t *have, int present, const uint8_t *want, size_t at,
                          const char *missing, const char *mismatch, fc_error_t *err)
{
    if (!present)
        return FAIL(FC_ERR_CONDITION, at, missing);
    if (!want || !fc_suit_bytes_eq_(*have, want, 16))
        return FAIL(FC_ERR_CONDITION, at, mismatch);
    return FC_OK;
}

static int image_match(evaluator_t *ev, fc_suit_component_result_t *r, size_t at, fc_error_t *err)
{
    if (r->payload) {
        int rc = fc_suit_check_payload(&r->params, ev->port, r->payload->data.ptr,
                                       r->payload->data.len, err);
        if (rc != FC_OK) {
            if (err)
                err->where = (unsigned long)at;
            return rc;
        }
        r->actions |= FC_SUIT_IMAGE_MATCHED;
        return FC_OK;
    }
    if (!(r->params.has & FC_SUIT_HAS_DIGEST))
        return FAIL(FC_ERR_CONDITION, at, "image-match without an image-digest parameter");
    r->actions |= FC_SUIT_IMAGE_PENDING; /* the caller checks the stored/fetched image */
    return FC_OK;
}

static int run_command(evaluator_t *ev, fc_suit_component_result_t *r, const fc_suit_step_t *s,
                       fc_error_t *err)
{
    const fc_suit_device_t *d = ev->device;
    size_t at = s->arg.offset;
    switch (s->id) {
    case FC_SUIT_COND_VENDOR:
        return check_identity(&r->params.vendor_id, (r->params.has & FC_SUIT_HAS_VENDOR) != 0,
                              d->vendor_id, at, "vendor-identifier condition without vendor-id",
                              "vendor identifier does not match this device", err);
    case FC_SUIT_COND_CLASS:
        return check_identity(&r->params.class_id, (r->params.has & FC_SUIT_HAS_CLASS) != 0,
                              d->class_id, at, "class-identifier condition without class-id",
                              "class identifier does not match this device", err);
    case FC_SUIT_COND_DEVICE:
        return check_identity(&r->params.device_id, (r->params.has & FC_SUIT_HAS_DEVICE) != 0,
                              d->device_id, at, "device-identifier condition without device-id",
                              "device identifier does not match this device", err);
    case FC_SUIT_COND_IMAGE_MATCH:
        return image_match(ev, r, at, err);
    case FC_SUIT_COND_COMPONENT_SLOT:
        if (!(r->params.has & FC_SUIT_HAS_SLOT) || r->params.component_slot != 0)
            return FAIL(FC_ERR_CONDITION, at,
                        "component-slot condition: this device has slot 0 only");
        return FC_OK;
    case FC_SUIT_COND_ABORT:
        return FAIL(FC_ERR_CONDITION, at, "abort condition in the manifest");
    case FC_SUIT_DIR_FETCH:
        if (!(r->params.has & FC_SUIT_HAS_URI))
            return FAIL(FC_ERR_SUIT_FORMAT, at, "fetch without a uri parameter");
        r->payload = find_payload(ev->m, r->params.uri);
        if (!r->payload && r->params.uri.len > 0 && r->params.uri.ptr[0] == '#')
            return FAIL(FC_ERR_SUIT_FORMAT, at,
                        "fetch of an integrated payload the envelope lacks");
        r->actions |= FC_SUIT_DID_FETCH;
        return FC_OK;
    case FC_SUIT_DIR_COPY:
        if (!(r->params.has & FC_SUIT_HAS_SOURCE) ||
            r->params.source_component >= ev->m->n_components)
            return FAIL(FC_ERR_SUIT_FORMAT, at, "copy without a valid source-component");
        r->actions |= FC_SUIT_DID_COPY;
        return FC_OK;
    case FC_SUIT_DIR_WRITE:
        r->actions |= FC_SUIT_DID_WRITE;
        return FC_OK;
    case FC_SUIT_DIR_INVOKE:
        r->actions |= FC_SUIT_DID_INVOKE;
        return FC_OK;
    default:
        return FAIL(FC_ERR_SUIT_UNSUPPORTED, at,
                    s->id < 0 ? "custom command not understood by this device"
                              : "SUIT command not supported by this device");
    }
}

static int evaluate_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    evaluator_t *ev = ctx;
    if (s->kind == FC_SUIT_STEP_CONTROL)
        return FC_OK;
    for (size_t i = 0; i < ev->out->n_components; i++) {
        if (!(s->components & (1u << i)))
            continue;
        fc_suit_component_result_t *r = &ev->out->component[i];
        if (s->kind == FC_SUIT_STEP_PARAMETER)
            TRY(apply_parameter(&r->params, s, err));
        else
            TRY(run_command(ev, r, s, err));
    }
    return FC_OK;
}

/* [ 'femto', '<decimal slot>' ] */
static void femto_slot(const fc_suit_component_id_t *id, fc_suit_component_result_t *r)
{
    static const char tag[] = FC_SUIT_FEMTO_ID;
    r->has_femto_slot = 0;
    if (id->n_parts != 2 || !fc_suit_bytes_eq_(id->part[0], tag, sizeof tag - 1))
        return;
    fc_suit_bytes_t num = id->part[1];
    if (num.len == 0 || num.len > 9 || (num.len > 1 && num.ptr[0] == '0'))
        return;
    uint32_t v = 0;
    for (size_t i = 0; i < num.len; i++) {
        if (num.ptr[i] < '0' || num.ptr[i] > '9')
            return;
        v = v * 10 + (uint32_t)(num.ptr[i] - '0');
    }
    r->femto_slot = v;
    r->has_femto_slot = 1;
}

int fc_suit_evaluate(const fc_suit_manifest_t *m, const fc_port_t *port,
                     const fc_suit_device_t *device, int run, fc_suit_result_t *out,
                     fc_error_t *err)
{
    static const int install_seqs[] = {FC_SUIT_PAYLOAD_FETCH, FC_SUIT_INSTALL, FC_SUIT_VALIDATE};
    static const int boot_seqs[] = {FC_SUIT_VALIDATE, FC_SUIT_LOAD, FC_SUIT_INVOKE};
    if (!m || !port || !device || !out)
        return FAIL(FC_ERR_INVALID_ARG, 0, "NULL manifest, port, device or result");
    if (run != FC_SUIT_RUN_INSTALL && run != FC_SUIT_RUN_BOOT)
        return FAIL(FC_ERR_INVALID_ARG, 0, "run must be FC_SUIT_RUN_INSTALL or FC_SUIT_RUN_BOOT");
    memset(out, 0, sizeof *out);
    out->n_components = m->n_components;
    for (size_t i = 0; i < m->n_components; i++)
        femto_slot(&m->component[i], &out->component[i]);
    evaluator_t ev = {m, port, device, out};
    TRY(fc_suit_walk(m, FC_SUIT_COMMON_SHARED, 0, evaluate_step, &ev, err));
    const int *seqs = run == FC_SUIT_RUN_INSTALL ? install_seqs : boot_seqs;
    for (size_t i = 0; i < 3; i++)
        TRY(fc_suit_walk(m, seqs[i], 0, evaluate_step, &ev, err));
    return FC_OK;
}

int fc_suit_femto_component(const fc_suit_result_t *r, size_t *index, fc_error_t *err)
{
    size_t found = 0;
    for (size_t i = 0; i < r->n_components; i++) {
        if (r->component[i].has_femto_slot) {
            *index = i;
            found++;
        }
    }
    if (found == 0)
        return FAIL(FC_ERR_SUIT_UNSUPPORTED, 0, "no component ['femto', '<slot>'] in the manifest");
    if (found > 1)
        return FAIL(FC_ERR_SUIT_UNSUPPORTED, 0, "more than one container slot in one manifest");
    return FC_OK;
}
