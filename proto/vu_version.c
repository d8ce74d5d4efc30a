// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_VERSION: capabilities JSON (spec: "VFIO_USER_VERSION"). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "proto/vu_version.h"

/* libvfio-user refuses more; nobody sends more than SCM_MAX_FD anyway. */
#define VU_PEER_MAX_MSG_FDS_LIMIT	1024u

void vu_caps_defaults(struct vu_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->max_msg_fds = VFIO_USER_DEFAULT_MAX_MSG_FDS;
	caps->max_data_xfer_size = VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE;
	caps->max_dma_maps = VFIO_USER_DEFAULT_MAX_DMA_MAPS;
	caps->pgsizes = VFIO_USER_DEFAULT_PGSIZES;
	caps->twin_socket_fd_index = -1;
}

void vu_caps_ours(struct vu_caps *caps)
{
	vu_caps_defaults(caps);
	caps->max_msg_fds = VU_MAX_MSG_FDS;
}

/* Add @val under @key of @obj; @val is consumed even on failure. */
static int add(struct json_object *obj, const char *key,
	       struct json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *caps_to_json(const struct vu_caps *caps)
{
	struct json_object *top, *jc, *ts, *mig;
	int ret = 0;

	top = json_object_new_object();
	jc = json_object_new_object();
	ts = json_object_new_object();
	if (!top || !jc || !ts) {
		json_object_put(top);
		json_object_put(jc);
		json_object_put(ts);
		return NULL;
	}
	ret |= add(jc, "max_msg_fds",
		   json_object_new_uint64(caps->max_msg_fds));
	ret |= add(jc, "max_data_xfer_size",
		   json_object_new_uint64(caps->max_data_xfer_size));
	ret |= add(jc, "max_dma_maps",
		   json_object_new_uint64(caps->max_dma_maps));
	ret |= add(jc, "pgsizes", json_object_new_uint64(caps->pgsizes));
	ret |= add(ts, "supported", json_object_new_boolean(caps->twin_socket));
	if (caps->twin_socket_fd_index >= 0)
		ret |= add(ts, "fd_index",
			   json_object_new_int(caps->twin_socket_fd_index));
	ret |= add(jc, "twin_socket", ts);
	ret |= add(jc, "write_multiple",
		   json_object_new_boolean(caps->write_multiple));
	if (caps->migration) {
		mig = json_object_new_object();
		if (mig) {
			ret |= add(mig, "pgsize", json_object_new_uint64(
				   caps->migration_pgsize));
			ret |= add(mig, "max_bitmap_size",
				   json_object_new_uint64(
					caps->migration_max_bitmap_size));
		}
		ret |= add(jc, "migration", mig);
	}
	ret |= add(top, "capabilities", jc);
	if (ret) {
		json_object_put(top);
		return NULL;
	}
	return top;
}

int vu_version_encode(uint16_t minor, const struct vu_caps *caps,
		      void **body, size_t *body_len)
{
	struct vfio_user_version v = { .major = VFIO_USER_MAJOR,
				       .minor = minor };
	struct json_object *top = caps_to_json(caps);
	const char *s;
	size_t slen;
	char *buf;

	if (!top)
		return -ENOMEM;
	s = json_object_to_json_string_ext(top, JSON_C_TO_STRING_PLAIN);
	if (!s) {
		json_object_put(top);
		return -ENOMEM;
	}
	slen = strlen(s);
	buf = malloc(sizeof(v) + slen + 1);
	if (!buf) {
		json_object_put(top);
		return -ENOMEM;
	}
	memcpy(buf, &v, sizeof(v));
	memcpy(buf + sizeof(v), s, slen + 1);	/* with its NUL */
	json_object_put(top);
	*body = buf;
	*body_len = sizeof(v) + slen + 1;
	return 0;
}

/*
 * Read the non-negative integer @key of @obj (named @path in messages)
 * into *@out if present and within [@min, @max]. Returns 0 (absent or
 * read), -EINVAL with @why set otherwise.
 */
static int get_uint(struct json_object *obj, const char *key,
		    const char *path, uint64_t min, uint64_t max,
		    uint64_t *out, struct vu_why *why)
{
	struct json_object *jo;
	uint64_t v;

	if (!json_object_object_get_ex(obj, key, &jo))
		return 0;
	if (!json_object_is_type(jo, json_type_int)) {
		vu_why_set(why, "VERSION capability %s must be an integer, "
			   "not %s", path,
			   json_type_to_name(json_object_get_type(jo)));
		return -EINVAL;
	}
	if (json_object_get_int64(jo) < 0) {
		vu_why_set(why, "VERSION capability %s is negative (%lld)",
			   path, (long long)json_object_get_int64(jo));
		return -EINVAL;
	}
	v = json_object_get_uint64(jo);
	if (v < min || v > max) {
		vu_why_set(why, "VERSION capability %s = %llu is outside "
			   "%llu..%llu", path, (unsigned long long)v,
			   (unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int get_bool(struct json_object *obj, const char *key,
		    const char *path, bool *out, struct vu_why *why)
{
	struct json_object *jo;

	if (!json_object_object_get_ex(obj, key, &jo))
		return 0;
	if (!json_object_is_type(jo, json_type_boolean)) {
		vu_why_set(why, "VERSION capability %s must be a boolean, "
			   "not %s", path,
			   json_type_to_name(json_object_get_type(jo)));
		return -EINVAL;
	}
	*out = json_object_get_boolean(jo);
	return 0;
}

/* The object @key of @obj in *@out (NULL if absent), or -EINVAL. */
static int get_object(struct json_object *obj, const char *key,
		      const char *path, struct json_object **out,
		      struct vu_why *why)
{
	struct json_object *jo;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &jo))
		return 0;
	if (!json_object_is_type(jo, json_type_object)) {
		vu_why_set(why, "VERSION %s must be an object, not %s", path,
			   json_type_to_name(json_object_get_type(jo)));
		return -EINVAL;
	}
	*out = jo;
	return 0;
}

static int parse_caps(struct json_object *jc, struct vu_caps *caps,
		      struct vu_why *why)
{
	struct json_object *ts, *mig;
	uint64_t v;
	int ret;

	v = caps->max_msg_fds;
	ret = get_uint(jc, "max_msg_fds", "max_msg_fds", 0,
		       VU_PEER_MAX_MSG_FDS_LIMIT, &v, why);
	if (ret)
		return ret;
	caps->max_msg_fds = (uint32_t)v;
	ret = get_uint(jc, "max_data_xfer_size", "max_data_xfer_size", 1,
		       UINT64_MAX, &caps->max_data_xfer_size, why);
	if (!ret)
		ret = get_uint(jc, "max_dma_maps", "max_dma_maps", 0,
			       UINT64_MAX, &caps->max_dma_maps, why);
	if (!ret)
		ret = get_uint(jc, "pgsizes", "pgsizes", 1, UINT64_MAX,
			       &caps->pgsizes, why);
	if (!ret)
		ret = get_bool(jc, "write_multiple", "write_multiple",
			       &caps->write_multiple, why);
	if (!ret)
		ret = get_object(jc, "twin_socket", "capability twin_socket",
				 &ts, why);
	if (ret)
		return ret;
	if (ts) {
		ret = get_bool(ts, "supported", "twin_socket.supported",
			       &caps->twin_socket, why);
		v = UINT64_MAX;
		if (!ret)
			ret = get_uint(ts, "fd_index", "twin_socket.fd_index",
				       0, VU_MSG_MAX_FDS_LIMIT - 1, &v, why);
		if (ret)
			return ret;
		caps->twin_socket_fd_index = v == UINT64_MAX ? -1 : (int)v;
	}
	ret = get_object(jc, "migration", "capability migration", &mig, why);
	if (ret)
		return ret;
	if (mig) {
		caps->migration = true;
		ret = get_uint(mig, "pgsize", "migration.pgsize", 0,
			       UINT64_MAX, &caps->migration_pgsize, why);
		if (!ret)
			ret = get_uint(mig, "max_bitmap_size",
				       "migration.max_bitmap_size", 0,
				       UINT64_MAX,
				       &caps->migration_max_bitmap_size, why);
	}
	return ret;
}

int vu_version_parse(const void *body, size_t len, struct vu_version *out,
		     struct vu_why *why)
{
	struct vfio_user_version v;
	struct json_tokener *tok;
	struct json_object *top, *jc;
	const char *json, *nul;
	size_t jlen, slen;
	int ret;

	memset(out, 0, sizeof(*out));
	vu_caps_defaults(&out->caps);
	if (len < sizeof(v)) {
		vu_why_set(why, "VERSION body of %zu bytes is shorter than "
			   "major and minor (4)", len);
		return -EINVAL;
	}
	memcpy(&v, body, sizeof(v));
	out->major = v.major;
	out->minor = v.minor;
	if (v.major != VFIO_USER_MAJOR) {
		vu_why_set(why, "VERSION major %u is not %u", v.major,
			   VFIO_USER_MAJOR);
		return -EINVAL;
	}

	/* "version data ... variable (including terminating NUL). Optional" */
	json = (const char *)body + sizeof(v);
	jlen = len - sizeof(v);
	if (jlen == 0)
		return 0;
	nul = memchr(json, '\0', jlen);
	if (!nul) {
		vu_why_set(why, "VERSION JSON of %zu bytes has no terminating "
			   "NUL", jlen);
		return -EINVAL;
	}
	slen = (size_t)(nul - json);
	if (slen == 0)
		return 0;

	if (slen > INT_MAX) {
		vu_why_set(why, "VERSION JSON of %zu bytes is too long", slen);
		return -EINVAL;
	}
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	top = json_tokener_parse_ex(tok, json, (int)slen);
	if (!top || json_tokener_get_error(tok) != json_tokener_success) {
		vu_why_set(why, "VERSION JSON does not parse: %s",
			   json_tokener_error_desc(
				   json_tokener_get_error(tok)));
		json_object_put(top);
		json_tokener_free(tok);
		return -EINVAL;
	}
	if (json_tokener_get_parse_end(tok) != slen &&
	    strspn(json + json_tokener_get_parse_end(tok), " \t\r\n") !=
	    slen - json_tokener_get_parse_end(tok)) {
		vu_why_set(why, "VERSION JSON has trailing bytes after offset "
			   "%zu", json_tokener_get_parse_end(tok));
		json_object_put(top);
		json_tokener_free(tok);
		return -EINVAL;
	}
	json_tokener_free(tok);

	ret = -EINVAL;
	if (!json_object_is_type(top, json_type_object)) {
		vu_why_set(why, "VERSION JSON is a %s, not an object",
			   json_type_to_name(json_object_get_type(top)));
		goto out;
	}
	ret = get_object(top, "capabilities", "capabilities", &jc, why);
	if (!ret && jc)
		ret = parse_caps(jc, &out->caps, why);
out:
	json_object_put(top);
	return ret;
}

int vu_version_negotiate(const struct vu_version *ours,
			 const struct vu_version *peer, bool peer_is_reply,
			 unsigned int peer_nr_fds, struct vu_version *out,
			 struct vu_why *why)
{
	const struct vu_caps *o = &ours->caps, *p = &peer->caps;
	struct vu_caps *c = &out->caps;

	memset(out, 0, sizeof(*out));
	out->major = VFIO_USER_MAJOR;
	if (peer->major != ours->major) {
		vu_why_set(why, "VERSION major %u does not match ours (%u)",
			   peer->major, ours->major);
		return -EPROTO;
	}
	/* "The minor version in the reply must be equal to or less than
	 * the minor version proposed." */
	if (peer_is_reply && peer->minor > ours->minor) {
		vu_why_set(why, "VERSION reply minor %u is above the %u we "
			   "proposed", peer->minor, ours->minor);
		return -EPROTO;
	}
	out->minor = peer->minor < ours->minor ? peer->minor : ours->minor;

	c->max_msg_fds = p->max_msg_fds < VU_MSG_MAX_FDS_LIMIT ?
			 p->max_msg_fds : VU_MSG_MAX_FDS_LIMIT;
	c->max_data_xfer_size = p->max_data_xfer_size;
	c->max_dma_maps = p->max_dma_maps < o->max_dma_maps ?
			  p->max_dma_maps : o->max_dma_maps;
	c->pgsizes = p->pgsizes & o->pgsizes;
	if (!c->pgsizes) {
		vu_why_set(why, "VERSION pgsizes %#llx and ours %#llx have no "
			   "page size in common",
			   (unsigned long long)p->pgsizes,
			   (unsigned long long)o->pgsizes);
		return -ENOTSUP;
	}
	c->write_multiple = p->write_multiple && o->write_multiple;
	c->migration = p->migration;
	c->migration_pgsize = p->migration_pgsize;
	c->migration_max_bitmap_size = p->migration_max_bitmap_size;

	c->twin_socket_fd_index = -1;
	if (peer_is_reply && p->twin_socket) {
		/* "The capability list must be a subset of those proposed." */
		if (!o->twin_socket) {
			vu_why_set(why, "VERSION reply grants twin_socket, "
				   "which we did not offer");
			return -EPROTO;
		}
		if (p->twin_socket_fd_index < 0 ||
		    (unsigned int)p->twin_socket_fd_index >= peer_nr_fds) {
			vu_why_set(why, "VERSION reply grants twin_socket with "
				   "fd_index %d but %u fds came",
				   p->twin_socket_fd_index, peer_nr_fds);
			return -EPROTO;
		}
		c->twin_socket_fd_index = p->twin_socket_fd_index;
	}
	c->twin_socket = p->twin_socket && o->twin_socket;
	return 0;
}
