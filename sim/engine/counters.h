/* SPDX-License-Identifier: Apache-2.0 */
/* Printout of the data-path counters, from the same list that defines them. */
#ifndef VRFSEC_COUNTERS_H
#define VRFSEC_COUNTERS_H

#include <stdio.h>

#include "vrfsec_tables.h"

/* Name and help text of a counter id ("?" when out of range). */
const char *vrfsec_counter_name(unsigned id);
const char *vrfsec_counter_help(unsigned id);

/* Global counters that are not zero, one per line with their help text; then per-VRF and per-SA
 * counters of VRFs and SAs that saw traffic. */
void vrfsec_counters_print(FILE *fp, const struct vrfsec_tables *t);

#endif
