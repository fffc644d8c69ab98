/* SPDX-License-Identifier: Apache-2.0 */
/* Driver unit tests: register-block discovery over a scripted BAR (good chain, bad magic, loops,
 * unknown and unsupported blocks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "driver_fake.h"

static const struct vrfsec_open_cfg info_only = { .flags = VRFSEC_OPEN_NO_ENABLE };

static void good_chain(void **state)
{
	struct fake *f = *state;
	struct vrfsec_block b[16];
	struct vrfsec_info in;
	struct vrfsec_dev *dev;
	int n;

	assert_int_equal(fake_open(f, &dev, &info_only), 0);
	n = vrfsec_blocks_get(dev, b, 16);
	assert_int_equal(n, 6);
	assert_string_equal(b[0].name, "ID");
	assert_string_equal(b[5].name, "PORTS");
	assert_int_equal(b[3].offset, VRFSEC_ABI_RINGS_DEFAULT_OFFSET);
	for (int i = 0; i < n; i++)
		assert_true(b[i].used);
	assert_int_equal(vrfsec_info_get(dev, &in), 0);
	assert_int_equal(in.abi_version, VRFSEC_ABI_VERSION);
	assert_int_equal(in.fw_version, 0x10002);
	assert_int_equal(in.max_sa, 1024);
	assert_int_equal(in.max_vrf, 16);
	assert_int_equal(in.n_global, 4);
	assert_true(in.has_ports);
	assert_int_equal(in.natt_port, 4500);
	assert_string_equal(vrfsec_engine_str(in.engine), "cpu");
	vrfsec_close(dev);
	assert_int_equal(f->closes, 1);
}

/* Blocks found by the chain, not by default offsets: move RINGS elsewhere. */
static void moved_block(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;
	struct vrfsec_block b[16];

	fake_block(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET, 3, 1, 0x800, 0x40);
	fake_block(f, 0x800, 4, 1, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET, 0x100);
	memset(f->bar + VRFSEC_ABI_RINGS_DEFAULT_OFFSET, 0xee, 16);
	assert_int_equal(fake_open(f, &dev, &info_only), 0);
	assert_int_equal(vrfsec_blocks_get(dev, b, 16), 6);
	assert_int_equal(b[3].offset, 0x800);
	vrfsec_close(dev);
}

static void bad_magic(void **state)
{
	struct fake *f = *state;
	char err[256] = "";
	struct vrfsec_open_cfg cfg = info_only;
	struct vrfsec_dev *dev = (void *)1;

	cfg.errbuf = err;
	cfg.errbuf_len = sizeof(err);
	fake_wr(f, VRFSEC_ABI_ID_MAGIC, 0x12345678);
	assert_int_equal(fake_open(f, &dev, &cfg), -ENODEV);
	assert_null(dev);
	assert_non_null(strstr(err, "magic"));
	assert_int_equal(f->closes, 1); /* the backend is closed on failure */
}

static void first_block_not_id(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, 0, VRFSEC_ABI_BLOCK_CONTROL);
	assert_int_equal(fake_open(f, &dev, &info_only), -ENODEV);
}

static void loop(void **state)
{
	struct fake *f = *state;
	char err[256] = "";
	struct vrfsec_open_cfg cfg = info_only;
	struct vrfsec_dev *dev;

	cfg.errbuf = err;
	cfg.errbuf_len = sizeof(err);
	/* PORTS links back to CONTROL */
	fake_wr(f, VRFSEC_ABI_PORTS_DEFAULT_OFFSET + 8, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET);
	assert_int_equal(fake_open(f, &dev, &cfg), -ELOOP);
	assert_non_null(strstr(err, "loops"));
}

static void self_loop(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + 8, VRFSEC_ABI_TABLES_DEFAULT_OFFSET);
	assert_int_equal(fake_open(f, &dev, &info_only), -ELOOP);
}

static void unknown_block_skipped(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;
	struct vrfsec_block b[16];

	/* TABLES -> 0x900 (type 0x77, a block from the future) -> RINGS */
	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + 8, 0x900);
	fake_block(f, 0x900, 0x77, 3, VRFSEC_ABI_RINGS_DEFAULT_OFFSET, 0x80);
	assert_int_equal(fake_open(f, &dev, &info_only), 0);
	assert_int_equal(vrfsec_blocks_get(dev, b, 16), 7);
	assert_int_equal(b[3].type, 0x77);
	assert_string_equal(b[3].name, "unknown");
	assert_false(b[3].used);
	assert_true(b[4].used);
	vrfsec_close(dev);
}

static void newer_optional_block_skipped(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;
	struct vrfsec_info in;

	fake_wr(f, VRFSEC_ABI_PORTS_DEFAULT_OFFSET + 4, 2);
	assert_int_equal(fake_open(f, &dev, &info_only), 0);
	assert_int_equal(vrfsec_info_get(dev, &in), 0);
	assert_false(in.has_ports);
	vrfsec_close(dev);
}

static void newer_required_block(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, VRFSEC_ABI_RINGS_DEFAULT_OFFSET + 4, 2);
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
}

static void missing_block(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	/* COUNTERS ends the chain early: PORTS optional, but COUNTERS present; drop RINGS */
	fake_wr(f, VRFSEC_ABI_TABLES_DEFAULT_OFFSET + 8, VRFSEC_ABI_COUNTERS_DEFAULT_OFFSET);
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
}

static void next_outside_bar(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + 8, VRFSEC_ABI_BAR_SIZE - 8);
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
	fake_std_blocks(f);
	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + 8, 0x102); /* unaligned */
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
	fake_std_blocks(f);
	fake_wr(f, VRFSEC_ABI_PORTS_DEFAULT_OFFSET + 12, VRFSEC_ABI_BAR_SIZE); /* size too big */
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
}

static void abi_version(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, VRFSEC_ABI_ID_ABI_VERSION, VRFSEC_ABI_VERSION + 1);
	assert_int_equal(fake_open(f, &dev, &info_only), -EPROTO);
}

static void fault_at_open(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	fake_wr(f, VRFSEC_ABI_CONTROL_DEFAULT_OFFSET + VRFSEC_ABI_CONTROL_STATUS, 3);
	assert_int_equal(fake_open(f, &dev, &info_only), -ENODEV);
}

static void dead_at_open(void **state)
{
	struct fake *f = *state;
	struct vrfsec_dev *dev;

	f->hb_stall = true;
	assert_int_equal(fake_open(f, &dev, &info_only), -ENODEV);
	/* the fake clock says how long it took: about lost_ms */
	assert_true(f->now - 1000000000ull >= 1000000000ull);
	assert_true(f->now - 1000000000ull < 1100000000ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(good_chain, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(moved_block, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(bad_magic, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(first_block_not_id, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(loop, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(self_loop, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(unknown_block_skipped, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(newer_optional_block_skipped, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(newer_required_block, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(missing_block, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(next_outside_bar, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(abi_version, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(fault_at_open, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(dead_at_open, fake_setup, fake_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
