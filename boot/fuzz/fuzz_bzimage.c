// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a kernel image as --kernel gives it, through
 * bzimage_parse(). What it accepts must describe bytes inside the image:
 * the target reads the setup and kernel parts it names.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1);
	struct bzimage_info info;
	const char *why = NULL;

	if (!img)
		return 0;
	memcpy(img, data, size);
	if (bzimage_parse(img, size, &info, &why) == 0) {
		if (info.kernel_offset > size ||
		    info.kernel_size > size - info.kernel_offset ||
		    info.header_end > info.setup_size)
			abort();
	} else if (!why) {
		abort();	/* every refusal says why */
	}
	free(img);
	return 0;
}
