/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd logging to stderr (with a time stamp) or syslog. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static bool to_syslog, buffered;
static enum log_level threshold = LOG_LVL_INFO;
static const char *const names[] = { "err", "warn", "info", "debug" };

void log_buffer(bool on)
{
	static bool registered;

	if (on && !registered && atexit(log_flush) == 0)
		registered = true;
	buffered = on && registered;
	if (!buffered)
		log_flush();
}

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

/* stderr lines collect here and go out in one write when the event loop is about to sleep
 * (log_flush), when full, and at once for errors and warnings: a busy loop logs a few lines per
 * IKE SA, and three unbuffered writes per line cost more than the line is worth. */
static char buf[16384];
static size_t used;

void log_flush(void)
{
	size_t off = 0;

	while (off < used) {
		ssize_t n = write(STDERR_FILENO, buf + off, used - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* nowhere to report it */
		off += (size_t)n;
	}
	used = 0;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static time_t last_sec = -1;
	static char when[32];
	struct timespec ts;
	va_list ap;
	int n;

	if (level > threshold)
		return;
	va_start(ap, fmt);
	if (to_syslog) {
		vsyslog(prio[level], fmt, ap);
		va_end(ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != last_sec) {
		struct tm tm;

		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		last_sec = ts.tv_sec;
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t room = sizeof(buf) - used;
		int h = snprintf(buf + used, room, "%s.%03ld vrfsecd %s: ", when, ts.tv_nsec / 1000000,
				 names[level]);
		va_list aq;

		va_copy(aq, ap);
		n = h >= 0 && (size_t)h < room ? vsnprintf(buf + used + h, room - (size_t)h, fmt, aq) : -1;
		va_end(aq);
		if (n >= 0 && (size_t)h + (size_t)n + 1 < room) {
			used += (size_t)h + (size_t)n;
			buf[used++] = '\n';
			break;
		}
		if (pass == 0 && used) {
			log_flush(); /* and again into the empty buffer */
			continue;
		}
		used = sizeof(buf) - 2; /* longer than the buffer: cut */
		buf[used++] = '\n';
		break;
	}
	va_end(ap);
	if (level <= LOG_LVL_WARN || !buffered)
		log_flush();
}
