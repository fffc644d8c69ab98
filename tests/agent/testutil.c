/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the agent's unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

int conf_write(char *path, size_t n, const char *text)
{
	int fd;
	size_t len = strlen(text);

	snprintf(path, n, "/tmp/vrfsec-agent-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int conf_load_text(const char *text, struct config **c, char *path, size_t pn, char *err, size_t en)
{
	int rc;

	if (conf_write(path, pn, text) != 0)
		return -1;
	rc = config_load(path, c, err, en);
	unlink(path);
	return rc;
}

unsigned line_of(const char *text, const char *marker)
{
	const char *hit = strstr(text, marker);
	unsigned line = 1;

	if (!hit)
		return 0;
	for (const char *p = text; p < hit; p++)
		line += *p == '\n';
	return line;
}
