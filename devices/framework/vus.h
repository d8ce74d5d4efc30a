/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_VUS_H
#define MINIVMM_DEVICES_FRAMEWORK_VUS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

/*
 * vus: the vfio-user server framework ("vfio-user server"). A device
 * program declares a PCI device -- IDs, BARs with callbacks, mmappable
 * areas and doorbells, interrupts, capabilities -- and calls vus_run();
 * the framework speaks the protocol (QEMU's docs/interop/vfio-user.rst,
 * "the spec") with one client at a time: VERSION negotiation (minors 0,
 * 1, 2; twin socket; REGION_WRITE_MULTI), the PCI config space, region
 * and IRQ information, region accesses, the DMA map table, interrupts by
 * eventfd, device reset, disconnect and re-accept, SIGTERM.
 *
 * Every function returns 0 (or what it documents) or a negative errno.
 *
 * Life cycle:
 *   vus_dev_create()                          name, PCI IDs, callbacks
 *   vus_dev_setup_bar() / _bar_fd() / _bar_mmap() / _bar_ioeventfd()
 *   vus_dev_setup_rom(), vus_dev_setup_intx() / _msi() / _msix()
 *   vus_dev_add_pm() / _add_pcie() / _add_vendor_cap()   (in list order)
 *   vus_dev_realize()                         checks, lays out config space
 *   vus_run() or vus_serve()                  until SIGTERM / vus_dev_stop()
 *   vus_dev_destroy()
 *
 * Threads. The declaration calls (create, setup, add, realize) are made
 * by one thread before serving starts. Serving runs in the thread that
 * calls vus_serve()/vus_run() plus one dispatch thread per connection
 * that the framework owns. Device callbacks (BAR access, reset, attach,
 * config) are called one at a time, in the order the client sent its
 * commands, never concurrently with each other: from the dispatch thread,
 * or, once the client has a twin socket (its DMA replies then come there),
 * from the serving thread itself, which saves a thread hand-over per
 * command. Detach is called from the serving thread after the dispatch
 * thread has stopped. A device may run threads of its
 * own (e.g. waiting on a doorbell eventfd); from any thread it may call
 * the THREAD-SAFE functions: vus_dma_*(), vus_irq_*(), vus_config_read(),
 * vus_log(), vus_dev_stop(), vus_dev_connected(), vus_dev_opaque().
 *
 * Clients. One client is served at a time; a second one waits in the
 * listen backlog. When a client goes away the device keeps its state
 * (registers, BAR memory, config space) but everything the client gave
 * is dropped: DMA maps (after in-flight users are done), IRQ eventfds,
 * the twin socket (spec: "Client Disconnection").
 *
 * What a malformed message gets: every command is checked by
 * vu_validate_command() and then by its handler (region index, bounds,
 * IRQ index and vectors, DMA ranges) before anything is done; the client
 * gets an error reply with the errno (one log line names the command,
 * field and value) and the session goes on. When the framing itself is
 * broken (short header, size beyond the limit, more fds than
 * max_msg_fds, a message not complete 5 s after its first bytes) the
 * framework answers if it can and closes the connection; it then waits
 * for the next client.
 *
 * What a hostile client gets: nothing it does can block the server for
 * good or kill it. A message of ours it leaves unread for 10 s (its
 * socket full) closes the connection, and vus_dev_stop() (SIGTERM)
 * interrupts that wait at once; commands it sends faster than they are
 * answered stop being read once they hold 16 MiB; an IRQ eventfd it let
 * fill is skipped (vus_irq_trigger(); a client that fills a blocking one
 * in the instant between our check and our write can still hold that
 * write: the fd's flags are the client's to set); client memory
 * that it could shrink is never mapped (DMA maps, vus_dma_get()), and BAR
 * files are sealed before it gets them (vus_dev_bar_fd()).
 */

struct vus_dev;

/* --- Logging --- */

enum vus_log_level {
	VUS_LOG_ERR,
	VUS_LOG_WARN,
	VUS_LOG_INFO,
	VUS_LOG_DEBUG,
};

/* Receives one formatted line (no newline). Called from any thread. */
typedef void vus_log_fn(void *opaque, enum vus_log_level level,
			const char *line);

/*
 * vus_dev_set_log - send log lines of @level and more important to @fn
 * (NULL: the default, "NAME: line" on stderr). The default level is
 * VUS_LOG_INFO. Call before serving.
 */
void vus_dev_set_log(struct vus_dev *dev, vus_log_fn *fn, void *opaque,
		     enum vus_log_level level);

/* Log one line through the device's hook. Thread-safe. */
__attribute__((format(printf, 3, 4)))
void vus_log(struct vus_dev *dev, enum vus_log_level level,
	     const char *fmt, ...);

/* --- Declaring a device --- */

struct vus_pci_id {
	uint16_t vendor;
	uint16_t device;
	uint16_t subsys_vendor;
	uint16_t subsys;
	uint32_t class_code;	/* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
};

struct vus_dev_ops {
	/*
	 * DEVICE_RESET: put the device's registers back to their power-on
	 * values. Returns 0 or a negative errno (the error reply). The
	 * framework itself drops the INTx level; IRQ eventfds, DMA maps
	 * and the emulated config space are kept, as a VFIO device reset
	 * keeps them for its user. NULL: reset succeeds doing nothing.
	 */
	int (*reset)(struct vus_dev *dev, void *opaque);
	/* A client has completed VERSION. */
	void (*attach)(struct vus_dev *dev, void *opaque);
	/*
	 * The client has gone. Called before its DMA maps are dropped: stop
	 * starting new DMA (calls in flight fail with -ENOTCONN) and release
	 * every vus_dma_get() reference soon, as dropping the maps waits
	 * for them.
	 */
	void (*detach)(struct vus_dev *dev, void *opaque);
	/* The client wrote @len bytes of config space at @offset (after
	 * the framework applied them). */
	void (*config_written)(struct vus_dev *dev, void *opaque,
			       uint32_t offset, uint32_t len);
};

struct vus_dev_config {
	const char *name;	/* in log lines; copied */
	struct vus_pci_id id;
	const struct vus_dev_ops *ops;	/* may be NULL; copied */
	void *opaque;		/* passed to every callback */
	/* Our max_dma_maps offer in VERSION; 0 means 65535. */
	uint32_t max_dma_maps;
	/*
	 * Ignore the fds that come with DMA_MAP (close them, never mmap
	 * client memory): every map is then reached by DMA_READ/DMA_WRITE
	 * messages, vus_dma_get() gives -EOPNOTSUPP and vus_dma_read() /
	 * vus_dma_write() always send messages. For devices that emulate
	 * a server which cannot map, to test a client's message path.
	 */
	bool dma_by_messages;
};

/*
 * vus_dev_create - a new device of @cfg (copied). Returns 0 with *@out,
 * -EINVAL (no name), -ENOMEM, or -errno of eventfd().
 */
int vus_dev_create(const struct vus_dev_config *cfg, struct vus_dev **out);

/*
 * vus_dev_destroy - free @dev: close the fds the framework holds
 * (its dups of BAR fds, ioeventfds). Serving must have returned and
 * device threads must have stopped. NULL is allowed.
 */
void vus_dev_destroy(struct vus_dev *dev);

/* The opaque pointer of the config. Thread-safe. */
void *vus_dev_opaque(struct vus_dev *dev);

/* The name of the config. */
const char *vus_dev_name(const struct vus_dev *dev);

/*
 * BAR access callback: @len bytes at @offset of the BAR (the framework
 * checked @offset + @len <= size). On a read fill @data; on a write use
 * it. Any length the client sends may come (1, 2, 4, 8 for a guest's
 * loads and stores, more from tools). Returns 0 or a negative errno,
 * which becomes the error reply.
 */
typedef int vus_access_fn(struct vus_dev *dev, void *opaque, uint64_t offset,
			  void *data, uint32_t len, bool write);

/* BAR flags. A memory BAR is 32-bit unless VUS_BAR_MEM64. */
#define VUS_BAR_IO		(1u << 0)
#define VUS_BAR_MEM64		(1u << 1)	/* takes BAR n and n + 1 */
#define VUS_BAR_PREFETCH	(1u << 2)

#define VUS_BAR_MAX_AREAS	8
#define VUS_BAR_MAX_IOEVENTFDS	8

/*
 * vus_dev_setup_bar - declare BAR @bar (0-5) of @size bytes (a power of
 * two, at least 16 for memory and 4 for I/O; I/O at most 256) with
 * @flags. A 64-bit BAR occupies @bar and @bar + 1 (@bar <= 4).
 *
 * Trapped accesses (those the client does not reach through an mmap)
 * go to @access with @opaque. When @access is NULL, the framework serves
 * them from memory: the BAR's fd mapping when vus_dev_bar_fd() was
 * called, else zeroed anonymous memory (e.g. the MSI-X table BAR, which
 * the client emulates).
 *
 * Returns 0 or -EINVAL (bad index, size, flags, already declared or
 * taken by a 64-bit BAR).
 */
int vus_dev_setup_bar(struct vus_dev *dev, unsigned int bar, uint64_t size,
		      unsigned int flags, vus_access_fn *access, void *opaque);

/*
 * vus_dev_bar_fd - back BAR @bar (memory) with @fd (dup'ed: the caller
 * keeps its own): BAR offset 0 is @fd_offset in the file, which must
 * hold the whole BAR. Needed for mmappable areas. The file is sealed
 * against shrinking (F_SEAL_SHRINK; it may still grow), since the client
 * gets it: pass a writable memfd made with memfd_create(MFD_ALLOW_SEALING)
 * (or vu_memfd_create_sealed()). Returns 0, -EINVAL (no such memory BAR,
 * fd already set, @fd_offset not page aligned, a file that is not a
 * memfd), -EPERM (a memfd sealed against new seals, as one made without
 * MFD_ALLOW_SEALING is, or an fd not open for writing) or -errno of
 * dup().
 */
int vus_dev_bar_fd(struct vus_dev *dev, unsigned int bar, int fd,
		   uint64_t fd_offset);

/*
 * vus_dev_bar_mmap - let the client mmap [@offset, @offset + @size) of
 * BAR @bar (page aligned, inside the BAR, not overlapping another area
 * or the MSI-X table and PBA): region info then has FLAG_MMAP and a
 * sparse mmap capability listing the areas, and the reply carries the
 * BAR's fd. Bytes outside every area stay trapped. Returns 0 or -EINVAL
 * (no fd, misaligned, outside, overlapping, more than
 * VUS_BAR_MAX_AREAS).
 */
int vus_dev_bar_mmap(struct vus_dev *dev, unsigned int bar, uint64_t offset,
		     uint64_t size);

/* Datamatch flag for vus_dev_bar_ioeventfd(). */
#define VUS_IOEVENTFD_DATAMATCH	(1u << 0)

/*
 * vus_dev_bar_ioeventfd - a doorbell: writes of @size bytes (1, 2, 4 or
 * 8; 0 for any) at @offset of BAR @bar (with VUS_IOEVENTFD_DATAMATCH:
 * only those writing @datamatch) signal an eventfd that the device
 * reads (e.g. from its own thread, with read(2) of 8 bytes: the number
 * of kicks). The eventfd is offered to the client through
 * DEVICE_GET_REGION_IO_FDS (spec), so that KVM signals it without a
 * round trip; when the client does not use it, a trapped write that
 * matches signals the same eventfd and is not passed to the access
 * callback. *@efd is the eventfd, owned by the framework (non-blocking,
 * closed by vus_dev_destroy()).
 *
 * Returns 0, -EINVAL (no such BAR, outside it, too many) or -errno of
 * eventfd().
 */
int vus_dev_bar_ioeventfd(struct vus_dev *dev, unsigned int bar,
			  uint64_t offset, uint32_t size, unsigned int flags,
			  uint64_t datamatch, int *efd);

/*
 * vus_dev_setup_rom - an expansion ROM (region 6, the ROM BAR at 0x30)
 * holding @len bytes of @data (copied), padded with zeroes to @size (a
 * power of two, at least 2 KiB). Read-only. Returns 0 or -EINVAL/-ENOMEM.
 */
int vus_dev_setup_rom(struct vus_dev *dev, const void *data, size_t len,
		      uint64_t size);

/* --- Interrupts --- */

/*
 * vus_dev_setup_intx - INTx on pin A (config 0x3d = 1). Level-triggered
 * with VFIO's automasking, see vus_irq_intx_set(). Returns 0.
 */
int vus_dev_setup_intx(struct vus_dev *dev);

/*
 * vus_dev_setup_msi - an MSI capability (64-bit addresses, no per-vector
 * masking) with @nvec vectors (1, 2, 4, 8, 16 or 32). Returns 0 or
 * -EINVAL (bad count, no room, already set up).
 */
int vus_dev_setup_msi(struct vus_dev *dev, unsigned int nvec);

/*
 * vus_dev_setup_msix - an MSI-X capability with @nvec vectors (1-2048),
 * its table at @table_offset of BAR @table_bar and its PBA at
 * @pba_offset of BAR @pba_bar (offsets 8-byte aligned). The client
 * emulates table and PBA; the BARs must be declared (checked by
 * vus_dev_realize(): table and PBA inside them, not overlapping each
 * other or an mmappable area). Returns 0 or -EINVAL.
 */
int vus_dev_setup_msix(struct vus_dev *dev, unsigned int nvec,
		       unsigned int table_bar, uint32_t table_offset,
		       unsigned int pba_bar, uint32_t pba_offset);

/* --- Capabilities (laid out from 0x40 in the order they are added) --- */

/* Power management (PCI PM 1.2: D0/D3hot, NoSoftReset). */
int vus_dev_add_pm(struct vus_dev *dev);

/*
 * PCI Express endpoint (capability version 2, x1 at 2.5 GT/s). Makes
 * config space 4 KiB (the extended space holds no capability).
 */
int vus_dev_add_pcie(struct vus_dev *dev);

/*
 * Config access callback of a vendor capability: @len bytes at @offset
 * from the start of the capability (always >= 3: the id, next and length
 * bytes are the framework's). Returns 0 or a negative errno.
 */
typedef int vus_cfg_access_fn(void *opaque, uint32_t offset, void *data,
			      uint32_t len, bool write);

/*
 * vus_dev_add_vendor_cap - a vendor-specific capability (id 0x09) of
 * @len bytes (3 to 252) whose bytes 3.. are @body[3..] (@body is the
 * whole capability, as struct virtio_pci_cap lays it out; its first
 * three bytes are replaced by id, next and @len). Without @access it is
 * read-only; with @access, accesses to its bytes 3.. go to @access.
 * *@pos (if not NULL) receives its config offset. Returns 0 or -EINVAL
 * (bad length, no room below 0x100, too many callbacks).
 */
int vus_dev_add_vendor_cap(struct vus_dev *dev, const void *body, uint8_t len,
			   vus_cfg_access_fn *access, void *opaque,
			   uint8_t *pos);

/*
 * vus_dev_realize - check the declarations together (MSI-X table and PBA
 * inside their BARs, not in mmappable areas; BAR fds large enough) and
 * build config space and BAR backing. Returns 0 or -EINVAL / -ENOMEM
 * with a log line naming what is wrong. vus_serve() calls it if needed.
 */
int vus_dev_realize(struct vus_dev *dev);

/*
 * vus_config_read - read @len bytes of the emulated config space at
 * @offset (e.g. to see the command register). Thread-safe. Returns 0 or
 * -EINVAL (outside config space).
 */
int vus_config_read(struct vus_dev *dev, uint32_t offset, void *buf,
		    uint32_t len);

/* --- DMA (client memory) --- */

/* Direction of an access, as the DMA map flags name it. */
#define VUS_DMA_READ	(1u << 0)	/* the device reads client memory */
#define VUS_DMA_WRITE	(1u << 1)	/* the device writes client memory */

/* A reference that keeps one DMA map mapped; see vus_dma_get(). */
struct vus_dma_ref {
	void *map;
};

/*
 * vus_dma_get - a pointer to [@iova, @iova + @len) of client memory for
 * accesses in @dir (VUS_DMA_READ and/or VUS_DMA_WRITE). The range must
 * lie in one DMA map (never across its end) that came with an fd the
 * framework mapped: one sealed against shrinking (F_SEAL_SHRINK; a
 * client's memfd usually is, a plain file such as a hugetlbfs or /dev/shm
 * backing is not, and is reached by messages, with a warning). The
 * memory stays mapped until vus_dma_put(@ref): a DMA_UNMAP of it (or a
 * disconnect) waits for that, so hold it for the length of one
 * transfer, not across calls that wait for the client. Thread-safe.
 *
 * Returns 0 with *@ptr, or: -EINVAL (@len 0, bad @dir); -EFAULT (not
 * wholly inside one map, or @iova + @len wraps); -EACCES (the map does
 * not allow @dir); -EOPNOTSUPP (the map has no fd, or one that could
 * shrink: use vus_dma_read() and vus_dma_write(), which fall back to
 * messages).
 */
int vus_dma_get(struct vus_dev *dev, uint64_t iova, uint64_t len,
		unsigned int dir, void **ptr, struct vus_dma_ref *ref);

/* Drop a reference of vus_dma_get(). Thread-safe. */
void vus_dma_put(struct vus_dev *dev, struct vus_dma_ref *ref);

/*
 * vus_dma_read / vus_dma_write - copy @len bytes between client memory
 * at @iova and @buf. The range may span adjacent maps; each piece is
 * copied by pointer when its map has an fd, else by DMA_READ/DMA_WRITE
 * messages to the client (split by the client's max_data_xfer_size; on
 * the twin socket when negotiated, else on the main socket, whose
 * replies the framework's reader hands back). Thread-safe; may be called
 * from callbacks too. Blocks until done (at most 10 s per message).
 *
 * Returns 0, or: -EINVAL (@len 0); -EFAULT (part of the range is not
 * mapped: pieces before it may have been copied); -EACCES (a map lacks
 * the permission); -ENOTCONN (no client, or it went away); -ETIMEDOUT
 * or -EPROTO (the client did not answer properly: the connection is
 * closed); the errno of the client's error reply.
 */
int vus_dma_read(struct vus_dev *dev, uint64_t iova, void *buf, uint64_t len);
int vus_dma_write(struct vus_dev *dev, uint64_t iova, const void *buf,
		  uint64_t len);

/*
 * vus_dma_check - whether every byte of [@iova, @iova + @len) lies in DMA
 * maps (one or several adjacent ones, with or without fd) that allow
 * @dir (VUS_DMA_READ and/or VUS_DMA_WRITE), without copying anything:
 * for a device that validates what a guest hands it (e.g. virtqueue
 * descriptors) before acting on it. The answer holds at the moment of
 * the call; a later DMA_UNMAP makes later accesses fail. Thread-safe.
 *
 * Returns 0, or: -EINVAL (@len 0, bad @dir); -EFAULT (a byte is not
 * mapped, or @iova + @len wraps); -EACCES (a map lacks the permission).
 */
int vus_dma_check(struct vus_dev *dev, uint64_t iova, uint64_t len,
		  unsigned int dir);

/* --- Interrupts at run time --- */

/* Which interrupt the client has configured, in the order a PCI device
 * prefers them: MSI-X if it gave MSI-X eventfds, else MSI, else INTx. */
enum vus_irq_mode {
	VUS_IRQ_NONE,
	VUS_IRQ_INTX,
	VUS_IRQ_MSI,
	VUS_IRQ_MSIX,
};

/* The mode as above. Thread-safe. */
enum vus_irq_mode vus_irq_mode(struct vus_dev *dev);

/*
 * vus_irq_trigger - signal vector @vector of IRQ index @index
 * (VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX; for
 * VFIO_PCI_INTX_IRQ_INDEX a pulse: signalled unless masked, then
 * automasked) by writing its eventfd. Thread-safe.
 *
 * Returns 0, -EINVAL (no such index or vector), -ENOENT (the client gave
 * no eventfd for it), -EAGAIN (INTx masked or disabled: not signalled),
 * -EOVERFLOW (the eventfd's counter is at its maximum: the client does
 * not read it; the signal is dropped, never waited for), or -errno of
 * write(2).
 */
int vus_irq_trigger(struct vus_dev *dev, unsigned int index,
		    unsigned int vector);

/*
 * vus_irq_intx_set - the level of the device's INTx line. INTx follows
 * VFIO's model: when the line is asserted and INTx is not masked (and
 * the command register's Interrupt Disable bit is clear), the framework
 * signals the trigger eventfd once and masks INTx ("automasked"). The
 * client unmasks it -- through the unmask eventfd it gave with SET_IRQS
 * ACTION_UNMASK|DATA_EVENTFD (KVM's resample fd, signalled when the
 * guest ends the interrupt), or with SET_IRQS ACTION_UNMASK|DATA_NONE --
 * and if the line is still asserted then, it is signalled again. The
 * status register's Interrupt Status bit follows the line. Deasserting
 * only records the level. Thread-safe.
 */
void vus_irq_intx_set(struct vus_dev *dev, bool asserted);

/* --- Serving --- */

/*
 * vus_serve - create the listening socket at @path (mode 0600; a stale
 * socket file left by an earlier run is replaced; a path that exists and
 * is not a socket, or a socket some server still listens on, is an error
 * naming it), serve clients one at a time until vus_dev_stop(), then
 * unlink @path. Returns 0 when stopped, or a negative errno (log line
 * says why).
 */
int vus_serve(struct vus_dev *dev, const char *path);

/*
 * vus_serve_fd - serve on @fd (the spec's --fd=FDNUM): a listening
 * socket (clients one at a time until vus_dev_stop()) or a connected one
 * (that one client, then return). @fd stays the caller's. Returns 0 or a
 * negative errno.
 */
int vus_serve_fd(struct vus_dev *dev, int fd);

/*
 * vus_dev_stop - make vus_serve() return: the current client is
 * disconnected (as if it had gone) and the listener closed. Thread-safe
 * and async-signal-safe.
 */
void vus_dev_stop(struct vus_dev *dev);

/* Whether a client is connected and has completed VERSION. Thread-safe. */
bool vus_dev_connected(struct vus_dev *dev);

/* --- main() helper for device programs --- */

/* An option of a device program beyond the common ones. */
struct vus_option {
	const char *name;	/* "no-mmap": --no-mmap */
	bool *flag;		/* set true when given (flag options) */
	const char **value;	/* or: --name=VALUE / --name VALUE */
	const char *help;	/* one line for --help */
};

struct vus_program {
	const char *name;	/* "vfio-user-testdev" */
	const char *summary;	/* one line for --help */
	const struct vus_option *options;	/* ends with name NULL; may be NULL */
};

/* What the common options said. */
struct vus_args {
	const char *socket_path;	/* --socket-path=PATH, or NULL */
	int fd;				/* --fd=FDNUM, or -1 */
	bool verbose;			/* --verbose: debug log lines */
};

/*
 * vus_args_parse - parse @argv: --socket-path=PATH (or --socket-path
 * PATH), --fd=FDNUM (exclusive with it; one of them is required),
 * --verbose, --help, and @prog's options.
 *
 * Returns 0 to go on; 1 when --help printed the usage on stdout (exit
 * 0); -EINVAL when the command line is wrong (the reason and the usage
 * went to stderr: exit 2).
 */
int vus_args_parse(const struct vus_program *prog, int argc, char **argv,
		   struct vus_args *args);

/*
 * vus_run - serve @dev as @args say until SIGTERM or SIGINT (handlers
 * installed here call vus_dev_stop(); SIGPIPE is ignored). The process
 * does not daemonize (spec: "Backend Program Conventions"). Returns the
 * exit status for main(): 0 when stopped by a signal (or when the client
 * of --fd left), 1 on an error (logged).
 */
int vus_run(struct vus_dev *dev, const struct vus_args *args);

#endif
