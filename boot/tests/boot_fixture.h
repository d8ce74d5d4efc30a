/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_TESTS_BOOT_FIXTURE_H
#define MINIVMM_BOOT_TESTS_BOOT_FIXTURE_H

#include <check.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "boot/ram_layout.h"
#include "boot/x86_boot.h"
#include "fake_bzimage.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Guest RAM laid out as the VMM does, and a fake kernel to boot. */
struct boot_fixture {
	uint8_t *ram;		/* low RAM, guest address 0 */
	uint64_t low;
	struct x86_ram_region regions[X86_MAX_RAM_REGIONS];
	unsigned int nr;
	uint8_t *kernel;
	struct x86_boot_params p;
	struct x86_boot_entry e;
	const char *why;
};

static inline void boot_fixture_init(struct boot_fixture *f, uint64_t size)
{
	ck_assert_int_eq(x86_ram_layout(size, f->regions, &f->nr), 0);
	f->low = f->regions[0].size;
	/* Like guest RAM: zero, and only what is touched is allocated. */
	f->ram = mmap(NULL, f->low, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(f->ram != MAP_FAILED);
	f->kernel = fake_bzimage();
	f->p = (struct x86_boot_params){
		.ram_low = f->ram, .ram_low_size = f->low,
		.regions = f->regions, .nr_regions = f->nr,
		.kernel = f->kernel, .kernel_len = FAKE_LEN,
		.cmdline = "console=ttyS0 hello",
	};
	f->why = NULL;
}

static inline void boot_fixture_fini(struct boot_fixture *f)
{
	munmap(f->ram, f->low);
	free(f->kernel);
}

static inline int boot_fixture_run(struct boot_fixture *f)
{
	return x86_boot_setup(&f->p, &f->e, &f->why);
}

/* Fails the test with the loader's reason if it refuses. */
static inline void boot_fixture_boot(struct boot_fixture *f)
{
	int ret = boot_fixture_run(f);

	ck_assert_msg(ret == 0, "x86_boot_setup: %d (%s)", ret,
		      f->why ? f->why : "no reason");
}

#endif
