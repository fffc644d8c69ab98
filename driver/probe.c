/* SPDX-License-Identifier: Apache-2.0 */
/* Discovery: what the PCI bus and /dev/shm hold, for `vrfsec probe` and friends. */
#include <stdio.h>

#include "drv.h"

int vrfsec_probe(void (*fn)(void *arg, const struct vrfsec_probe_entry *e), void *arg,
		 char *errbuf, size_t errbuf_len)
{
	char err[DRV_MSG_LEN] = "";
	int pci, sim;

	pci = drv_pci_scan(fn, arg, err, sizeof(err));
	sim = drv_sim_scan(fn, arg);
	/* a machine without a visible PCI bus still has simulated cards worth listing */
	if (pci < 0 && errbuf && errbuf_len)
		snprintf(errbuf, errbuf_len, "%s", err);
	if (pci < 0 && sim == 0)
		return pci;
	return (pci > 0 ? pci : 0) + sim;
}
