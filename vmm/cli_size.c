// SPDX-License-Identifier: GPL-2.0-only
#include "cli_size.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int suffix_shift(const char *suffix, unsigned int *shift)
{
	static const struct {
		char letter;
		unsigned int shift;
	} units[] = {
		{ 'k', 10 }, { 'm', 20 }, { 'g', 30 }, { 't', 40 },
	};
	size_t i;

	if (*suffix == '\0') {
		*shift = 0;
		return 0;
	}
	if (!strcasecmp(suffix, "b")) {
		*shift = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (tolower((unsigned char)suffix[0]) != units[i].letter)
			continue;
		if (suffix[1] == '\0' || !strcasecmp(suffix + 1, "b") ||
		    !strcasecmp(suffix + 1, "ib")) {
			*shift = units[i].shift;
			return 0;
		}
	}
	return -EINVAL;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (suffix_shift(end, &shift))
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}
