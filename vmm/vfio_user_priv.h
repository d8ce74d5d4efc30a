/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VFIO_USER_PRIV_H
#define MINIVMM_VFIO_USER_PRIV_H

/*
 * Inside the vfio-user PCI device (vfio_user_dev.h): the state shared by
 * vfio_user_dev.c (life cycle, DMA, death), vfio_user_config.c (config
 * space), vfio_user_bar.c (BAR mappings) and vfio_user_irq.c (MSI-X,
 * MSI, INTx). Not for other modules.
 */

#include <linux/vfio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto/client/vu_client.h"
#include "vmm/event_loop.h"
#include "vmm/kvm_ioeventfd.h"
#include "vmm/msi.h"
#include "vmm/msix.h"
#include "vmm/pci.h"
#include "vmm/pci_bar.h"

struct vm;

#define VUD_MAX_PIECES	8	/* KVM slots of one BAR (areas split by MSI-X) */
#define VUD_MAX_IOEVENTFDS 32	/* ioeventfds of one BAR (a bit each) */

/* An mmappable area of a BAR, mapped into minivmm once at attach. */
struct vud_piece {
	uint64_t offset;	/* in the BAR, page aligned */
	uint64_t size;		/* page multiple */
	void *hva;
	unsigned int slot;	/* KVM slot while mapped */
	bool mapped;
};

/* An mmap of one area of a region, for munmap(). */
struct vud_mmap {
	void *base;
	uint64_t size;
};

struct vud_bar {
	struct vfio_user_dev *dev;
	unsigned int slot;		/* 0-5, or PCI_BAR_ROM */
	struct vu_client_region region;	/* the server's region info */
	struct vud_piece pieces[VUD_MAX_PIECES];
	unsigned int nr_pieces;
	struct vud_mmap mmaps[VUD_MAX_PIECES];
	unsigned int nr_mmaps;
	struct vu_client_io_fds io;	/* ioeventfds offered, if any */
	struct kvm_ioeventfd_desc ioeventfds[VUD_MAX_IOEVENTFDS];
	unsigned int nr_ioeventfds;	/* valid entries of ioeventfds */
	uint32_t ioeventfds_on;		/* bit i: entry i is assigned in KVM */
	uint32_t ioeventfds_warned;	/* bit i: its failure was said */
	int space_handle;		/* pci_space range, -1 when unmapped */
	struct pci_bar_map map;		/* where it is decoded now */
};

/* One interrupt vector of MSI-X or MSI. */
struct vud_vector {
	struct vfio_user_dev *dev;
	unsigned int index;		/* VFIO_PCI_MSIX_IRQ_INDEX or MSI */
	unsigned int nr;
	int fd;				/* eventfd given to the device */
	int gsi;			/* KVM MSI route, -1 if none */
	bool irqfd;			/* fd assigned to gsi */
	bool watched;			/* fd in the event loop */
	struct event_source src;	/* the event loop's handle on fd */
};

struct vfio_user_dev {
	struct pci_device pci;
	struct vm *vm;
	const char *path;
	char name[96];			/* "00:03.0 (path)" for messages */
	struct vu_client *client;
	atomic_bool dead;

	/* Configuration state: taken by config cycles and BAR moves. */
	pthread_mutex_t lock;
	struct vfio_user_device_info info;
	struct pci_bars bars;
	struct vud_bar bar[PCI_BAR_SLOTS];
	uint64_t config_size;
	uint16_t command;
	uint8_t intx_line;
	uint8_t intx_pin;		/* 1-4, 0 if none */
	bool dma_mapped[2];		/* per guest RAM region */

	/* MSI-X: capability in config space, table and PBA in BARs. */
	unsigned int msix_cap;		/* offset, 0 when none */
	unsigned int msix_table_bar, msix_pba_bar;
	uint64_t msix_table_off, msix_pba_off;
	struct msix msix;
	bool msix_ready;		/* msix initialised */
	bool msix_irqs_set;		/* SET_IRQS sent with the eventfds */
	struct vud_vector *msix_vec;
	unsigned int nr_msix;

	/* MSI */
	unsigned int msi_cap;
	struct msi msi;
	bool msi_ready;
	bool msi_irqs_set;
	struct vud_vector msi_vec[MSI_MAX_VECTORS];
	unsigned int nr_msi;

	/* INTx: an irqfd on an IOAPIC pin, with resampling. */
	int intx_fd, intx_resample_fd;
	unsigned int intx_gsi;
	bool intx_irqfd;

	/* PCI Express capability (for function-level reset). */
	unsigned int pcie_cap;
};

/* vfio_user_config.c */
extern const struct pci_device_ops vud_config_ops;
int vud_config_read_dev(struct vfio_user_dev *dev, unsigned int offset,
			void *buf, unsigned int size);
int vud_config_probe(struct vfio_user_dev *dev);

/* vfio_user_bar.c */
int vud_bars_init(struct vfio_user_dev *dev);
void vud_bars_apply(struct vfio_user_dev *dev,
		    const struct pci_bar_changes *changes);
void vud_bars_release(struct vfio_user_dev *dev);

/* vfio_user_irq.c */
int vud_irqs_init(struct vfio_user_dev *dev);
int vud_msix_cap_read(struct vfio_user_dev *dev, unsigned int off,
		      uint8_t *data, unsigned int size);
void vud_msix_cap_write(struct vfio_user_dev *dev, unsigned int off,
			const uint8_t *data, unsigned int size);
int vud_msi_cap_read(struct vfio_user_dev *dev, unsigned int off,
		     uint8_t *data, unsigned int size);
void vud_msi_cap_write(struct vfio_user_dev *dev, unsigned int off,
		       const uint8_t *data, unsigned int size);
void vud_irqs_reset(struct vfio_user_dev *dev);
void vud_irqs_release(struct vfio_user_dev *dev);

/* vfio_user_dev.c: log one line about @dev to stderr. */
void vud_log(struct vfio_user_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
