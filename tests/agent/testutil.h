/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the agent's unit tests: configuration text into a temporary file. */
#ifndef VRFSEC_AGENT_TESTUTIL_H
#define VRFSEC_AGENT_TESTUTIL_H

#include <stddef.h>

#include "config.h"

/* Write text to a new temporary file; its path into path. 0 or -1. */
int conf_write(char *path, size_t n, const char *text);
/* Load text as a configuration file; err gets the error. The file is removed again. */
int conf_load_text(const char *text, struct config **c, char *path, size_t pn, char *err, size_t en);
/* 1-based number of the first line of text holding marker, 0 when none. */
unsigned line_of(const char *text, const char *marker);

#endif
