// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-info --json: the same facts as the text output, as one JSON
 * object whose keys are always present (null when a value is unknown).
 */
#include <string.h>
#include <json-c/json.h>

#include "tools/vfio-user-info/info.h"
#include "tools/vfio-user-info/json_util.h"
#include "tools/vfio-user-info/pci_print.h"

static struct json_object *done(struct json_object *o, int bad)
{
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* An array of the space-separated words of @s (flag names). */
static struct json_object *words(const char *s)
{
	struct json_object *a = json_object_new_array();
	int bad = 0;

	if (!a)
		return NULL;
	while (*s) {
		size_t n = strcspn(s, " ");

		if (n)
			bad |= ju_append(a, json_object_new_string_len(s, (int)n));
		s += n;
		s += strspn(s, " ");
	}
	return done(a, bad);
}

/* "error": the strerror of a negative errno, or null. */
static int err_json(struct json_object *o, const char *key, int err)
{
	if (!err)
		return ju_null(o, key);
	return ju_str(o, key, strerror(-err));
}

static struct json_object *version_json(const struct vu_version *v)
{
	struct json_object *o = json_object_new_object();
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "major", v->major);
	bad |= ju_u64(o, "minor", v->minor);
	return done(o, bad);
}

static struct json_object *caps_json(const struct vu_caps *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *m;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "max_msg_fds", c->max_msg_fds);
	bad |= ju_u64(o, "max_data_xfer_size", c->max_data_xfer_size);
	bad |= ju_u64(o, "max_dma_maps", c->max_dma_maps);
	bad |= ju_u64(o, "pgsizes", c->pgsizes);
	bad |= ju_bool(o, "twin_socket", c->twin_socket);
	bad |= ju_bool(o, "write_multiple", c->write_multiple);
	if (c->migration) {
		m = json_object_new_object();
		if (m) {
			bad |= ju_u64(m, "pgsize", c->migration_pgsize);
			bad |= ju_u64(m, "max_bitmap_size",
				      c->migration_max_bitmap_size);
		}
		bad |= ju_obj(o, "migration", m);
	} else {
		bad |= ju_null(o, "migration");
	}
	return done(o, bad);
}

static struct json_object *device_json(const struct info *in)
{
	struct json_object *o = json_object_new_object();
	char buf[128];
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "flags", in->dev.flags);
	bad |= ju_obj(o, "flag_names",
		      words(info_device_flags_str(in->dev.flags, buf, sizeof(buf))));
	bad |= ju_u64(o, "num_regions", in->dev.num_regions);
	bad |= ju_u64(o, "num_irqs", in->dev.num_irqs);
	return done(o, bad);
}

static struct json_object *io_fd_json(const struct info_io_fd *e)
{
	struct json_object *o = json_object_new_object();
	char buf[128];
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "offset", e->offset);
	bad |= ju_u64(o, "size", e->size);
	bad |= ju_u64(o, "fd_index", e->fd_index);
	bad |= ju_u64(o, "type", e->type);
	bad |= ju_str(o, "type_name", info_io_fd_type_name(e->type));
	bad |= ju_u64(o, "flags", e->flags);
	bad |= ju_obj(o, "flag_names",
		      words(info_io_fd_flags_str(e->type, e->flags, buf,
						 sizeof(buf))));
	bad |= ju_u64(o, "datamatch", e->datamatch);
	if (e->shadow_fd_index >= 0) {
		bad |= ju_u64(o, "shadow_fd_index", (uint64_t)e->shadow_fd_index);
		bad |= ju_u64(o, "shadow_offset", e->shadow_offset);
	} else {
		bad |= ju_null(o, "shadow_fd_index");
		bad |= ju_null(o, "shadow_offset");
	}
	return done(o, bad);
}

static struct json_object *io_fds_json(const struct info_region *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	unsigned int i;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_bool(o, "supported", !r->io_fds_err);
	bad |= err_json(o, "error", r->io_fds_err);
	bad |= ju_u64(o, "fds", r->io_fds_nr_fds);
	a = ju_array(o, "entries");
	bad |= !a;
	for (i = 0; a && i < r->nr_io_fds; i++)
		bad |= ju_append(a, io_fd_json(&r->io_fds[i]));
	return done(o, bad);
}

static struct json_object *mmap_json(const struct info_region *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a, *x;
	unsigned int i;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_bool(o, "sparse", r->has_sparse);
	a = ju_array(o, "areas");
	bad |= !a;
	for (i = 0; a && i < r->nr_areas; i++) {
		x = json_object_new_object();
		if (x) {
			bad |= ju_u64(x, "offset", r->areas[i].offset);
			bad |= ju_u64(x, "size", r->areas[i].size);
		}
		bad |= ju_append(a, x);
	}
	return done(o, bad);
}

static struct json_object *region_json(const struct info *in,
				       const struct info_region *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *t;
	char buf[128];
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "index", r->index);
	bad |= ju_str(o, "name", info_region_name(in->is_pci, r->index));
	bad |= err_json(o, "error", r->err);
	if (r->err) {
		static const char *const keys[] = {
			"size", "flags", "flag_names", "fd", "fd_offset",
			"mmap", "type", "io_fds",
		};
		size_t i;

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			bad |= ju_null(o, keys[i]);
		return done(o, bad);
	}
	bad |= ju_u64(o, "size", r->size);
	bad |= ju_u64(o, "flags", r->flags);
	bad |= ju_obj(o, "flag_names",
		      words(info_region_flags_str(r->flags, buf, sizeof(buf))));
	bad |= ju_bool(o, "fd", r->has_fd);
	if (r->has_fd)
		bad |= ju_u64(o, "fd_offset", r->fd_offset);
	else
		bad |= ju_null(o, "fd_offset");
	bad |= ju_obj(o, "mmap", mmap_json(r));
	if (r->has_type) {
		t = json_object_new_object();
		if (t) {
			bad |= ju_u64(t, "type", r->type);
			bad |= ju_u64(t, "subtype", r->subtype);
		}
		bad |= ju_obj(o, "type", t);
	} else {
		bad |= ju_null(o, "type");
	}
	if (r->io_fds_asked)
		bad |= ju_obj(o, "io_fds", io_fds_json(r));
	else
		bad |= ju_null(o, "io_fds");
	return done(o, bad);
}

static struct json_object *irq_json(const struct info *in,
				    const struct info_irq *q)
{
	struct json_object *o = json_object_new_object();
	char buf[128];
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_u64(o, "index", q->index);
	bad |= ju_str(o, "name", info_irq_name(in->is_pci, q->index));
	bad |= err_json(o, "error", q->err);
	if (q->err) {
		bad |= ju_null(o, "count");
		bad |= ju_null(o, "flags");
		bad |= ju_null(o, "flag_names");
	} else {
		bad |= ju_u64(o, "count", q->count);
		bad |= ju_u64(o, "flags", q->flags);
		bad |= ju_obj(o, "flag_names",
			      words(info_irq_flags_str(q->flags, buf,
						       sizeof(buf))));
	}
	return done(o, bad);
}

struct json_object *info_to_json(const struct info *in)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	unsigned int i;
	int bad = 0;

	if (!o)
		return NULL;
	bad |= ju_str(o, "socket", in->socket);
	bad |= ju_obj(o, "version", version_json(&in->session));
	bad |= ju_obj(o, "server_version", version_json(&in->server));
	bad |= ju_obj(o, "server_capabilities", caps_json(&in->server.caps));
	bad |= ju_bool(o, "twin_socket_in_use", in->twin_socket);
	if (in->dev_err)
		bad |= ju_null(o, "device");
	else
		bad |= ju_obj(o, "device", device_json(in));
	bad |= err_json(o, "device_error", in->dev_err);

	a = ju_array(o, "regions");
	bad |= !a;
	for (i = 0; a && i < in->nr_regions; i++)
		bad |= ju_append(a, region_json(in, &in->regions[i]));
	a = ju_array(o, "irqs");
	bad |= !a;
	for (i = 0; a && i < in->nr_irqs; i++)
		bad |= ju_append(a, irq_json(in, &in->irqs[i]));

	if (in->has_pci)
		bad |= ju_obj(o, "config", pci_to_json(&in->pci));
	else
		bad |= ju_null(o, "config");

	a = ju_array(o, "notes");
	bad |= !a;
	for (i = 0; a && i < in->nr_notes; i++)
		bad |= ju_append(a, json_object_new_string(in->notes[i]));
	return done(o, bad);
}
