/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_TESTDEV_TESTDEV_REGS_H
#define MINIVMM_DEVICES_TESTDEV_TESTDEV_REGS_H

/*
 * vfio-user-testdev, the device every path of a vfio-user client can be
 * driven through -- from a host test speaking the protocol, or from a
 * Linux guest with devmem/uio (no Linux driver binds its IDs).
 *
 * PCI: vendor 0x1234, device 0x7e57, subsystem 0x1234:0x0001, class
 * 0xff0000 (unassigned), revision 1. Capabilities in this order: PM,
 * MSI (1 vector), MSI-X (4 vectors), PCI Express endpoint (so config
 * space is 4 KiB). INTx on pin A.
 *
 * BAR0  4 KiB, 32-bit memory, trapped: the registers below.
 * BAR2  64 KiB, 64-bit prefetchable memory, backed by a memfd the device
 *       maps too. Pages 0-14 are mmappable (sparse mmap capability);
 *       page 15 (0xf000-0xffff) stays trapped and every trapped access to
 *       BAR2 is counted in BAR2_TRAPS. At start the device writes
 *       TESTDEV_BAR2_SIGNATURE at offset 0. BAR2_PEEK shows the word at
 *       BAR2_PEEK_OFF as the device reads it from its own mapping of the
 *       memfd (not a trapped access): so a driver proves that what it
 *       wrote through the mmapped BAR reached the device.
 * BAR4  4 KiB, 32-bit memory: MSI-X table at 0, PBA at 0x800.
 * ROM   2 KiB starting with TESTDEV_ROM_SIGNATURE.
 *
 * Registers are 32-bit little-endian; reads of any size and alignment
 * work (no register has read side effects); writes must be 4 bytes at a
 * 4-byte aligned offset (or 8 at an 8-byte aligned one, as two 4-byte
 * writes, low first), other writes are refused (-EINVAL). Offsets past
 * the last register read 0 and ignore writes.
 *
 * Interrupts: the device raises "the interrupt" as the client configured
 * it with SET_IRQS (MSI-X if it gave MSI-X eventfds, else MSI, else
 * INTx), as a VFIO device does. With INTx the line is asserted while
 * IRQ_STATUS is non-zero; the driver clears it by writing the bits back
 * (RW1C). INTx follows PCI 2.3, as Linux's uio_pci_generic needs it: the
 * config Status register's Interrupt Status bit (bit 3) shows the line;
 * while the command register's Interrupt Disable bit (bit 10) is set the
 * device does not signal INTx, and when it is cleared with the line still
 * asserted it signals again. The signal is the SET_IRQS INTx trigger
 * eventfd, once per assertion; after the client's unmask eventfd (KVM's
 * resample fd: the guest's EOI) it signals again if the line is still
 * asserted and not disabled. The level is re-evaluated on every config
 * write (e.g. MSI-X enabled or disabled).
 *
 * Options (emulating simpler servers, which a client must cope with):
 * --no-mmap (BAR2 wholly trapped), --no-ioeventfd (the doorbell is a
 * trapped register), --intx-only (no MSI, MSI-X, BAR4), --no-rom,
 * --dma-messages (the fds of DMA maps are ignored, never mmapped: every
 * DMA goes through DMA_READ/DMA_WRITE messages, DMA_STATUS says
 * TESTDEV_DMA_ST_MSG).
 */

#define TESTDEV_VENDOR		0x1234
#define TESTDEV_DEVICE		0x7e57
#define TESTDEV_SUBSYS_VENDOR	0x1234
#define TESTDEV_SUBSYS		0x0001
#define TESTDEV_CLASS		0xff0000u
#define TESTDEV_REVISION	1

#define TESTDEV_REGS_BAR	0
#define TESTDEV_REGS_SIZE	0x1000
#define TESTDEV_MEM_BAR		2
#define TESTDEV_MEM_SIZE	0x10000
#define TESTDEV_MEM_TRAP_PAGE	0xf000	/* the last page stays trapped */
#define TESTDEV_MSIX_BAR	4
#define TESTDEV_MSIX_SIZE	0x1000
#define TESTDEV_MSIX_TABLE	0x0
#define TESTDEV_MSIX_PBA	0x800
#define TESTDEV_MSIX_VECTORS	4
#define TESTDEV_MSI_VECTORS	1
#define TESTDEV_ROM_SIZE	0x800

#define TESTDEV_BAR2_SIGNATURE	"vfio-user testdev BAR2"
#define TESTDEV_ROM_SIGNATURE	"vfio-user testdev ROM"

/* BAR0 registers. */
#define TESTDEV_ID		0x000	/* RO: TESTDEV_MAGIC */
#define TESTDEV_VERSION		0x004	/* RO: 1 */
#define TESTDEV_SCRATCH		0x008	/* RW: kept across clients, 0 on reset */
#define TESTDEV_FEATURES	0x00c	/* RO: TESTDEV_F_* */
#define TESTDEV_DOORBELL	0x010	/* WO: each write is a kick */
#define TESTDEV_DOORBELL_COUNT	0x014	/* RO: kicks the device counted */
#define TESTDEV_BAR2_TRAPS	0x018	/* RO: trapped accesses to BAR2 */
#define TESTDEV_IRQ_STATUS	0x01c	/* RW1C: TESTDEV_IRQ_* */
#define TESTDEV_IRQ_RAISE	0x020	/* WO: vector: set IRQ_STATUS bit 1, raise it */
#define TESTDEV_IRQ_COUNT	0x024	/* RO: interrupts signalled */
#define TESTDEV_IRQ_MODE	0x028	/* RO: TESTDEV_MODE_* */
#define TESTDEV_RESET_COUNT	0x02c	/* RO: device resets (survives them) */
#define TESTDEV_DMA_SRC_LO	0x030	/* RW: source DMA address */
#define TESTDEV_DMA_SRC_HI	0x034
#define TESTDEV_DMA_DST_LO	0x038	/* RW: destination DMA address */
#define TESTDEV_DMA_DST_HI	0x03c
#define TESTDEV_DMA_LEN		0x040	/* RW: bytes, 1..TESTDEV_DMA_MAX */
#define TESTDEV_DMA_CMD		0x044	/* WO: TESTDEV_DMA_CMD_*: starts it */
#define TESTDEV_DMA_STATUS	0x048	/* RO: TESTDEV_DMA_ST_* */
#define TESTDEV_DMA_ERROR	0x04c	/* RO: errno of the last failure */
#define TESTDEV_DMA_PATTERN	0x050	/* RW: 32-bit pattern for FILL */
#define TESTDEV_DMA_VECTOR	0x054	/* RW: vector raised on completion */
#define TESTDEV_DMA_COUNT	0x058	/* RO: transfers finished */
#define TESTDEV_CONNECTS	0x05c	/* RO: clients attached since start */
#define TESTDEV_BAR2_PEEK_OFF	0x060	/* RW: BAR2 offset (& 0xfffc), 0 on reset */
#define TESTDEV_BAR2_PEEK	0x064	/* RO: the BAR2 word at BAR2_PEEK_OFF */
#define TESTDEV_REG_END		0x068

#define TESTDEV_MAGIC		0x54534554	/* "TEST" */

#define TESTDEV_F_MMAP		(1u << 0)	/* BAR2 pages 0-14 mmappable */
#define TESTDEV_F_IOEVENTFD	(1u << 1)	/* DOORBELL offered as ioeventfd */
#define TESTDEV_F_MSIX		(1u << 2)
#define TESTDEV_F_MSI		(1u << 3)
#define TESTDEV_F_INTX		(1u << 4)
#define TESTDEV_F_ROM		(1u << 5)
#define TESTDEV_F_DMA_MESSAGES	(1u << 6)	/* --dma-messages */

#define TESTDEV_IRQ_DMA		(1u << 0)	/* a transfer finished */
#define TESTDEV_IRQ_RAISED	(1u << 1)	/* IRQ_RAISE was written */

#define TESTDEV_MODE_NONE	0
#define TESTDEV_MODE_INTX	1
#define TESTDEV_MODE_MSI	2
#define TESTDEV_MODE_MSIX	3

#define TESTDEV_DMA_CMD_COPY	1	/* LEN bytes from SRC to DST */
#define TESTDEV_DMA_CMD_FILL	2	/* DST filled with PATTERN (LE words) */

#define TESTDEV_DMA_ST_BUSY	(1u << 0)
#define TESTDEV_DMA_ST_DONE	(1u << 1)
#define TESTDEV_DMA_ST_ERROR	(1u << 2)	/* DMA_ERROR says why */
#define TESTDEV_DMA_ST_PTR	(1u << 8)	/* done by pointer (mmapped maps) */
#define TESTDEV_DMA_ST_MSG	(1u << 9)	/* done by vus_dma_read/write */

#define TESTDEV_DMA_MAX		(1u << 20)

#endif
