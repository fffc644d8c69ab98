/* SPDX-License-Identifier: Apache-2.0 */
/* The `vrfsec` CLI: commands that talk to vrfsecd over its control socket. */
#ifndef VRFSEC_CLI_H
#define VRFSEC_CLI_H

#include <stdbool.h>

#define CLI_DEFAULT_SOCKET "/run/vrfsecd.sock"

/* show VIEW [--json]; clear session ID; reload; raw JSON. Exit status. */
int cli_agent(const char *sock, int argc, char **argv);

#endif
