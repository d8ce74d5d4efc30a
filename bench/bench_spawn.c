// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-spawn: run one command (a VMM) and time, from just before its
 * fork, the first line of its stdout or stderr that contains each marker,
 * and its exit. The same reader times minivmm and QEMU, so the pipe and
 * scheduling latency of the observation is the same for both.
 *
 *   bench-spawn [--mark NAME=TEXT]... [--sample-at NAME] [--kill-at NAME]
 *               [--guest-ram MIB] [--timeout S] [--log FILE] -- CMD [ARG]...
 *
 * Prints one line on stdout:
 *   spawn status=S exit_ms=T [mark.NAME=T]... [rss fields]
 * status is the exit status (128+N for a signal), times are milliseconds
 * since the fork; a marker that never came is absent. Output is read
 * until both pipes close, or for 2 s after the exit (a child of the
 * command may keep them open).
 *
 * --sample-at NAME: when marker NAME arrives, read the process's memory
 * from /proc/PID/status (VmRSS, RssAnon, RssFile, RssShmem, in KiB) and
 * /proc/PID/smaps: guest_kib is the resident size of the mappings of at
 * least --guest-ram MiB (the guest RAM: minivmm's memfd mapping, QEMU's
 * "pc.ram"), own_kib = VmRSS - guest_kib, thp_kib the transparent huge
 * pages (AnonHugePages) of the other mappings.
 * --kill-at NAME: SIGTERM the command when marker NAME arrives (then
 * SIGKILL after 5 s); for start-up timings that need no guest.
 * --timeout S (default 300): SIGKILL the command after S seconds; the
 * line then says status=timeout.
 *
 * Exit status: 0 when the command ran (whatever its status), 1 on our
 * own failure, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_MARKS	8
#define LINE_MAX_LEN	4096

struct mark {
	const char *name;
	const char *text;
	double ms;		/* < 0 until seen */
};

struct stream {
	int fd;
	char line[LINE_MAX_LEN];
	size_t len;
};

struct mem_sample {
	bool taken;
	long rss, anon, file, shmem;	/* KiB, /proc/PID/status */
	long guest;			/* KiB resident in guest RAM mappings */
	long thp;			/* KiB of anonymous huge pages elsewhere */
};

struct spawn {
	struct mark marks[MAX_MARKS];
	unsigned int nr_marks;
	const char *sample_at;
	const char *kill_at;
	long guest_ram_kib;
	int timeout_s;
	FILE *log;
	struct timespec t0;
	pid_t pid;
	bool killed;
	struct timespec kill_time;
	struct mem_sample mem;
};

static double ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e6;
}

static long status_field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/*
 * The process's memory now. The guest RAM mappings are the big ones: no
 * other mapping of a VMM is as large as the guest's RAM, so the size
 * threshold finds them without knowing their names.
 */
static void sample_memory(struct spawn *s)
{
	char path[64], buf[4096], line[512];
	unsigned long start, end;
	bool big = false;
	FILE *f;
	size_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)s->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	s->mem.rss = status_field(buf, "VmRSS:");
	s->mem.anon = status_field(buf, "RssAnon:");
	s->mem.file = status_field(buf, "RssFile:");
	s->mem.shmem = status_field(buf, "RssShmem:");

	s->mem.guest = 0;
	s->mem.thp = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)s->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long kib;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			big = (long)((end - start) / 1024) >= s->guest_ram_kib;
			continue;
		}
		if (big && sscanf(line, "Rss: %ld kB", &kib) == 1)
			s->mem.guest += kib;
		if (!big && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			s->mem.thp += kib;
	}
	fclose(f);
	s->mem.taken = s->mem.rss >= 0;
}

static void on_mark(struct spawn *s, struct mark *m)
{
	m->ms = ms_since(&s->t0);
	if (s->sample_at && !strcmp(s->sample_at, m->name) && !s->mem.taken)
		sample_memory(s);
	if (s->kill_at && !strcmp(s->kill_at, m->name) && !s->killed) {
		kill(s->pid, SIGTERM);
		s->killed = true;
		clock_gettime(CLOCK_MONOTONIC, &s->kill_time);
	}
}

static void check_line(struct spawn *s, const char *line)
{
	unsigned int i;

	for (i = 0; i < s->nr_marks; i++)
		if (s->marks[i].ms < 0 && strstr(line, s->marks[i].text))
			on_mark(s, &s->marks[i]);
}

/*
 * Consume what is readable on @st: markers are checked on each complete
 * line, and also on a partial one (a marker must not wait for its line's
 * end, which a guest may print much later). Returns false at EOF.
 */
static bool read_stream(struct spawn *s, struct stream *st)
{
	char buf[4096];
	ssize_t n = read(st->fd, buf, sizeof(buf));
	ssize_t i;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if (s->log)
		fwrite(buf, 1, (size_t)n, s->log);
	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n' || st->len == sizeof(st->line) - 1) {
			st->line[st->len] = '\0';
			check_line(s, st->line);
			st->len = 0;
			if (c == '\n')
				continue;
		}
		st->line[st->len++] = c;
	}
	st->line[st->len] = '\0';
	check_line(s, st->line);
	return true;
}

static int parse_args(struct spawn *s, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			return i + 1 < argc ? i + 1 : -1;
		} else if (!v) {
			return -1;
		} else if (!strcmp(a, "--mark")) {
			char *eq = strchr(argv[i + 1], '=');

			if (!eq || eq == v || !eq[1] || s->nr_marks == MAX_MARKS)
				return -1;
			*eq = '\0';
			s->marks[s->nr_marks].name = v;
			s->marks[s->nr_marks].text = eq + 1;
			s->marks[s->nr_marks].ms = -1;
			s->nr_marks++;
		} else if (!strcmp(a, "--sample-at")) {
			s->sample_at = v;
		} else if (!strcmp(a, "--kill-at")) {
			s->kill_at = v;
		} else if (!strcmp(a, "--guest-ram")) {
			s->guest_ram_kib = strtol(v, NULL, 10) * 1024;
			if (s->guest_ram_kib <= 0)
				return -1;
		} else if (!strcmp(a, "--timeout")) {
			s->timeout_s = atoi(v);
			if (s->timeout_s <= 0)
				return -1;
		} else if (!strcmp(a, "--log")) {
			s->log = fopen(v, "we");
			if (!s->log) {
				perror(v);
				exit(1);
			}
		} else {
			return -1;
		}
		i++;
	}
	return -1;
}

static pid_t start(struct spawn *s, char **cmd, int out[2], int err[2])
{
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0)
			_exit(127);
		execvp(cmd[0], cmd);
		fprintf(stderr, "bench-spawn: cannot run %s: %s\n", cmd[0],
			strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	return pid;
}

int main(int argc, char **argv)
{
	struct spawn s = { .timeout_s = 300, .guest_ram_kib = 64 * 1024 };
	struct stream st[2];
	int out[2], err[2], first, pidfd, status = 0, i;
	bool open_out = true, open_err = true, exited = false, timed_out = false;
	double exit_ms = -1;

	first = parse_args(&s, argc, argv);
	if (first < 0) {
		fprintf(stderr, "usage: bench-spawn [--mark NAME=TEXT]... "
			"[--sample-at NAME] [--kill-at NAME] [--guest-ram MIB] "
			"[--timeout S] [--log FILE] -- CMD [ARG]...\n");
		return 2;
	}
	s.pid = start(&s, argv + first, out, err);
	if (s.pid < 0) {
		perror("bench-spawn: fork");
		return 1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, s.pid, 0);
	if (pidfd < 0) {
		perror("bench-spawn: pidfd_open");
		kill(s.pid, SIGKILL);
		return 1;
	}
	st[0] = (struct stream){ .fd = out[0] };
	st[1] = (struct stream){ .fd = err[0] };

	/*
	 * Until the process has exited and both pipes are drained (a marker
	 * may still sit in a pipe when the exit is seen).
	 */
	while (!exited || open_out || open_err) {
		struct pollfd p[3] = {
			{ .fd = open_out ? out[0] : -1, .events = POLLIN },
			{ .fd = open_err ? err[0] : -1, .events = POLLIN },
			{ .fd = exited ? -1 : pidfd, .events = POLLIN },
		};
		double now = ms_since(&s.t0);
		int wait_ms = 200;

		if (!exited && !timed_out && now > s.timeout_s * 1e3) {
			kill(s.pid, SIGKILL);
			timed_out = true;
		}
		if (!exited && s.killed && !timed_out &&
		    ms_since(&s.kill_time) > 5000)
			kill(s.pid, SIGKILL);
		/* A child of the command may hold the pipes open: drain for a
		 * while after the exit, not for as long as it lives. */
		if (exited && now - exit_ms > 2000)
			break;
		if (poll(p, 3, wait_ms) < 0 && errno != EINTR) {
			perror("bench-spawn: poll");
			kill(s.pid, SIGKILL);
			return 1;
		}
		if (p[0].revents && !read_stream(&s, &st[0]))
			open_out = false;
		if (p[1].revents && !read_stream(&s, &st[1]))
			open_err = false;
		if (p[2].revents) {
			exit_ms = ms_since(&s.t0);
			exited = true;
		}
	}
	if (waitpid(s.pid, &status, 0) < 0) {
		perror("bench-spawn: waitpid");
		return 1;
	}
	close(pidfd);
	close(out[0]);
	close(err[0]);
	if (s.log)
		fclose(s.log);

	if (timed_out)
		printf("spawn status=timeout");
	else if (WIFSIGNALED(status))
		printf("spawn status=%d", 128 + WTERMSIG(status));
	else
		printf("spawn status=%d", WEXITSTATUS(status));
	printf(" exit_ms=%.3f", exit_ms);
	for (i = 0; i < (int)s.nr_marks; i++)
		if (s.marks[i].ms >= 0)
			printf(" mark.%s=%.3f", s.marks[i].name,
			       s.marks[i].ms);
	if (s.mem.taken)
		printf(" rss_kib=%ld anon_kib=%ld file_kib=%ld shmem_kib=%ld "
		       "guest_kib=%ld own_kib=%ld thp_kib=%ld", s.mem.rss,
		       s.mem.anon, s.mem.file, s.mem.shmem, s.mem.guest,
		       s.mem.rss - s.mem.guest, s.mem.thp);
	printf("\n");
	return 0;
}
