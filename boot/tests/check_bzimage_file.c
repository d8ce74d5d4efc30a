// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_bzimage_file FILE... - run bzimage_parse() on real kernels and
 * print what it found. A manual check, not a unit test: unit tests must
 * not depend on a downloaded kernel.
 */
#include <stdio.h>
#include <stdlib.h>

#include "boot/bzimage.h"

static int check(const char *path)
{
	struct bzimage_info bz;
	const char *why = NULL;
	size_t len = 0, n;
	char *buf = NULL;
	FILE *f;
	int ret;

	f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		char *nb = realloc(buf, len + (1 << 20));

		if (!nb) {
			free(buf);
			fclose(f);
			return 1;
		}
		buf = nb;
		n = fread(buf + len, 1, 1 << 20, f);
		len += n;
		if (n < (1 << 20))
			break;
	}
	fclose(f);
	ret = bzimage_parse(buf, len, &bz, &why);
	free(buf);
	if (ret) {
		printf("%s: rejected: %s\n", path, why);
		return 1;
	}
	printf("%s: protocol %u.%02u, setup %zu bytes, kernel %zu bytes at %zu, xloadflags %#x, %srelocatable, kernel_alignment %#x, pref_address %#llx, init_size %#x, cmdline_size %u, initrd_addr_max %#x\n",
	       path, bz.version >> 8, bz.version & 0xff, bz.setup_size,
	       bz.kernel_size, bz.kernel_offset, bz.xloadflags,
	       bz.relocatable ? "" : "not ", bz.kernel_alignment,
	       (unsigned long long)bz.pref_address, bz.init_size,
	       bz.cmdline_size, bz.initrd_addr_max);
	return 0;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BZIMAGE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		bad |= check(argv[i]);
	return bad;
}
