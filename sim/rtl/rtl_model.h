/* SPDX-License-Identifier: Apache-2.0 */
/* The Verilated RTL pipeline (hw/rtl/vrfsec_pipeline.v) as a C object: create it with a parameter
 * set, install keys, push packets, clock it, collect the packets and exit records it sends, while
 * it reads and writes a struct vrfsec_tables image through its two table-memory ports.
 *
 * The C++ layer (rtl_model.cpp) only drives pins; everything else of the harness is C. Two
 * Verilated builds link into one program: DATA_WIDTH=128 LANES=1 and DATA_WIDTH=512 LANES=4, both
 * with KEY_SLOTS = VRFSEC_MAX_SA so that SA indices map 1:1 onto key slots. */
#ifndef VRFSEC_RTL_MODEL_H
#define VRFSEC_RTL_MODEL_H

#include <stdint.h>

#include "vrfsec_tables.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RTL_META_WORDS 17u   /* `META_W = 520 bits in 32-bit words */
#define RTL_FRAME_MAX 4096u  /* output bytes kept per packet (more is counted, not kept) */

struct rtl_model;

/* A packet for the s_ stream. frame holds avail bytes; len may be larger (up to 65535): the
 * bytes past avail are sent as zeros (frames over VRFSEC_MAX_FRAME must still arrive whole). */
struct rtl_in {
	const uint8_t *frame;
	uint32_t avail, len;
	uint16_t tag;
	uint8_t in_port;  /* 3 bits on the wire */
	uint8_t out_port; /* 3 bits: host inject meta.out_port */
	uint32_t sa_out;
	uint16_t vrf;
};

/* One finished packet: its exit record and the frame it sent (if any) before it. */
struct rtl_out {
	uint16_t tag;                   /* x_tag */
	uint32_t meta[RTL_META_WORDS];  /* x_meta */
	int has_frame;                  /* m_ beats with this tag came before the record */
	uint16_t frame_tag;             /* m_tuser of those beats */
	uint8_t port;                   /* m_tdest */
	uint32_t len;                   /* bytes sent (kept: at most RTL_FRAME_MAX) */
	int bad_keep;                   /* a beat with tkeep not contiguous from bit 0 or a short
	                                 * beat before tlast */
	uint64_t t_in_first, t_in_last; /* cycles: first and last beat accepted on s_ */
	uint64_t t_out_first;           /* cycle of the first m_ beat (a drop: of the record) */
	uint64_t t_out_last;            /* cycle of the last m_ beat, or of the record for a drop */
	uint8_t frame[RTL_FRAME_MAX];
};

/* Port-rule violations seen on the memory ports (each also printed once to stderr). */
struct rtl_errors {
	uint64_t bad_addr;      /* unaligned or outside the tables */
	uint64_t second_read;   /* mr_req while that port's read is outstanding */
	uint64_t stray_frame;   /* m_ beats not followed by their exit record */
};

/* Parameter sets built into this program (both unless mk/rtl-sim.mk RTLSIM_WIDTHS says
 * otherwise); rtl_model_create takes the data width. */
#define RTL_N_PSETS rtl_n_psets()
unsigned rtl_n_psets(void);
unsigned rtl_pset_width(unsigned i);
unsigned rtl_pset_lanes(unsigned i);

/* A model over tables t (read and written in place; must stay valid). trace_fst: a file to write
 * waveforms to, or NULL. NULL when the width is not built in or the trace cannot be opened. */
struct rtl_model *rtl_model_create(unsigned data_width, struct vrfsec_tables *t,
				   const char *trace_fst);
void rtl_model_destroy(struct rtl_model *m);
unsigned rtl_model_width(const struct rtl_model *m);
unsigned rtl_model_lanes(const struct rtl_model *m);
void rtl_model_set_tables(struct rtl_model *m, struct vrfsec_tables *t);
/* Read latency of both table-memory ports in cycles (>= 1; default 2). */
void rtl_model_set_mem_latency(struct rtl_model *m, unsigned cycles);
/* m_tready low in pct percent of the cycles (pseudo-random from seed); 0: always ready. */
void rtl_model_set_backpressure(struct rtl_model *m, unsigned pct, uint64_t seed);
/* Pause (0) or resume (1) waveform dumping. */
void rtl_model_trace_enable(struct rtl_model *m, int on);

/* Install key (16, 24 or 32 bytes) into key slot sa of every lane; clocks until accepted.
 * 0, or -1 when the model never accepted it. */
int rtl_model_key(struct rtl_model *m, uint32_t sa, const uint8_t *key, uint32_t key_len);

/* Queue a packet for the s_ stream (copied). */
void rtl_model_push(struct rtl_model *m, const struct rtl_in *in);
/* Clock n cycles. */
void rtl_model_step(struct rtl_model *m, uint64_t n);
/* 1 when nothing is queued, nothing is being sent in or out, and the pipeline says idle. */
int rtl_model_quiet(struct rtl_model *m);
/* Clock until quiet or max_cycles more have passed; returns cycles clocked. */
uint64_t rtl_model_drain(struct rtl_model *m, uint64_t max_cycles);
/* Take the oldest finished packet: 1, or 0 when none. */
int rtl_model_pop(struct rtl_model *m, struct rtl_out *out);
/* Finished packets waiting to be popped. */
uint64_t rtl_model_pending(const struct rtl_model *m);

uint64_t rtl_model_cycles(const struct rtl_model *m);
/* Cycles with an s_ beat accepted, with an m_ beat sent. */
uint64_t rtl_model_beats_in(const struct rtl_model *m);
uint64_t rtl_model_beats_out(const struct rtl_model *m);
const struct rtl_errors *rtl_model_errors(const struct rtl_model *m);

/* The metadata bus (stage_if.vh M_* fields) to and from struct vrfsec_pkt (rtl_meta.c). */
void rtl_meta_unpack(struct vrfsec_pkt *p, const uint32_t *w);
void rtl_meta_pack(uint32_t *w, const struct vrfsec_pkt *p);

#ifdef __cplusplus
}
#endif

#endif
