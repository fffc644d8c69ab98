/* SPDX-License-Identifier: Apache-2.0 */
/* Driver unit tests: a message for every error the library returns and every completion detail,
 * names of opcodes, events and counters, and the arena allocator under the DMA memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "driver_fake.h"

static void errno_strings(void **state)
{
	static const int used[] = { ENODEV, ETIMEDOUT, EAGAIN, EINVAL, ENOENT, EEXIST, ENOSPC,
				    EFAULT, EIO, EPROTO, ELOOP, ENOMEM, EBUSY, EACCES, EPERM,
				    ENOTCONN, EDEADLK, ECANCELED, EMSGSIZE, ENOTSUP, ENXIO };

	(void)state;
	for (size_t i = 0; i < sizeof(used) / sizeof(used[0]); i++) {
		const char *m = vrfsec_strerror(-used[i]);

		assert_non_null(m);
		assert_string_not_equal(m, "unexpected error");
		assert_string_equal(m, vrfsec_strerror(used[i])); /* either sign */
	}
	assert_string_equal(vrfsec_strerror(0), "success");
	assert_string_equal(vrfsec_strerror(-9999), "unexpected error");
	assert_non_null(strstr(vrfsec_strerror(-ENODEV), "lost"));
}

/* Every ERR_* code of the ABI (0 .. ERR_DMA) has its own message and name. */
static void detail_strings(void **state)
{
	(void)state;
	for (unsigned d = 0; d <= VRFSEC_ABI_ERR_DMA; d++) {
		assert_string_not_equal(vrfsec_detail_str(d),
					"unknown detail code (newer card firmware?)");
		assert_string_not_equal(vrfsec_detail_name(d), "UNKNOWN");
		for (unsigned e = 0; e < d; e++)
			assert_string_not_equal(vrfsec_detail_str(d), vrfsec_detail_str(e));
	}
	assert_string_equal(vrfsec_detail_name(VRFSEC_ABI_ERR_DUP_SPI), "DUP_SPI");
	assert_string_equal(vrfsec_detail_name(VRFSEC_ABI_ERR_DMA + 1), "UNKNOWN");
}

static void names(void **state)
{
	(void)state;
	for (unsigned op = 0; op <= VRFSEC_ABI_OP_COUNTERS; op++)
		assert_string_not_equal(vrfsec_op_name(op), "UNKNOWN");
	assert_string_equal(vrfsec_op_name(VRFSEC_ABI_OP_ROUTE_ADD), "ROUTE_ADD");
	for (unsigned t = VRFSEC_ABI_EVENT_SA_SOFT; t <= VRFSEC_ABI_EVENT_TABLE_FULL; t++)
		assert_string_not_equal(vrfsec_event_name(t), "unknown");
	for (unsigned c = 0; c < VRFSEC_ABI_N_COUNTERS; c++) {
		assert_non_null(vrfsec_counter_str(c));
		assert_non_null(vrfsec_counter_desc(c));
	}
	assert_string_equal(vrfsec_counter_str(0), "rx_public");
	assert_null(vrfsec_counter_str(1000));
	assert_string_equal(vrfsec_engine_str(0), "cmodel");
	assert_string_equal(vrfsec_engine_str(7), "?");
}

/* A device error comes with a message; an open error fills errbuf. */
static void messages(void **state)
{
	char err[256] = "";
	struct vrfsec_open_cfg cfg = { .errbuf = err, .errbuf_len = sizeof(err) };
	struct vrfsec_dev *dev;

	(void)state;
	assert_int_equal(vrfsec_open_ex(&dev, "bogus:1", &cfg), -EINVAL);
	assert_non_null(strstr(err, "sim:NAME"));
	assert_int_equal(vrfsec_open_ex(&dev, "sim:../etc", &cfg), -EINVAL);
	assert_int_equal(vrfsec_open_ex(&dev, "sim:no-such-card-here", &cfg), -ENODEV);
	assert_non_null(strstr(err, "vrfsec-sim"));
	assert_int_equal(vrfsec_open_ex(&dev, "pci:zz", &cfg), -EINVAL);
	assert_int_equal(vrfsec_open_ex(&dev, "pci:0000:7f:1f.7", &cfg), -ENODEV);
	assert_non_null(strstr(err, "0000:7f:1f.7"));
	assert_string_equal(vrfsec_errmsg(NULL), "");
	vrfsec_close(NULL);
}

/* No card on this machine's bus (or any bus without one): a clean, clear -ENODEV. */
static void pci_auto(void **state)
{
	char err[256] = "";
	struct vrfsec_open_cfg cfg = { .errbuf = err, .errbuf_len = sizeof(err) };
	struct vrfsec_dev *dev = NULL;
	int rc;

	(void)state;
	rc = vrfsec_open_ex(&dev, "pci:auto", &cfg);
	if (rc == 0) { /* a machine with a real card */
		vrfsec_close(dev);
		skip();
	}
	assert_int_equal(rc, -ENODEV);
	assert_null(dev);
	assert_true(strstr(err, "no vrfsec card found on the PCI bus") ||
		    strstr(err, "no PCI bus") || strstr(err, "vfio"));
}

static void arena(void **state)
{
	struct drv_arena a;
	size_t o1, o2, o3, o4;

	(void)state;
	assert_int_equal(drv_arena_init(&a, 1 << 20), 0);
	assert_int_equal(drv_arena_alloc(&a, 100, 64, &o1), 0);
	assert_int_equal(drv_arena_alloc(&a, 4096, 4096, &o2), 0);
	assert_int_equal(o2 % 4096, 0);
	assert_true(o2 >= o1 + 100);
	assert_int_equal(drv_arena_alloc(&a, 10, 8, &o3), 0); /* fits in the gap before o2 */
	assert_true(o3 < o2);
	assert_int_equal(drv_arena_alloc(&a, 2 << 20, 8, &o4), -ENOMEM);
	drv_arena_free(&a, o2, 4096);
	drv_arena_free(&a, o1, 100);
	drv_arena_free(&a, o3, 10);
	/* everything coalesced back: the whole region is one block again */
	assert_int_equal(drv_arena_alloc(&a, 1 << 20, 8, &o4), 0);
	assert_int_equal(o4, 0);
	drv_arena_free(&a, o4, 1 << 20);
	assert_int_equal(drv_arena_alloc(&a, 8, 3, &o4), -EINVAL);
	drv_arena_destroy(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(errno_strings),
		cmocka_unit_test(detail_strings),
		cmocka_unit_test(names),
		cmocka_unit_test(messages),
		cmocka_unit_test(pci_auto),
		cmocka_unit_test(arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
