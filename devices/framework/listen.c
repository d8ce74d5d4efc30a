// SPDX-License-Identifier: GPL-2.0-only
/*
 * The listening socket and the accept loop: one client at a time, the
 * next one accepted when it leaves, until vus_dev_stop(). Spec:
 * "Socket", "Authentication" (AF_UNIX relies on the socket file's
 * permissions: ours is 0600), "Backend Program Conventions".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devices/framework/vus_priv.h"

static const char *errstr(int err)
{
	const char *s = strerror(err < 0 ? -err : err);

	return s ? s : "unknown error";
}

/* Whether a server listens on the socket file @sa (a stale one refuses). */
static bool someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

static int listen_path(struct vus_dev *dev, const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vus_log(dev, VUS_LOG_ERR, "socket path %s is longer than %zu "
			"bytes", path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			vus_log(dev, VUS_LOG_ERR, "%s exists and is not a "
				"socket: not replacing it", path);
			return -EEXIST;
		}
		if (someone_listens(&sa)) {
			vus_log(dev, VUS_LOG_ERR, "%s: another server listens "
				"there", path);
			return -EADDRINUSE;
		}
		vus_log(dev, VUS_LOG_INFO, "replacing the stale socket %s",
			path);
		if (unlink(path) && errno != ENOENT) {
			ret = -errno;
			vus_log(dev, VUS_LOG_ERR, "cannot remove %s: %s", path,
				strerror(errno));
			return ret;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		vus_log(dev, VUS_LOG_ERR, "socket: %s", strerror(errno));
		return ret;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		vus_log(dev, VUS_LOG_ERR, "bind %s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	/* Nobody can connect before listen(): set the mode first. One
	 * client is served at a time and the others wait in the backlog
	 * until it leaves: a backlog of 8 made the ninth quick connection
	 * fail at once (EAGAIN for a non-blocking connect()). */
	if (chmod(path, 0600) || listen(fd, SOMAXCONN)) {
		ret = -errno;
		vus_log(dev, VUS_LOG_ERR, "cannot listen on %s: %s", path,
			errstr(ret));
		close(fd);
		unlink(path);
		return ret;
	}
	*out = fd;
	return 0;
}

static bool stop_requested(struct vus_dev *dev)
{
	struct pollfd p = { .fd = dev->stop_fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static int serve_listener(struct vus_dev *dev, int lfd)
{
	struct pollfd p[2];
	int s, ret;

	for (;;) {
		p[0] = (struct pollfd){ .fd = dev->stop_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		ret = poll(p, 2, -1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			vus_log(dev, VUS_LOG_ERR, "poll: %s", strerror(errno));
			return ret;
		}
		if (p[0].revents) {
			vus_log(dev, VUS_LOG_INFO, "stopping");
			return 0;
		}
		if (!p[1].revents)
			continue;
		s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ECONNABORTED)
				continue;
			/* Out of fds or memory: say so, try again soon. */
			vus_log(dev, VUS_LOG_ERR, "accept: %s", strerror(errno));
			nanosleep(&(struct timespec){ .tv_nsec = 100000000 },
				  NULL);
			continue;
		}
		vus_log(dev, VUS_LOG_INFO, "client connected");
		if (vus_session_run(dev, s) == 1)
			return 0;
	}
}

int vus_serve(struct vus_dev *dev, const char *path)
{
	int fd, ret;

	ret = vus_dev_realize(dev);
	if (ret)
		return ret;
	ret = listen_path(dev, path, &fd);
	if (ret)
		return ret;
	vus_log(dev, VUS_LOG_INFO, "listening on %s", path);
	ret = serve_listener(dev, fd);
	close(fd);
	unlink(path);
	return ret;
}

int vus_serve_fd(struct vus_dev *dev, int fd)
{
	int listening = 0, s, ret;
	socklen_t len = sizeof(listening);

	ret = vus_dev_realize(dev);
	if (ret)
		return ret;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len)) {
		ret = -errno;
		vus_log(dev, VUS_LOG_ERR, "--fd=%d is not a socket: %s", fd,
			strerror(errno));
		return ret;
	}
	if (listening)
		return serve_listener(dev, fd);
	if (stop_requested(dev))
		return 0;
	s = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	vus_session_run(dev, s);
	return 0;
}
