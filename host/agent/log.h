/* SPDX-License-Identifier: Apache-2.0 */
/* vrfsecd logging: levels, stderr or syslog. Nothing that holds key material is ever passed here. */
#ifndef VRFSECD_LOG_H
#define VRFSECD_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Where messages go (syslog with ident "vrfsecd", else stderr) and the level let through. */
void log_setup(bool use_syslog, enum log_level level);
void log_level_set(enum log_level level);
enum log_level log_level_get(void);
/* "err", "warn", "info", "debug" -> level; -1 when unknown. */
int log_level_parse(const char *s);
const char *log_level_name(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep info and debug lines (stderr) until log_flush() (the event loop calls it before it
 * sleeps; also at exit); errors and warnings always go out at once. Off by default. */
void log_buffer(bool on);
void log_flush(void);

#define log_err(...) log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
