// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM as a vfio-user server receives it: the memfd crosses a real
 * UNIX socket (SCM_RIGHTS, as DMA_MAP sends it) to another process, which
 * tries to resize it. Before the memfd was sealed, a server that shrank
 * it killed minivmm with SIGBUS at its next guest RAM access.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/tests/check_main.h"
#include "vmm/guest_ram.h"

#define RAM_SIZE (64ull << 20)

static void send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	ck_assert_int_eq(sendmsg(sock, &msg, 0), 1);
}

static int recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	int fd = -1;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * The hostile server: receives the fd, tries to grow it, to shrink it to
 * one page, and to take the seals off, and reports each errno.
 */
static void hostile_server(int sock)
{
	int fd = recv_fd(sock), err[3];

	err[0] = ftruncate(fd, (off_t)(RAM_SIZE * 2)) ? errno : 0;
	err[1] = ftruncate(fd, 4096) ? errno : 0;
	err[2] = fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) ? errno : 0;
	if (write(sock, err, sizeof(err)) != sizeof(err))
		_exit(2);
	_exit(0);
}

START_TEST(test_server_cannot_resize_guest_ram)
{
	struct guest_ram ram;
	struct stat st;
	int sv[2], err[3], status;
	pid_t pid;

	ck_assert_int_eq(guest_ram_create(&ram, RAM_SIZE), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		hostile_server(sv[1]);
	}
	close(sv[1]);
	send_fd(sv[0], ram.memfd);
	ck_assert_int_eq(read(sv[0], err, sizeof(err)), (ssize_t)sizeof(err));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* minivmm's next access to the end of RAM, as a DMA_READ's: it
	 * died here of SIGBUS when the server could shrink the memfd. */
	ram.base[RAM_SIZE - 1] = 0x5a;
	ck_assert_uint_eq(ram.base[RAM_SIZE - 1], 0x5a);
	ck_assert_msg(err[0] == EPERM, "growing guest RAM: %s", strerror(err[0]));
	ck_assert_msg(err[1] == EPERM, "shrinking guest RAM: %s", strerror(err[1]));
	ck_assert_msg(err[2] == EPERM, "changing the seals: %s", strerror(err[2]));
	ck_assert_int_eq(fstat(ram.memfd, &st), 0);
	ck_assert_uint_eq((uint64_t)st.st_size, RAM_SIZE);
	close(sv[0]);
	guest_ram_destroy(&ram);
}
END_TEST

START_TEST(test_seals_say_so)
{
	struct guest_ram ram;
	int seals;

	ck_assert_int_eq(guest_ram_create(&ram, RAM_SIZE), 0);
	seals = fcntl(ram.memfd, F_GET_SEALS);
	ck_assert_int_ge(seals, 0);
	ck_assert_int_eq(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
			 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	/* Writes stay allowed: the guest and its devices write RAM. */
	ck_assert_int_eq(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE), 0);
	guest_ram_destroy(&ram);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_ram");
	TCase *tc = tcase_create("seals");

	tcase_add_test(tc, test_server_cannot_resize_guest_ram);
	tcase_add_test(tc, test_seals_say_so);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
