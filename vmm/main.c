// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmm: a small VMM on Linux KVM whose PCI devices are vfio-user
 * servers. This file is the edge: parse the command line, build the
 * machine, run it, turn the outcome into an exit status.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "vm.h"

/*
 * Every thread minivmm starts (vCPUs, the console, the vfio-user clients'
 * readers) gets a 256 KiB stack, far more than any of them uses. The
 * default is an 8 MiB mapping, large enough for the host to back it with
 * a 2 MiB transparent huge page: 2 MiB of RSS per thread for a few KiB of
 * stack (seen in smaps; bench/README.md, "Memory").
 */
#define MAIN_THREAD_STACK_SIZE (256u * 1024u)

static void main_set_thread_stacks(void)
{
	pthread_attr_t attr;

	if (pthread_attr_init(&attr))
		return;
	if (!pthread_attr_setstacksize(&attr, MAIN_THREAD_STACK_SIZE))
		pthread_setattr_default_np(&attr);
	pthread_attr_destroy(&attr);
}

int main(int argc, char **argv)
{
	struct vmm_options opts;
	struct timespec start;
	struct vm vm;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	switch (cli_parse(argc, argv, &opts, stdout, stderr)) {
	case CLI_RUN:
		break;
	case CLI_EXIT_OK:
		return 0;
	default:
		return 2;
	}
	main_set_thread_stacks();
	if (vm_create(&vm, &opts, &start))
		return 1;
	status = vm_run(&vm);
	vm_destroy(&vm);
	return status;
}
