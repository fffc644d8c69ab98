/* SPDX-License-Identifier: Apache-2.0 */
/* Must be rejected: __attribute__ is a GNU extension (use a pragma or plain C). expected rule: extension */
#include <stdint.h>

struct __attribute__((packed)) wire_hdr {
	uint8_t type;
	uint32_t spi;
};

uint32_t hdr_size(void);

uint32_t hdr_size(void)
{
	return (uint32_t)sizeof(struct wire_hdr);
}
