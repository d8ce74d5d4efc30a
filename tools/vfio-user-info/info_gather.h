/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_INFO_GATHER_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_INFO_GATHER_H

#include "proto/client/vu_client.h"
#include "tools/vfio-user-info/info.h"

/*
 * info_gather - ask the server behind the connected client @c everything
 * vfio-user-info shows, into @out (zeroed first; release it with
 * info_release()): the VERSION terms, DEVICE_GET_INFO, then for each
 * region (at most INFO_MAX_REGIONS) DEVICE_GET_REGION_INFO and, for those
 * of non-zero size, DEVICE_GET_REGION_IO_FDS; DEVICE_GET_IRQ_INFO of each
 * IRQ index (at most INFO_MAX_IRQS); for a PCI device, the config space
 * from region 7 with REGION_READ: 256 bytes, or 4096 when the region is
 * that large and a PCI Express capability is listed. @socket names the
 * device in @out (not copied).
 *
 * An error reply to any of these is recorded in @out (its err field, or a
 * note) and the rest goes on: a server need not implement optional
 * commands or regions. Every descriptor the server sends (region fds, io
 * fds) is closed before returning.
 *
 * Returns 0; -ENOTCONN when the connection died (timeout, protocol
 * violation, server gone), with @why holding vu_client_error(); -ENOMEM.
 * On error @out holds what was gathered so far.
 */
int info_gather(struct vu_client *c, const char *socket, struct info *out,
		struct vu_why *why);

#endif
