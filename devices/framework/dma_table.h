/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_DMA_TABLE_H
#define MINIVMM_DEVICES_FRAMEWORK_DMA_TABLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/vu_why.h"

/*
 * The DMA map table of one device: the windows of client memory that
 * DMA_MAP made available (spec: "VFIO_USER_DMA_MAP", "VFIO_USER_DMA_UNMAP").
 *
 * - A map never overlaps another: DMA_MAP over an existing range is
 *   -EEXIST ("A command to map over an existing region must be failed by
 *   the server with EEXIST").
 * - DMA_UNMAP removes exactly one earlier map ("The address and size of
 *   the DMA region being unmapped must match exactly a previous
 *   mapping").
 * - A map that came with an fd is mmapped here (at its fd offset, with
 *   the protection its flags give) and pointers into it are handed out
 *   under a reference. Unmapping waits until every reference is dropped
 *   ("the server must release all references to that DMA region before
 *   replying"), so that a device thread never touches unmapped memory.
 *
 * All calls are thread-safe. Everything a client sends is untrusted:
 * ranges are checked without overflow.
 */

struct vus_dma_map {
	uint64_t iova;
	uint64_t size;
	uint32_t prot;		/* VFIO_USER_DMA_MAP_FLAG_READ | _WRITE */
	int fd;			/* -1: no fd, reach it by DMA_READ/WRITE */
	uint64_t fd_offset;
	void *mmap_base;	/* what mmap() returned, NULL without fd */
	size_t mmap_len;
	uint8_t *addr;		/* where iova lives in our address space */
	unsigned int refs;	/* pointers handed out and not put back */
};

struct vus_dma_table {
	pthread_mutex_t lock;
	pthread_cond_t released;	/* a reference was dropped */
	struct vus_dma_map **maps;	/* sorted by iova, never overlapping */
	size_t nr, alloc;
	uint64_t max_maps;
};

/* A reference to one map, taken by vus_dma_table_get(). */
struct vus_dma_table_ref {
	struct vus_dma_map *map;
};

/*
 * A piece of a range as vus_dma_table_span() finds it: @len bytes from
 * the start of the range lie in one map; @ptr points at them when the map
 * has an fd (a reference is then held in @ref, drop it with
 * vus_dma_table_put()), NULL otherwise (use messages).
 */
struct vus_dma_span {
	uint64_t len;
	uint8_t *ptr;
	struct vus_dma_table_ref ref;
};

/* Initialise an empty table that admits @max_maps maps. Returns 0 or -errno. */
int vus_dma_table_init(struct vus_dma_table *t, uint64_t max_maps);

/* Free the table; every map must be gone (vus_dma_table_clear()). */
void vus_dma_table_destroy(struct vus_dma_table *t);

/* The limit that DMA_MAP enforces (the session's max_dma_maps). */
void vus_dma_table_set_max(struct vus_dma_table *t, uint64_t max_maps);

/* How many maps there are. */
size_t vus_dma_table_count(struct vus_dma_table *t);

/*
 * vus_dma_table_add - add the map [@iova, @iova + @size) with @prot
 * (VFIO_USER_DMA_MAP_FLAG_READ/WRITE). With @fd >= 0, mmap @fd at
 * @fd_offset (any offset: the mapping starts at the page below it) with
 * PROT_READ/PROT_WRITE as @prot says; the table then owns @fd. With
 * @fd < 0 the map is reached by messages.
 *
 * Returns 0 (the table owns @fd), or with @why set (and @fd still the
 * caller's): -EINVAL for size 0, no permission, or a range that wraps
 * (iova + size or fd_offset + size past 2^64); -EEXIST if the range
 * overlaps a map; -ENOSPC if max_maps maps exist; -ENOMEM; the -errno of
 * a failed mmap().
 */
int vus_dma_table_add(struct vus_dma_table *t, uint64_t iova, uint64_t size,
		      uint32_t prot, int fd, uint64_t fd_offset,
		      struct vu_why *why);

/*
 * vus_dma_table_remove - remove the map that is exactly [@iova, @iova +
 * @size): wait until its references are dropped, munmap it, close its
 * fd. Returns 0, or with @why set: -EINVAL when the range overlaps maps
 * but is not exactly one of them (a partial unmap), -ENOENT when nothing
 * is mapped there.
 */
int vus_dma_table_remove(struct vus_dma_table *t, uint64_t iova,
			 uint64_t size, struct vu_why *why);

/* Remove every map (waiting for references as above). */
void vus_dma_table_clear(struct vus_dma_table *t);

/*
 * vus_dma_table_get - a pointer to [@iova, @iova + @len) for an access
 * that @prot describes (READ: the device reads client memory, WRITE: it
 * writes it; both may be or'ed). The range must lie inside one map,
 * never across its end. The map stays mapped until vus_dma_table_put().
 *
 * Returns 0 with *@ptr and @ref set, or: -EINVAL for @len 0 or no @prot;
 * -EFAULT when the range is not wholly inside one map (also when
 * @iova + @len wraps); -EACCES when the map lacks a permission @prot
 * asks for; -EOPNOTSUPP when the map came without an fd (no pointer:
 * use DMA_READ/DMA_WRITE messages).
 */
int vus_dma_table_get(struct vus_dma_table *t, uint64_t iova, uint64_t len,
		      uint32_t prot, void **ptr, struct vus_dma_table_ref *ref);

/* Drop a reference from vus_dma_table_get() or _span(); NULL map is a no-op. */
void vus_dma_table_put(struct vus_dma_table *t, struct vus_dma_table_ref *ref);

/*
 * vus_dma_table_span - the first piece of [@iova, @iova + @len) for an
 * access of @prot: the part that lies in the map holding @iova (up to the
 * map's end). Fills @span (taking a reference when the map has an fd).
 *
 * Returns 0, -EINVAL (@len 0), -EFAULT (@iova is not mapped, or the
 * range wraps) or -EACCES (the map lacks a permission).
 */
int vus_dma_table_span(struct vus_dma_table *t, uint64_t iova, uint64_t len,
		       uint32_t prot, struct vus_dma_span *span);

#endif
