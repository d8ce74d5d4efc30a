// SPDX-License-Identifier: GPL-2.0-only
#include "vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#define MSR_IA32_TSC			0x00000010
#define MSR_IA32_SYSENTER_CS		0x00000174
#define MSR_IA32_SYSENTER_ESP		0x00000175
#define MSR_IA32_SYSENTER_EIP		0x00000176
#define MSR_IA32_MISC_ENABLE		0x000001a0
#define MSR_MTRR_DEF_TYPE		0x000002ff
#define MSR_STAR			0xc0000081
#define MSR_LSTAR			0xc0000082
#define MSR_CSTAR			0xc0000083
#define MSR_SYSCALL_MASK		0xc0000084
#define MSR_KERNEL_GS_BASE		0xc0000102

#define MISC_ENABLE_FAST_STRING		(1ull << 0)
#define MTRR_DEF_TYPE_ENABLE		(1ull << 11)
#define MTRR_TYPE_WRBACK		6ull

#define APIC_LVT_LINT0			0x350
#define APIC_LVT_LINT1			0x360
#define APIC_MODE_NMI			0x4
#define APIC_MODE_EXTINT		0x7

#define CPUID_1_ECX_HYPERVISOR		(1u << 31)
#define CPUID_1_EDX_HTT			(1u << 28)
#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)

/*
 * KVM leaves to user space the features it emulates only with help from
 * the VMM's setup; the TSC-deadline timer needs the in-kernel local APIC,
 * which minivmm always creates. Without it Linux calibrates the LAPIC
 * timer against the PIT at boot (100 ms, more when nested), and where the
 * calibration looks wrong it disables the LAPIC timer altogether ("APIC
 * timer disabled due to verification failure"), leaving every CPU on the
 * PIT's broadcast.
 */
static void cpuid_add_vmm_features(int kvm_fd, struct kvm_cpuid2 *c)
{
	unsigned int i;

	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) <= 0)
		return;
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 0x1)
			c->entries[i].ecx |= CPUID_1_ECX_TSC_DEADLINE;
}

struct kvm_cpuid2 *vcpu_get_supported_cpuid(int kvm_fd)
{
	unsigned int nent = 128;

	for (;;) {
		struct kvm_cpuid2 *c;

		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			cpuid_add_vmm_features(kvm_fd, c);
			return c;
		}
		free(c);
		if (errno != E2BIG || nent >= 4096)
			return NULL;
		nent *= 2;
	}
}

static unsigned int order_base_2(unsigned int n)
{
	unsigned int bits = 0;

	while ((1u << bits) < n)
		bits++;
	return bits;
}

/*
 * Each vCPU gets the supported CPUID with its own APIC id and a topology of
 * one package holding nr_vcpus cores of one thread each (Intel SDM vol. 2A,
 * CPUID leaves 01h, 0Bh and 1Fh; AMD APM vol. 3, leaves 8000_0008h and
 * 8000_001Eh).
 */
static void cpuid_personalise(struct kvm_cpuid2 *c, unsigned int apic_id,
			      unsigned int nr_vcpus)
{
	unsigned int core_bits = order_base_2(nr_vcpus);
	unsigned int i;

	for (i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 0x1:
			e->ebx &= 0x0000ffff;
			e->ebx |= apic_id << 24;
			e->ebx |= (nr_vcpus > 255 ? 255 : nr_vcpus) << 16;
			if (nr_vcpus > 1)
				e->edx |= CPUID_1_EDX_HTT;
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			break;
		case 0xb:
		case 0x1f:
			/* Subleaf 0 is the thread level, 1 the core level. */
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = (1u << 8) | 0;
			} else if (e->index == 1) {
				e->eax = core_bits;
				e->ebx = nr_vcpus;
				e->ecx = (2u << 8) | 1;
			} else {
				e->eax = 0;
				e->ebx = 0;
				e->ecx = e->index;
			}
			e->edx = apic_id;
			break;
		case 0x80000008:
			e->ecx &= ~0xf0ffu;
			e->ecx |= (core_bits << 12) | (nr_vcpus - 1);
			break;
		case 0x8000001e:
			e->eax = apic_id;
			e->ebx &= ~0xffu;
			e->ebx |= apic_id & 0xff;
			e->ecx &= ~0xffu;
			break;
		}
	}
}

static int vcpu_set_cpuid(struct vcpu *vcpu, const struct kvm_cpuid2 *supp)
{
	size_t size = sizeof(*supp) + supp->nent * sizeof(supp->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	int ret = 0;

	if (!c)
		return -ENOMEM;
	memcpy(c, supp, size);
	cpuid_personalise(c, vcpu->id, vcpu->vm->nr_vcpus);
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c) < 0)
		ret = -errno;
	free(c);
	return ret;
}

/* The MSR values a BIOS would leave behind (kvmtool does the same). */
static int vcpu_set_boot_msrs(struct vcpu *vcpu)
{
	static const struct {
		uint32_t index;
		uint64_t data;
	} boot_msrs[] = {
		{ MSR_IA32_SYSENTER_CS, 0 },
		{ MSR_IA32_SYSENTER_ESP, 0 },
		{ MSR_IA32_SYSENTER_EIP, 0 },
		{ MSR_STAR, 0 },
		{ MSR_CSTAR, 0 },
		{ MSR_KERNEL_GS_BASE, 0 },
		{ MSR_SYSCALL_MASK, 0 },
		{ MSR_LSTAR, 0 },
		{ MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING },
		{ MSR_MTRR_DEF_TYPE, MTRR_DEF_TYPE_ENABLE | MTRR_TYPE_WRBACK },
	};
	enum { N = sizeof(boot_msrs) / sizeof(boot_msrs[0]) };
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entries[N];
	} msrs;
	int ret;
	int i;

	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = N;
	for (i = 0; i < N; i++) {
		msrs.entries[i].index = boot_msrs[i].index;
		msrs.entries[i].data = boot_msrs[i].data;
	}
	ret = ioctl(vcpu->fd, KVM_SET_MSRS, &msrs);
	if (ret < 0)
		return -errno;
	/* KVM_SET_MSRS returns how many it set; all of them are needed. */
	return ret == N ? 0 : -EINVAL;
}

/*
 * Program LINT0 as ExtINT (the 8259 PIC's output) and LINT1 as NMI, as a
 * PC BIOS does and as the MP table's local interrupt entries say.
 */
static int vcpu_set_lapic_lints(struct vcpu *vcpu)
{
	struct kvm_lapic_state lapic;
	uint32_t *lint0 = (uint32_t *)&lapic.regs[APIC_LVT_LINT0];
	uint32_t *lint1 = (uint32_t *)&lapic.regs[APIC_LVT_LINT1];

	if (ioctl(vcpu->fd, KVM_GET_LAPIC, &lapic) < 0)
		return -errno;
	*lint0 = (*lint0 & ~0x700u) | (APIC_MODE_EXTINT << 8);
	*lint1 = (*lint1 & ~0x700u) | (APIC_MODE_NMI << 8);
	if (ioctl(vcpu->fd, KVM_SET_LAPIC, &lapic) < 0)
		return -errno;
	return 0;
}

static int vcpu_set_fpu(struct vcpu *vcpu)
{
	struct kvm_fpu fpu;

	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f;	/* x87 default control word after FINIT */
	fpu.mxcsr = 0x1f80;	/* SSE default: all exceptions masked */
	if (ioctl(vcpu->fd, KVM_SET_FPU, &fpu) < 0)
		return -errno;
	return 0;
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, unsigned int id,
		const struct kvm_cpuid2 *supported)
{
	int ret;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->kvm.vm_fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0) {
		vcpu->fd = -1;
		return -errno;
	}
	vcpu->run = mmap(NULL, vm->kvm.vcpu_mmap_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		ret = -errno;
		goto fail;
	}
	ret = vcpu_set_cpuid(vcpu, supported);
	if (!ret)
		ret = vcpu_set_boot_msrs(vcpu);
	if (!ret)
		ret = vcpu_set_lapic_lints(vcpu);
	if (!ret)
		ret = vcpu_set_fpu(vcpu);
	if (ret)
		goto fail;
	return 0;
fail:
	vcpu_destroy(vcpu);
	return ret;
}

static void segment_from_boot(struct kvm_segment *seg,
			      const struct x86_boot_segment *b)
{
	memset(seg, 0, sizeof(*seg));
	seg->base = b->base;
	seg->limit = b->limit;
	seg->selector = b->selector;
	seg->type = b->type;
	seg->present = b->present;
	seg->dpl = b->dpl;
	seg->db = b->db;
	seg->s = b->s;
	seg->l = b->l;
	seg->g = b->g;
}

int vcpu_set_boot_entry(struct vcpu *vcpu, const struct x86_boot_entry *e)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	segment_from_boot(&sregs.cs, &e->code);
	segment_from_boot(&sregs.ds, &e->data);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = e->gdt_base;
	sregs.gdt.limit = e->gdt_limit;
	sregs.cr0 = e->cr0;
	sregs.cr3 = e->cr3;
	sregs.cr4 = e->cr4;
	sregs.efer = e->efer;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;	/* bit 1 is reserved, always 1 */
	regs.rip = e->rip;
	regs.rsi = e->rsi;	/* boot.rst: %rsi holds the boot_params address */
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

void vcpu_dump_regs(struct vcpu *vcpu, FILE *out)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(out, "minivmm: vcpu%u: cannot read registers: %s\n",
			vcpu->id, strerror(errno));
		return;
	}
	fprintf(out,
		"minivmm: vcpu%u registers:\n"
		"  rip %016llx rflags %016llx\n"
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rsp %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx\n"
		"  efer %llx cs %04x (base %llx l %u) ss %04x\n",
		vcpu->id, r.rip, r.rflags, r.rax, r.rbx, r.rcx, r.rdx,
		r.rsi, r.rdi, r.rsp, r.rbp, r.r8, r.r9, r.r10, r.r11,
		r.r12, r.r13, r.r14, r.r15, s.cr0, s.cr2, s.cr3, s.cr4,
		s.efer, s.cs.selector, s.cs.base, s.cs.l, s.ss.selector);
}

static void vcpu_handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint32_t i;

	/* A string instruction (rep outs/ins) packs count items in a row. */
	for (i = 0; i < run->io.count; i++) {
		bool claimed = io_bus_dispatch(&vcpu->vm->pio, run->io.port,
					       data, run->io.size, is_write);

		exit_stats_inc(&vcpu->vm->stats,
			       claimed ? EXIT_PIO : EXIT_PIO_UNCLAIMED);
		data += run->io.size;
	}
}

static void vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool claimed;

	if (run->mmio.len > 8) {
		exit_stats_inc(&vcpu->vm->stats, EXIT_MMIO_UNCLAIMED);
		return;
	}
	claimed = io_bus_dispatch(&vcpu->vm->mmio, run->mmio.phys_addr,
				  run->mmio.data, run->mmio.len,
				  run->mmio.is_write);
	exit_stats_inc(&vcpu->vm->stats,
		       claimed ? EXIT_MMIO : EXIT_MMIO_UNCLAIMED);
}

/*
 * Name a KVM_EXIT_INTERNAL_ERROR's suberror (linux/kvm.h). The common one
 * for a device author is an emulation failure: the guest touched a trapped
 * BAR (or unclaimed MMIO) with an instruction KVM's emulator does not know,
 * such as an SSE or AVX copy; its bytes say which.
 */
static void vcpu_describe_internal_error(const struct kvm_run *run,
					 char *buf, size_t len)
{
	static const char *const names[] = {
		[KVM_INTERNAL_ERROR_EMULATION] = "instruction emulation failed",
		[KVM_INTERNAL_ERROR_SIMUL_EX] = "exception while delivering an exception",
		[KVM_INTERNAL_ERROR_DELIVERY_EV] = "exit while delivering an event",
		[KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON] = "unexpected hardware exit",
	};
	uint32_t sub = run->internal.suberror;
	const char *name = sub < sizeof(names) / sizeof(names[0]) && names[sub] ?
			   names[sub] : "unknown";
	int n, i;

	n = snprintf(buf, len, "KVM internal error: %s (suberror %u)", name, sub);
	if (sub != KVM_INTERNAL_ERROR_EMULATION ||
	    !(run->emulation_failure.flags &
	      KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES) ||
	    n < 0 || n >= (int)len)
		return;
	n += snprintf(buf + n, len - n, ", instruction bytes");
	for (i = 0; i < run->emulation_failure.insn_size && i < 15 &&
	     n < (int)len; i++)
		n += snprintf(buf + n, len - n, " %02x",
			      run->emulation_failure.insn_bytes[i]);
}

static void vcpu_fatal(struct vcpu *vcpu, const char *what)
{
	vm_request_stop(vcpu->vm, 1, "vcpu%u: %s", vcpu->id, what);
	vcpu_dump_regs(vcpu, stderr);
}

/* Returns false when the vCPU must stop running. */
static bool vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct vm *vm = vcpu->vm;
	char msg[192];

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_handle_io(vcpu);
		return true;
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(vcpu);
		return true;
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC; we always have one. */
		exit_stats_inc(&vm->stats, EXIT_HLT);
		vm_request_stop(vm, 0, "vcpu%u halted", vcpu->id);
		return false;
	case KVM_EXIT_SHUTDOWN:
		/* A triple fault resets a PC: the guest rebooted. */
		exit_stats_inc(&vm->stats, EXIT_SHUTDOWN);
		vm_request_stop(vm, 0, "guest reset (triple fault on vcpu%u)",
				vcpu->id);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		exit_stats_inc(&vm->stats, EXIT_SYSTEM_EVENT);
		if (run->system_event.type == KVM_SYSTEM_EVENT_CRASH) {
			vm_request_stop(vm, 1, "guest crashed");
		} else {
			vm_request_stop(vm, 0, "guest %s",
					run->system_event.type ==
					KVM_SYSTEM_EVENT_RESET ?
					"reset" : "shut down");
		}
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		exit_stats_inc(&vm->stats, EXIT_OTHER);
		snprintf(msg, sizeof(msg),
			 "KVM entry failed, hardware reason 0x%llx",
			 (unsigned long long)
			 run->fail_entry.hardware_entry_failure_reason);
		vcpu_fatal(vcpu, msg);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		exit_stats_inc(&vm->stats, EXIT_OTHER);
		vcpu_describe_internal_error(run, msg, sizeof(msg));
		vcpu_fatal(vcpu, msg);
		return false;
	default:
		exit_stats_inc(&vm->stats, EXIT_OTHER);
		snprintf(msg, sizeof(msg), "unexpected KVM exit reason %u",
			 run->exit_reason);
		vcpu_fatal(vcpu, msg);
		return false;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	sigset_t set;
	char name[16];

	snprintf(name, sizeof(name), "vcpu%u", vcpu->id);
	pthread_setname_np(pthread_self(), name);
	/* Only the kick signal reaches a vCPU thread. */
	sigfillset(&set);
	sigdelset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &set, NULL);

	if (vcpu->id == 0 && vm->opts->boot_timing)
		fprintf(stderr, "minivmm: boot-timing: first KVM_RUN at %.3f ms\n",
			vm_elapsed_ms(vm));
	while (!vm_stopping(vm)) {
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				exit_stats_inc(&vm->stats, EXIT_INTR);
				vcpu->run->immediate_exit = 0;
				continue;
			}
			vm_request_stop(vm, 1, "vcpu%u: KVM_RUN failed: %s",
					vcpu->id, strerror(errno));
			break;
		}
		if (!vcpu_handle_exit(vcpu))
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	int ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);

	if (ret)
		return -ret;
	vcpu->thread_started = true;
	return 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	if (!vcpu->thread_started)
		return;
	/*
	 * immediate_exit covers a kick that lands before the thread enters
	 * KVM_RUN; the signal interrupts one that is already inside.
	 */
	vcpu->run->immediate_exit = 1;
	pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

void vcpu_join(struct vcpu *vcpu)
{
	if (vcpu->thread_started)
		pthread_join(vcpu->thread, NULL);
	vcpu->thread_started = false;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->vm->kvm.vcpu_mmap_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}
