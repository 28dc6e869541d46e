/* SUIT command sequences: a walker that interprets the control directives
 * (set-component-index, override-parameters, try-each, run-sequence) and
 * hands every other command and every parameter to a visitor; the decode
 * time validator and the evaluator are two such visitors. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "suit_internal.h"

_Static_assert(FC_SUIT_MAX_COMPONENTS <= 31, "component sets are 32-bit masks");

typedef struct walker {
    const fc_suit_manifest_t *m;
    fc_suit_visit_fn visit;
    void *ctx;
    int all_branches;
    uint8_t sequence;
    uint32_t components; /* current component index, as a set */
} walker_t;

static fc_status_t walk_commands(walker_t *w, fc_suit_bytes_t seq, size_t base, unsigned depth,
                                 fc_error_t *err);

/* A failure that lets try-each move on to its next alternative. */
static int is_condition_failure(fc_status_t rc)
{
    return rc == FC_ERR_CONDITION || rc == FC_ERR_DIGEST || rc == FC_ERR_SIZE;
}

/* suit-directive-set-component-index (draft-37 8.4.10.1; 6.5 for true and arrays). */
static fc_status_t set_component_index(walker_t *w, fc_cbor_t *c, fc_error_t *err)
{
    fc_cbor_item_t it;
    size_t n = w->m->n_components;
    FC_TRY(fc_cbor_next(c, &it, err));
    if (it.type == FC_CBOR_SIMPLE && it.val == FC_CBOR_TRUE) {
        w->components = (uint32_t)((1u << n) - 1u);
        return FC_OK;
    }
    if (it.type == FC_CBOR_UINT) {
        if (it.val >= n)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, it.offset, "component index out of range");
        w->components = 1u << it.val;
        return FC_OK;
    }
    if (it.type != FC_CBOR_ARRAY || it.val == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, it.offset,
                       "component index must be a uint, true or a non-empty array");
    uint32_t set = 0;
    for (uint64_t i = 0, count = it.val; i < count; i++) {
        uint64_t idx;
        size_t at = c->base + c->pos;
        FC_TRY(fc_cbor_uint(c, &idx, err));
        if (idx >= n)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "component index out of range");
        set |= 1u << idx;
    }
    w->components = set;
    return FC_OK;
}

/* suit-directive-override-parameters (draft-37 8.4.10.3): each parameter
 * goes to the visitor. */
static fc_status_t override_parameters(walker_t *w, fc_cbor_t *c, fc_error_t *err)
{
    uint64_t n;
    size_t at = c->base + c->pos;
    FC_TRY(fc_cbor_map(c, &n, err));
    if (n == 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "override-parameters with an empty map");
    for (uint64_t i = 0; i < n; i++) {
        fc_suit_step_t step;
        step.kind = FC_SUIT_STEP_PARAMETER;
        step.sequence = w->sequence;
        step.components = w->components;
        FC_TRY(fc_cbor_int(c, &step.id, err));
        size_t start = c->pos;
        FC_TRY(fc_cbor_peek(c, &step.arg, err));
        FC_TRY(fc_cbor_skip(c, err));
        step.raw.ptr = c->buf + start;
        step.raw.len = c->pos - start;
        FC_TRY(w->visit(w->ctx, &step, err));
    }
    return FC_OK;
}

/* A bstr-wrapped SUIT_Command_Sequence inside try-each or run-sequence
 * (draft-37 8.4.10.2, 8.4.10.8), bounded by FC_SUIT_MAX_NESTING. */
static fc_status_t nested_sequence(walker_t *w, fc_cbor_t *c, unsigned depth, fc_error_t *err)
{
    fc_suit_bytes_t inner;
    size_t at = c->base + c->pos;
    FC_TRY(fc_cbor_bstr(c, &inner, err));
    if (depth + 1 > FC_SUIT_MAX_NESTING)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at,
                       "try-each/run-sequence nested deeper than FC_SUIT_MAX_NESTING");
    return walk_commands(w, inner, c->base + c->pos - inner.len, depth + 1, err);
}

/* suit-directive-try-each (draft-37 8.4.10.2): the first alternative whose
 * conditions hold wins; a trailing nil means all may fail. */
static fc_status_t try_each(walker_t *w, fc_cbor_t *c, unsigned depth, fc_error_t *err)
{
    uint64_t n;
    size_t at = c->base + c->pos;
    int done = 0;
    fc_status_t last = FC_OK;
    fc_error_t last_err = {0};
    FC_TRY(fc_cbor_array(c, &n, err));
    if (n < 2)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "try-each needs at least two sequences");
    for (uint64_t i = 0; i < n; i++) {
        fc_cbor_item_t it;
        FC_TRY(fc_cbor_peek(c, &it, err));
        if (it.type == FC_CBOR_SIMPLE && it.val == FC_CBOR_NULL && i == n - 1) {
            FC_TRY(fc_cbor_next(c, &it, err));
            if (!done) /* a trailing nil: "all may fail" */
                done = 1;
            continue;
        }
        if (done && !w->all_branches) {
            FC_TRY(fc_cbor_skip(c, err));
            continue;
        }
        uint32_t saved = w->components;
        fc_status_t rc = nested_sequence(w, c, depth, err);
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

/* The directives the walker interprets itself (draft-37 8.4.10.1-3, 8.4.10.8). */
static int is_control(int64_t id)
{
    return id == FC_SUIT_DIR_SET_COMPONENT_INDEX || id == FC_SUIT_DIR_OVERRIDE_PARAMETERS ||
           id == FC_SUIT_DIR_TRY_EACH || id == FC_SUIT_DIR_RUN_SEQUENCE;
}

/* Tell the visitor about a control directive before the walker applies it. */
static fc_status_t report_control(walker_t *w, const fc_cbor_t *c, int64_t id, fc_error_t *err)
{
    fc_suit_step_t step;
    step.kind = FC_SUIT_STEP_CONTROL;
    step.sequence = w->sequence;
    step.components = w->components;
    step.id = id;
    FC_TRY(fc_cbor_peek(c, &step.arg, err));
    step.raw.ptr = c->buf + c->pos;
    step.raw.len = 0; /* not skipped yet: the walker decodes it next */
    return w->visit(w->ctx, &step, err);
}

/* SUIT_Command_Sequence (draft-37 8.4.6): (command, argument) pairs. */
static fc_status_t walk_commands(walker_t *w, fc_suit_bytes_t seq, size_t base, unsigned depth,
                                 fc_error_t *err)
{
    fc_cbor_t c;
    uint64_t n;
    FC_TRY(fc_cbor_check(seq.ptr, seq.len, base, err));
    fc_cbor_init(&c, seq.ptr, seq.len, base);
    FC_TRY(fc_cbor_array(&c, &n, err));
    if (n == 0 || n % 2 != 0)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, base,
                       "command sequence must hold (command, argument) pairs");
    for (uint64_t i = 0; i < n; i += 2) {
        int64_t id;
        FC_TRY(fc_cbor_int(&c, &id, err));
        if (is_control(id))
            FC_TRY(report_control(w, &c, id, err));
        if (id == FC_SUIT_DIR_SET_COMPONENT_INDEX) {
            FC_TRY(set_component_index(w, &c, err));
        } else if (id == FC_SUIT_DIR_OVERRIDE_PARAMETERS) {
            FC_TRY(override_parameters(w, &c, err));
        } else if (id == FC_SUIT_DIR_TRY_EACH) {
            FC_TRY(try_each(w, &c, depth, err));
        } else if (id == FC_SUIT_DIR_RUN_SEQUENCE) {
            FC_TRY(nested_sequence(w, &c, depth, err));
        } else {
            fc_suit_step_t step;
            step.kind = FC_SUIT_STEP_COMMAND;
            step.sequence = w->sequence;
            step.components = w->components;
            step.id = id;
            size_t start = c.pos;
            FC_TRY(fc_cbor_peek(&c, &step.arg, err));
            FC_TRY(fc_cbor_skip(&c, err));
            step.raw.ptr = c.buf + start;
            step.raw.len = c.pos - start;
            FC_TRY(w->visit(w->ctx, &step, err));
        }
    }
    return FC_OK;
}

/* Walk one command sequence (draft-37 6.4 abstract machine, 8.4.6). */
fc_status_t fc_suit_walk(const fc_suit_manifest_t *m, int sequence, int all_branches,
                         fc_suit_visit_fn visit, void *ctx, fc_error_t *err)
{
    const fc_suit_section_t *s = fc_suit_section(m, sequence);
    if (!s || sequence == FC_SUIT_TEXT)
        return fc_fail(err, FC_ERR_INVALID_ARG, 0,
                       "not a command sequence key (4, 7, 8, 9, 16, 20)");
    if (s->state == FC_SUIT_ABSENT)
        return fc_ok(err);
    if (s->state == FC_SUIT_SEVERED_MISSING)
        return fc_fail(err, FC_ERR_SUIT_FORMAT, s->offset,
                       "command sequence is severed and the envelope does not supply it");
    walker_t w = {m, visit, ctx, all_branches, (uint8_t)sequence, 1u};
    FC_TRY(walk_commands(&w, s->content, s->offset, 0, err));
    return fc_ok(err);
}

/* ---- decode-time validation ----------------------------------------------- */

static int is_directive_with_policy(int64_t id)
{
    return id == FC_SUIT_DIR_WRITE || id == FC_SUIT_DIR_FETCH || id == FC_SUIT_DIR_COPY ||
           id == FC_SUIT_DIR_INVOKE || id == FC_SUIT_DIR_SWAP;
}

/* SUIT_Condition ids this profile knows (draft-37 8.4.9). */
static int is_condition(int64_t id)
{
    return id == FC_SUIT_COND_VENDOR || id == FC_SUIT_COND_CLASS ||
           id == FC_SUIT_COND_IMAGE_MATCH || id == FC_SUIT_COND_COMPONENT_SLOT ||
           id == FC_SUIT_COND_CHECK_CONTENT || id == FC_SUIT_COND_ABORT ||
           id == FC_SUIT_COND_DEVICE;
}

/* Decode-time check of one step: argument types of conditions and
 * directives (8.4.7 reporting policy), parameters (8.4.8), what the shared
 * sequence may hold (8.4.5: conditions only). */
static fc_status_t validate_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    (void)ctx;
    if (s->kind == FC_SUIT_STEP_CONTROL)
        return FC_OK;
    if (s->kind == FC_SUIT_STEP_PARAMETER) {
        fc_suit_params_t scratch;
        memset(&scratch, 0, sizeof scratch);
        fc_status_t rc = fc_suit_apply_parameter(&scratch, s, err);
        return rc == FC_ERR_SUIT_UNSUPPORTED ? FC_OK : rc; /* refused at evaluation */
    }
    if (is_condition(s->id) || is_directive_with_policy(s->id)) {
        if (s->arg.type != FC_CBOR_UINT)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, s->arg.offset,
                           "reporting policy (uint) expected as the argument");
        if (s->sequence == FC_SUIT_COMMON_SHARED && !is_condition(s->id))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, s->arg.offset,
                           "directive not allowed in the shared sequence");
        return FC_OK;
    }
    if (s->id < 0) {
        if (s->sequence == FC_SUIT_COMMON_SHARED)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, s->arg.offset,
                           "custom command not allowed in the shared sequence");
        if (s->arg.type == FC_CBOR_ARRAY || s->arg.type == FC_CBOR_MAP ||
            s->arg.type == FC_CBOR_TAG ||
            (s->arg.type == FC_CBOR_SIMPLE && s->arg.val != FC_CBOR_NULL))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, s->arg.offset,
                           "custom command argument must be bstr, tstr, int or nil");
    }
    return FC_OK; /* unknown commands are refused at evaluation */
}

/* Validate every command sequence at decode time (draft-37 6.2). */
fc_status_t fc_suit_validate_sequences(const fc_suit_manifest_t *m, fc_error_t *err)
{
    static const int seqs[] = {FC_SUIT_COMMON_SHARED, FC_SUIT_VALIDATE,      FC_SUIT_LOAD,
                               FC_SUIT_INVOKE,        FC_SUIT_PAYLOAD_FETCH, FC_SUIT_INSTALL};
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        const fc_suit_section_t *s = fc_suit_section(m, seqs[i]);
        if (s->state == FC_SUIT_INLINE || s->state == FC_SUIT_SEVERED)
            FC_TRY(fc_suit_walk(m, seqs[i], 1, validate_step, NULL, err));
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

/* The integrated payload (draft-37 5.5) whose key equals uri, or NULL. */
static const fc_suit_payload_t *find_payload(const fc_suit_manifest_t *m, fc_suit_bytes_t uri)
{
    for (size_t i = 0; i < m->n_payloads; i++)
        if (fc_suit_bytes_eq(m->payload[i].key, uri.ptr, uri.len))
            return &m->payload[i];
    return NULL;
}

/* suit-condition-vendor/class/device-identifier (draft-37 8.4.9.1). */
static fc_status_t check_identity(const fc_suit_bytes_t *have, int present, const uint8_t *want,
                                  size_t at, const char *missing, const char *mismatch,
                                  fc_error_t *err)
{
    if (!present)
        return fc_fail(err, FC_ERR_CONDITION, at, missing);
    if (!want || !fc_suit_bytes_eq(*have, want, 16))
        return fc_fail(err, FC_ERR_CONDITION, at, mismatch);
    return FC_OK;
}

/* suit-condition-image-match (draft-37 8.4.9.2): now for an integrated
 * payload, pending (caller checks) for a fetched one. */
static fc_status_t image_match(evaluator_t *ev, fc_suit_component_result_t *r, size_t at,
                               fc_error_t *err)
{
    if (r->payload) {
        fc_status_t rc = fc_suit_check_payload(&r->params, ev->port, r->payload->data.ptr,
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
        return fc_fail(err, FC_ERR_CONDITION, at, "image-match without an image-digest parameter");
    r->actions |= FC_SUIT_IMAGE_PENDING; /* the caller checks the stored/fetched image */
    return FC_OK;
}

/* One condition (8.4.9) or directive (8.4.10) applied to one component. */
static fc_status_t run_command(evaluator_t *ev, fc_suit_component_result_t *r,
                               const fc_suit_step_t *s, fc_error_t *err)
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
            return fc_fail(err, FC_ERR_CONDITION, at,
                           "component-slot condition: this device has slot 0 only");
        return FC_OK;
    case FC_SUIT_COND_ABORT:
        return fc_fail(err, FC_ERR_CONDITION, at, "abort condition in the manifest");
    case FC_SUIT_DIR_FETCH:
        if (!(r->params.has & FC_SUIT_HAS_URI))
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "fetch without a uri parameter");
        r->payload = find_payload(ev->m, r->params.uri);
        if (!r->payload && r->params.uri.len > 0 && r->params.uri.ptr[0] == '#')
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at,
                           "fetch of an integrated payload the envelope lacks");
        r->actions |= FC_SUIT_DID_FETCH;
        return FC_OK;
    case FC_SUIT_DIR_COPY:
        if (!(r->params.has & FC_SUIT_HAS_SOURCE) ||
            r->params.source_component >= ev->m->n_components)
            return fc_fail(err, FC_ERR_SUIT_FORMAT, at, "copy without a valid source-component");
        r->actions |= FC_SUIT_DID_COPY;
        return FC_OK;
    case FC_SUIT_DIR_WRITE:
        r->actions |= FC_SUIT_DID_WRITE;
        return FC_OK;
    case FC_SUIT_DIR_INVOKE:
        r->actions |= FC_SUIT_DID_INVOKE;
        return FC_OK;
    default:
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, at,
                       s->id < 0 ? "custom command not understood by this device"
                                 : "SUIT command not supported by this device");
    }
}

/* Apply one step to every component of the current index (draft-37 6.4). */
static fc_status_t evaluate_step(void *ctx, const fc_suit_step_t *s, fc_error_t *err)
{
    evaluator_t *ev = ctx;
    if (s->kind == FC_SUIT_STEP_CONTROL)
        return FC_OK;
    for (size_t i = 0; i < ev->out->n_components; i++) {
        if (!(s->components & (1u << i)))
            continue;
        fc_suit_component_result_t *r = &ev->out->component[i];
        if (s->kind == FC_SUIT_STEP_PARAMETER)
            FC_TRY(fc_suit_apply_parameter(&r->params, s, err));
        else
            FC_TRY(run_command(ev, r, s, err));
    }
    return FC_OK;
}

/* [ 'femto', '<decimal slot>' ] */
static void femto_slot(const fc_suit_component_id_t *id, fc_suit_component_result_t *r)
{
    static const char tag[] = FC_SUIT_FEMTO_ID;
    r->has_femto_slot = 0;
    if (id->n_parts != 2 || !fc_suit_bytes_eq(id->part[0], tag, sizeof tag - 1))
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

/* Run the shared sequence and the sequences of `run` (draft-37 6.4, 6.6
 * serialized processing). */
fc_status_t fc_suit_evaluate(const fc_suit_manifest_t *m, const fc_port_t *port,
                             const fc_suit_device_t *device, int run, fc_suit_result_t *out,
                             fc_error_t *err)
{
    static const int install_seqs[] = {FC_SUIT_PAYLOAD_FETCH, FC_SUIT_INSTALL, FC_SUIT_VALIDATE};
    static const int boot_seqs[] = {FC_SUIT_VALIDATE, FC_SUIT_LOAD, FC_SUIT_INVOKE};
    if (!m || !port || !device || !out)
        return fc_fail(err, FC_ERR_INVALID_ARG, 0, "NULL manifest, port, device or result");
    if (run != FC_SUIT_RUN_INSTALL && run != FC_SUIT_RUN_BOOT)
        return fc_fail(err, FC_ERR_INVALID_ARG, 0,
                       "run must be FC_SUIT_RUN_INSTALL or FC_SUIT_RUN_BOOT");
    memset(out, 0, sizeof *out);
    out->n_components = m->n_components;
    for (size_t i = 0; i < m->n_components; i++)
        femto_slot(&m->component[i], &out->component[i]);
    evaluator_t ev = {m, port, device, out};
    FC_TRY(fc_suit_walk(m, FC_SUIT_COMMON_SHARED, 0, evaluate_step, &ev, err));
    const int *seqs = run == FC_SUIT_RUN_INSTALL ? install_seqs : boot_seqs;
    for (size_t i = 0; i < 3; i++)
        FC_TRY(fc_suit_walk(m, seqs[i], 0, evaluate_step, &ev, err));
    return fc_ok(err);
}

/* Our profile (docs/suit-profile.md): exactly one ['femto', '<slot>'] component. */
fc_status_t fc_suit_femto_component(const fc_suit_result_t *r, size_t *index, fc_error_t *err)
{
    size_t found = 0;
    for (size_t i = 0; i < r->n_components; i++) {
        if (r->component[i].has_femto_slot) {
            *index = i;
            found++;
        }
    }
    if (found == 0)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, 0,
                       "no component ['femto', '<slot>'] in the manifest");
    if (found > 1)
        return fc_fail(err, FC_ERR_SUIT_UNSUPPORTED, 0,
                       "more than one container slot in one manifest");
    return fc_ok(err);
}
