// SPDX-License-Identifier: Apache-2.0
/* vrfsec-ikeload: IKEv2 setups-per-second benchmark built on host/ike (see gen.c and resp.c). */
#include <stdio.h>
#include <string.h>

#include "ikeload.h"

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "init"))
		return il_gen_main(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "resp"))
		return il_resp_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: vrfsec-ikeload init|resp [options]   (--help after the role for more)\n");
	return 2;
}
