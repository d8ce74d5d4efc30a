// SPDX-License-Identifier: GPL-2.0-only
/*
 * minivmm: a small VMM on Linux KVM whose PCI devices are vfio-user
 * servers. This file is the edge: parse the command line, build the
 * machine, run it, turn the outcome into an exit status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "vm.h"

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
	if (vm_create(&vm, &opts, &start))
		return 1;
	status = vm_run(&vm);
	vm_destroy(&vm);
	return status;
}
