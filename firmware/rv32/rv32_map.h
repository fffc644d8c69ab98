/* SPDX-License-Identifier: Apache-2.0 */
/* Address map of the RISC-V soft core on the card: BAR registers, DMA, key port, timer, DRAM. */
#ifndef VRFSEC_RV32_MAP_H
#define VRFSEC_RV32_MAP_H

#include <stdint.h>

/* Code and stack live in the core's 64 KiB instruction and 32 KiB data memories (picolibc.ld's
 * default flash at 0x10000000 and ram at 0x20000000). Everything big is in card DRAM. */
#define RV32_BAR 0x40000000u /* BAR 0 as the core sees it (VRFSEC_ABI_BAR_SIZE bytes) */

/* DMA engine: one transfer at a time between card memory and a host IOVA. */
#define RV32_DMA 0x40010000u
#define RV32_DMA_HOST_LO 0x00u /* host IOVA */
#define RV32_DMA_HOST_HI 0x04u
#define RV32_DMA_LOCAL 0x08u   /* card address */
#define RV32_DMA_LEN 0x0cu     /* bytes */
#define RV32_DMA_CTRL 0x10u    /* write: bit 0 start, bit 1 card -> host */
#define RV32_DMA_STATUS 0x14u  /* bit 0 busy, bit 1 fault (IOVA outside the host window) */
#define RV32_DMA_WINDOW 0x18u  /* bytes of host memory the IOMMU lets the card reach */
#define RV32_DMA_START 0x1u
#define RV32_DMA_TO_HOST 0x2u
#define RV32_DMA_BUSY 0x1u
#define RV32_DMA_FAULT 0x2u

/* Key port of the AES-GCM core: write-only key words, then a command. */
#define RV32_KEY 0x40020000u
#define RV32_KEY_SA 0x00u
#define RV32_KEY_LEN 0x04u
#define RV32_KEY_DATA 0x10u /* 8 words, little-endian key bytes */
#define RV32_KEY_CMD 0x30u  /* 1 install (expand into slot SA), 2 wipe slot SA */
#define RV32_KEY_STATUS 0x34u /* bit 0 busy, bit 1 error */
#define RV32_KEY_INSTALL 0x1u
#define RV32_KEY_WIPE 0x2u

/* Free-running card time in nanoseconds. */
#define RV32_TIMER 0x40030000u
#define RV32_TIMER_LO 0x00u
#define RV32_TIMER_HI 0x04u

/* Card DRAM: the tables the data path reads, then the firmware state. Cleared at reset. */
#define RV32_TABLES 0x80000000u
#define RV32_FW_STATE 0xa0000000u /* 512 MiB of tables above */

/* Bounded waits: a device that never finishes is a fault, not a hang. */
#define RV32_SPIN_MAX 1000000u

#endif
