// SPDX-License-Identifier: GPL-2.0-only
#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm.h"

#define LOADER_MAX_FILE (4ull << 30)

/* Read a whole regular file into a new buffer. */
static int read_file(const char *path, void **buf, size_t *len,
		     const char *what)
{
	struct stat st;
	size_t done = 0;
	uint8_t *p;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "minivmm: %s '%s': %s\n", what, path,
			strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "minivmm: %s '%s': not a regular file\n", what,
			path);
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > LOADER_MAX_FILE) {
		fprintf(stderr, "minivmm: %s '%s': too large (%lld bytes)\n",
			what, path, (long long)st.st_size);
		close(fd);
		return -EFBIG;
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			fprintf(stderr, "minivmm: %s '%s': read failed: %s\n",
				what, path, n < 0 ? strerror(errno) :
				"file shrank while reading");
			free(p);
			close(fd);
			return ret;
		}
		done += (size_t)n;
	}
	close(fd);
	*buf = p;
	*len = done;
	return 0;
}

int loader_load_linux(struct vm *vm, struct x86_boot_entry *entry)
{
	const struct vmm_options *o = vm->opts;
	const struct guest_ram_region *low = &vm->ram.regions[0];
	struct x86_ram_region regions[GUEST_RAM_MAX_REGIONS];
	struct x86_boot_params params;
	void *kernel = NULL, *initrd = NULL;
	size_t kernel_len = 0, initrd_len = 0;
	const char *why = NULL;
	unsigned int i;
	int ret;

	ret = read_file(o->kernel, &kernel, &kernel_len, "kernel");
	if (ret)
		return ret;
	if (o->initrd) {
		ret = read_file(o->initrd, &initrd, &initrd_len, "initrd");
		if (ret)
			goto out;
	}
	for (i = 0; i < vm->ram.nr_regions; i++) {
		regions[i].gpa = vm->ram.regions[i].gpa;
		regions[i].size = vm->ram.regions[i].size;
		regions[i].offset = vm->ram.regions[i].offset;
	}
	params = (struct x86_boot_params){
		.ram_low = low->hva,
		.ram_low_size = low->size,
		.regions = regions,
		.nr_regions = vm->ram.nr_regions,
		.kernel = kernel,
		.kernel_len = kernel_len,
		.initrd = initrd,
		.initrd_len = initrd_len,
		.cmdline = o->cmdline,
	};
	ret = x86_boot_setup(&params, entry, &why);
	if (ret) {
		fprintf(stderr, "minivmm: kernel '%s'%s%s: %s\n", o->kernel,
			o->initrd ? " with initrd " : "",
			o->initrd ? o->initrd : "",
			why ? why : strerror(-ret));
		goto out;
	}
out:
	free(kernel);
	free(initrd);
	return ret;
}
