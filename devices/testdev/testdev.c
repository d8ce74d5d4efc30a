// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-testdev: a device that exercises every path of a vfio-user
 * client (register map and behaviour: testdev_regs.h). Written as the
 * example to copy: declare the device (testdev_create), trapped
 * registers (regs_access), a memfd-backed mmappable BAR (mem_access for
 * its trapped page), a doorbell eventfd and a DMA engine served by the
 * device's own thread (worker), interrupts (raise_irq).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/testdev/testdev.h"
#include "proto/vu_memfd.h"

struct dma_job {
	uint32_t cmd;
	uint64_t src, dst;
	uint32_t len, pattern, vector;
	uint64_t generation;
};

struct testdev {
	struct vus_dev *dev;
	struct testdev_options opts;
	uint32_t features;

	/* Registers (lock): the state a client may read. */
	pthread_mutex_t lock;
	pthread_cond_t idle;		/* the DMA engine stopped */
	uint32_t scratch;
	uint32_t doorbells;
	uint32_t bar2_traps;
	uint32_t irq_status;
	uint32_t irq_count;
	uint32_t resets;
	uint32_t connects;
	uint64_t dma_src, dma_dst;
	uint32_t dma_len, dma_status, dma_error, dma_pattern, dma_vector;
	uint32_t dma_count;
	uint32_t bar2_peek_off;
	bool busy;			/* a job is queued or running */
	struct dma_job job;
	uint64_t generation;		/* bumped by reset: stale jobs drop */

	int bar2_fd;			/* memfd behind BAR2 */
	uint8_t *bar2;			/* our mapping of it */
	int doorbell_fd;		/* the ioeventfd, -1 with --no-ioeventfd */
	int work_fd;			/* eventfd: a job is queued */
	int quit_fd;			/* eventfd: the worker ends */
	pthread_t worker;
	bool worker_started;
};

/* --- Interrupts --- */

/* The INTx line follows IRQ_STATUS, unless MSI or MSI-X is in use (lock). */
static void update_intx(struct testdev *t)
{
	enum vus_irq_mode mode = vus_irq_mode(t->dev);

	vus_irq_intx_set(t->dev, t->irq_status &&
			 mode != VUS_IRQ_MSI && mode != VUS_IRQ_MSIX);
}

/* Raise @vector as the client configured interrupts (lock held). */
static void raise_irq(struct testdev *t, uint32_t vector)
{
	switch (vus_irq_mode(t->dev)) {
	case VUS_IRQ_MSIX:
		if (!vus_irq_trigger(t->dev, VFIO_PCI_MSIX_IRQ_INDEX, vector))
			t->irq_count++;
		break;
	case VUS_IRQ_MSI:
		if (!vus_irq_trigger(t->dev, VFIO_PCI_MSI_IRQ_INDEX, vector))
			t->irq_count++;
		break;
	case VUS_IRQ_INTX:
		t->irq_count++;
		update_intx(t);
		break;
	case VUS_IRQ_NONE:
		update_intx(t);	/* the level is kept for a later client */
		break;
	}
}

static uint32_t irq_mode_reg(struct testdev *t)
{
	switch (vus_irq_mode(t->dev)) {
	case VUS_IRQ_MSIX:
		return TESTDEV_MODE_MSIX;
	case VUS_IRQ_MSI:
		return TESTDEV_MODE_MSI;
	case VUS_IRQ_INTX:
		return TESTDEV_MODE_INTX;
	default:
		return TESTDEV_MODE_NONE;
	}
}

/* --- The DMA engine (worker thread) --- */

static int dma_copy(struct testdev *t, const struct dma_job *j,
		    uint32_t *how)
{
	struct vus_dma_ref rs, rd;
	void *s, *d, *buf;
	int ret;

	/* Fast path: both ranges in mmapped maps. */
	if (!vus_dma_get(t->dev, j->src, j->len, VUS_DMA_READ, &s, &rs)) {
		if (!vus_dma_get(t->dev, j->dst, j->len, VUS_DMA_WRITE, &d,
				 &rd)) {
			memmove(d, s, j->len);
			vus_dma_put(t->dev, &rd);
			vus_dma_put(t->dev, &rs);
			*how = TESTDEV_DMA_ST_PTR;
			return 0;
		}
		vus_dma_put(t->dev, &rs);
	}
	/* Any map layout: through a bounce buffer. Never hold a pointer
	 * reference while waiting for the client. */
	buf = malloc(j->len);
	if (!buf)
		return -ENOMEM;
	ret = vus_dma_read(t->dev, j->src, buf, j->len);
	if (!ret)
		ret = vus_dma_write(t->dev, j->dst, buf, j->len);
	free(buf);
	*how = TESTDEV_DMA_ST_MSG;
	return ret;
}

static void fill(uint8_t *p, uint32_t len, uint32_t pattern)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(pattern >> (8 * (i % 4)));
}

static int dma_fill(struct testdev *t, const struct dma_job *j, uint32_t *how)
{
	struct vus_dma_ref rd;
	void *d;
	int ret;

	if (!vus_dma_get(t->dev, j->dst, j->len, VUS_DMA_WRITE, &d, &rd)) {
		fill(d, j->len, j->pattern);
		vus_dma_put(t->dev, &rd);
		*how = TESTDEV_DMA_ST_PTR;
		return 0;
	}
	d = malloc(j->len);
	if (!d)
		return -ENOMEM;
	fill(d, j->len, j->pattern);
	ret = vus_dma_write(t->dev, j->dst, d, j->len);
	free(d);
	*how = TESTDEV_DMA_ST_MSG;
	return ret;
}

static void run_job(struct testdev *t)
{
	struct dma_job j;
	uint32_t how = 0;
	int ret;

	pthread_mutex_lock(&t->lock);
	j = t->job;
	pthread_mutex_unlock(&t->lock);

	if (j.len == 0 || j.len > TESTDEV_DMA_MAX)
		ret = -EINVAL;
	else if (j.cmd == TESTDEV_DMA_CMD_COPY)
		ret = dma_copy(t, &j, &how);
	else if (j.cmd == TESTDEV_DMA_CMD_FILL)
		ret = dma_fill(t, &j, &how);
	else
		ret = -EINVAL;
	if (ret)
		vus_log(t->dev, VUS_LOG_DEBUG, "DMA command %u of %u bytes "
			"from %#llx to %#llx failed: %s", j.cmd, j.len,
			(unsigned long long)j.src, (unsigned long long)j.dst,
			strerror(-ret));

	pthread_mutex_lock(&t->lock);
	if (j.generation == t->generation) {
		t->dma_status = TESTDEV_DMA_ST_DONE | how |
				(ret ? TESTDEV_DMA_ST_ERROR : 0);
		t->dma_error = ret ? (uint32_t)-ret : 0;
		t->dma_count++;
		t->irq_status |= TESTDEV_IRQ_DMA;
		raise_irq(t, j.vector);
	}
	t->busy = false;
	pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
}

static void count_doorbells(struct testdev *t)
{
	uint64_t kicks;

	/* Non-blocking: KVM (or the framework) may have kicked it more
	 * than once; the eventfd adds them up. */
	if (read(t->doorbell_fd, &kicks, sizeof(kicks)) != sizeof(kicks))
		return;
	pthread_mutex_lock(&t->lock);
	t->doorbells += (uint32_t)kicks;
	pthread_mutex_unlock(&t->lock);
}

/* The device's own thread: doorbell kicks and DMA jobs. */
static void *worker(void *arg)
{
	struct testdev *t = arg;
	struct pollfd p[3] = {
		{ .fd = t->quit_fd, .events = POLLIN },
		{ .fd = t->work_fd, .events = POLLIN },
		{ .fd = t->doorbell_fd, .events = POLLIN },
	};
	uint64_t v;

	for (;;) {
		if (poll(p, 3, -1) < 0)
			continue;	/* EINTR */
		if (p[0].revents)
			return NULL;
		if (p[2].revents)
			count_doorbells(t);
		if (p[1].revents &&
		    read(t->work_fd, &v, sizeof(v)) == sizeof(v))
			run_job(t);
	}
}

/* Wait until no job runs (lock held). */
static void wait_idle(struct testdev *t)
{
	while (t->busy)
		pthread_cond_wait(&t->idle, &t->lock);
}

/* --- BAR0: registers --- */

/*
 * The word at BAR2_PEEK_OFF as the device sees it in its own mapping of
 * the memfd: what a client wrote through its mmap of BAR2 shows here
 * without any trapped access. A plain load of shared memory another
 * process may be writing: one aligned 32-bit atomic load.
 */
static uint32_t bar2_peek(struct testdev *t)
{
	return __atomic_load_n((uint32_t *)(t->bar2 + t->bar2_peek_off),
			       __ATOMIC_RELAXED);
}

static uint32_t reg_read(struct testdev *t, uint32_t off)
{
	switch (off) {
	case TESTDEV_ID:		return TESTDEV_MAGIC;
	case TESTDEV_VERSION:		return 1;
	case TESTDEV_SCRATCH:		return t->scratch;
	case TESTDEV_FEATURES:		return t->features;
	case TESTDEV_DOORBELL_COUNT:	return t->doorbells;
	case TESTDEV_BAR2_TRAPS:	return t->bar2_traps;
	case TESTDEV_IRQ_STATUS:	return t->irq_status;
	case TESTDEV_IRQ_COUNT:		return t->irq_count;
	case TESTDEV_IRQ_MODE:		return irq_mode_reg(t);
	case TESTDEV_RESET_COUNT:	return t->resets;
	case TESTDEV_DMA_SRC_LO:	return (uint32_t)t->dma_src;
	case TESTDEV_DMA_SRC_HI:	return (uint32_t)(t->dma_src >> 32);
	case TESTDEV_DMA_DST_LO:	return (uint32_t)t->dma_dst;
	case TESTDEV_DMA_DST_HI:	return (uint32_t)(t->dma_dst >> 32);
	case TESTDEV_DMA_LEN:		return t->dma_len;
	case TESTDEV_DMA_STATUS:
		return t->dma_status | (t->busy ? TESTDEV_DMA_ST_BUSY : 0);
	case TESTDEV_DMA_ERROR:		return t->dma_error;
	case TESTDEV_DMA_PATTERN:	return t->dma_pattern;
	case TESTDEV_DMA_VECTOR:	return t->dma_vector;
	case TESTDEV_DMA_COUNT:		return t->dma_count;
	case TESTDEV_CONNECTS:		return t->connects;
	case TESTDEV_BAR2_PEEK_OFF:	return t->bar2_peek_off;
	case TESTDEV_BAR2_PEEK:		return bar2_peek(t);
	default:			return 0;
	}
}

static void set_lo(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffull) | ((uint64_t)v << 32);
}

static void start_dma(struct testdev *t, uint32_t cmd)
{
	uint64_t one = 1;

	if (t->busy) {
		/* The running job goes on; this command is refused. */
		t->dma_error = EBUSY;
		return;
	}
	t->job = (struct dma_job){
		.cmd = cmd, .src = t->dma_src, .dst = t->dma_dst,
		.len = t->dma_len, .pattern = t->dma_pattern,
		.vector = t->dma_vector, .generation = t->generation,
	};
	t->busy = true;
	t->dma_status = 0;
	if (write(t->work_fd, &one, sizeof(one)) != sizeof(one))
		t->busy = false;
}

static void reg_write(struct testdev *t, uint32_t off, uint32_t v)
{
	switch (off) {
	case TESTDEV_SCRATCH:
		t->scratch = v;
		break;
	case TESTDEV_DOORBELL:
		/* Only reached when the doorbell is not an ioeventfd, or the
		 * write did not match it. */
		t->doorbells++;
		break;
	case TESTDEV_IRQ_STATUS:
		t->irq_status &= ~v;
		update_intx(t);
		break;
	case TESTDEV_IRQ_RAISE:
		t->irq_status |= TESTDEV_IRQ_RAISED;
		raise_irq(t, v);
		break;
	case TESTDEV_DMA_SRC_LO:
		set_lo(&t->dma_src, v);
		break;
	case TESTDEV_DMA_SRC_HI:
		set_hi(&t->dma_src, v);
		break;
	case TESTDEV_DMA_DST_LO:
		set_lo(&t->dma_dst, v);
		break;
	case TESTDEV_DMA_DST_HI:
		set_hi(&t->dma_dst, v);
		break;
	case TESTDEV_DMA_LEN:
		t->dma_len = v;
		break;
	case TESTDEV_DMA_CMD:
		start_dma(t, v);
		break;
	case TESTDEV_DMA_PATTERN:
		t->dma_pattern = v;
		break;
	case TESTDEV_DMA_VECTOR:
		t->dma_vector = v;
		break;
	case TESTDEV_BAR2_PEEK_OFF:
		t->bar2_peek_off = v & (TESTDEV_MEM_SIZE - 1) & ~3u;
		break;
	default:
		break;		/* read-only or unused */
	}
}

static int regs_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		       void *data, uint32_t len, bool write)
{
	struct testdev *t = opaque;
	uint8_t *b = data;
	uint32_t v, i;

	(void)dev;
	pthread_mutex_lock(&t->lock);
	if (!write) {
		for (i = 0; i < len; i++) {
			uint64_t o = offset + i;

			v = reg_read(t, (uint32_t)(o & ~3ull));
			b[i] = (uint8_t)(v >> (8 * (o & 3)));
		}
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	if ((len != 4 && len != 8) || (offset % len)) {
		pthread_mutex_unlock(&t->lock);
		return -EINVAL;
	}
	for (i = 0; i < len; i += 4) {
		memcpy(&v, b + i, 4);
		reg_write(t, (uint32_t)offset + i, v);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* --- BAR2: memory; only its trapped accesses come here --- */

static int mem_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		      void *data, uint32_t len, bool write)
{
	struct testdev *t = opaque;

	(void)dev;
	if (write)
		memcpy(t->bar2 + offset, data, len);
	else
		memcpy(data, t->bar2 + offset, len);
	pthread_mutex_lock(&t->lock);
	t->bar2_traps++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* --- Device callbacks --- */

static int on_reset(struct vus_dev *dev, void *opaque)
{
	struct testdev *t = opaque;
	uint32_t resets, connects;

	(void)dev;
	pthread_mutex_lock(&t->lock);
	t->generation++;	/* a job finishing later changes nothing */
	wait_idle(t);
	resets = t->resets + 1;
	connects = t->connects;
	t->scratch = t->doorbells = t->bar2_traps = 0;
	t->irq_status = t->irq_count = 0;
	t->dma_src = t->dma_dst = 0;
	t->dma_len = t->dma_status = t->dma_error = 0;
	t->dma_pattern = t->dma_vector = t->dma_count = 0;
	t->bar2_peek_off = 0;
	t->resets = resets;
	t->connects = connects;
	update_intx(t);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static void on_attach(struct vus_dev *dev, void *opaque)
{
	struct testdev *t = opaque;

	(void)dev;
	pthread_mutex_lock(&t->lock);
	t->connects++;
	pthread_mutex_unlock(&t->lock);
}

static void on_detach(struct vus_dev *dev, void *opaque)
{
	struct testdev *t = opaque;

	(void)dev;
	/* A job in flight fails with -ENOTCONN soon; its pointers go back
	 * before the framework drops the client's maps. */
	pthread_mutex_lock(&t->lock);
	wait_idle(t);
	pthread_mutex_unlock(&t->lock);
}

/*
 * The client wrote config space. The framework has applied the command
 * register's Interrupt Disable bit itself; what the device decides is
 * whether its INTx line is up at all: not while the client has
 * configured MSI or MSI-X. A client (minivmm, QEMU) writes the MSI-X or
 * MSI Enable bit to config space around its SET_IRQS, so this is the
 * moment the mode may have changed: the line follows IRQ_STATUS again
 * when MSI-X goes back to INTx, and drops when MSI-X comes.
 */
static void on_config_written(struct vus_dev *dev, void *opaque,
			      uint32_t offset, uint32_t len)
{
	struct testdev *t = opaque;

	(void)dev;
	(void)offset;
	(void)len;
	pthread_mutex_lock(&t->lock);
	update_intx(t);
	pthread_mutex_unlock(&t->lock);
}

static const struct vus_dev_ops testdev_ops = {
	.reset = on_reset,
	.attach = on_attach,
	.detach = on_detach,
	.config_written = on_config_written,
};

/* --- Declaration --- */

static int setup_bar2(struct testdev *t)
{
	struct vus_dev *dev = t->dev;
	int ret;

	/* Sealed: the client gets this fd and must not be able to
	 * truncate it under bar2_peek() (SIGBUS). */
	t->bar2_fd = vu_memfd_create_sealed("testdev-bar2", TESTDEV_MEM_SIZE);
	if (t->bar2_fd < 0)
		return t->bar2_fd;
	t->bar2 = mmap(NULL, TESTDEV_MEM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, t->bar2_fd, 0);
	if (t->bar2 == MAP_FAILED) {
		t->bar2 = NULL;
		return -errno;
	}
	memcpy(t->bar2, TESTDEV_BAR2_SIGNATURE, sizeof(TESTDEV_BAR2_SIGNATURE));

	ret = vus_dev_setup_bar(dev, TESTDEV_MEM_BAR, TESTDEV_MEM_SIZE,
				VUS_BAR_MEM64 | VUS_BAR_PREFETCH, mem_access,
				t);
	if (!ret)
		ret = vus_dev_bar_fd(dev, TESTDEV_MEM_BAR, t->bar2_fd, 0);
	if (!ret && !t->opts.no_mmap) {
		ret = vus_dev_bar_mmap(dev, TESTDEV_MEM_BAR, 0,
				       TESTDEV_MEM_TRAP_PAGE);
		t->features |= TESTDEV_F_MMAP;
	}
	return ret;
}

static int declare(struct testdev *t)
{
	struct vus_dev *dev = t->dev;
	char rom[TESTDEV_ROM_SIZE] = TESTDEV_ROM_SIGNATURE;
	int ret;

	ret = vus_dev_setup_bar(dev, TESTDEV_REGS_BAR, TESTDEV_REGS_SIZE, 0,
				regs_access, t);
	if (!ret && !t->opts.no_ioeventfd) {
		ret = vus_dev_bar_ioeventfd(dev, TESTDEV_REGS_BAR,
					    TESTDEV_DOORBELL, 4, 0, 0,
					    &t->doorbell_fd);
		t->features |= TESTDEV_F_IOEVENTFD;
	}
	if (!ret)
		ret = setup_bar2(t);
	if (!ret && !t->opts.intx_only)
		ret = vus_dev_setup_bar(dev, TESTDEV_MSIX_BAR,
					TESTDEV_MSIX_SIZE, 0, NULL, NULL);
	if (!ret && !t->opts.no_rom) {
		ret = vus_dev_setup_rom(dev, rom, sizeof(rom), TESTDEV_ROM_SIZE);
		t->features |= TESTDEV_F_ROM;
	}
	if (!ret)
		ret = vus_dev_setup_intx(dev);
	t->features |= TESTDEV_F_INTX;
	/* Capabilities, in list order. */
	if (!ret)
		ret = vus_dev_add_pm(dev);
	if (!ret && !t->opts.intx_only) {
		ret = vus_dev_setup_msi(dev, TESTDEV_MSI_VECTORS);
		if (!ret)
			ret = vus_dev_setup_msix(dev, TESTDEV_MSIX_VECTORS,
						 TESTDEV_MSIX_BAR,
						 TESTDEV_MSIX_TABLE,
						 TESTDEV_MSIX_BAR,
						 TESTDEV_MSIX_PBA);
		t->features |= TESTDEV_F_MSI | TESTDEV_F_MSIX;
	}
	if (!ret)
		ret = vus_dev_add_pcie(dev);
	if (!ret)
		ret = vus_dev_realize(dev);
	return ret;
}

int testdev_create(const struct testdev_options *opts, struct testdev **out)
{
	struct vus_dev_config cfg = {
		.name = "vfio-user-testdev",
		.id = {
			.vendor = TESTDEV_VENDOR,
			.device = TESTDEV_DEVICE,
			.subsys_vendor = TESTDEV_SUBSYS_VENDOR,
			.subsys = TESTDEV_SUBSYS,
			.class_code = TESTDEV_CLASS,
			.revision = TESTDEV_REVISION,
		},
		.ops = &testdev_ops,
		.dma_by_messages = opts->dma_messages,
	};
	struct testdev *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return -ENOMEM;
	t->opts = *opts;
	if (opts->dma_messages)
		t->features |= TESTDEV_F_DMA_MESSAGES;
	t->bar2_fd = t->doorbell_fd = -1;
	t->work_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->idle, NULL);
	cfg.opaque = t;
	ret = (t->work_fd < 0 || t->quit_fd < 0) ? -errno : 0;
	if (!ret)
		ret = vus_dev_create(&cfg, &t->dev);
	if (!ret)
		ret = declare(t);
	if (ret) {
		if (t->dev)
			vus_log(t->dev, VUS_LOG_ERR, "cannot declare the "
				"device: %s", strerror(-ret));
		goto fail;
	}
	ret = -pthread_create(&t->worker, NULL, worker, t);
	if (ret)
		goto fail;
	t->worker_started = true;
	*out = t;
	return 0;

fail:
	vus_dev_destroy(t->dev);
	t->dev = NULL;
	testdev_destroy(t);
	return ret;
}

struct vus_dev *testdev_vus(struct testdev *t)
{
	return t->dev;
}

void testdev_destroy(struct testdev *t)
{
	uint64_t one = 1;

	if (!t)
		return;
	if (t->worker_started) {
		if (write(t->quit_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(t->worker, NULL);
	}
	vus_dev_destroy(t->dev);	/* closes the doorbell eventfd */
	if (t->bar2)
		munmap(t->bar2, TESTDEV_MEM_SIZE);
	if (t->bar2_fd >= 0)
		close(t->bar2_fd);
	if (t->work_fd >= 0)
		close(t->work_fd);
	if (t->quit_fd >= 0)
		close(t->quit_fd);
	pthread_cond_destroy(&t->idle);
	pthread_mutex_destroy(&t->lock);
	free(t);
}
