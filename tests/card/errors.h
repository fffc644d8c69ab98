/* SPDX-License-Identifier: Apache-2.0 */
/* The error-completion test's card: SAs, routes and labels, and the frames that probe them. */
#ifndef VRFSEC_CARDTEST_ERRORS_H
#define VRFSEC_CARDTEST_ERRORS_H

#include "cardtest.h"

/* SA slots and SPIs. The refused ones are probed by traffic too: a trace of them would change
 * what the card does with these frames, and the cmodel twin never saw them. */
#define E_A_IN 10u      /* VRF 1 client A, inbound */
#define E_A_OUT 11u     /* ... outbound */
#define E_B_IN 20u      /* VRF 2 client B, NAT-T */
#define E_B_OUT 21u
#define E_BADKEY 30u    /* refused: key length 20 */
#define E_BADVRF 31u    /* refused: VRF 5000 */
#define E_DUP 32u       /* refused: SPI and destination of E_A_IN */
#define E_FULL0 50u     /* 50..57 share one SPI and fill both of its hash buckets */
#define E_FULL 58u      /* refused: no way left for that SPI */
#define E_SPI(idx) (0x1000u + (idx) * 0x10u)
#define E_SPI_SHARED 0x5000u

#define E_LABEL(vrf) (2000u + (vrf)) /* VPN labels; E_LABEL(3) maps VRF 3 of the FIB fill */
#define E_LABEL_REFUSED 2009u        /* mapped to VRF 5000: refused */
#define E_VLAN 100u                  /* VRF 2's inside VLAN, which VRF 1 is refused */

/* The FIB fill: 10.(100 + a).b.1/32 in VRF 3, one trie node each, until the pool is empty. */
#define E_FILL_MAX (128u * 256u)

/* A refused command: errno, detail, nothing applied (done 0, failed 0), and a snapshot equal to
 * before (which it frees) apart from the counters in skip. 0 or -1. */
int e_refused(struct ct *c, struct vrfsec_dev *dev, const char *what, int rc, int want_rc,
	      uint16_t want_detail, struct vrfsec_snapshot *before, const char *const *skip);
/* SA parameters of slot idx (keys from the run's seed). */
void e_sa(const struct ct *c, uint32_t idx, uint8_t dir, uint32_t spi, uint16_t vrf,
	  struct vrfsec_sa_cfg *sa);
void e_key(const struct ct *c, uint32_t idx, struct esp_key *k);
/* The pcap inputs of the traffic phase: public, core, inside. */
void e_inputs(const struct ct *c, struct frames in[3]);
/* Inject phase: refusals between packets sealed into one SA; appends to ref. */
int e_inject_phase(struct ct *c, struct mirror *m, struct run_out *ref);

#endif
