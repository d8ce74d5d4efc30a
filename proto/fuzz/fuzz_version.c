// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a VERSION body (major, minor, then JSON text, with or
 * without its NUL) through vu_version_parse(), and what it accepted
 * encoded again and parsed back: it must give the same capabilities.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/vu_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *body = malloc(size ? size : 1);
	struct vu_version v, back;
	struct vu_why why;
	void *enc = NULL;
	size_t len = 0;

	if (!body)
		return 0;
	memcpy(body, data, size);
	if (vu_version_parse(body, size, &v, &why) == 0 &&
	    vu_version_encode(v.minor, &v.caps, &enc, &len) == 0) {
		if (vu_version_parse(enc, len, &back, &why) != 0 ||
		    back.minor != v.minor ||
		    back.caps.max_msg_fds != v.caps.max_msg_fds ||
		    back.caps.max_data_xfer_size != v.caps.max_data_xfer_size ||
		    back.caps.max_dma_maps != v.caps.max_dma_maps ||
		    back.caps.pgsizes != v.caps.pgsizes ||
		    back.caps.write_multiple != v.caps.write_multiple ||
		    back.caps.twin_socket != v.caps.twin_socket)
			abort();
		free(enc);
	}
	free(body);
	return 0;
}
