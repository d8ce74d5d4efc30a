/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VFIO_USER_H
#define MINIVMM_PROTO_VFIO_USER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

/*
 * The vfio-user wire format, as QEMU's docs/interop/vfio-user.rst
 * ("vfio-user Protocol Specification", called "the spec" below) defines
 * it. Every message is a 16-byte header followed by a command-specific
 * body; all fields are in host byte order ("Protocol Specification"), so
 * these packed structs are the bytes on the socket. Bodies that the spec
 * borrows from <linux/vfio.h> (region info and its capability chain, the
 * VFIO_IRQ_SET_* and VFIO_DEVICE_FEATURE_* flags) keep that header's
 * names.
 *
 * Nothing here allocates or does I/O: see proto/vu_msg.h for framing,
 * proto/vu_version.h for VERSION, proto/vu_validate.h for checks.
 */

/* VFIO_USER_VERSION: the spec's major 0; we speak minors 0 to 2. */
#define VFIO_USER_MAJOR			0
#define VFIO_USER_MINOR			2

/* "Commands": the command field of the header. 14 is unused (it was
 * the old dirty-page command of libvfio-user and QEMU). */
enum vfio_user_command {
	VFIO_USER_VERSION			= 1,
	VFIO_USER_DMA_MAP			= 2,
	VFIO_USER_DMA_UNMAP			= 3,
	VFIO_USER_DEVICE_GET_INFO		= 4,
	VFIO_USER_DEVICE_GET_REGION_INFO	= 5,
	VFIO_USER_DEVICE_GET_REGION_IO_FDS	= 6,
	VFIO_USER_DEVICE_GET_IRQ_INFO		= 7,
	VFIO_USER_DEVICE_SET_IRQS		= 8,
	VFIO_USER_REGION_READ			= 9,
	VFIO_USER_REGION_WRITE			= 10,
	VFIO_USER_DMA_READ			= 11,
	VFIO_USER_DMA_WRITE			= 12,
	VFIO_USER_DEVICE_RESET			= 13,
	VFIO_USER_REGION_WRITE_MULTI		= 15,
	VFIO_USER_DEVICE_FEATURE		= 16,
	VFIO_USER_MIG_DATA_READ			= 17,
	VFIO_USER_MIG_DATA_WRITE		= 18,
};

#define VFIO_USER_COMMAND_MAX		18

/* "Header": flags bits 0-3 are the type, bit 4 No_reply, bit 5 Error. */
#define VFIO_USER_F_TYPE_MASK		0xfu
#define VFIO_USER_F_TYPE_COMMAND	0x0u
#define VFIO_USER_F_TYPE_REPLY		0x1u
#define VFIO_USER_F_NO_REPLY		(1u << 4)
#define VFIO_USER_F_ERROR		(1u << 5)

struct vfio_user_header {
	uint16_t msg_id;	/* echoed in the reply */
	uint16_t command;	/* enum vfio_user_command, also in the reply */
	uint32_t size;		/* whole message, this header included */
	uint32_t flags;		/* VFIO_USER_F_* */
	uint32_t error;		/* errno of an error reply; may be 0 */
} __attribute__((packed));

#define VFIO_USER_HDR_SIZE		16

/* "VFIO_USER_VERSION": then a NUL-terminated JSON string (optional). */
struct vfio_user_version {
	uint16_t major;
	uint16_t minor;
	char data[];
} __attribute__((packed));

/* "VFIO_USER_DMA_MAP": a file descriptor may come with it. */
#define VFIO_USER_DMA_MAP_FLAG_READ	(1u << 0)
#define VFIO_USER_DMA_MAP_FLAG_WRITE	(1u << 1)

struct vfio_user_dma_map {
	uint32_t argsz;		/* 32: there is no reply payload */
	uint32_t flags;
	uint64_t offset;	/* in the fd, 0 without one */
	uint64_t address;	/* DMA address */
	uint64_t size;
} __attribute__((packed));

/*
 * "VFIO_USER_DMA_UNMAP". The spec says flags are unused in this version;
 * libvfio-user still accepts the two flags of linux/vfio.h's
 * vfio_iommu_type1_dma_unmap (a dirty bitmap request followed by a
 * struct vfio_user_bitmap, and "unmap everything" with address and size
 * 0), so both ends may meet them.
 */
#define VFIO_USER_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1u << 0)
#define VFIO_USER_DMA_UNMAP_FLAG_ALL			(1u << 1)

struct vfio_user_dma_unmap {
	uint32_t argsz;		/* the most reply payload expected */
	uint32_t flags;
	uint64_t address;	/* must match an earlier map exactly */
	uint64_t size;
} __attribute__((packed));

struct vfio_user_bitmap {
	uint64_t pgsize;
	uint64_t size;		/* bytes of bitmap data that follow */
	uint8_t data[];
} __attribute__((packed));

/* "VFIO_USER_DEVICE_GET_INFO": request and reply (VFIO_DEVICE_FLAGS_*). */
struct vfio_user_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
} __attribute__((packed));

/*
 * "VFIO_USER_DEVICE_GET_REGION_INFO": struct vfio_region_info of
 * linux/vfio.h, 32 bytes; a reply with VFIO_REGION_INFO_FLAG_CAPS has a
 * chain of struct vfio_info_cap_header from cap_offset, offsets relative
 * to the start of this struct.
 */
struct vfio_user_region_info {
	uint32_t argsz;
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
	uint32_t index;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;	/* mmap() offset in the reply's fd */
} __attribute__((packed));

/* "VFIO_USER_DEVICE_GET_REGION_IO_FDS": request and reply head. */
struct vfio_user_region_io_fds {
	uint32_t argsz;
	uint32_t flags;		/* 0 */
	uint32_t index;
	uint32_t count;		/* 0 in the request; entries in the reply */
} __attribute__((packed));

#define VFIO_USER_IO_FD_TYPE_IOEVENTFD		0
#define VFIO_USER_IO_FD_TYPE_IOREGIONFD		1
#define VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW	2	/* libvfio-user */

/*
 * One sub-region of the reply, as the spec lays it out (40 bytes). The
 * stride between entries is (argsz - 16) / count, not sizeof: libvfio-user
 * sends 48-byte entries (a shadow fd index and offset in place of the
 * padding, datamatch at 40). The spec's own formula, "(argsz - 32) /
 * count", does not fit its own layout (a 16-byte head): we use 16.
 */
struct vfio_user_sub_region_io_fd {
	uint64_t offset;	/* in the region */
	uint64_t size;		/* 0: any access size */
	uint32_t fd_index;	/* in the reply's fd array, may be shared */
	uint32_t type;		/* VFIO_USER_IO_FD_TYPE_* */
	uint32_t flags;		/* KVM_IOEVENTFD_FLAG_* / KVM_IOREGION_* */
	uint32_t padding;
	uint64_t datamatch;	/* user_data for an ioregionfd */
} __attribute__((packed));

/* libvfio-user's ioeventfd entry (48 bytes), for reference and tests. */
struct vfio_user_sub_region_ioeventfd_shadow {
	uint64_t offset;
	uint64_t size;
	uint32_t fd_index;
	uint32_t type;
	uint32_t flags;
	uint32_t shadow_mem_fd_index;
	uint64_t shadow_offset;
	uint64_t datamatch;
} __attribute__((packed));

/* "VFIO_USER_DEVICE_GET_IRQ_INFO": struct vfio_irq_info, request/reply. */
struct vfio_user_irq_info {
	uint32_t argsz;
	uint32_t flags;		/* VFIO_IRQ_INFO_* */
	uint32_t index;
	uint32_t count;
} __attribute__((packed));

/*
 * "VFIO_USER_DEVICE_SET_IRQS": struct vfio_irq_set. With
 * VFIO_IRQ_SET_DATA_BOOL, count bytes follow; with
 * VFIO_IRQ_SET_DATA_EVENTFD, the eventfds are the message's fds.
 */
struct vfio_user_irq_set {
	uint32_t argsz;
	uint32_t flags;		/* one VFIO_IRQ_SET_DATA_*, one _ACTION_* */
	uint32_t index;
	uint32_t start;
	uint32_t count;
	uint8_t data[];
} __attribute__((packed));

/* "VFIO_USER_REGION_READ" / "VFIO_USER_REGION_WRITE". */
struct vfio_user_region_access {
	uint64_t offset;
	uint32_t region;
	uint32_t count;		/* bytes of data */
	uint8_t data[];		/* write request, read reply */
} __attribute__((packed));

/*
 * "VFIO_USER_DMA_READ" / "VFIO_USER_DMA_WRITE" (server to client). count
 * is 64 bits: data starts at byte 16 of the body, 32 of the message.
 * (QEMU's hw/vfio-user/protocol.h once had a 32-bit count here.)
 */
struct vfio_user_dma_access {
	uint64_t address;
	uint64_t count;
	uint8_t data[];		/* write request, read reply */
} __attribute__((packed));

/* "VFIO_USER_REGION_WRITE_MULTI": a u64 wr_cnt, then wr_cnt of these. */
#define VFIO_USER_MULTI_DATA		8

struct vfio_user_write_multi_entry {
	uint64_t offset;
	uint32_t region;
	uint32_t count;		/* 1..8 */
	uint8_t data[VFIO_USER_MULTI_DATA];
} __attribute__((packed));

struct vfio_user_write_multi {
	uint64_t wr_cnt;
	struct vfio_user_write_multi_entry wrs[];
} __attribute__((packed));

/* "VFIO_USER_DEVICE_FEATURE": struct vfio_device_feature. */
struct vfio_user_device_feature {
	uint32_t argsz;
	uint32_t flags;		/* feature index | _GET/_SET/_PROBE */
	uint8_t data[];
} __attribute__((packed));

/* Data of VFIO_DEVICE_FEATURE_MIGRATION (index 1). */
struct vfio_user_device_feature_migration {
	uint64_t flags;		/* VFIO_MIGRATION_* */
} __attribute__((packed));

/* Data of VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (index 2). */
struct vfio_user_device_feature_mig_state {
	uint32_t device_state;	/* enum vfio_device_mig_state */
	uint32_t data_fd;	/* unused in vfio-user */
} __attribute__((packed));

/* Data of VFIO_DEVICE_FEATURE_DMA_LOGGING_START (6). */
struct vfio_user_device_feature_dma_logging_control {
	uint64_t page_size;
	uint32_t num_ranges;
	uint32_t reserved;
	/* num_ranges of struct vfio_user_dma_logging_range */
} __attribute__((packed));

struct vfio_user_dma_logging_range {
	uint64_t iova;
	uint64_t length;
} __attribute__((packed));

/* Data of VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT (8); bitmap at 24. */
struct vfio_user_device_feature_dma_logging_report {
	uint64_t iova;
	uint64_t length;
	uint64_t page_size;
	uint8_t bitmap[];
} __attribute__((packed));

/* "VFIO_USER_MIG_DATA_READ" / "VFIO_USER_MIG_DATA_WRITE". */
struct vfio_user_mig_data {
	uint32_t argsz;
	uint32_t size;
	uint8_t data[];		/* read reply, write request */
} __attribute__((packed));

/*
 * Limits. max_data_xfer_size (VERSION capability) bounds the count of
 * REGION_READ/WRITE, DMA_READ/WRITE and MIG_DATA_READ/WRITE; its default
 * is 1 MiB. max_msg_fds defaults to 1 when a peer does not send it
 * ("VFIO_USER_VERSION"); we offer 8, like QEMU and libvfio-user.
 * Linux passes at most SCM_MAX_FD (253) descriptors in one sendmsg().
 */
#define VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE	(1024u * 1024u)
#define VFIO_USER_DEFAULT_MAX_MSG_FDS		1u
#define VFIO_USER_DEFAULT_MAX_DMA_MAPS		65535u
#define VFIO_USER_DEFAULT_PGSIZES		4096u

#define VU_MAX_MSG_FDS				8u	/* what we offer */
#define VU_MSG_MAX_FDS_LIMIT			253u	/* SCM_MAX_FD */

/*
 * Our own hard caps on whole messages: a REGION_WRITE or DMA_WRITE of
 * the default max_data_xfer_size plus headers and room for the longest
 * fixed-size messages (VERSION JSON, region info capability chains),
 * and an absolute cap whatever max_data_xfer_size is negotiated.
 */
#define VU_MSG_MAX_SIZE_DEFAULT	(VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE + \
				 64u * 1024u)
#define VU_MSG_MAX_SIZE_LIMIT	(64u * 1024u * 1024u + 64u * 1024u)

/* Sizes and offsets the spec gives, checked at compile time. */
_Static_assert(sizeof(struct vfio_user_header) == 16, "header");
_Static_assert(offsetof(struct vfio_user_header, command) == 2, "command");
_Static_assert(offsetof(struct vfio_user_header, size) == 4, "size");
_Static_assert(offsetof(struct vfio_user_header, flags) == 8, "flags");
_Static_assert(offsetof(struct vfio_user_header, error) == 12, "error");
_Static_assert(sizeof(struct vfio_user_version) == 4, "version");
_Static_assert(offsetof(struct vfio_user_version, data) == 4, "json");
_Static_assert(sizeof(struct vfio_user_dma_map) == 32, "dma_map");
_Static_assert(offsetof(struct vfio_user_dma_map, offset) == 8, "offset");
_Static_assert(offsetof(struct vfio_user_dma_map, address) == 16, "addr");
_Static_assert(offsetof(struct vfio_user_dma_map, size) == 24, "size");
_Static_assert(sizeof(struct vfio_user_dma_unmap) == 24, "dma_unmap");
_Static_assert(offsetof(struct vfio_user_dma_unmap, address) == 8, "addr");
_Static_assert(offsetof(struct vfio_user_dma_unmap, size) == 16, "size");
_Static_assert(sizeof(struct vfio_user_bitmap) == 16, "bitmap");
_Static_assert(sizeof(struct vfio_user_device_info) == 16, "device_info");
_Static_assert(offsetof(struct vfio_user_device_info, num_irqs) == 12,
	       "num_irqs");
_Static_assert(sizeof(struct vfio_user_region_info) == 32, "region_info");
_Static_assert(sizeof(struct vfio_user_region_info) ==
	       sizeof(struct vfio_region_info), "same as linux/vfio.h");
_Static_assert(offsetof(struct vfio_user_region_info, cap_offset) == 12,
	       "cap_offset");
_Static_assert(offsetof(struct vfio_user_region_info, size) == 16, "size");
_Static_assert(offsetof(struct vfio_user_region_info, offset) == 24,
	       "offset");
_Static_assert(sizeof(struct vfio_info_cap_header) == 8, "cap header");
_Static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == 16,
	       "sparse mmap cap");
_Static_assert(sizeof(struct vfio_region_sparse_mmap_area) == 16, "area");
_Static_assert(sizeof(struct vfio_region_info_cap_type) == 16, "type cap");
_Static_assert(sizeof(struct vfio_user_region_io_fds) == 16, "io_fds");
_Static_assert(sizeof(struct vfio_user_sub_region_io_fd) == 40, "sub-region");
_Static_assert(offsetof(struct vfio_user_sub_region_io_fd, fd_index) == 16,
	       "fd_index");
_Static_assert(offsetof(struct vfio_user_sub_region_io_fd, type) == 20,
	       "type");
_Static_assert(offsetof(struct vfio_user_sub_region_io_fd, flags) == 24,
	       "flags");
_Static_assert(offsetof(struct vfio_user_sub_region_io_fd, datamatch) == 32,
	       "datamatch");
_Static_assert(sizeof(struct vfio_user_sub_region_ioeventfd_shadow) == 48,
	       "libvfio-user sub-region");
_Static_assert(sizeof(struct vfio_user_irq_info) == 16, "irq_info");
_Static_assert(sizeof(struct vfio_user_irq_info) ==
	       sizeof(struct vfio_irq_info), "same as linux/vfio.h");
_Static_assert(sizeof(struct vfio_user_irq_set) == 20, "irq_set");
_Static_assert(offsetof(struct vfio_user_irq_set, count) == 16, "count");
_Static_assert(offsetof(struct vfio_user_irq_set, data) == 20, "data");
_Static_assert(sizeof(struct vfio_user_region_access) == 16, "region rw");
_Static_assert(offsetof(struct vfio_user_region_access, region) == 8,
	       "region");
_Static_assert(offsetof(struct vfio_user_region_access, count) == 12,
	       "count");
_Static_assert(offsetof(struct vfio_user_region_access, data) == 16, "data");
_Static_assert(sizeof(struct vfio_user_dma_access) == 16, "dma rw");
_Static_assert(offsetof(struct vfio_user_dma_access, count) == 8, "count");
_Static_assert(VFIO_USER_HDR_SIZE + offsetof(struct vfio_user_dma_access,
					     data) == 32, "data at 32");
_Static_assert(sizeof(struct vfio_user_write_multi_entry) == 24, "one write");
_Static_assert(offsetof(struct vfio_user_write_multi_entry, data) == 16,
	       "data");
_Static_assert(sizeof(struct vfio_user_write_multi) == 8, "wr_cnt");
_Static_assert(sizeof(struct vfio_user_device_feature) == 8, "feature");
_Static_assert(sizeof(struct vfio_user_device_feature_migration) == 8, "mig");
_Static_assert(sizeof(struct vfio_user_device_feature_mig_state) == 8,
	       "mig state");
_Static_assert(sizeof(struct vfio_user_device_feature_dma_logging_control) ==
	       16, "logging control");
_Static_assert(sizeof(struct vfio_user_dma_logging_range) == 16, "range");
_Static_assert(offsetof(struct vfio_user_device_feature_dma_logging_report,
			bitmap) == 24, "bitmap at 24");
_Static_assert(sizeof(struct vfio_user_mig_data) == 8, "mig data");

/* Header accessors. */
static inline unsigned int vu_hdr_type(const struct vfio_user_header *h)
{
	return h->flags & VFIO_USER_F_TYPE_MASK;
}

static inline int vu_hdr_is_reply(const struct vfio_user_header *h)
{
	return vu_hdr_type(h) == VFIO_USER_F_TYPE_REPLY;
}

static inline int vu_hdr_no_reply(const struct vfio_user_header *h)
{
	return !!(h->flags & VFIO_USER_F_NO_REPLY);
}

static inline int vu_hdr_is_error(const struct vfio_user_header *h)
{
	return !!(h->flags & VFIO_USER_F_ERROR);
}

/* The name of a command ("DMA_MAP"), "unknown" if none. Never NULL. */
const char *vu_command_name(unsigned int command);

#endif
