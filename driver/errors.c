/* SPDX-License-Identifier: Apache-2.0 */
/* Error strings: every errno value the library returns, every completion detail code, opcodes. */
#include <errno.h>

#include "drv.h"

/* What each errno means coming from this library; strerror() would say "No such device" where a
 * user needs "device lost". */
static const struct {
	int err;
	const char *msg;
} errnos[] = {
	{ 0, "success" },
	{ ENODEV, "device lost or not a vrfsec card (heartbeat stopped, fault, or nothing there)" },
	{ ETIMEDOUT, "the card is alive but did not answer in time" },
	{ EAGAIN, "ring or parameter staging full: poll completions and retry" },
	{ EINVAL, "invalid argument or entry field (see the completion detail)" },
	{ ENOENT, "no such entry on the card (unknown SA, route or next hop)" },
	{ EEXIST, "entry already exists (SA slot in use or duplicate SPI)" },
	{ ENOSPC, "card table full" },
	{ EFAULT, "the card could not reach a parameter block by DMA" },
	{ EIO, "the card broke the ring protocol (impossible index, phase or buffer)" },
	{ EPROTO, "register blocks do not match this driver (version, size or missing block)" },
	{ ELOOP, "register block chain loops" },
	{ ENOMEM, "out of host or DMA memory" },
	{ EBUSY, "device in use by another process" },
	{ EACCES, "permission denied (VFIO group or shared memory)" },
	{ EPERM, "operation not permitted" },
	{ ENOTCONN, "rings not enabled (opened with VRFSEC_OPEN_NO_ENABLE, or disabled)" },
	{ EDEADLK, "called from inside a callback" },
	{ ECANCELED, "command cancelled: rings disabled before the card answered" },
	{ EMSGSIZE, "frame too large (or empty) for the card's buffers" },
	{ ENOTSUP, "not supported by this build or backend" },
	{ ENXIO, "no such device or address" },
};

const char *vrfsec_strerror(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].err == err)
			return errnos[i].msg;
	return "unexpected error";
}

#define ERR_LIST                                                                       \
	X(NONE, "applied")                                                             \
	X(BAD_OPCODE, "opcode unknown to the card")                                    \
	X(BAD_PARAM, "a field of the entry is out of range")                           \
	X(TABLE_FULL, "no free slot (SA index, SPI hash, FIB nodes or FIB routes)")    \
	X(DUP_SPI, "an inbound SA with this SPI and destination exists")               \
	X(UNKNOWN_SA, "no SA at this index")                                           \
	X(BAD_KEY_LEN, "key length is not 16, 24 or 32")                               \
	X(BAD_VRF, "VRF number beyond the table")                                      \
	X(SA_EXISTS, "the SA index is in use")                                         \
	X(NO_ROUTE, "route to delete not found")                                       \
	X(DMA, "parameter block outside host memory")

static const struct {
	unsigned code;
	const char *name, *msg;
} details[] = {
#define X(n, m) { VRFSEC_ABI_ERR_##n, #n, m },
	ERR_LIST
#undef X
};

const char *vrfsec_detail_str(unsigned detail)
{
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++)
		if (details[i].code == detail)
			return details[i].msg;
	return "unknown detail code (newer card firmware?)";
}

const char *vrfsec_detail_name(unsigned detail)
{
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++)
		if (details[i].code == detail)
			return details[i].name;
	return "UNKNOWN";
}

#define OP_LIST                                                                        \
	X(NOP) X(SA_ADD) X(SA_DEL) X(SA_UPDATE) X(ROUTE_ADD) X(ROUTE_DEL) X(NH_SET)    \
	X(LABEL_MAP) X(VRF_SET) X(PORT_SET) X(COUNTERS)

const char *vrfsec_op_name(unsigned opcode)
{
	switch (opcode) {
#define X(n) case VRFSEC_ABI_OP_##n: return #n;
	OP_LIST
#undef X
	default: return "UNKNOWN";
	}
}
