/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_LOADER_H
#define MINIVMM_LOADER_H

#include "boot/x86_boot.h"

struct vm;

/*
 * loader_load_linux - read the kernel (and initrd) named in the options and
 * lay out the guest for the 64-bit boot protocol: kernel, initrd, command
 * line, zero page, page tables and GDT in guest RAM (the MP table comes
 * later, from vm.c, once the PCI devices are known).
 *
 * On failure prints one line naming the file and the problem, and returns
 * -errno.
 */
int loader_load_linux(struct vm *vm, struct x86_boot_entry *entry);

#endif
