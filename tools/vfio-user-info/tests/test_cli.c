// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio-user-info program as a user runs it (its path in the
 * VFIO_USER_INFO environment variable): text and --json against the fake
 * device on a real UNIX socket, and one clear error line with exit
 * status 1 for a missing socket, a refused connection, a path that is
 * not a socket, a peer that does not speak vfio-user and a silent one;
 * status 2 for usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "proto/tests/check_main.h"
#include "tools/vfio-user-info/tests/cfg_build.h"
#include "tools/vfio-user-info/tests/fake_device.h"

static char dir[PATH_MAX];
static char sock_path[PATH_MAX + 16];
static uint8_t config[PCI_DECODE_ECFG_LEN];

struct run {
	int status;		/* exit status, or 128 + signal */
	char *out, *err;	/* malloc'd, NUL-terminated */
	long ms;		/* how long it ran */
};

static char *slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run vfio-user-info with @argv (NULL-terminated, without argv[0]). */
static void run(struct run *r, const char *const *args)
{
	const char *prog = getenv("VFIO_USER_INFO");
	const char *argv[16];
	int out = memfd_create("out", 0), err = memfd_create("err", 0);
	unsigned int n = 0;
	long start = now_ms();
	pid_t pid;
	int st;

	ck_assert_msg(prog, "VFIO_USER_INFO is not set");
	ck_assert(out >= 0 && err >= 0);
	argv[n++] = prog;
	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		dup2(out, 1);
		dup2(err, 2);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r->ms = now_ms() - start;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(out);
	r->err = slurp(err);
	close(out);
	close(err);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* stderr is exactly one line. */
static void assert_one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	ck_assert_msg(nl && nl[1] == '\0', "not one line: \"%s\"", s);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/vui-cli-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/dev.sock", dir);
	cfg_full_device(config, sizeof(config), NULL);
}

static void teardown(void)
{
	unlink(sock_path);
	rmdir(dir);
}

START_TEST(test_text_output_describes_the_device)
{
	struct fake_device_cfg cfg = { .io_fds = true, .cfg = config };
	struct fake_device d;
	struct run r;

	ck_assert_int_eq(fake_device_listen(&d, &cfg, sock_path), 0);
	run(&r, (const char *[]){ sock_path, NULL });
	fake_device_stop(&d);
	ck_assert_msg(r.status == 0, "status %d, stderr: %s", r.status, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert_ptr_nonnull(strstr(r.out, "vfio-user device at "));
	ck_assert_ptr_nonnull(strstr(r.out, "Version: 0.2"));
	ck_assert_ptr_nonnull(strstr(r.out, "Device: flags RESET PCI (0x3), 9 regions, 5 IRQ indexes\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "  0 BAR0: size 0x4000 (16384), flags READ WRITE MMAP CAPS (0xf), fd at offset 0x0\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "      mmap: sparse, 2 areas: [0x0+0x1000] [0x3000+0x1000]\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "ioeventfd fd#0 flags DATAMATCH (0x1) datamatch 0x7"));
	ck_assert_ptr_nonnull(strstr(r.out, "  8 VGA: no info (Invalid argument)\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "  2 MSI-X: count 16, flags EVENTFD NORESIZE (0x9)\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "Config space (256 bytes of region 7):\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "    [b0] MSI-X: Enable+ Count=16 Masked+\n"));
	run_free(&r);
}
END_TEST

START_TEST(test_json_output_is_one_object_with_numbers)
{
	struct fake_device_cfg cfg = { .cfg_size = 4096, .cfg = config };
	struct json_object *o, *v, *x;
	struct fake_device d;
	struct run r;

	ck_assert_int_eq(fake_device_listen(&d, &cfg, sock_path), 0);
	run(&r, (const char *[]){ "--json", "--timeout", "3000", sock_path, NULL });
	fake_device_stop(&d);
	ck_assert_msg(r.status == 0, "status %d, stderr: %s", r.status, r.err);
	o = json_tokener_parse(r.out);
	ck_assert_msg(o && json_object_is_type(o, json_type_object), "not JSON: %s", r.out);
	ck_assert(json_object_object_get_ex(o, "socket", &v));
	ck_assert_str_eq(json_object_get_string(v), sock_path);
	ck_assert(json_object_object_get_ex(o, "device", &v));
	ck_assert(json_object_object_get_ex(v, "num_regions", &x));
	ck_assert(json_object_is_type(x, json_type_int));
	ck_assert_int_eq(json_object_get_int(x), 9);
	ck_assert(json_object_object_get_ex(o, "regions", &v));
	x = json_object_array_get_idx(v, 0);
	ck_assert(json_object_object_get_ex(x, "io_fds", &x));
	ck_assert(json_object_object_get_ex(x, "supported", &x));
	ck_assert(!json_object_get_boolean(x));
	ck_assert(json_object_object_get_ex(o, "config", &v));
	ck_assert(json_object_object_get_ex(v, "size", &x));
	ck_assert_int_eq(json_object_get_int(x), 4096);
	ck_assert(json_object_object_get_ex(v, "extended_capabilities", &x));
	ck_assert_uint_eq(json_object_array_length(x), 3);
	json_object_put(o);
	run_free(&r);
}
END_TEST

START_TEST(test_missing_socket_is_status_1_naming_it)
{
	struct run r;

	run(&r, (const char *[]){ sock_path, NULL });
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	assert_one_line(r.err);
	ck_assert_ptr_nonnull(strstr(r.err, sock_path));
	ck_assert_ptr_nonnull(strstr(r.err, "no such socket"));
	run_free(&r);
}
END_TEST

START_TEST(test_refused_connection_is_status_1)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct run r;

	/* A bound socket nobody listens on: connect() is refused */
	strcpy(sa.sun_path, sock_path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	run(&r, (const char *[]){ sock_path, NULL });
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert_ptr_nonnull(strstr(r.err, sock_path));
	ck_assert_ptr_nonnull(strstr(r.err, "refused"));
	run_free(&r);
}
END_TEST

START_TEST(test_regular_file_is_not_a_socket)
{
	struct run r;
	int fd = open(sock_path, O_CREAT | O_WRONLY, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
	run(&r, (const char *[]){ sock_path, NULL });
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "not a UNIX socket"));
	run_free(&r);
}
END_TEST

START_TEST(test_peer_not_speaking_vfio_user_is_status_1)
{
	struct fake_device_cfg cfg = { .mode = FAKE_GARBAGE };
	struct fake_device d;
	struct run r;

	ck_assert_int_eq(fake_device_listen(&d, &cfg, sock_path), 0);
	run(&r, (const char *[]){ "--timeout", "2000", sock_path, NULL });
	fake_device_stop(&d);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	assert_one_line(r.err);
	ck_assert_ptr_nonnull(strstr(r.err, sock_path));
	ck_assert_msg(r.ms < 2000, "took %ld ms", r.ms);
	run_free(&r);
}
END_TEST

START_TEST(test_silent_server_times_out_with_status_1)
{
	struct fake_device_cfg cfg = { .mode = FAKE_SILENT };
	struct fake_device d;
	struct run r;

	ck_assert_int_eq(fake_device_listen(&d, &cfg, sock_path), 0);
	run(&r, (const char *[]){ "--timeout", "300", sock_path, NULL });
	fake_device_stop(&d);
	ck_assert_int_eq(r.status, 1);
	assert_one_line(r.err);
	ck_assert_ptr_nonnull(strstr(r.err, sock_path));
	ck_assert_msg(r.ms >= 250 && r.ms < 3000, "took %ld ms", r.ms);
	run_free(&r);
}
END_TEST

START_TEST(test_usage_errors_are_status_2)
{
	const char *const *cases[] = {
		(const char *[]){ NULL },
		(const char *[]){ "a.sock", "b.sock", NULL },
		(const char *[]){ "--timeout", "soon", "a.sock", NULL },
		(const char *[]){ "--timeout", "0", "a.sock", NULL },
		(const char *[]){ "--timeout", "-5", "a.sock", NULL },
		(const char *[]){ "--frobnicate", "a.sock", NULL },
		(const char *[]){ "a.sock", "--timeout", NULL },
	};
	struct run r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, cases[i]);
		ck_assert_msg(r.status == 2, "case %zu: status %d", i, r.status);
		ck_assert_str_eq(r.out, "");
		ck_assert_msg(strstr(r.err, "vfio-user-info"), "case %zu: %s", i, r.err);
		run_free(&r);
	}
}
END_TEST

START_TEST(test_help_and_version)
{
	struct run r;

	run(&r, (const char *[]){ "--help", NULL });
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Usage: vfio-user-info [--json] [--timeout MS] SOCKET"));
	run_free(&r);
	run(&r, (const char *[]){ "--version", NULL });
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "vfio-user-info (minivmm) "));
	run_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vfio_user_info_cli");
	TCase *tc = tcase_create("cli");

	signal(SIGPIPE, SIG_IGN);
	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text_output_describes_the_device);
	tcase_add_test(tc, test_json_output_is_one_object_with_numbers);
	tcase_add_test(tc, test_missing_socket_is_status_1_naming_it);
	tcase_add_test(tc, test_refused_connection_is_status_1);
	tcase_add_test(tc, test_regular_file_is_not_a_socket);
	tcase_add_test(tc, test_peer_not_speaking_vfio_user_is_status_1);
	tcase_add_test(tc, test_silent_server_times_out_with_status_1);
	tcase_add_test(tc, test_usage_errors_are_status_2);
	tcase_add_test(tc, test_help_and_version);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
