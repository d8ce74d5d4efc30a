/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_TESTS_WAIT_FOR_H
#define MINIVMM_PROTO_TESTS_WAIT_FOR_H

/*
 * What tests wait for, read where the kernel shows it, so that a test
 * polls the real condition up to a deadline instead of sleeping a time
 * assumed to be enough (too short on a loaded machine: a flaky failure,
 * or a test that silently checks something else; too long: slow).
 * The caller names what it waited for in its failure message.
 *
 * - wait_for_is_listening(): whether a UNIX socket listens at a path (the
 *   C twin of tools/wait-listening), seen in /proc/net/unix without
 *   connecting: a vfio-user server may serve one client and exit, a probe
 *   connection would be that client. A test polls it with its own
 *   deadline, and with waitpid() for a server that exits first.
 * - wait_for_thread_blocked(): a thread of this process sleeps in a given
 *   system call (/proc/self/task/TID/stat and .../syscall): it has reached
 *   the blocking call a test means to interrupt or to keep blocked.
 * - wait_for_others_blocked(): every other thread of this process sleeps
 *   (the threads of a test "settled").
 * - wait_for_peer_read(): the peer has read all that was sent on a UNIX
 *   socket (SIOCOUTQ).
 *
 * The wait_for_*() waits return 0 once the condition holds, -ETIMEDOUT
 * after @timeout_ms, or another negative errno when it cannot be read.
 */

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>

/* Any system call, for wait_for_thread_blocked(). */
#define WAIT_FOR_ANY_SYSCALL	(-1L)

static inline int64_t wait_for_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The interval between two looks at a condition (not a wait for it). */
static inline void wait_for_pause(void)
{
	struct timespec t = { .tv_nsec = 1000000 };

	nanosleep(&t, NULL);
}

/*
 * Whether a socket bound at @path (as the server spelt it) listens: 1, 0,
 * or -errno. The Flags column of /proc/net/unix has __SO_ACCEPTCON
 * (0x10000) once listen() was called; the path ends the line.
 */
static inline int wait_for_is_listening(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "re");
	size_t cap = 0, plen = strlen(path);
	char *line = NULL;
	unsigned int flags;
	int found = 0, pos, nr = 0;
	ssize_t n;

	if (!f)
		return -errno;
	while (!found && (n = getline(&line, &cap, f)) > 0) {
		if (!nr++)
			continue;	/* the column names */
		if (line[n - 1] == '\n')
			line[--n] = 0;
		pos = 0;
		/* "Num: RefCount Protocol Flags Type St Inode Path" */
		if (sscanf(line, "%*s %*s %*s %x %*s %*s %*s %n", &flags,
			   &pos) != 1 || !pos)
			continue;
		found = (flags & 0x10000) && (size_t)n - pos == plen &&
			!memcmp(line + pos, path, plen);
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * The start of /proc/self/task/@tid/@name into @buf (NUL-terminated):
 * 0, or -errno when it cannot be opened.
 */
static inline int wait_for_read_task_file(pid_t tid, const char *name,
					  char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = 0;
	return 0;
}

/*
 * The state letter of thread @tid of this process (R, S, D...), from the
 * field after the last ')' of its stat (the name before may hold any
 * character), or -errno.
 */
static inline int wait_for_thread_state(pid_t tid)
{
	char buf[512], *p;
	int ret = wait_for_read_task_file(tid, "stat", buf, sizeof(buf));

	if (ret)
		return ret;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return -EPROTO;
	return p[2];
}

/*
 * The system call thread @tid is in: 0 with *@nr its number (the first
 * field of /proc/self/task/TID/syscall; -1 in user space), -EAGAIN while
 * it runs, or -errno when that file cannot be read.
 */
static inline int wait_for_thread_syscall(pid_t tid, long *nr)
{
	char buf[64];
	int ret = wait_for_read_task_file(tid, "syscall", buf, sizeof(buf));

	if (ret)
		return ret;
	if (!strncmp(buf, "running", 7))
		return -EAGAIN;
	*nr = strtol(buf, NULL, 10);
	return 0;
}

/*
 * Until thread @tid sleeps (state S) inside system call @nr (SYS_...
 * from <sys/syscall.h>, or WAIT_FOR_ANY_SYSCALL). A thread that only
 * ever blocks in that call is then blocked in it, not on its way there.
 * Where the kernel does not show the system call, the state alone counts.
 */
static inline int wait_for_thread_blocked(pid_t tid, long nr, int timeout_ms)
{
	int64_t end = wait_for_now_ms() + timeout_ms;
	long in = -1;
	int st, ret;

	for (;;) {
		st = wait_for_thread_state(tid);
		if (st < 0)
			return st;
		if (st == 'S') {
			if (nr == WAIT_FOR_ANY_SYSCALL)
				return 0;
			ret = wait_for_thread_syscall(tid, &in);
			/* Not shown (no file, not allowed): the state alone. */
			if ((!ret && in == nr) || (ret && ret != -EAGAIN))
				return 0;
		}
		if (wait_for_now_ms() > end)
			return -ETIMEDOUT;
		wait_for_pause();
	}
}

/* Whether every thread of this process but the caller sleeps: 1, 0, -errno. */
static inline int wait_for_others_asleep(void)
{
	pid_t self = gettid();
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int st, all = 1;

	if (!d)
		return -errno;
	while (all == 1 && (e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid <= 0 || tid == self)
			continue;
		st = wait_for_thread_state(tid);
		if (st == -ENOENT)
			continue;	/* it has just exited */
		all = st < 0 ? st : st == 'S';
	}
	closedir(d);
	return all;
}

/*
 * Until every other thread of this process sleeps: seen so twice in a
 * row, a pause apart, since one look reads the threads one after the
 * other and one may wake another meanwhile.
 */
static inline int wait_for_others_blocked(int timeout_ms)
{
	int64_t end = wait_for_now_ms() + timeout_ms;
	int ret, seen = 0;

	for (;;) {
		ret = wait_for_others_asleep();
		if (ret < 0)
			return ret;
		seen = ret ? seen + 1 : 0;
		if (seen == 2)
			return 0;
		if (wait_for_now_ms() > end)
			return -ETIMEDOUT;
		wait_for_pause();
	}
}

/*
 * Until the peer of UNIX stream socket @sock has read every byte sent on
 * it: what is sent stays charged to the sender (SIOCOUTQ) until the
 * receiver has consumed it.
 */
static inline int wait_for_peer_read(int sock, int timeout_ms)
{
	int64_t end = wait_for_now_ms() + timeout_ms;
	int queued;

	for (;;) {
		if (ioctl(sock, SIOCOUTQ, &queued))
			return -errno;
		if (!queued)
			return 0;
		if (wait_for_now_ms() > end)
			return -ETIMEDOUT;
		wait_for_pause();
	}
}

#endif
