/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VMM_TESTS_GUEST64_H
#define MINIVMM_VMM_TESTS_GUEST64_H

/*
 * A tiny 64-bit guest for KVM tests, driven by the host one command at a
 * time, so that every claim of a test is seen from a vCPU.
 *
 * The VM comes from kvm_vm_create() (in-kernel PIC, IOAPIC, LAPIC, PIT),
 * with GUEST64_RAM_SIZE of RAM at GPA 0 added by kvm_vm_add_memory(). One
 * vCPU (APIC id 0) starts in long mode (flat GDT, identity paging of the
 * low 4 GiB with 2 MiB pages, IF=0) with its LAPIC software-enabled and
 * LINT0/LINT1 masked, so only IOAPIC and MSI interrupts reach it.
 *
 * The guest loops: it reads a command from port GUEST64_PORT_CMD (an IN
 * exit the host answers), its arguments from GUEST64_PORT_ARG, does it,
 * and reads the next command. Interrupt handlers for GUEST64_VECTORS
 * write their vector to GUEST64_PORT_REPORT, EOI the LAPIC and return;
 * an exception writes 0xdead0000 + vector there and halts for good.
 *
 * Every helper fails the running Check test with a message naming the
 * exit it got when the guest does anything else than expected.
 */

#include <check.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/kvm_vm.h"

#define GUEST64_RAM_SIZE	(2u << 20)

#define GUEST64_PORT_CMD	0x10	/* in, 4 bytes: next command */
#define GUEST64_PORT_ARG	0x14	/* in, 4 bytes: its arguments */
#define GUEST64_PORT_REPORT	0x18	/* out, 4 bytes: vector or value */

#define GUEST64_EXCEPTION	0xdead0000

/* Vectors with a handler; any other vector is a test bug. */
#define GUEST64_VECTORS		0x40, 0x41, 0x50, 0x60, 0x61, 0x70, 0x80

enum guest64_cmd {
	GUEST64_CMD_WAIT_IRQ = 1,	/* sti; hlt; cli */
	GUEST64_CMD_OUT8,		/* port, value */
	GUEST64_CMD_OUT16,
	GUEST64_CMD_OUT32,
	GUEST64_CMD_WRITE8,		/* addr lo, hi, value lo, hi */
	GUEST64_CMD_WRITE16,
	GUEST64_CMD_WRITE32,
	GUEST64_CMD_WRITE64,
	GUEST64_CMD_READ32,		/* addr lo, hi: reports the value */
};

struct guest64 {
	struct kvm_vm vm;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
};

/* Build the VM and run the guest to its first command read. */
void guest64_create(struct guest64 *g);
void guest64_destroy(struct guest64 *g);

/*
 * guest64_run - one KVM_RUN of at most @timeout_ms; returns the exit
 * reason, KVM_EXIT_INTR when the time ran out (the vCPU stays where it
 * was, e.g. halted).
 */
unsigned int guest64_run(struct guest64 *g, unsigned int timeout_ms);

/* Run until the guest reads its next command. */
void guest64_expect_idle(struct guest64 *g);

/* Run until the guest reports; returns the value (a vector or a read). */
uint32_t guest64_expect_report(struct guest64 *g, unsigned int timeout_ms);

/* Run and expect the guest to stay halted for @ms (nothing delivered). */
void guest64_expect_no_irq(struct guest64 *g, unsigned int ms);

/* Run and expect a port write of @size bytes of @value to @port. */
void guest64_expect_pio_out(struct guest64 *g, uint16_t port, int size,
			    uint32_t value);

/* Run and expect an MMIO write of @len bytes of @value to @addr. */
void guest64_expect_mmio_write(struct guest64 *g, uint64_t addr,
			       unsigned int len, uint64_t value);

/* Run and expect an MMIO read of @len bytes at @addr; answer @value. */
void guest64_expect_mmio_read(struct guest64 *g, uint64_t addr,
			      unsigned int len, uint64_t value);

/*
 * Hand the guest a command: it must be waiting for one (after
 * guest64_create() or guest64_expect_idle()). The guest acts on it at the
 * next run.
 */
void guest64_cmd(struct guest64 *g, enum guest64_cmd cmd,
		 unsigned int nargs, const uint32_t *args);

void guest64_out(struct guest64 *g, int size, uint16_t port, uint32_t value);
void guest64_write(struct guest64 *g, int size, uint64_t addr,
		   uint64_t value);
void guest64_read32(struct guest64 *g, uint64_t addr);
void guest64_wait_irq(struct guest64 *g);

/*
 * Program IOAPIC pin @pin (KVM_GET/SET_IRQCHIP): fixed delivery of
 * @vector to APIC 0, level- or edge-triggered, unmasked.
 */
void guest64_ioapic_route(struct guest64 *g, unsigned int pin,
			  uint8_t vector, int level);

/*
 * A thread that writes 1 to eventfd @fd once the vCPU is halted (a device
 * raising an interrupt then): once the thread that started it, the
 * vCPU's, sleeps in KVM_RUN. guest64_later_join() asserts that it was
 * seen so within 5 s (it writes all the same, not to leave the guest
 * halted).
 */
struct guest64_later {
	pthread_t thread;
	int fd;
	pid_t vcpu_tid;
	int err;
};

void guest64_later_start(struct guest64_later *l, int fd);
void guest64_later_join(struct guest64_later *l);

/* The eventfd's counter, read and reset; 0 when it was not signalled. */
uint64_t guest64_eventfd_take(int fd);

/*
 * Whether @vector is in service in the vCPU's LAPIC (its ISR bit, read
 * with KVM_GET_LAPIC): true inside the guest's handler, before its EOI, on
 * KVM with hardware virtualisation. Some KVM flavours (kvm_pvm) EOI at
 * injection instead, and then this is false.
 */
bool guest64_vector_in_service(struct guest64 *g, uint8_t vector);

/*
 * A VM with one (never run) vCPU that the test program keeps open while
 * its tests run, each in its own VM. Nested under TCG, the test host's
 * kernel patches its code (static keys: KVM's preempt notifiers, the
 * LAPIC's software-disabled count) whenever the number of VMs or vCPUs
 * drops to zero and back, and TCG has been seen to leave a CPU looping on
 * the int3 of such a patch, hanging the next VM teardown for good. With
 * the anchor the counts never drop to zero between tests. Failures are
 * only reported: the tests then say what is wrong with KVM.
 */
struct guest64_anchor {
	struct kvm_vm vm;
	int vcpu_fd;
};

void guest64_anchor_open(struct guest64_anchor *a);
void guest64_anchor_close(struct guest64_anchor *a);

/* Number of open fds of this process. */
unsigned int guest64_count_fds(void);

#endif
