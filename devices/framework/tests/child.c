// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device program as a test's child process (see child.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/framework/tests/child.h"
#include "proto/tests/wait_for.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int child_start(struct child *ch, const char *bin, const char *const *extra,
		void (*dir_ready)(const char *dir, const char *sock))
{
	const char *tmp = getenv("TMPDIR");
	char arg[256];
	const char *argv[16];
	int i, n = 0, status, ret;
	int64_t end;

	memset(ch, 0, sizeof(*ch));
	snprintf(ch->dir, sizeof(ch->dir), "%s/vus-test-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(ch->dir))
		return -errno;
	snprintf(ch->sock, sizeof(ch->sock), "%s/dev.sock", ch->dir);
	snprintf(ch->log, sizeof(ch->log), "%s/stderr.log", ch->dir);
	snprintf(arg, sizeof(arg), "--socket-path=%s", ch->sock);
	if (dir_ready)
		dir_ready(ch->dir, ch->sock);
	argv[n++] = bin;
	argv[n++] = arg;
	for (i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;

	ch->pid = fork();
	if (ch->pid < 0) {
		ret = -errno;
		snprintf(ch->why, sizeof(ch->why), "cannot fork for %s: %s",
			 bin, strerror(-ret));
		return ret;
	}
	if (ch->pid == 0) {
		int lg = open(ch->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		int nul = open("/dev/null", O_RDWR);

		/* The device must not outlive a test that failed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (lg < 0 || nul < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(lg, 2);
		close(lg);
		close(nul);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	/*
	 * Wait until it listens, or has exited (a test of a failed start).
	 * Not by connecting: a probe would be a session of its own. Not by
	 * its "listening on" log line either: the socket is what a client
	 * needs, and the line is a message for people.
	 */
	end = wait_for_now_ms() + CHILD_START_MS;
	for (;;) {
		if (waitpid(ch->pid, &status, WNOHANG) == ch->pid) {
			ch->pid = -(WIFEXITED(status) ? WEXITSTATUS(status) :
				    128 + WTERMSIG(status));
			snprintf(ch->why, sizeof(ch->why), "%s exited (status "
				 "%d) before it listened on %s", bin, -ch->pid,
				 ch->sock);
			return -ECHILD;
		}
		ret = wait_for_is_listening(ch->sock);
		if (ret > 0)
			return 0;
		if (ret < 0) {
			snprintf(ch->why, sizeof(ch->why), "cannot read "
				 "/proc/net/unix to see if %s listens: %s",
				 ch->sock, strerror(-ret));
			return ret;
		}
		if (wait_for_now_ms() > end) {
			snprintf(ch->why, sizeof(ch->why), "%s (pid %d): %s "
				 "not listening after %d ms", bin, (int)ch->pid,
				 ch->sock, CHILD_START_MS);
			return -ETIMEDOUT;
		}
		wait_for_pause();
	}
}

int child_stop(struct child *ch, int sig)
{
	int status, i;

	if (ch->pid <= 0)
		return -ch->pid;
	if (sig)
		kill(ch->pid, sig);
	for (i = 0; i < 500; i++) {
		if (waitpid(ch->pid, &status, WNOHANG) == ch->pid)
			break;
		sleep_ms(10);
	}
	if (i == 500) {
		kill(ch->pid, SIGKILL);
		waitpid(ch->pid, &status, 0);
	}
	ch->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) :
				   128 + WTERMSIG(status);
}

void child_cleanup(struct child *ch)
{
	struct dirent *e;
	char path[512];
	DIR *d;

	if (ch->pid > 0)
		child_stop(ch, SIGKILL);
	if (!ch->dir[0])
		return;
	d = opendir(ch->dir);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", ch->dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(ch->dir);
	ch->dir[0] = 0;
}

static char *read_from(const char *path, long off, long *end)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f) {
		*end = off;
		return strdup("");
	}
	fseek(f, 0, SEEK_END);
	*end = ftell(f);
	n = *end > off ? *end - off : 0;
	buf = calloc(1, (size_t)n + 1);
	fseek(f, off, SEEK_SET);
	if (buf && n && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = 0;
	fclose(f);
	return buf;
}

void child_log_mark(struct child *ch)
{
	free(read_from(ch->log, 0, &ch->log_off));
}

bool child_log_has(struct child *ch, const char *needle, int timeout_ms)
{
	long end;
	char *text;
	bool found;
	int waited = 0;

	for (;;) {
		text = read_from(ch->log, ch->log_off, &end);
		found = text && strstr(text, needle);
		free(text);
		if (found || waited >= timeout_ms)
			break;
		sleep_ms(10);
		waited += 10;
	}
	if (found)
		ch->log_off = end;
	return found;
}

char *child_log_all(struct child *ch)
{
	long end;

	return read_from(ch->log, 0, &end);
}
