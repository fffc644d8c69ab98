/* SPDX-License-Identifier: Apache-2.0 */
/* The `vrfsec` command line: `vrfsec probe` (what cards this machine has) and the agent's
 * commands over vrfsecd's control socket (show, clear, reload). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vrfsec.h"

struct listing {
	int pci, sim, pci_cards;
};

static void show(void *arg, const struct vrfsec_probe_entry *e)
{
	struct listing *l = arg;

	if (strcmp(e->kind, "pci") == 0) {
		l->pci_cards += e->is_card;
		if (l->pci++ == 0)
			printf("PCI devices scanned (vrfsec card = %04x:%04x):\n", VRFSEC_PCI_VENDOR,
			       VRFSEC_PCI_DEVICE);
		printf("  %-4s %-18s %04x:%04x class %06x  driver %-10s %s\n",
		       e->is_card ? "CARD" : "", e->spec + 4, e->vendor, e->device, e->class_code,
		       e->driver[0] ? e->driver : "-", e->desc);
	} else {
		if (l->sim++ == 0)
			printf("simulated cards (/dev/shm):\n");
		printf("  %-4s %-18s %s\n", e->is_card ? "CARD" : "", e->spec, e->desc);
	}
}

static int probe(void)
{
	struct listing l = { 0, 0, 0 };
	char err[256] = "";
	int n = vrfsec_probe(show, &l, err, sizeof(err));

	if (err[0])
		printf("PCI: %s\n", err);
	else if (l.pci == 0)
		printf("PCI: no devices visible\n");
	if (l.sim == 0)
		printf("simulated cards: none running (start one with vrfsec-sim --name NAME)\n");
	if (n < 0) {
		fprintf(stderr, "vrfsec probe: %s\n", vrfsec_strerror(n));
		return 1;
	}
	if (l.pci_cards == 0)
		printf("no vrfsec card found on the PCI bus\n");
	else
		printf("%d vrfsec card%s on the PCI bus\n", l.pci_cards, l.pci_cards == 1 ? "" : "s");
	if (n > l.pci_cards)
		printf("%d simulated card%s running\n", n - l.pci_cards, n - l.pci_cards == 1 ? "" : "s");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: vrfsec probe                 list the PCI devices scanned and simulated cards\n"
		   "       vrfsec [-s SOCKET] show sessions|sa|vrf|routes|counters|neighbors|status [--json]\n"
		   "       vrfsec [-s SOCKET] clear session ID\n"
		   "       vrfsec [-s SOCKET] reload   re-read vrfsecd's configuration (as SIGHUP)\n"
		   "       vrfsec [-s SOCKET] raw JSON  send one control request, print the reply\n"
		   "       vrfsec help\n"
		   "SOCKET: vrfsecd's control socket (default $VRFSEC_SOCKET or %s)\n"
		   "(table commands: vrfsec-card DEV ...)\n",
		CLI_DEFAULT_SOCKET);
}

int main(int argc, char **argv)
{
	const char *sock = getenv("VRFSEC_SOCKET");
	int rc;

	if (!sock || !sock[0])
		sock = CLI_DEFAULT_SOCKET;
	if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
		sock = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc == 2 && strcmp(argv[1], "probe") == 0)
		return probe();
	if (argc == 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2) {
		rc = cli_agent(sock, argc - 1, argv + 1);
		if (rc >= 0)
			return rc;
		fprintf(stderr, "vrfsec: unknown command '%s'\n", argv[1]);
	}
	usage(stderr);
	return 2;
}
