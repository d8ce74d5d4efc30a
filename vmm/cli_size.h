/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_CLI_SIZE_H
#define MINIVMM_CLI_SIZE_H

#include <stdint.h>

/*
 * cli_parse_size - parse a byte count as given on the command line.
 *
 * Accepts a decimal number with an optional binary suffix: K, M, G, T
 * (case-insensitive, optionally followed by "iB" or "B"), e.g. "512M",
 * "2G", "4096", "1GiB".  A bare number is bytes.
 *
 * Returns 0 and stores the value in *out, or -EINVAL when @s is not of that
 * form (empty, trailing garbage, negative), or -ERANGE when the value does
 * not fit in 64 bits.
 */
int cli_parse_size(const char *s, uint64_t *out);

#endif
