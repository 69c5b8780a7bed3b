// SPDX-License-Identifier: GPL-2.0-only
/*
 * The text/JSON printer. The JSON writer keeps a stack of open containers
 * so that separators and indentation are always right, whatever order the
 * callers print in.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "print.h"

#define PRINT_DEPTH_MAX	16

static struct {
	FILE	*out;
	bool	json;
	bool	pretty;
	int	depth;
	/* Per open container: nothing printed in it yet. */
	bool	first[PRINT_DEPTH_MAX];
	char	closer[PRINT_DEPTH_MAX];
	bool	any;	/* something printed at top level */
} pr = { .first = { true } };

void print_init(FILE *out, bool json, bool pretty)
{
	memset(&pr, 0, sizeof(pr));
	pr.out = out;
	pr.json = json;
	pr.pretty = pretty;
	pr.first[0] = true;
}

bool print_is_json(void)
{
	return pr.json;
}

void print_json_escape(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_indent(void)
{
	int i;

	if (!pr.pretty)
		return;
	fputc('\n', pr.out);
	for (i = 0; i < pr.depth; i++)
		fputs("  ", pr.out);
}

/* Separator and key before a new member or element. */
static void json_member(const char *key)
{
	if (pr.depth == 0) {
		/* Several top-level values would not be one JSON text. */
		if (pr.any)
			fputc('\n', pr.out);
		pr.any = true;
	} else {
		if (!pr.first[pr.depth])
			fputc(',', pr.out);
		pr.first[pr.depth] = false;
		json_indent();
	}
	if (key && pr.depth > 0) {
		print_json_escape(pr.out, key);
		fputs(pr.pretty ? ": " : ":", pr.out);
	}
}

static void json_open(const char *key, char c)
{
	json_member(key);
	fputc(c, pr.out);
	if (pr.depth + 1 < PRINT_DEPTH_MAX)
		pr.depth++;
	pr.first[pr.depth] = true;
	pr.closer[pr.depth] = c == '{' ? '}' : ']';
}

static void json_close(char c)
{
	bool empty = pr.first[pr.depth];

	if (pr.depth > 0)
		pr.depth--;
	if (!empty)
		json_indent();
	fputc(c, pr.out);
}

void print_open_object(const char *key)
{
	if (pr.json)
		json_open(key, '{');
}

void print_close_object(void)
{
	if (pr.json)
		json_close('}');
}

void print_open_array(const char *key)
{
	if (pr.json)
		json_open(key, '[');
}

void print_close_array(void)
{
	if (pr.json)
		json_close(']');
}

void print_finish(void)
{
	if (pr.json) {
		/* A command that failed half-way still leaves valid JSON. */
		while (pr.depth > 0)
			json_close(pr.closer[pr.depth]);
		if (pr.any)
			fputc('\n', pr.out);
		pr.any = false;
	}
	fflush(pr.out);
}

static void text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(pr.out, fmt, ap);
	va_end(ap);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json)
		return;
	va_start(ap, fmt);
	vfprintf(pr.out, fmt, ap);
	va_end(ap);
}

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *value)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		if (value)
			print_json_escape(pr.out, value);
		else
			fputs("null", pr.out);
	} else if ((t & PRINT_FP) && fmt) {
		text(fmt, value ? value : "");
	}
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned int value)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		fprintf(pr.out, "%u", value);
	} else if ((t & PRINT_FP) && fmt) {
		text(fmt, value);
	}
}

void print_u64(enum print_type t, const char *key, const char *fmt,
	       uint64_t value)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		fprintf(pr.out, "%" PRIu64, value);
	} else if ((t & PRINT_FP) && fmt) {
		text(fmt, value);
	}
}

void print_int(enum print_type t, const char *key, const char *fmt,
	       long long value)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		fprintf(pr.out, "%lld", value);
	} else if ((t & PRINT_FP) && fmt) {
		text(fmt, value);
	}
}

void print_onoff(enum print_type t, const char *key, const char *fmt,
		 bool value)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		fputs(value ? "true" : "false", pr.out);
	} else if ((t & PRINT_FP) && fmt) {
		text(fmt, value ? "on" : "off");
	}
}

void print_null(enum print_type t, const char *key, const char *fmt)
{
	if (pr.json) {
		if (!(t & PRINT_JSON))
			return;
		json_member(key);
		fputs("null", pr.out);
	} else if ((t & PRINT_FP) && fmt) {
		text("%s", fmt);
	}
}

#pragma GCC diagnostic pop

void print_nl(void)
{
	if (!pr.json)
		fputc('\n', pr.out);
}
