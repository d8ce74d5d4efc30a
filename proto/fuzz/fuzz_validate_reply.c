// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a server's reply to a command the client sent, through
 * vu_validate_reply() (which walks the region info capability chain and
 * the GET_REGION_IO_FDS entries), then, for an accepted reply, what the
 * client decodes from it (vu_client_region_decode(),
 * vu_client_io_fds_decode()). The input holds both the command sent and
 * the reply.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto/client/vu_client_priv.h"
#include "proto/fuzz/fuzz_input.h"
#include "proto/vu_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct vfio_user_header sent_hdr;
	uint8_t sent_body[64];
	size_t sent_len = (size_t)fuzz_take(&in, 1) % (sizeof(sent_body) + 1);
	struct vu_sent sent = { &sent_hdr, sent_body, sent_len };
	int fds[VU_MSG_MAX_FDS_LIMIT];
	struct vu_msg m;
	struct vu_why why;
	unsigned int i;

	memset(&sent_hdr, 0, sizeof(sent_hdr));
	sent_hdr.msg_id = (uint16_t)fuzz_take(&in, 2);
	sent_hdr.command = (uint16_t)fuzz_take(&in, 1);
	sent_hdr.size = (uint32_t)(VFIO_USER_HDR_SIZE + sent_len);
	memset(sent_body, 0, sizeof(sent_body));
	for (i = 0; i < sent_len; i++)
		sent_body[i] = (uint8_t)fuzz_take(&in, 1);
	fuzz_msg(&in, &m, 8);
	/* Replies echo the command's id; the rest is the input's. */
	if (m.hdr.msg_id & 1)
		m.hdr.msg_id = sent_hdr.msg_id;
	if (m.hdr.command & 0x100)
		m.hdr.command = sent_hdr.command;
	if (vu_validate_reply(&sent, &m, &why) == 0 &&
	    !(m.hdr.flags & VFIO_USER_F_ERROR)) {
		if (m.hdr.command == VFIO_USER_DEVICE_GET_REGION_INFO) {
			struct vu_client_region r;

			if (vu_client_region_decode(m.body, m.body_len,
						    m.nr_fds > 0, &r, &why) == 0)
				free(r.areas);
		} else if (m.hdr.command == VFIO_USER_DEVICE_GET_REGION_IO_FDS) {
			struct vu_client_io_fds io;

			for (i = 0; i < m.nr_fds; i++)
				fds[i] = 100 + (int)i;
			if (vu_client_io_fds_decode(m.body, m.body_len, fds,
						    m.nr_fds, &io, &why) == 0) {
				free(io.entries);
				free(io.fds);
			}
		}
	}
	free(m.body);
	return 0;
}
