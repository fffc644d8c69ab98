/* SPDX-License-Identifier: Apache-2.0 */
/* Where two table images differ, named by field: the byte offsets of struct vrfsec_tables (the
 * same layout hw/rtl/gen/vrfsec_layout.vh gives the RTL). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cosim.h"
#include "counters.h"

struct fld {
	const char *name;
	size_t off, size;
};

#define F(type, m) { #m, offsetof(type, m), sizeof(((type *)0)->m) }

static const struct fld sa_f[] = {
	F(struct vrfsec_sa, valid), F(struct vrfsec_sa, dir), F(struct vrfsec_sa, mode),
	F(struct vrfsec_sa, flags), F(struct vrfsec_sa, df_mode), F(struct vrfsec_sa, ttl),
	F(struct vrfsec_sa, tos), F(struct vrfsec_sa, pad_extra), F(struct vrfsec_sa, spi),
	F(struct vrfsec_sa, vrf), F(struct vrfsec_sa, win), F(struct vrfsec_sa, mtu),
	F(struct vrfsec_sa, ipv4_id), F(struct vrfsec_sa, seq), F(struct vrfsec_sa, iv),
	F(struct vrfsec_sa, salt), F(struct vrfsec_sa, outer_af), F(struct vrfsec_sa, tmpl_len),
	F(struct vrfsec_sa, l3_tmpl_off), F(struct vrfsec_sa, udp_tmpl_off), F(struct vrfsec_sa, src),
	F(struct vrfsec_sa, dst), F(struct vrfsec_sa, flow_label), F(struct vrfsec_sa, ip4_csum_base),
	F(struct vrfsec_sa, tmpl), F(struct vrfsec_sa, ts), { NULL, 0, 0 },
};
static const struct fld nh_f[] = {
	F(struct vrfsec_nh, kind), F(struct vrfsec_nh, n_labels), F(struct vrfsec_nh, ttl_mode),
	F(struct vrfsec_nh, pipe_ttl), F(struct vrfsec_nh, sa), F(struct vrfsec_nh, vlan),
	F(struct vrfsec_nh, mtu), F(struct vrfsec_nh, label), F(struct vrfsec_nh, eth),
	F(struct vrfsec_nh, pad), { NULL, 0, 0 },
};
static const struct fld vrf_f[] = {
	F(struct vrfsec_vrf, valid), F(struct vrfsec_vrf, ttl_mode), F(struct vrfsec_vrf, vlan),
	F(struct vrfsec_vrf, tc_map), { NULL, 0, 0 },
};
static const struct fld sacnt_f[] = {
	F(struct vrfsec_sa_counters, packets), F(struct vrfsec_sa_counters, bytes),
	F(struct vrfsec_sa_counters, drops), { NULL, 0, 0 },
};
static const struct fld vrfcnt_f[] = {
	F(struct vrfsec_vrf_counters, rx_packets), F(struct vrfsec_vrf_counters, rx_bytes),
	F(struct vrfsec_vrf_counters, tx_packets), F(struct vrfsec_vrf_counters, tx_bytes),
	F(struct vrfsec_vrf_counters, drops), { NULL, 0, 0 },
};
static const struct fld port_f[] = {
	F(struct vrfsec_port_cfg, natt_port), F(struct vrfsec_port_cfg, ike_port),
	F(struct vrfsec_port_cfg, core_mtu), F(struct vrfsec_port_cfg, inside_mtu),
	F(struct vrfsec_port_cfg, public_mac), F(struct vrfsec_port_cfg, core_mac),
	F(struct vrfsec_port_cfg, inside_mac), F(struct vrfsec_port_cfg, pad), { NULL, 0, 0 },
};

/* A table of the image: base, element size, element count, fields (NULL: plain array). */
struct tab {
	const char *name;
	size_t off, elem, n;
	const struct fld *f;
};

#define T(m, fl)                                                                                 \
	{ #m, offsetof(struct vrfsec_tables, m), sizeof(((struct vrfsec_tables *)0)->m[0]),     \
	  sizeof(((struct vrfsec_tables *)0)->m) / sizeof(((struct vrfsec_tables *)0)->m[0]), fl }

static const struct tab tabs[] = {
	{ "port", offsetof(struct vrfsec_tables, port), sizeof(struct vrfsec_port_cfg), 1, port_f },
	T(sa, sa_f), T(spi_hash, NULL), T(replay, NULL), T(nh, nh_f), T(vrf, vrf_f),
	T(label_vrf, NULL), T(vlan_vrf, NULL),
	{ "fib", offsetof(struct vrfsec_tables, fib), sizeof(struct vrfsec_fib), 1, NULL },
	T(cnt, NULL), T(sa_cnt, sacnt_f), T(vrf_cnt, vrfcnt_f),
};

void cosim_where(size_t off, char *buf, size_t len)
{
	size_t i, k;

	for (i = sizeof(tabs) / sizeof(tabs[0]); i-- > 0;) {
		const struct tab *t = &tabs[i];
		size_t idx, in;

		if (off < t->off)
			continue;
		idx = (off - t->off) / t->elem;
		in = (off - t->off) % t->elem;
		if (idx >= t->n) {
			snprintf(buf, len, "byte %zu (between tables, after %s)", off, t->name);
			return;
		}
		if (!strcmp(t->name, "cnt")) {
			snprintf(buf, len, "cnt[%s] (offset %zu)", vrfsec_counter_name((unsigned)idx), off);
			return;
		}
		for (k = 0; t->f && t->f[k].name; k++)
			if (in >= t->f[k].off && in < t->f[k].off + t->f[k].size) {
				snprintf(buf, len, "%s[%zu].%s byte %zu (offset %zu)", t->name, idx,
					 t->f[k].name, in - t->f[k].off, off);
				return;
			}
		snprintf(buf, len, "%s[%zu] byte %zu (offset %zu)", t->name, idx, in, off);
		return;
	}
	snprintf(buf, len, "offset %zu", off);
}

unsigned cosim_tables_cmp(const struct vrfsec_tables *a, const struct vrfsec_tables *b,
			  const char *what, unsigned show)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	size_t n = sizeof(*a), off = 0, chunk = 1u << 20;
	unsigned found = 0;
	char where[160];

	while (off < n) {
		size_t len = n - off < chunk ? n - off : chunk, i;

		if (!memcmp(x + off, y + off, len)) {
			off += len;
			continue;
		}
		for (i = 0; i < len; i++) {
			size_t o = off + i;
			uint64_t va = 0, vb = 0;

			if (x[o] == y[o])
				continue;
			if (found++ < show) {
				size_t w = o & ~(size_t)7;

				memcpy(&va, x + w, n - w < 8 ? n - w : 8);
				memcpy(&vb, y + w, n - w < 8 ? n - w : 8);
				cosim_where(o, where, sizeof(where));
				printf("  tables differ (%s): %s: cmodel word 0x%016llx, rtl 0x%016llx\n",
				       what, where, (unsigned long long)va, (unsigned long long)vb);
			}
			/* one report per 8-byte word is enough */
			i |= 7;
		}
		off += len;
	}
	if (found > show)
		printf("  tables differ (%s): %u differing words in all\n", what, found);
	return found;
}
