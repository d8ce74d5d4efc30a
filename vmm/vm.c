// SPDX-License-Identifier: GPL-2.0-only
#include "vm.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "boot/mptable.h"
#include "boot/x86_layout.h"
#include "loader.h"
#include "pci_alloc.h"
#include "vcpu.h"
#include "vfio_user_dev.h"

double vm_elapsed_ms(const struct vm *vm)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - vm->start_time.tv_sec) * 1e3 +
	       (double)(now.tv_nsec - vm->start_time.tv_nsec) / 1e6;
}

void vm_request_stop(struct vm *vm, int status, const char *fmt, ...)
{
	uint64_t one = 1;
	va_list ap;

	/* What the guest printed before comes before why it stopped. */
	if (fmt)
		console_flush(&vm->console);
	pthread_mutex_lock(&vm->stop_lock);
	if (atomic_load(&vm->stopping)) {
		pthread_mutex_unlock(&vm->stop_lock);
		return;
	}
	vm->exit_status = status;
	atomic_store(&vm->stopping, true);
	if (fmt) {
		/* On its own line: the guest may be mid-line on stdout. */
		fprintf(stderr, "\r\nminivmm: ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	pthread_mutex_unlock(&vm->stop_lock);
	if (write(vm->stop_fd, &one, sizeof(one)) < 0)
		abort();	/* an eventfd write of 1 cannot fail */
}

static int vm_create_vcpus(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int ret = 0;

	if (vm->opts->cpus > vm->kvm.max_vcpus) {
		fprintf(stderr, "minivmm: --cpus %u: KVM here supports at most %u vCPUs\n",
			vm->opts->cpus, vm->kvm.max_vcpus);
		return -EINVAL;
	}
	cpuid = vcpu_get_supported_cpuid(vm->kvm.kvm_fd);
	if (!cpuid) {
		ret = -errno;
		fprintf(stderr, "minivmm: KVM_GET_SUPPORTED_CPUID: %s\n",
			strerror(errno));
		return ret;
	}
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus) {
		free(cpuid);
		return -ENOMEM;
	}
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].fd = -1;
	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = vcpu_create(&vm->vcpus[i], vm, i, cpuid);
		if (ret) {
			fprintf(stderr, "minivmm: cannot create vcpu%u: %s\n",
				i, strerror(-ret));
			break;
		}
	}
	free(cpuid);
	return ret;
}

static int vm_map_ram(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->ram.nr_regions; i++) {
		const struct guest_ram_region *r = &vm->ram.regions[i];

		ret = kvm_vm_add_memory(&vm->kvm, r->gpa, r->size, r->hva);
		if (ret) {
			fprintf(stderr, "minivmm: cannot map guest RAM at 0x%llx (%llu MiB): %s\n",
				(unsigned long long)r->gpa,
				(unsigned long long)(r->size >> 20),
				strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * The guest's physical address width we plan BARs for: QEMU's TCG CPUs
 * (the nested test host) have 40 bits, some Intel client parts 39.
 */
#define VM_PHYS_LIMIT	(1ull << 39)

void vm_pci_windows(const struct vm *vm, struct pci_alloc_windows *w)
{
	const struct guest_ram_region *last =
		&vm->ram.regions[vm->ram.nr_regions - 1];

	pci_alloc_x86_windows(last->gpa + last->size, VM_PHYS_LIMIT, w);
}

/*
 * Attach every --vfio-user device, slot 1 upwards in command-line order,
 * then place their BARs, as firmware would before the guest runs.
 */
static int vm_attach_devices(struct vm *vm)
{
	struct pci_alloc_windows w;
	unsigned int i;
	int ret;

	vm_pci_windows(vm, &w);
	ret = pci_space_init(&vm->pci_space, &vm->pio, &vm->mmio,
			     w.io.start, w.io.end, w.mem32.start, w.mem32.end,
			     w.mem64.start, w.mem64.end);
	if (ret) {
		fprintf(stderr, "minivmm: cannot claim the PCI windows: %s\n",
			strerror(-ret));
		return ret;
	}
	vm->pci_space_ready = true;
	for (i = 0; i < vm->opts->nr_vfio_user; i++) {
		ret = vfio_user_dev_attach(vm, vm->opts->vfio_user[i], i + 1,
					   &vm->devs[i]);
		if (ret)
			return ret;
		vm->nr_devs++;
	}
	if (!vm->nr_devs)
		return 0;
	return vfio_user_dev_assign_bars(vm, vm->devs, vm->nr_devs);
}

/* The MP table, once the devices' INTx lines are known. */
static int vm_write_mptable(struct vm *vm)
{
	struct mptable_pci_irq irqs[CLI_MAX_VFIO_USER];
	const struct guest_ram_region *low = &vm->ram.regions[0];
	struct mptable_config mp = { .nr_cpus = vm->nr_vcpus, .pci_irqs = irqs };
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_devs; i++)
		if (vfio_user_dev_intx(vm->devs[i], &irqs[mp.nr_pci_irqs]))
			mp.nr_pci_irqs++;
	ret = mptable_build(low->hva, low->size, &mp);
	if (ret)
		fprintf(stderr, "minivmm: cannot build the MP table: %s\n",
			strerror(-ret));
	return ret;
}

int vm_create(struct vm *vm, const struct vmm_options *opts,
	      const struct timespec *start_time)
{
	struct x86_boot_entry entry;
	const char *why = "";
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->opts = opts;
	vm->start_time = *start_time;
	vm->kvm.kvm_fd = vm->kvm.vm_fd = -1;
	vm->ram.memfd = -1;
	vm->console.wake_fd = -1;
	vm->events.epfd = -1;
	pthread_mutex_init(&vm->stop_lock, NULL);
	io_bus_init(&vm->pio, "port");
	io_bus_init(&vm->mmio, "mmio");
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0) {
		ret = -errno;
		fprintf(stderr, "minivmm: eventfd: %s\n", strerror(errno));
		return ret;
	}
	ret = event_loop_init(&vm->events);
	if (ret) {
		fprintf(stderr, "minivmm: epoll: %s\n", strerror(-ret));
		goto fail;
	}

	/*
	 * Everything that can be wrong with the user's input (sizes, files,
	 * the kernel image) is found before /dev/kvm is opened: guest RAM is
	 * a lazily allocated memfd and loading is plain memory copies.
	 */
	vm->nr_vcpus = opts->cpus;
	ret = guest_ram_create(&vm->ram, opts->memory);
	if (ret) {
		fprintf(stderr, "minivmm: cannot allocate %llu MiB of guest RAM: %s\n",
			(unsigned long long)(opts->memory >> 20),
			ret == -EINVAL ? "too little memory for a guest (minimum 64 MiB)" :
			strerror(-ret));
		goto fail;
	}
	ret = loader_load_linux(vm, &entry);
	if (ret)
		goto fail;
	ret = pci_bus_init(&vm->pci, &vm->pio);
	if (!ret)
		ret = platform_init(&vm->platform, vm);
	if (ret) {
		fprintf(stderr, "minivmm: cannot set up the platform devices: %s\n",
			strerror(-ret));
		goto fail;
	}

	ret = kvm_vm_create(&vm->kvm, &why);
	if (ret) {
		fprintf(stderr, "minivmm: KVM: %s: %s\n", why, strerror(-ret));
		goto fail;
	}
	ret = vm_map_ram(vm);
	if (ret)
		goto fail;
	ret = kvm_irq_init(&vm->irq, vm->kvm.vm_fd);
	if (ret) {
		fprintf(stderr, "minivmm: KVM interrupt routing: %s\n",
			strerror(-ret));
		goto fail;
	}
	vm->irq_ready = true;
	ret = vm_attach_devices(vm);
	if (!ret)
		ret = vm_write_mptable(vm);
	if (ret)
		goto fail;
	ret = vm_create_vcpus(vm);
	if (ret)
		goto fail;
	ret = vcpu_set_boot_entry(&vm->vcpus[0], &entry);
	if (ret) {
		fprintf(stderr, "minivmm: cannot set the boot vCPU's registers: %s\n",
			strerror(-ret));
		goto fail;
	}
	/* Last: it takes the terminal into raw mode. */
	ret = console_init(&vm->console, vm, STDIN_FILENO, STDOUT_FILENO);
	if (ret) {
		fprintf(stderr, "minivmm: cannot set up the serial console: %s\n",
			strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	vm_destroy(vm);
	return ret;
}

static void vm_kick_handler(int sig)
{
	(void)sig;
}

/* The stop eventfd: vm_request_stop() wrote it; vm_stopping() is set. */
static void vm_stop_event(struct event_source *src, uint32_t events)
{
	uint64_t v;

	(void)events;
	if (read(src->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
}

static void vm_signal_event(struct event_source *src, uint32_t events)
{
	struct vm *vm = src->opaque;
	struct signalfd_siginfo si;

	(void)events;
	if (read(src->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		vm_request_stop(vm, 128 + (int)si.ssi_signo,
				"stopped by signal %s",
				strsignal((int)si.ssi_signo));
}

int vm_run(struct vm *vm)
{
	struct event_source stop_src, signal_src;
	struct sigaction sa;
	sigset_t stop_signals;
	unsigned int i;
	int sfd, ret;

	/*
	 * SIGINT, SIGTERM and SIGHUP stop the VM cleanly: they are blocked
	 * in every thread and read here through a signalfd. The kick signal
	 * only interrupts KVM_RUN, so its handler does nothing.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = vm_kick_handler;
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	sigdelset(&stop_signals, VCPU_KICK_SIGNAL);
	sfd = signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "minivmm: signalfd: %s\n", strerror(errno));
		return 1;
	}
	stop_src = (struct event_source){ .fd = vm->stop_fd, .fn = vm_stop_event, .opaque = vm };
	signal_src = (struct event_source){ .fd = sfd, .fn = vm_signal_event, .opaque = vm };
	ret = event_loop_add(&vm->events, &stop_src);
	if (!ret)
		ret = event_loop_add(&vm->events, &signal_src);
	if (ret) {
		fprintf(stderr, "minivmm: epoll: %s\n", strerror(-ret));
		close(sfd);
		return 1;
	}

	ret = console_start(&vm->console);
	for (i = 0; !ret && i < vm->nr_vcpus; i++)
		ret = vcpu_start(&vm->vcpus[i]);
	if (ret)
		vm_request_stop(vm, 1, "cannot start threads: %s",
				strerror(-ret));

	while (!vm_stopping(vm)) {
		ret = event_loop_run_once(&vm->events, -1);
		if (ret < 0) {
			vm_request_stop(vm, 1, "epoll_wait: %s", strerror(-ret));
			break;
		}
	}
	event_loop_del(&vm->events, &stop_src);
	event_loop_del(&vm->events, &signal_src);
	close(sfd);

	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (i = 0; i < vm->nr_vcpus; i++)
		vcpu_join(&vm->vcpus[i]);
	console_stop(&vm->console);
	if (vm->opts->exit_stats)
		exit_stats_print(&vm->stats, stderr);
	return vm->exit_status;
}

void vm_destroy(struct vm *vm)
{
	unsigned int i;

	console_stop(&vm->console);
	if (vm->vcpus) {
		for (i = 0; i < vm->nr_vcpus; i++) {
			vcpu_join(&vm->vcpus[i]);
			vcpu_destroy(&vm->vcpus[i]);
		}
		free(vm->vcpus);
		vm->vcpus = NULL;
	}
	for (i = 0; i < vm->nr_devs; i++)
		vfio_user_dev_detach(vm->devs[i]);
	vm->nr_devs = 0;
	if (vm->pci_space_ready)
		pci_space_destroy(&vm->pci_space);
	vm->pci_space_ready = false;
	if (vm->irq_ready)
		kvm_irq_destroy(&vm->irq);
	vm->irq_ready = false;
	kvm_vm_destroy(&vm->kvm);
	guest_ram_destroy(&vm->ram);
	event_loop_destroy(&vm->events);
	if (vm->stop_fd >= 0)
		close(vm->stop_fd);
	vm->stop_fd = -1;
}
