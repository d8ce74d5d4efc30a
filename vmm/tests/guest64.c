// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 64-bit command-loop test guest of guest64.h: its code (assembled
 * with this file, copied into guest RAM), its machine state, and the
 * host-side helpers that drive it and check its exits.
 */
#include "guest64.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "proto/tests/wait_for.h"

/* Guest-physical layout, inside the first 2 MiB. */
#define GDT_GPA		0x1000
#define IDT_GPA		0x2000
#define PML4_GPA	0x3000
#define PDPT_GPA	0x4000
#define PD_GPA		0x5000		/* 4 page directories: 0-4 GiB */
#define CODE_GPA	0x10000
#define STACK_TOP	0x80000

#define SEL_CODE	0x08
#define SEL_DATA	0x10

#define XSTR(...)	STR(__VA_ARGS__)
#define STR(...)	#__VA_ARGS__

/*
 * The guest. Not executed here: guest64_create() copies
 * [guest64_code, guest64_code_end) to CODE_GPA, and fills the IDT from
 * guest64_vector_table, pairs of (vector, handler offset) ending with -1.
 * All jumps are relative, so the code runs wherever it is copied.
 */
__asm__(
"	.pushsection .rodata.guest64, \"a\"\n"
"	.balign 16\n"
"guest64_code:\n"
"g64_loop:\n"
"	cli\n"
"	mov $" XSTR(GUEST64_PORT_CMD) ", %edx\n"
"	in %dx, %eax\n"
"	cmp $1, %eax\n	je g64_wait\n"
"	cmp $2, %eax\n	je g64_out8\n"
"	cmp $3, %eax\n	je g64_out16\n"
"	cmp $4, %eax\n	je g64_out32\n"
"	cmp $5, %eax\n	je g64_write8\n"
"	cmp $6, %eax\n	je g64_write16\n"
"	cmp $7, %eax\n	je g64_write32\n"
"	cmp $8, %eax\n	je g64_write64\n"
"	cmp $9, %eax\n	je g64_read32\n"
"	ud2\n"
/* sti's one-instruction shadow: an interrupt pending before it wakes the
 * hlt, so it returns after the hlt, never into it. */
"g64_wait:\n"
"	sti\n"
"	hlt\n"
"	cli\n"
"	jmp g64_loop\n"
"g64_out8:\n"
"	call g64_port_value\n"
"	out %al, %dx\n"
"	jmp g64_loop\n"
"g64_out16:\n"
"	call g64_port_value\n"
"	out %ax, %dx\n"
"	jmp g64_loop\n"
"g64_out32:\n"
"	call g64_port_value\n"
"	out %eax, %dx\n"
"	jmp g64_loop\n"
"g64_write8:\n"
"	call g64_addr_value\n"
"	mov %al, (%rbx)\n"
"	jmp g64_loop\n"
"g64_write16:\n"
"	call g64_addr_value\n"
"	mov %ax, (%rbx)\n"
"	jmp g64_loop\n"
"g64_write32:\n"
"	call g64_addr_value\n"
"	mov %eax, (%rbx)\n"
"	jmp g64_loop\n"
"g64_write64:\n"
"	call g64_addr_value\n"
"	mov %rax, (%rbx)\n"
"	jmp g64_loop\n"
"g64_read32:\n"
"	call g64_arg64\n"
"	mov (%rax), %eax\n"
"	mov $" XSTR(GUEST64_PORT_REPORT) ", %edx\n"
"	out %eax, %dx\n"
"	jmp g64_loop\n"
/* Arguments: %eax = next 32-bit one, %rax = next two as lo, hi. */
"g64_arg:\n"
"	mov $" XSTR(GUEST64_PORT_ARG) ", %edx\n"
"	in %dx, %eax\n"
"	ret\n"
"g64_arg64:\n"
"	call g64_arg\n"
"	mov %eax, %ecx\n"
"	call g64_arg\n"
"	shl $32, %rax\n"
"	or %rcx, %rax\n"
"	ret\n"
"g64_port_value:\n"		/* %edx = port, %eax = value */
"	call g64_arg\n"
"	mov %eax, %ebx\n"
"	call g64_arg\n"
"	mov %ebx, %edx\n"
"	ret\n"
"g64_addr_value:\n"		/* %rbx = address, %rax = value */
"	call g64_arg64\n"
"	mov %rax, %rbx\n"
"	call g64_arg64\n"
"	ret\n"
/* Interrupts: report the vector, EOI, return. The report exit comes
 * before the EOI, so the host sees the interrupt still in service. */
"	.irp v, " XSTR(GUEST64_VECTORS) "\n"
"g64_irq_\\v:\n"
"	push %rax\n"
"	push %rdx\n"
"	mov $\\v, %eax\n"
"	jmp g64_irq_common\n"
"	.endr\n"
"g64_irq_common:\n"
"	mov $" XSTR(GUEST64_PORT_REPORT) ", %edx\n"
"	out %eax, %dx\n"
"	mov $0xfee000b0, %eax\n"	/* LAPIC EOI register */
"	movl $0, (%rax)\n"
"	pop %rdx\n"
"	pop %rax\n"
"	iretq\n"
/* Exceptions: report and stop. */
"	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"g64_exc_\\v:\n"
"	mov $(" XSTR(GUEST64_EXCEPTION) " + \\v), %eax\n"
"	jmp g64_exc_common\n"
"	.endr\n"
"g64_exc_common:\n"
"	mov $" XSTR(GUEST64_PORT_REPORT) ", %edx\n"
"	out %eax, %dx\n"
"1:	cli\n"
"	hlt\n"
"	jmp 1b\n"
"guest64_code_end:\n"
"	.balign 8\n"
"guest64_vector_table:\n"
"	.irp v, " XSTR(GUEST64_VECTORS) "\n"
"	.quad \\v, g64_irq_\\v - guest64_code\n"
"	.endr\n"
"	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
"	.quad \\v, g64_exc_\\v - guest64_code\n"
"	.endr\n"
"	.quad -1, 0\n"
"	.popsection\n"
);

extern const uint8_t guest64_code[], guest64_code_end[];
extern const uint64_t guest64_vector_table[];

static const char *exit_name(unsigned int reason)
{
	switch (reason) {
	case KVM_EXIT_IO: return "IO";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_HLT: return "HLT";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_INTR: return "INTR (timed out)";
	default: return "other";
	}
}

/* Describe the current exit, for failure messages. */
static const char *describe_exit(struct guest64 *g)
{
	static char buf[160];
	struct kvm_run *r = g->run;

	if (r->exit_reason == KVM_EXIT_IO) {
		uint32_t v = 0;

		memcpy(&v, (uint8_t *)r + r->io.data_offset,
		       r->io.size <= 4 ? r->io.size : 4);
		snprintf(buf, sizeof(buf), "IO %s port 0x%x size %u value 0x%x",
			 r->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
			 r->io.port, r->io.size, v);
	} else if (r->exit_reason == KVM_EXIT_MMIO) {
		uint64_t v = 0;

		memcpy(&v, r->mmio.data, r->mmio.len <= 8 ? r->mmio.len : 8);
		snprintf(buf, sizeof(buf), "MMIO %s 0x%llx len %u value 0x%llx",
			 r->mmio.is_write ? "write" : "read",
			 (unsigned long long)r->mmio.phys_addr, r->mmio.len,
			 (unsigned long long)v);
	} else {
		snprintf(buf, sizeof(buf), "exit %u (%s)", r->exit_reason,
			 exit_name(r->exit_reason));
	}
	return buf;
}

static struct kvm_run *volatile alarm_run;

/* A KVM_RUN that outlives its time: make KVM_RUN return, now or next. */
static void alarm_handler(int sig)
{
	(void)sig;
	if (alarm_run)
		alarm_run->immediate_exit = 1;
}

unsigned int guest64_run(struct guest64 *g, unsigned int timeout_ms)
{
	struct itimerval it = { 0 };
	struct sigaction sa;
	int ret, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler;	/* no SA_RESTART: KVM_RUN gets EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm_run = g->run;
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (timeout_ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);

	ret = ioctl(g->vcpu_fd, KVM_RUN, 0);
	err = errno;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	alarm_run = NULL;
	g->run->immediate_exit = 0;
	if (ret < 0) {
		ck_assert_msg(err == EINTR, "KVM_RUN: %s", strerror(err));
		g->run->exit_reason = KVM_EXIT_INTR;
	}
	return g->run->exit_reason;
}

static void run_expect_io(struct guest64 *g, int dir, uint16_t port,
			  unsigned int timeout_ms)
{
	unsigned int reason = guest64_run(g, timeout_ms);
	struct kvm_run *r = g->run;

	ck_assert_msg(reason == KVM_EXIT_IO && r->io.direction == dir &&
		      r->io.port == port && r->io.size == 4 && r->io.count == 1,
		      "expected a 4-byte %s on port 0x%x, got %s",
		      dir == KVM_EXIT_IO_IN ? "IN" : "OUT", port,
		      describe_exit(g));
}

static void *io_data(struct guest64 *g)
{
	return (uint8_t *)g->run + g->run->io.data_offset;
}

void guest64_expect_idle(struct guest64 *g)
{
	run_expect_io(g, KVM_EXIT_IO_IN, GUEST64_PORT_CMD, 5000);
}

uint32_t guest64_expect_report(struct guest64 *g, unsigned int timeout_ms)
{
	uint32_t v;

	run_expect_io(g, KVM_EXIT_IO_OUT, GUEST64_PORT_REPORT, timeout_ms);
	memcpy(&v, io_data(g), sizeof(v));
	ck_assert_msg((v & 0xffff0000u) != GUEST64_EXCEPTION,
		      "the guest took exception %u", v & 0xffff);
	return v;
}

void guest64_expect_no_irq(struct guest64 *g, unsigned int ms)
{
	unsigned int reason = guest64_run(g, ms);

	ck_assert_msg(reason == KVM_EXIT_INTR,
		      "expected the guest to stay halted for %u ms, got %s",
		      ms, describe_exit(g));
}

void guest64_expect_pio_out(struct guest64 *g, uint16_t port, int size,
			    uint32_t value)
{
	unsigned int reason = guest64_run(g, 5000);
	struct kvm_run *r = g->run;
	uint32_t v = 0;

	ck_assert_msg(reason == KVM_EXIT_IO && r->io.direction == KVM_EXIT_IO_OUT &&
		      r->io.port == port && r->io.size == size,
		      "expected a %d-byte OUT to port 0x%x, got %s", size, port,
		      describe_exit(g));
	memcpy(&v, io_data(g), (size_t)size);
	ck_assert_msg(v == value, "OUT to port 0x%x wrote 0x%x, expected 0x%x",
		      port, v, value);
}

void guest64_expect_mmio_write(struct guest64 *g, uint64_t addr,
			       unsigned int len, uint64_t value)
{
	unsigned int reason = guest64_run(g, 5000);
	struct kvm_run *r = g->run;
	uint64_t v = 0;

	ck_assert_msg(reason == KVM_EXIT_MMIO && r->mmio.is_write &&
		      r->mmio.phys_addr == addr && r->mmio.len == len,
		      "expected a %u-byte MMIO write to 0x%llx, got %s", len,
		      (unsigned long long)addr, describe_exit(g));
	memcpy(&v, r->mmio.data, len);
	ck_assert_msg(v == value, "MMIO write of 0x%llx, expected 0x%llx",
		      (unsigned long long)v, (unsigned long long)value);
}

void guest64_expect_mmio_read(struct guest64 *g, uint64_t addr,
			      unsigned int len, uint64_t value)
{
	unsigned int reason = guest64_run(g, 5000);
	struct kvm_run *r = g->run;

	ck_assert_msg(reason == KVM_EXIT_MMIO && !r->mmio.is_write &&
		      r->mmio.phys_addr == addr && r->mmio.len == len,
		      "expected a %u-byte MMIO read at 0x%llx, got %s", len,
		      (unsigned long long)addr, describe_exit(g));
	memcpy(r->mmio.data, &value, len);
}

void guest64_cmd(struct guest64 *g, enum guest64_cmd cmd,
		 unsigned int nargs, const uint32_t *args)
{
	struct kvm_run *r = g->run;
	uint32_t c = cmd;
	unsigned int i;

	ck_assert_msg(r->exit_reason == KVM_EXIT_IO &&
		      r->io.direction == KVM_EXIT_IO_IN &&
		      r->io.port == GUEST64_PORT_CMD,
		      "the guest is not waiting for a command: %s",
		      describe_exit(g));
	memcpy(io_data(g), &c, sizeof(c));
	for (i = 0; i < nargs; i++) {
		run_expect_io(g, KVM_EXIT_IO_IN, GUEST64_PORT_ARG, 5000);
		memcpy(io_data(g), &args[i], sizeof(args[i]));
	}
}

void guest64_out(struct guest64 *g, int size, uint16_t port, uint32_t value)
{
	uint32_t args[2] = { port, value };
	enum guest64_cmd cmd = size == 1 ? GUEST64_CMD_OUT8 :
			       size == 2 ? GUEST64_CMD_OUT16 : GUEST64_CMD_OUT32;

	ck_assert(size == 1 || size == 2 || size == 4);
	guest64_cmd(g, cmd, 2, args);
}

void guest64_write(struct guest64 *g, int size, uint64_t addr, uint64_t value)
{
	uint32_t args[4] = {
		(uint32_t)addr, (uint32_t)(addr >> 32),
		(uint32_t)value, (uint32_t)(value >> 32),
	};
	enum guest64_cmd cmd = size == 1 ? GUEST64_CMD_WRITE8 :
			       size == 2 ? GUEST64_CMD_WRITE16 :
			       size == 4 ? GUEST64_CMD_WRITE32 :
					   GUEST64_CMD_WRITE64;

	ck_assert(size == 1 || size == 2 || size == 4 || size == 8);
	guest64_cmd(g, cmd, 4, args);
}

void guest64_read32(struct guest64 *g, uint64_t addr)
{
	uint32_t args[2] = { (uint32_t)addr, (uint32_t)(addr >> 32) };

	guest64_cmd(g, GUEST64_CMD_READ32, 2, args);
}

void guest64_wait_irq(struct guest64 *g)
{
	guest64_cmd(g, GUEST64_CMD_WAIT_IRQ, 0, NULL);
}

static void write_tables(struct guest64 *g)
{
	uint64_t *gdt = (uint64_t *)(g->ram + GDT_GPA);
	uint64_t *pml4 = (uint64_t *)(g->ram + PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(g->ram + PDPT_GPA);
	uint64_t *pd = (uint64_t *)(g->ram + PD_GPA);
	const uint64_t *v;
	unsigned int i;

	gdt[0] = 0;
	gdt[SEL_CODE / 8] = 0x00af9b000000ffffull;	/* 64-bit code */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffull;	/* flat data */

	pml4[0] = PDPT_GPA | 3;				/* present, writable */
	for (i = 0; i < 4; i++)
		pdpt[i] = (PD_GPA + i * 0x1000ull) | 3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;	/* 2 MiB page */

	/* 64-bit interrupt gates (SDM vol. 3, 6.14.1). */
	for (v = guest64_vector_table; v[0] != UINT64_MAX; v += 2) {
		uint64_t off = CODE_GPA + v[1];
		uint64_t *gate = (uint64_t *)(g->ram + IDT_GPA + v[0] * 16);

		gate[0] = (off & 0xffff) | ((uint64_t)SEL_CODE << 16) |
			  (0x8eull << 40) | ((off >> 16) << 48);
		gate[1] = off >> 32;
	}
}

static void set_cpuid(struct guest64 *g)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int n = 64;
	int ret;

	/* Long mode needs CPUID.80000001h:LM in the guest's CPUID. */
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		ck_assert(cpuid);
		cpuid->nent = n;
		ret = ioctl(g->vm.kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid);
		if (ret == 0 || errno != E2BIG)
			break;
		free(cpuid);
		n *= 2;
	}
	ck_assert_msg(ret == 0, "KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	ret = ioctl(g->vcpu_fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	ck_assert_msg(ret == 0, "KVM_SET_CPUID2: %s", strerror(errno));
}

static void set_long_mode(struct guest64 *g)
{
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = SEL_CODE,
		.type = 11, .present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = SEL_DATA,
		.type = 3, .present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	ck_assert_int_eq(ioctl(g->vcpu_fd, KVM_GET_SREGS, &sregs), 0);
	sregs.cs = code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	sregs.tr = (struct kvm_segment){
		.limit = 0x67, .type = 11, .present = 1,	/* busy TSS */
	};
	sregs.ldt = (struct kvm_segment){ .type = 2, .unusable = 1 };
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = IDT_GPA;
	sregs.idt.limit = 256 * 16 - 1;
	sregs.cr0 = 0x80000033;		/* PG, NE, ET, MP, PE */
	sregs.cr3 = PML4_GPA;
	sregs.cr4 = 0x20;		/* PAE */
	sregs.efer = 0x500;		/* LMA, LME */
	ck_assert_msg(ioctl(g->vcpu_fd, KVM_SET_SREGS, &sregs) == 0,
		      "KVM_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_GPA;
	regs.rsp = STACK_TOP;
	regs.rflags = 0x2;
	ck_assert_int_eq(ioctl(g->vcpu_fd, KVM_SET_REGS, &regs), 0);
}

/* Software-enable the LAPIC; mask LINT0 (the PIC) and LINT1. */
static void set_lapic(struct guest64 *g)
{
	struct kvm_lapic_state lapic;
	uint32_t reg;

	ck_assert_int_eq(ioctl(g->vcpu_fd, KVM_GET_LAPIC, &lapic), 0);
	reg = 0x1ff;				/* SVR: enabled, spurious 0xff */
	memcpy(&lapic.regs[0xf0], &reg, 4);
	reg = 0x10000;				/* masked */
	memcpy(&lapic.regs[0x350], &reg, 4);
	memcpy(&lapic.regs[0x360], &reg, 4);
	ck_assert_int_eq(ioctl(g->vcpu_fd, KVM_SET_LAPIC, &lapic), 0);
}

void guest64_create(struct guest64 *g)
{
	const char *why = "";
	int ret;

	memset(g, 0, sizeof(*g));
	ret = kvm_vm_create(&g->vm, &why);
	ck_assert_msg(ret == 0, "kvm_vm_create: %s: %s", why, strerror(-ret));

	g->ram = mmap(NULL, GUEST64_RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(g->ram != MAP_FAILED);
	ck_assert_uint_lt((size_t)(guest64_code_end - guest64_code),
			  STACK_TOP - 0x10000 - CODE_GPA);
	memcpy(g->ram + CODE_GPA, guest64_code,
	       (size_t)(guest64_code_end - guest64_code));
	write_tables(g);
	ret = kvm_vm_add_memory(&g->vm, 0, GUEST64_RAM_SIZE, g->ram);
	ck_assert_msg(ret == 0, "kvm_vm_add_memory: %s", strerror(-ret));

	g->vcpu_fd = ioctl(g->vm.vm_fd, KVM_CREATE_VCPU, 0);
	ck_assert_msg(g->vcpu_fd >= 0, "KVM_CREATE_VCPU: %s", strerror(errno));
	g->run_size = (size_t)g->vm.vcpu_mmap_size;
	g->run = mmap(NULL, g->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      g->vcpu_fd, 0);
	ck_assert(g->run != MAP_FAILED);
	set_cpuid(g);
	set_long_mode(g);
	set_lapic(g);

	guest64_expect_idle(g);
}

void guest64_destroy(struct guest64 *g)
{
	munmap(g->run, g->run_size);
	close(g->vcpu_fd);
	kvm_vm_destroy(&g->vm);
	munmap(g->ram, GUEST64_RAM_SIZE);
}

void guest64_ioapic_route(struct guest64 *g, unsigned int pin,
			  uint8_t vector, int level)
{
	struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };

	ck_assert_int_eq(ioctl(g->vm.vm_fd, KVM_GET_IRQCHIP, &chip), 0);
	ck_assert_uint_lt(pin, KVM_IOAPIC_NUM_PINS);
	/* Fixed delivery, physical destination APIC 0, unmasked; PCI INTx
	 * is active low (KVM's IOAPIC takes the line level as asserted). */
	chip.chip.ioapic.redirtbl[pin].bits = vector |
		(level ? (1ull << 15) | (1ull << 13) : 0);
	ck_assert_int_eq(ioctl(g->vm.vm_fd, KVM_SET_IRQCHIP, &chip), 0);
}

bool guest64_vector_in_service(struct guest64 *g, uint8_t vector)
{
	struct kvm_lapic_state lapic;
	uint32_t isr;

	ck_assert_int_eq(ioctl(g->vcpu_fd, KVM_GET_LAPIC, &lapic), 0);
	/* ISR: eight 32-bit registers at 0x100, 16 bytes apart. */
	memcpy(&isr, &lapic.regs[0x100 + (vector / 32) * 0x10], sizeof(isr));
	return isr & (1u << (vector % 32));
}

static void *later_main(void *arg)
{
	struct guest64_later *l = arg;
	uint64_t one = 1;

	/* A halted vCPU sleeps in the kernel inside KVM_RUN (an ioctl);
	 * it runs while the guest does anything else. */
	l->err = wait_for_thread_blocked(l->vcpu_tid, SYS_ioctl, 5000);
	if (write(l->fd, &one, sizeof(one)) != sizeof(one))
		abort();
	return NULL;
}

void guest64_later_start(struct guest64_later *l, int fd)
{
	sigset_t all, old;

	l->fd = fd;
	l->vcpu_tid = gettid();
	l->err = 0;
	/* SIGALRM (guest64_run's timeout) must reach the vCPU thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ck_assert_int_eq(pthread_create(&l->thread, NULL, later_main, l), 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void guest64_later_join(struct guest64_later *l)
{
	pthread_join(l->thread, NULL);
	ck_assert_msg(!l->err, "the vCPU was not seen halted in KVM_RUN "
		      "within 5 s: %s", strerror(-l->err));
}

uint64_t guest64_eventfd_take(int fd)
{
	uint64_t v;
	int flags = fcntl(fd, F_GETFL);

	ck_assert_msg(flags >= 0 && (flags & O_NONBLOCK),
		      "eventfd %d must be non-blocking", fd);
	if (read(fd, &v, sizeof(v)) == sizeof(v))
		return v;
	ck_assert_msg(errno == EAGAIN, "read eventfd: %s", strerror(errno));
	return 0;
}

void guest64_anchor_open(struct guest64_anchor *a)
{
	const char *why = "";
	int ret = kvm_vm_create(&a->vm, &why);

	a->vcpu_fd = -1;
	if (ret) {
		fprintf(stderr, "guest64: anchor VM: %s: %s\n", why,
			strerror(-ret));
		return;
	}
	a->vcpu_fd = ioctl(a->vm.vm_fd, KVM_CREATE_VCPU, 0);
	if (a->vcpu_fd < 0)
		fprintf(stderr, "guest64: anchor vCPU: %s\n", strerror(errno));
}

void guest64_anchor_close(struct guest64_anchor *a)
{
	if (a->vcpu_fd >= 0)
		close(a->vcpu_fd);
	a->vcpu_fd = -1;
	kvm_vm_destroy(&a->vm);
}

unsigned int guest64_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	ck_assert(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;	/* includes ".", ".." and the DIR's own fd */
}
