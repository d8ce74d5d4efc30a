// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-info SOCKET: connect to a vfio-user server as a client and
 * show what the device offers, like lspci for a socket.
 *
 * Exit status: 0 shown; 1 the connection or the protocol failed (no such
 * socket, refused, not a vfio-user server, no reply in time); 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "proto/client/vu_client.h"
#include "tools/vfio-user-info/info.h"
#include "tools/vfio-user-info/info_gather.h"

#ifndef MINIVMM_VERSION
#define MINIVMM_VERSION "unknown"
#endif

#define PROG			"vfio-user-info"
#define DEFAULT_TIMEOUT_MS	5000
#define MAX_TIMEOUT_MS		(24 * 3600 * 1000)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--json] [--timeout MS] SOCKET\n"
		"Connect to the vfio-user server at SOCKET as a client and show what the\n"
		"device offers: protocol version and capabilities, device flags, regions\n"
		"(sizes, flags, mmap areas, io fds), IRQs, and the PCI config space\n"
		"decoded like lspci -vv. Nothing on the device is changed.\n"
		"\n"
		"  -j, --json        print one JSON object instead of text\n"
		"  -t, --timeout MS  wait at most MS milliseconds for each reply\n"
		"                    (default %d)\n"
		"  -h, --help        show this help\n"
		"  -V, --version     show the version\n"
		"\n"
		"Exit status: 0 success, 1 connection or protocol failure, 2 usage error.\n",
		DEFAULT_TIMEOUT_MS);
}

static int parse_timeout(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > MAX_TIMEOUT_MS)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* One line naming the socket and the problem. */
static void fail(const char *path, int err, const char *why)
{
	const char *what;

	if (why && *why) {
		/* The client library's reasons already name the socket. */
		if (!strncmp(why, path, strlen(path)))
			fprintf(stderr, PROG ": %s\n", why);
		else
			fprintf(stderr, PROG ": %s: %s\n", path, why);
		return;
	}
	switch (err) {
	case -ENOENT:
		what = "no such socket";
		break;
	case -ECONNREFUSED:
		what = "connection refused (no server is listening)";
		break;
	case -ETIMEDOUT:
		what = "no reply from the server in time";
		break;
	case -EPROTO:
		what = "not a vfio-user server (protocol error)";
		break;
	default:
		what = strerror(-err);
		break;
	}
	fprintf(stderr, PROG ": %s: %s\n", path, what);
}

/* Before connecting: a clear word for a path that cannot be a server. */
static int check_path(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		int err = errno;

		fprintf(stderr, PROG ": %s: %s\n", path,
			err == ENOENT ? "no such socket (the path does not exist)" :
			strerror(err));
		return -err;
	}
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, PROG ": %s: not a UNIX socket\n", path);
		return -ENOTSOCK;
	}
	return 0;
}

static int show(const struct info *in, bool json)
{
	struct json_object *o;
	const char *s;
	int rc = 0;

	if (!json)
		return info_print_text(stdout, in);
	o = info_to_json(in);
	if (!o)
		return -ENOMEM;
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s || fprintf(stdout, "%s\n", s) < 0)
		rc = -EIO;
	json_object_put(o);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vu_client_config cfg;
	struct vu_client *c = NULL;
	struct vu_why why;
	struct info in;
	const char *path;
	bool json = false;
	int timeout_ms = DEFAULT_TIMEOUT_MS;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "jt:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 't':
			if (parse_timeout(optarg, &timeout_ms)) {
				fprintf(stderr, PROG ": --timeout: '%s' is not a number of milliseconds from 1 to %d\n",
					optarg, MAX_TIMEOUT_MS);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(PROG " (minivmm) %s\n", MINIVMM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, PROG ": %s\n", optind == argc ?
			"missing SOCKET" : "only one SOCKET may be given");
		usage(stderr);
		return 2;
	}
	path = argv[optind];
	if (check_path(path))
		return 1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.name = path;
	cfg.timeout_ms = timeout_ms;
	/* Offered so that the reply says whether the server has it. */
	cfg.twin_socket = true;
	memset(&why, 0, sizeof(why));
	rc = vu_client_connect(path, &cfg, &c, &why);
	if (rc) {
		fail(path, rc, why.msg);
		return 1;
	}
	rc = info_gather(c, path, &in, &why);
	if (rc) {
		fail(path, rc, why.msg);
		info_release(&in);
		vu_client_close(c);
		return 1;
	}
	rc = show(&in, json);
	info_release(&in);
	vu_client_close(c);
	if (rc || fflush(stdout)) {
		fprintf(stderr, PROG ": writing the output failed: %s\n",
			strerror(rc ? -rc : errno));
		return 1;
	}
	return 0;
}
