// SPDX-License-Identifier: GPL-2.0-only
/*
 * DMA for device code: pointers into mmapped client memory, and copies
 * that fall back to DMA_READ/DMA_WRITE messages (spec: "VFIO_USER_DMA_READ",
 * "VFIO_USER_DMA_WRITE") for maps that came without an fd.
 */
#include <errno.h>
#include <string.h>

#include "devices/framework/vus_priv.h"

_Static_assert(VUS_DMA_READ == VFIO_USER_DMA_MAP_FLAG_READ &&
	       VUS_DMA_WRITE == VFIO_USER_DMA_MAP_FLAG_WRITE,
	       "vus directions are the DMA map flags");

int vus_dma_get(struct vus_dev *dev, uint64_t iova, uint64_t len,
		unsigned int dir, void **ptr, struct vus_dma_ref *ref)
{
	struct vus_dma_table_ref r;
	int ret;

	ret = vus_dma_table_get(&dev->dma, iova, len, dir, ptr, &r);
	ref->map = r.map;
	return ret;
}

void vus_dma_put(struct vus_dev *dev, struct vus_dma_ref *ref)
{
	struct vus_dma_table_ref r = { .map = ref->map };

	vus_dma_table_put(&dev->dma, &r);
	ref->map = NULL;
}

/* Copy one piece of a map without fd by messages of at most the chunk. */
static int by_messages(struct vus_dev *dev, bool write, uint64_t iova,
		       uint8_t *buf, uint64_t len)
{
	uint64_t chunk = vus_session_dma_chunk(dev), n;
	int ret;

	if (!chunk)
		return -ENOTCONN;
	while (len) {
		n = len < chunk ? len : chunk;
		ret = vus_session_dma(dev, write, iova, buf, n);
		if (ret)
			return ret;
		iova += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static int dma_copy(struct vus_dev *dev, bool write, uint64_t iova,
		    uint8_t *buf, uint64_t len)
{
	struct vus_dma_span span;
	int ret;

	if (len == 0)
		return -EINVAL;
	while (len) {
		ret = vus_dma_table_span(&dev->dma, iova, len,
					 write ? VUS_DMA_WRITE : VUS_DMA_READ,
					 &span);
		if (ret)
			return ret;
		if (span.ptr) {
			if (write)
				memcpy(span.ptr, buf, span.len);
			else
				memcpy(buf, span.ptr, span.len);
			vus_dma_table_put(&dev->dma, &span.ref);
		} else {
			ret = by_messages(dev, write, iova, buf, span.len);
			if (ret)
				return ret;
		}
		iova += span.len;
		buf += span.len;
		len -= span.len;
	}
	return 0;
}

int vus_dma_read(struct vus_dev *dev, uint64_t iova, void *buf, uint64_t len)
{
	return dma_copy(dev, false, iova, buf, len);
}

int vus_dma_write(struct vus_dev *dev, uint64_t iova, const void *buf,
		  uint64_t len)
{
	return dma_copy(dev, true, iova, (uint8_t *)buf, len);
}

int vus_dma_check(struct vus_dev *dev, uint64_t iova, uint64_t len,
		  unsigned int dir)
{
	struct vus_dma_span span;
	int ret;

	if (len == 0)
		return -EINVAL;
	while (len) {
		ret = vus_dma_table_span(&dev->dma, iova, len, dir, &span);
		if (ret)
			return ret;
		vus_dma_table_put(&dev->dma, &span.ref);
		iova += span.len;
		len -= span.len;
	}
	return 0;
}
