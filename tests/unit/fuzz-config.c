// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the scst.conf parser: any input must either parse
 * or give messages with a line number, without a crash, leak or undefined
 * behaviour; what parses must write out and parse back to the same text.
 *
 *	make -C tests/unit fuzz [FUZZ_TIME=60]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_errors errs = { 0 };
	struct scst_config cfg, again;
	char *out = NULL, *out2 = NULL;
	size_t len = 0, len2 = 0;
	FILE *f;
	size_t i;

	if (config_parse((const char *)data, size, "fuzz.conf",
			 config_builtin_handlers(), &cfg, &errs)) {
		for (i = 0; i < errs.n; i++)
			if (strncmp(errs.msgs[i], "fuzz.conf:", 10))
				abort();
		config_errors_free(&errs);
		return 0;
	}
	f = open_memstream(&out, &len);
	if (!f || config_write(f, &cfg, config_builtin_handlers()))
		abort();
	fclose(f);
	if (config_parse(out, len, "fuzz.conf", config_builtin_handlers(),
			 &again, &errs))
		abort();
	f = open_memstream(&out2, &len2);
	if (!f || config_write(f, &again, config_builtin_handlers()))
		abort();
	fclose(f);
	if (len != len2 || memcmp(out, out2, len))
		abort();
	free(out);
	free(out2);
	config_free(&cfg);
	config_free(&again);
	return 0;
}
