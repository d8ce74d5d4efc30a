// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (VIRTIO 1.2 §5.2) on the virtio-pci transport: the
 * configuration space, and one request at a time per queue thread
 * against a file or block device (behaviour: blk.h).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "devices/virtio-blk/blk.h"

#define SECTOR		512u
#define QUEUE_SIZE	256u
#define SIZE_MAX_BYTES	(128u << 10)		/* per segment */
#define SEG_MAX		(QUEUE_SIZE - 2)	/* header and status too */
#define MAX_RANGE_SECTORS	(1u << 22)	/* per discard/zeroes range */
#define MAX_RANGES	16u
#define SCRATCH		(128u << 10)
/* The config space up to write_zeroes_may_unmap and its padding. */
#define CONFIG_SIZE	offsetof(struct virtio_blk_config, \
				 max_secure_erase_sectors)

struct blk {
	int fd;
	bool readonly;
	uint64_t sectors;		/* capacity in 512-byte sectors */
	unsigned int num_queues;
	char serial[VIRTIO_BLK_ID_BYTES];
	struct virtio_pci *vp;
};

static void blk_get_config(void *opaque, void *buf)
{
	struct blk *b = opaque;
	struct virtio_blk_config c;

	memset(&c, 0, sizeof(c));
	c.capacity = htole64(b->sectors);
	c.size_max = htole32(SIZE_MAX_BYTES);
	c.seg_max = htole32(SEG_MAX);
	c.blk_size = htole32(SECTOR);
	c.num_queues = htole16((uint16_t)b->num_queues);
	c.max_discard_sectors = htole32(MAX_RANGE_SECTORS);
	c.max_discard_seg = htole32(MAX_RANGES);
	c.discard_sector_alignment = htole32(1);
	c.max_write_zeroes_sectors = htole32(MAX_RANGE_SECTORS);
	c.max_write_zeroes_seg = htole32(MAX_RANGES);
	c.write_zeroes_may_unmap = 1;
	memcpy(buf, &c, CONFIG_SIZE);
}

/* Whether @count sectors from @sector lie inside the disk. */
static bool in_range(struct blk *b, uint64_t sector, uint64_t count)
{
	return sector <= b->sectors && count <= b->sectors - sector;
}

static int pread_all(int fd, uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;	/* shrunk under us */
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int pwrite_all(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/*
 * A request's outcome: *@status for the driver, or a negative errno of
 * guest memory (which the transport turns into a broken queue or a
 * stop). Backend errors are statuses.
 */

static int do_in(struct blk *b, struct virtio_req *r, uint64_t sector,
		 uint8_t *status, uint64_t *written)
{
	uint64_t len = r->elem->in_len - 1, off = 0;
	uint8_t *buf = r->scratch;
	int ret;

	if (len % SECTOR || !in_range(b, sector, len / SECTOR)) {
		*status = VIRTIO_BLK_S_IOERR;
		return 0;
	}
	while (off < len) {
		size_t n = len - off < r->scratch_size ? len - off :
			   r->scratch_size;

		if (pread_all(b->fd, buf, n, sector * SECTOR + off)) {
			*status = VIRTIO_BLK_S_IOERR;
			return 0;
		}
		ret = virtq_write(r->vq, r->elem, off, buf, n);
		if (ret)
			return ret;
		off += n;
		*written = off;
	}
	*status = VIRTIO_BLK_S_OK;
	return 0;
}

static int do_out(struct blk *b, struct virtio_req *r, uint64_t sector,
		  uint8_t *status)
{
	uint64_t hdr = sizeof(struct virtio_blk_outhdr);
	uint64_t len = r->elem->out_len - hdr, off = 0;
	uint8_t *buf = r->scratch;
	int ret;

	if (b->readonly || len % SECTOR ||
	    !in_range(b, sector, len / SECTOR)) {
		*status = VIRTIO_BLK_S_IOERR;
		return 0;
	}
	while (off < len) {
		size_t n = len - off < r->scratch_size ? len - off :
			   r->scratch_size;

		ret = virtq_read(r->vq, r->elem, hdr + off, buf, n);
		if (ret)
			return ret;
		/* Complete only once every byte went to the backend. */
		if (pwrite_all(b->fd, buf, n, sector * SECTOR + off)) {
			*status = VIRTIO_BLK_S_IOERR;
			return 0;
		}
		off += n;
	}
	*status = VIRTIO_BLK_S_OK;
	return 0;
}

static int do_get_id(struct blk *b, struct virtio_req *r, uint8_t *status,
		     uint64_t *written)
{
	uint64_t len = r->elem->in_len - 1;
	int ret;

	/* §5.2.6: up to 20 bytes, NUL-terminated when shorter. */
	if (len > VIRTIO_BLK_ID_BYTES)
		len = VIRTIO_BLK_ID_BYTES;
	ret = virtq_write(r->vq, r->elem, 0, b->serial, len);
	if (ret)
		return ret;
	*written = len;
	*status = VIRTIO_BLK_S_OK;
	return 0;
}

/* Zeroes written over [@off, +@len) bytes, where fallocate cannot. */
static int write_zeroes(struct blk *b, struct virtio_req *r, uint64_t off,
			uint64_t len)
{
	size_t chunk = r->scratch_size;

	memset(r->scratch, 0, chunk);
	while (len) {
		size_t n = len < chunk ? len : chunk;
		int ret = pwrite_all(b->fd, r->scratch, n, off);

		if (ret)
			return ret;
		off += n;
		len -= n;
	}
	return 0;
}

static int zero_range(struct blk *b, struct virtio_req *r, uint64_t off,
		      uint64_t len, bool punch)
{
	int mode = punch ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE :
			   FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

	if (!fallocate(b->fd, mode, (off_t)off, (off_t)len))
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
		return -errno;
	return write_zeroes(b, r, off, len);
}

static int do_ranges(struct blk *b, struct virtio_req *r, uint32_t type,
		     uint8_t *status)
{
	uint64_t hdr = sizeof(struct virtio_blk_outhdr);
	uint64_t len = r->elem->out_len - hdr, i;
	bool discard = type == VIRTIO_BLK_T_DISCARD;
	uint64_t feat = 1ull << (discard ? VIRTIO_BLK_F_DISCARD :
				 VIRTIO_BLK_F_WRITE_ZEROES);
	struct virtio_blk_discard_write_zeroes seg;
	uint32_t flags, count;
	uint64_t sector;
	int ret;

	if (!(r->features & feat)) {
		*status = VIRTIO_BLK_S_UNSUPP;
		return 0;
	}
	*status = VIRTIO_BLK_S_IOERR;
	if (len == 0 || len % sizeof(seg) || len / sizeof(seg) > MAX_RANGES ||
	    b->readonly)
		return 0;
	for (i = 0; i < len / sizeof(seg); i++) {
		ret = virtq_read(r->vq, r->elem, hdr + i * sizeof(seg), &seg,
				 sizeof(seg));
		if (ret)
			return ret;
		sector = le64toh(seg.sector);
		count = le32toh(seg.num_sectors);
		flags = le32toh(seg.flags);
		/* §5.2.6.2: unknown flags, or UNMAP on a discard: UNSUPP. */
		if (flags & ~(discard ? 0u : VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)) {
			*status = VIRTIO_BLK_S_UNSUPP;
			return 0;
		}
		if (count > MAX_RANGE_SECTORS || !in_range(b, sector, count))
			return 0;
		if (count && zero_range(b, r, sector * SECTOR,
					(uint64_t)count * SECTOR,
					discard ||
					(flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)))
			return 0;
	}
	*status = VIRTIO_BLK_S_OK;
	return 0;
}

static int blk_handle(void *opaque, struct virtio_req *r)
{
	struct blk *b = opaque;
	const struct virtq_elem *e = r->elem;
	struct virtio_blk_outhdr h;
	uint8_t status = VIRTIO_BLK_S_IOERR;
	uint64_t sector, written = 0;
	uint32_t type;
	int ret = 0;

	if (e->in_len == 0) {
		/* §5.2.6: the status is the last device-writable byte. */
		vu_why_set(r->why, "request (head %u) has no device-writable "
			   "status byte", e->head);
		return -EBADMSG;
	}
	if (e->out_len < sizeof(h)) {
		/* No complete header: nothing to act on. */
		goto done;
	}
	ret = virtq_read(r->vq, e, 0, &h, sizeof(h));
	if (ret)
		return ret;
	type = le32toh(h.type);
	sector = le64toh(h.sector);
	switch (type) {
	case VIRTIO_BLK_T_IN:
		ret = do_in(b, r, sector, &status, &written);
		break;
	case VIRTIO_BLK_T_OUT:
		ret = do_out(b, r, sector, &status);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR :
					    VIRTIO_BLK_S_OK;
		break;
	case VIRTIO_BLK_T_GET_ID:
		ret = do_get_id(b, r, &status, &written);
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		ret = do_ranges(b, r, type, &status);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (ret)
		return ret;
done:
	ret = virtq_write(r->vq, e, e->in_len - 1, &status, 1);
	if (ret)
		return ret;
	/*
	 * §2.7.8.2: used len may not exceed the bytes written from the
	 * start of the device-writable part: the data, and the status only
	 * when it follows the data without a gap.
	 */
	r->used_len = (uint32_t)(written == e->in_len - 1 ? e->in_len :
				 written);
	return 0;
}

static const struct virtio_dev_ops blk_ops = {
	.get_config = blk_get_config,
	.handle = blk_handle,
};

static int open_disk(struct blk *b, const struct blk_options *o)
{
	struct stat st;
	uint64_t bytes;

	b->fd = open(o->disk, (o->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		int err = errno;

		fprintf(stderr, "vfio-user-virtio-blk: cannot open %s: %s\n",
			o->disk, strerror(err));
		return -err;
	}
	if (fstat(b->fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(b->fd, BLKGETSIZE64, &bytes)) {
			int err = errno;

			fprintf(stderr, "vfio-user-virtio-blk: %s: "
				"BLKGETSIZE64: %s\n", o->disk, strerror(err));
			return -err;
		}
	} else if (S_ISREG(st.st_mode)) {
		bytes = (uint64_t)st.st_size;
	} else {
		fprintf(stderr, "vfio-user-virtio-blk: %s is neither a file "
			"nor a block device\n", o->disk);
		return -EINVAL;
	}
	b->sectors = bytes / SECTOR;
	if (bytes % SECTOR)
		fprintf(stderr, "vfio-user-virtio-blk: %s: the last %llu "
			"bytes (less than a sector) are not used\n", o->disk,
			(unsigned long long)(bytes % SECTOR));
	return 0;
}

int blk_create(const struct blk_options *o, struct blk **out)
{
	struct virtio_dev_config cfg = {
		.name = "vfio-user-virtio-blk",
		.device_id = VIRTIO_ID_BLOCK,
		.class_code = 0x010000,	/* mass storage, as QEMU's */
		.num_queues = o->num_queues,
		.queue_size = QUEUE_SIZE,
		.max_segs = QUEUE_SIZE,	/* seg_max data + header + status */
		.scratch_size = SCRATCH,
		.config_size = CONFIG_SIZE,
		.ops = &blk_ops,
	};
	struct blk *b;
	int ret;

	if (!o->disk || o->num_queues < 1 ||
	    o->num_queues > VIRTIO_PCI_MAX_QUEUES)
		return -EINVAL;
	if (o->serial && strlen(o->serial) > VIRTIO_BLK_ID_BYTES) {
		fprintf(stderr, "vfio-user-virtio-blk: --serial is longer "
			"than %d bytes\n", VIRTIO_BLK_ID_BYTES);
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->fd = -1;
	b->readonly = o->readonly;
	b->num_queues = o->num_queues;
	if (o->serial)
		memcpy(b->serial, o->serial, strlen(o->serial));
	ret = open_disk(b, o);
	if (ret)
		goto fail;
	cfg.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) |
		       (1ull << VIRTIO_BLK_F_SEG_MAX) |
		       (1ull << VIRTIO_BLK_F_BLK_SIZE) |
		       (1ull << VIRTIO_BLK_F_FLUSH);
	if (o->readonly)
		cfg.features |= 1ull << VIRTIO_BLK_F_RO;
	else
		cfg.features |= (1ull << VIRTIO_BLK_F_DISCARD) |
				(1ull << VIRTIO_BLK_F_WRITE_ZEROES);
	if (o->num_queues > 1)
		cfg.features |= 1ull << VIRTIO_BLK_F_MQ;
	cfg.opaque = b;
	ret = virtio_pci_create(&cfg, &b->vp);
	if (ret)
		goto fail;
	*out = b;
	return 0;

fail:
	blk_destroy(b);
	return ret;
}

struct vus_dev *blk_vus(struct blk *b)
{
	return virtio_pci_vus(b->vp);
}

void blk_destroy(struct blk *b)
{
	if (!b)
		return;
	virtio_pci_destroy(b->vp);
	if (b->fd >= 0)
		close(b->fd);
	free(b);
}
