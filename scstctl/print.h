/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One printing path for text and JSON: each field is printed by one call
 * that writes either its text form (the printf format) or a JSON member
 * (the key), so the two outputs cannot drift apart.
 */
#ifndef SCSTCTL_PRINT_H
#define SCSTCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_type {
	PRINT_FP	= 1,	/* text only */
	PRINT_JSON	= 2,	/* JSON only */
	PRINT_ANY	= 3,	/* both */
};

void print_init(FILE *out, bool json, bool pretty);
/* Ends the output; for JSON, closes what is open and adds a newline. */
void print_finish(void);
bool print_is_json(void);

/* Containers exist only in JSON; in text they print nothing. */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum print_type t, const char *key, const char *fmt,
	       uint64_t value);
void print_int(enum print_type t, const char *key, const char *fmt,
	       long long value);
/* Text gets "on"/"off" through a %s format; JSON gets true/false. */
void print_onoff(enum print_type t, const char *key, const char *fmt,
		 bool value);
void print_null(enum print_type t, const char *key, const char *fmt);
/* Text only: a line break. */
void print_nl(void);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* JSON string escaping, exposed for the unit tests. */
void print_json_escape(FILE *f, const char *s);

#endif /* SCSTCTL_PRINT_H */
