/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_TESTS_CHILD_H
#define MINIVMM_DEVICES_FRAMEWORK_TESTS_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * A device program run by a test as a child process: in a fresh
 * directory (mkdtemp under $TMPDIR or /tmp) with its socket there and
 * its stderr in a log file the test reads.
 */
struct child {
	pid_t pid;
	char dir[128];
	char sock[192];
	char log[192];
	long log_off;		/* where child_log_has() starts looking */
	char why[400];		/* why child_start() failed */
};

/* How long child_start() waits for the program to listen. */
#define CHILD_START_MS	10000

/*
 * Start @bin --socket-path=DIR/dev.sock @extra... (NULL-terminated, may
 * be NULL) and wait until its socket listens (CHILD_START_MS), seen in
 * /proc/net/unix. With @dir_ready (may be NULL) called on the directory
 * and socket path before the start, e.g. to put a file where the socket
 * goes. Returns 0; -ECHILD when it exited first (its status is then
 * child_stop(ch, 0)); -ETIMEDOUT; -errno. On failure ch->why says what
 * was waited for and what happened, for the test's message.
 */
int child_start(struct child *ch, const char *bin, const char *const *extra,
		void (*dir_ready)(const char *dir, const char *sock));

/*
 * Send @sig (0: none) and wait for the child (5 s, then SIGKILL). Returns
 * its exit status, or 128 + the signal that killed it.
 */
int child_stop(struct child *ch, int sig);

/* Remove the directory and what is in it. */
void child_cleanup(struct child *ch);

/* Start looking at the log from its current end. */
void child_log_mark(struct child *ch);

/* Whether the log got a line containing @needle since the mark (waits
 * up to @timeout_ms). Moves the mark past what was read. */
bool child_log_has(struct child *ch, const char *needle, int timeout_ms);

/* The whole log (malloc'd, NUL-terminated; "" if none). */
char *child_log_all(struct child *ch);

#endif
