// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a command as a peer sends it (a client's to a server, a
 * server's DMA_READ/DMA_WRITE to a client), through vu_validate_command().
 * Whatever it accepts, the fields a handler then reads must lie in the
 * body: the target reads them as the handlers do.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/fuzz/fuzz_input.h"
#include "proto/vu_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t max_xfer = fuzz_take(&in, 4);
	struct vu_why why;
	struct vu_msg m;
	volatile uint8_t sink = 0;
	size_t i;

	fuzz_msg(&in, &m, VU_MSG_MAX_FDS_LIMIT);
	if (vu_validate_command(&m, max_xfer, &why) == 0)
		for (i = 0; i < m.body_len; i++)
			sink ^= ((uint8_t *)m.body)[i];
	(void)sink;
	free(m.body);
	return 0;
}
