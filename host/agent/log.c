/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd logging to stderr (with a time stamp) or syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool to_syslog;
static enum log_level threshold = LOG_LVL_INFO;
static const char *const names[] = { "err", "warn", "info", "debug" };

void log_setup(bool use_syslog, enum log_level level)
{
	to_syslog = use_syslog;
	threshold = level;
	if (use_syslog)
		openlog("vrfsecd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_level_set(enum log_level level)
{
	threshold = level;
}

enum log_level log_level_get(void)
{
	return threshold;
}

int log_level_parse(const char *s)
{
	for (int i = 0; i <= LOG_LVL_DEBUG; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *log_level_name(enum log_level level)
{
	return (unsigned)level <= LOG_LVL_DEBUG ? names[level] : "?";
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	va_list ap;

	if (level > threshold)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio[level], fmt, ap);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld vrfsecd %s: ", when, ts.tv_nsec / 1000000, names[level]);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}
