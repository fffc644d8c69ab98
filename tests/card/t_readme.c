/* SPDX-License-Identifier: Apache-2.0 */
/* Test "readme-flow": the README's card flow (tests/card/readme_flow.sh), vrfsec-sim and
 * vrfsec-card as a user runs them, checked by tshark decrypting the capture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cardtest.h"

int test_readme(struct ct *c)
{
	char script[PATH_MAX + 32], log[320], line[512] = "", buf[512], name[96];
	const char *argv[] = { "/bin/sh", script, c->bindir, NULL };
	FILE *f;
	int rc;

	snprintf(script, sizeof(script), "%s/tests/card/readme_flow.sh", c->srcdir);
	snprintf(name, sizeof(name), "ct%ld-readme", (long)getpid());
	setenv("VRFSEC_SIM_NAME", name, 1);
	ct_path(c, log, sizeof(log), "readme-flow.log");
	rc = run_cmd(c, argv, log);
	unsetenv("VRFSEC_SIM_NAME");
	f = fopen(log, "r");
	while (f && fgets(buf, sizeof(buf), f))
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(buf, "\n"), buf);
	if (f)
		fclose(f);
	if (rc != 0)
		return ct_fail(c, "readme_flow.sh exit %d: %s", rc, line);
	ct_note(c, "%s", strncmp(line, "readme-flow: ", 13) == 0 ? line + 13 : line);
	return 0;
}
