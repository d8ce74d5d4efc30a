// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every device program's main() needs: the spec's command line
 * ("Backend Program Conventions": --socket-path=PATH, --fd=FDNUM; no
 * daemonizing; SIGTERM honoured) and the serve loop.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/framework/vus_priv.h"

static void usage(const struct vus_program *prog, FILE *f)
{
	const struct vus_option *o;

	fprintf(f, "Usage: %s --socket-path=PATH [options]\n", prog->name);
	if (prog->summary)
		fprintf(f, "%s\n", prog->summary);
	fprintf(f, "\nOptions:\n"
		"  --socket-path=PATH  listen on the UNIX socket PATH (created "
		"0600)\n"
		"  --fd=FDNUM          serve on socket FDNUM instead (listening "
		"or connected)\n"
		"  --verbose           log debug lines too\n"
		"  --help              show this and exit\n");
	for (o = prog->options; o && o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s", o->name,
			 o->value ? "=VALUE" : "");
		fprintf(f, "  %-19s %s\n", left, o->help ? o->help : "");
	}
	fprintf(f, "\nStops on SIGTERM or SIGINT (exit status 0) and removes "
		"the socket.\n");
}

static int bad(const struct vus_program *prog, const char *fmt,
	       const char *arg)
{
	fprintf(stderr, "%s: ", prog->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n\n");
	usage(prog, stderr);
	return -EINVAL;
}

/*
 * If @arg is --@name or --@name=VALUE: 1, with *@val the value (from
 * "=", or the next argument when @want_value and there is no "="; NULL
 * for a flag). 0 if it is another option; -EINVAL when a value is
 * missing or given to a flag.
 */
static int match(const char *arg, const char *name, bool want_value,
		 int argc, char **argv, int *i, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(arg, "--", 2) || strncmp(arg + 2, name, n))
		return 0;
	arg += 2 + n;
	*val = NULL;
	if (*arg == '=') {
		if (!want_value)
			return -EINVAL;
		*val = arg + 1;
		return 1;
	}
	if (*arg)
		return 0;
	if (!want_value)
		return 1;
	if (*i + 1 >= argc)
		return -EINVAL;
	*val = argv[++*i];
	return 1;
}

static int parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

int vus_args_parse(const struct vus_program *prog, int argc, char **argv,
		   struct vus_args *args)
{
	const struct vus_option *o;
	const char *val;
	int i, m;

	memset(args, 0, sizeof(*args));
	args->fd = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(prog, stdout);
			return 1;
		}
		if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			args->verbose = true;
			continue;
		}
		m = match(a, "socket-path", true, argc, argv, &i, &val);
		if (m < 0 || (m && !*val))
			return bad(prog, "%s needs a path", "--socket-path");
		if (m) {
			args->socket_path = val;
			continue;
		}
		m = match(a, "fd", true, argc, argv, &i, &val);
		if (m < 0 || (m && (args->fd = parse_fd(val)) < 0))
			return bad(prog, "%s needs a file descriptor number",
				   "--fd");
		if (m)
			continue;
		for (o = prog->options; o && o->name; o++) {
			m = match(a, o->name, o->value != NULL, argc, argv, &i,
				  &val);
			if (m < 0)
				return bad(prog, "bad use of option %s", a);
			if (!m)
				continue;
			if (o->value)
				*o->value = val;
			else if (o->flag)
				*o->flag = true;
			break;
		}
		if (o && o->name)
			continue;
		return bad(prog, "unknown argument %s", a);
	}
	if (!args->socket_path == (args->fd < 0))
		return bad(prog, "%s", "give one of --socket-path=PATH and "
			   "--fd=FDNUM");
	return 0;
}

/*
 * The stop eventfd of the device vus_run() serves. A signal handler has
 * no context but globals: this is the only one, set before the handlers
 * are installed.
 */
static volatile int signal_stop_fd = -1;

static void on_stop_signal(int sig)
{
	int saved = errno;
	uint64_t one = 1;
	ssize_t n;

	(void)sig;
	n = write(signal_stop_fd, &one, sizeof(one));
	(void)n;
	errno = saved;
}

int vus_run(struct vus_dev *dev, const struct vus_args *args)
{
	struct sigaction sa;
	int ret;

	if (args->verbose)
		dev->log_level = VUS_LOG_DEBUG;
	signal_stop_fd = dev->stop_fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (args->socket_path)
		ret = vus_serve(dev, args->socket_path);
	else
		ret = vus_serve_fd(dev, args->fd);
	if (ret)
		vus_log(dev, VUS_LOG_ERR, "cannot serve: %s", strerror(-ret));
	return ret ? 1 : 0;
}
