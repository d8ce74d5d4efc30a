// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA map table: sorted, non-overlapping windows of client memory,
 * mmapped when an fd came, with references that unmapping waits for.
 * Spec sections: "VFIO_USER_DMA_MAP", "VFIO_USER_DMA_UNMAP".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proto/vfio_user.h"
#include "devices/framework/dma_table.h"

#define PROT_BITS	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)

int vus_dma_table_init(struct vus_dma_table *t, uint64_t max_maps)
{
	memset(t, 0, sizeof(*t));
	t->max_maps = max_maps;
	if (pthread_mutex_init(&t->lock, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&t->released, NULL)) {
		pthread_mutex_destroy(&t->lock);
		return -ENOMEM;
	}
	return 0;
}

void vus_dma_table_destroy(struct vus_dma_table *t)
{
	vus_dma_table_clear(t);
	free(t->maps);
	t->maps = NULL;
	pthread_cond_destroy(&t->released);
	pthread_mutex_destroy(&t->lock);
}

void vus_dma_table_set_max(struct vus_dma_table *t, uint64_t max_maps)
{
	pthread_mutex_lock(&t->lock);
	t->max_maps = max_maps;
	pthread_mutex_unlock(&t->lock);
}

size_t vus_dma_table_count(struct vus_dma_table *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = t->nr;
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* Index of the first map whose iova is above @iova (lock held). */
static size_t upper_bound(const struct vus_dma_table *t, uint64_t iova)
{
	size_t lo = 0, hi = t->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->maps[mid]->iova <= iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The map that holds @iova, or NULL (lock held). */
static struct vus_dma_map *find(const struct vus_dma_table *t, uint64_t iova)
{
	size_t i = upper_bound(t, iova);
	struct vus_dma_map *m;

	if (i == 0)
		return NULL;
	m = t->maps[i - 1];
	return iova - m->iova < m->size ? m : NULL;
}

/* Whether [@iova, @iova + @size) meets any map (lock held; no wrap). */
static bool overlaps(const struct vus_dma_table *t, uint64_t iova,
		     uint64_t size)
{
	size_t i = upper_bound(t, iova);

	/* The map before @iova may reach into the range... */
	if (i > 0 && iova - t->maps[i - 1]->iova < t->maps[i - 1]->size)
		return true;
	/* ...and the next one may start inside it. */
	return i < t->nr && t->maps[i]->iova - iova < size;
}

static int map_fd(struct vus_dma_map *m, struct vu_why *why)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t base, delta;
	int prot = 0;
	void *p;

	base = m->fd_offset & ~((uint64_t)page - 1);
	delta = m->fd_offset - base;
	if (m->size > SIZE_MAX - delta) {
		vu_why_set(why, "DMA_MAP size %#llx is too large to map",
			   (unsigned long long)m->size);
		return -EINVAL;
	}
	if (m->prot & VFIO_USER_DMA_MAP_FLAG_READ)
		prot |= PROT_READ;
	if (m->prot & VFIO_USER_DMA_MAP_FLAG_WRITE)
		prot |= PROT_WRITE;
	p = mmap(NULL, m->size + delta, prot, MAP_SHARED, m->fd, (off_t)base);
	if (p == MAP_FAILED) {
		int err = errno;

		vu_why_set(why, "DMA_MAP mmap of fd offset %#llx size %#llx "
			   "failed: %s", (unsigned long long)m->fd_offset,
			   (unsigned long long)m->size, strerror(err));
		return -err;
	}
	m->mmap_base = p;
	m->mmap_len = m->size + delta;
	m->addr = (uint8_t *)p + delta;
	return 0;
}

int vus_dma_table_add(struct vus_dma_table *t, uint64_t iova, uint64_t size,
		      uint32_t prot, int fd, uint64_t fd_offset,
		      struct vu_why *why)
{
	struct vus_dma_map *m;
	size_t i;
	int ret;

	if (size == 0 || !(prot & PROT_BITS) || (prot & ~PROT_BITS)) {
		vu_why_set(why, "DMA_MAP size %#llx flags %#x: needs a size "
			   "and READ and/or WRITE only",
			   (unsigned long long)size, prot);
		return -EINVAL;
	}
	if (iova + size < iova || (fd >= 0 && fd_offset + size < fd_offset)) {
		vu_why_set(why, "DMA_MAP address %#llx offset %#llx + size "
			   "%#llx wraps around", (unsigned long long)iova,
			   (unsigned long long)fd_offset,
			   (unsigned long long)size);
		return -EINVAL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->iova = iova;
	m->size = size;
	m->prot = prot;
	m->fd = fd;
	m->fd_offset = fd >= 0 ? fd_offset : 0;

	pthread_mutex_lock(&t->lock);
	if (overlaps(t, iova, size)) {
		vu_why_set(why, "DMA_MAP [%#llx, +%#llx) overlaps an existing "
			   "map", (unsigned long long)iova,
			   (unsigned long long)size);
		ret = -EEXIST;
		goto fail;
	}
	if (t->nr >= t->max_maps) {
		vu_why_set(why, "DMA_MAP [%#llx, +%#llx) would exceed "
			   "max_dma_maps %llu", (unsigned long long)iova,
			   (unsigned long long)size,
			   (unsigned long long)t->max_maps);
		ret = -ENOSPC;
		goto fail;
	}
	if (t->nr == t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 8;
		void *p = realloc(t->maps, n * sizeof(*t->maps));

		if (!p) {
			ret = -ENOMEM;
			goto fail;
		}
		t->maps = p;
		t->alloc = n;
	}
	if (fd >= 0) {
		ret = map_fd(m, why);
		if (ret)
			goto fail;
	}
	i = upper_bound(t, iova);
	memmove(&t->maps[i + 1], &t->maps[i], (t->nr - i) * sizeof(*t->maps));
	t->maps[i] = m;
	t->nr++;
	pthread_mutex_unlock(&t->lock);
	return 0;

fail:
	pthread_mutex_unlock(&t->lock);
	free(m);
	return ret;
}

/* Wait for @m's references (lock held, @m already out of the array). */
static void release(struct vus_dma_table *t, struct vus_dma_map *m)
{
	while (m->refs)
		pthread_cond_wait(&t->released, &t->lock);
	if (m->mmap_base)
		munmap(m->mmap_base, m->mmap_len);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

int vus_dma_table_remove(struct vus_dma_table *t, uint64_t iova,
			 uint64_t size, struct vu_why *why)
{
	struct vus_dma_map *m;
	size_t i;

	pthread_mutex_lock(&t->lock);
	i = upper_bound(t, iova);
	m = i ? t->maps[i - 1] : NULL;
	if (!m || m->iova != iova || m->size != size) {
		bool partial = size && iova + size >= iova &&
			       overlaps(t, iova, size);

		pthread_mutex_unlock(&t->lock);
		vu_why_set(why, "DMA_UNMAP [%#llx, +%#llx) %s",
			   (unsigned long long)iova, (unsigned long long)size,
			   partial ? "is not exactly an earlier map" :
				     "is not mapped");
		return partial ? -EINVAL : -ENOENT;
	}
	memmove(&t->maps[i - 1], &t->maps[i], (t->nr - i) * sizeof(*t->maps));
	t->nr--;
	release(t, m);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void vus_dma_table_clear(struct vus_dma_table *t)
{
	pthread_mutex_lock(&t->lock);
	while (t->nr) {
		struct vus_dma_map *m = t->maps[--t->nr];

		release(t, m);
	}
	pthread_mutex_unlock(&t->lock);
}

static int check_access(uint64_t len, uint32_t prot)
{
	if (len == 0 || !(prot & PROT_BITS) || (prot & ~PROT_BITS))
		return -EINVAL;
	return 0;
}

int vus_dma_table_get(struct vus_dma_table *t, uint64_t iova, uint64_t len,
		      uint32_t prot, void **ptr, struct vus_dma_table_ref *ref)
{
	struct vus_dma_map *m;
	int ret = check_access(len, prot);

	ref->map = NULL;
	if (ret)
		return ret;
	if (iova + len < iova)
		return -EFAULT;
	pthread_mutex_lock(&t->lock);
	m = find(t, iova);
	if (!m || len > m->size - (iova - m->iova))
		ret = -EFAULT;
	else if ((m->prot & prot) != prot)
		ret = -EACCES;
	else if (!m->addr)
		ret = -EOPNOTSUPP;
	if (!ret) {
		m->refs++;
		ref->map = m;
		*ptr = m->addr + (iova - m->iova);
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

void vus_dma_table_put(struct vus_dma_table *t, struct vus_dma_table_ref *ref)
{
	if (!ref->map)
		return;
	pthread_mutex_lock(&t->lock);
	if (--ref->map->refs == 0)
		pthread_cond_broadcast(&t->released);
	pthread_mutex_unlock(&t->lock);
	ref->map = NULL;
}

int vus_dma_table_span(struct vus_dma_table *t, uint64_t iova, uint64_t len,
		       uint32_t prot, struct vus_dma_span *span)
{
	struct vus_dma_map *m;
	uint64_t left;
	int ret = check_access(len, prot);

	memset(span, 0, sizeof(*span));
	if (ret)
		return ret;
	if (iova + len < iova)
		return -EFAULT;
	pthread_mutex_lock(&t->lock);
	m = find(t, iova);
	if (!m) {
		ret = -EFAULT;
	} else if ((m->prot & prot) != prot) {
		ret = -EACCES;
	} else {
		left = m->size - (iova - m->iova);
		span->len = len < left ? len : left;
		if (m->addr) {
			m->refs++;
			span->ref.map = m;
			span->ptr = m->addr + (iova - m->iova);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}
