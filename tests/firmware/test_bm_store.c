/* Host test of the flash record store (src/port/baremetal/store.c) on a RAM
 * flash part that enforces the flash rules (erase by sector, program only
 * erased bytes, one page at a time) and cuts the power after N operations:
 * the cut operation is done half (half a page, half a sector) and the test
 * jumps out, then mounts the part again as the board would at the next
 * boot. For every cut point of a sequence of writes and removals (with
 * compactions in it), each record must hold its old value or its new one,
 * whole, and records not being written must keep theirs.
 *
 * Built twice: as is, and with BM_STORE_MUTATE_IN_PLACE (a record replaced
 * by removing it first, as a port that truncates the live file would):
 * ctest expects that build to FAIL (WILL_FAIL), which shows the cut test
 * can tell an atomic store from one that is not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store.h"

#define PART_SIZE (8u * BM_FLASH_SECTOR) /* two 16 KiB areas: compactions happen often */

typedef struct ram_flash {
    bm_flash_t flash;
    uint8_t mem[PART_SIZE];
    uint32_t ops, cut_at;
    jmp_buf cut;
    int violations;
} ram_flash_t;

static fc_status_t ram_read(bm_flash_t *f, uint32_t off, void *buf, size_t len)
{
    ram_flash_t *r = (ram_flash_t *)f;
    if (off > f->size || len > f->size - off)
        return FC_ERR_STORAGE;
    memcpy(buf, r->mem + off, len);
    return FC_OK;
}

static fc_status_t ram_program(bm_flash_t *f, uint32_t off, const void *data, size_t len)
{
    ram_flash_t *r = (ram_flash_t *)f;
    if (len == 0 || off % f->page_size + len > f->page_size || off + len > f->size) {
        r->violations++;
        return FC_ERR_STORAGE;
    }
    for (size_t i = 0; i < len; i++)
        if (r->mem[off + i] != 0xff) {
            r->violations++;
            return FC_ERR_STORAGE;
        }
    if (++r->ops == r->cut_at) {
        memcpy(r->mem + off, data, len / 2);
        longjmp(r->cut, 1);
    }
    memcpy(r->mem + off, data, len);
    return FC_OK;
}

static fc_status_t ram_erase(bm_flash_t *f, uint32_t off)
{
    ram_flash_t *r = (ram_flash_t *)f;
    if (off % f->sector_size || off >= f->size) {
        r->violations++;
        return FC_ERR_STORAGE;
    }
    if (++r->ops == r->cut_at) {
        memset(r->mem + off, 0xff, f->sector_size / 2);
        longjmp(r->cut, 1);
    }
    memset(r->mem + off, 0xff, f->sector_size);
    return FC_OK;
}

static ram_flash_t part;
static bm_store_t store;

static void part_init(void)
{
    memset(&part, 0, sizeof part);
    memset(part.mem, 0xff, sizeof part.mem);
    part.flash = (bm_flash_t){.size = PART_SIZE,
                              .page_size = BM_FLASH_PAGE,
                              .sector_size = BM_FLASH_SECTOR,
                              .read = ram_read,
                              .program = ram_program,
                              .erase = ram_erase};
}

/* A value of `len` bytes that names its record and version. */
static size_t make_value(uint8_t *buf, const char *name, int version, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(name[i % strlen(name)] + version * 7 + i);
    return len;
}

/* 1 when record name holds version v (of length len) exactly. */
static int holds(const char *name, int version, size_t len)
{
    static uint8_t want[6000], got[6000];
    size_t n = 0;
    if (bm_store_read(&store, name, got, sizeof got, &n) != FC_OK || n != len)
        return 0;
    make_value(want, name, version, len);
    return memcmp(want, got, len) == 0;
}

static size_t len_of(int version, int which)
{
    return (size_t)(100 + 700 * which + 333 * version) % 2000;
}

static void put(const char *name, int version, int which)
{
    static uint8_t buf[6000];
    size_t len = make_value(buf, name, version, len_of(version, which));
    assert_int_equal(bm_store_write(&store, name, buf, len), FC_OK);
}

static void test_basic(void **state)
{
    (void)state;
    part_init();
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    uint8_t buf[16];
    size_t n;
    assert_int_equal(bm_store_read(&store, "a", buf, sizeof buf, &n), FC_ERR_NOT_FOUND);
    put("a", 1, 0);
    put("slot/0/env-1", 1, 2);
    assert_true(holds("a", 1, len_of(1, 0)));
    assert_int_equal(bm_store_read(&store, "a", buf, 4, &n), FC_ERR_BUFFER);
    assert_int_equal(n, len_of(1, 0));
    /* remount: the same records */
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    assert_true(holds("a", 1, len_of(1, 0)));
    assert_true(holds("slot/0/env-1", 1, len_of(1, 2)));
    assert_int_equal(bm_store_remove(&store, "a"), FC_OK);
    assert_int_equal(bm_store_remove(&store, "a"), FC_ERR_NOT_FOUND);
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    assert_int_equal(bm_store_read(&store, "a", buf, sizeof buf, &n), FC_ERR_NOT_FOUND);
    assert_true(holds("slot/0/env-1", 1, len_of(1, 2)));
    /* an empty record */
    assert_int_equal(bm_store_write(&store, "empty", "", 0), FC_OK);
    assert_int_equal(bm_store_read(&store, "empty", buf, 0, &n), FC_OK);
    assert_int_equal(n, 0);
    /* too large for an area */
    static uint8_t big[PART_SIZE];
    assert_int_equal(bm_store_write(&store, "big", big, PART_SIZE / 2), FC_ERR_STORAGE);
    assert_int_equal(part.violations, 0);
}

static void test_compaction_keeps_live_records(void **state)
{
    (void)state;
    part_init();
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    for (int v = 1; v <= 60; v++) {
        put("kv/1", v, 0);
        put("slot/0/cur", v, 1);
        if (v % 3 == 0)
            put("boot", v, 0);
    }
    assert_true(store.compactions >= 3);
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    assert_true(holds("kv/1", 60, len_of(60, 0)));
    assert_true(holds("slot/0/cur", 60, len_of(60, 1)));
    assert_true(holds("boot", 60, len_of(60, 0)));
    assert_int_equal(part.violations, 0);
}

/* The workload one cut interrupts: an update (new envelope, then the
 * switch record, then the old envelope dropped) and key-value writes,
 * from a state where the first area is nearly full (compactions happen). */
static const char *const names[] = {"slot/0/env-2", "slot/0/cur", "slot/0/env-1", "kv/1", "boot"};
enum { N_NAMES = 5 };

static void base_state(void)
{
    part_init();
    assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
    put("slot/0/env-1", 1, 2);
    put("boot", 1, 0);
    for (int v = 1; v <= 7; v++) {
        put("slot/0/cur", 1, 1);
        put("kv/1", 1, 0);
    }
}

static void workload(void)
{
    put("slot/0/env-2", 2, 2);
    put("slot/0/cur", 2, 1);
    assert_int_equal(bm_store_remove(&store, "slot/0/env-1"), FC_OK);
    put("kv/1", 2, 0);
    for (int v = 2; v <= 12; v++)
        put("boot", v, 0);
}

/* Old (version 1 or absent) or new (the version workload writes), whole. */
static void check_after_cut(uint32_t cut)
{
    uint8_t probe[1];
    size_t n;
    int olds = 0;
    for (int i = 0; i < N_NAMES; i++) {
        const char *nm = names[i];
        int which = i == 1 ? 1 : (i == 3 || i == 4) ? 0 : 2;
        int present = bm_store_read(&store, nm, probe, 0, &n) != FC_ERR_NOT_FOUND;
        int ok = 0;
        if (!strcmp(nm, "boot")) {
            for (int v = 1; v <= 12 && !ok; v++)
                ok = holds(nm, v, len_of(v, which));
        } else if (!strcmp(nm, "slot/0/env-2")) {
            ok = !present || holds(nm, 2, len_of(2, which));
        } else if (!strcmp(nm, "slot/0/env-1")) {
            ok = !present || holds(nm, 1, len_of(1, which));
        } else {
            ok = holds(nm, 1, len_of(1, which)) || holds(nm, 2, len_of(2, which));
            olds += holds(nm, 1, len_of(1, which));
        }
        if (!ok)
            fail_msg("cut at operation %u: record %s is neither old nor new", (unsigned)cut, nm);
    }
    (void)olds;
    /* the switch record names a version whose envelope exists */
    if (holds("slot/0/cur", 1, len_of(1, 1)) && !holds("slot/0/env-1", 1, len_of(1, 2)))
        fail_msg("cut at operation %u: switch names version 1, its envelope is gone",
                 (unsigned)cut);
    if (holds("slot/0/cur", 2, len_of(2, 1)) && !holds("slot/0/env-2", 2, len_of(2, 2)))
        fail_msg("cut at operation %u: switch names version 2, its envelope is missing",
                 (unsigned)cut);
}

static void test_power_cut_at_every_operation(void **state)
{
    (void)state;
    /* count the operations of the uninterrupted workload */
    base_state();
    uint32_t start = part.ops;
    uint32_t compactions = store.compactions;
    workload();
    uint32_t total = part.ops - start;
    assert_true(store.compactions > compactions); /* the workload compacts */
    assert_true(total >= 20);
    uint32_t cuts = 0;
    for (uint32_t k = 1; k <= total; k++) {
        base_state();
        part.cut_at = part.ops + k;
        if (setjmp(part.cut) == 0) {
            workload();
            fail_msg("operation %u of %u did not cut", (unsigned)k, (unsigned)total);
        }
        cuts++;
        part.cut_at = 0;
        assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
        check_after_cut(k);
        /* the store goes on working after the cut: write, remount, read */
        put("kv/1", 3, 0);
        assert_int_equal(bm_store_mount(&store, &part.flash), FC_OK);
        assert_true(holds("kv/1", 3, len_of(3, 0)));
        assert_int_equal(part.violations, 0);
    }
    print_message("power cuts: %u operations of the workload, each cut once\n", (unsigned)cuts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_compaction_keeps_live_records),
        cmocka_unit_test(test_power_cut_at_every_operation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
