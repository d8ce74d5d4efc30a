/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_JSON_UTIL_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_JSON_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

/*
 * Small json-c helpers for the printers: add one key to object @o. Each
 * returns 0, or 1 when memory ran out (the value is not added), so that
 * a builder can OR the results and drop an incomplete object instead of
 * printing it with keys missing.
 */

static inline int ju_add(struct json_object *o, const char *key,
			 struct json_object *v, bool may_be_null)
{
	if (!v && !may_be_null)
		return 1;
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return 1;
	}
	return 0;
}

static inline int ju_u64(struct json_object *o, const char *key, uint64_t v)
{
	return ju_add(o, key, json_object_new_uint64(v), false);
}

static inline int ju_i64(struct json_object *o, const char *key, int64_t v)
{
	return ju_add(o, key, json_object_new_int64(v), false);
}

static inline int ju_bool(struct json_object *o, const char *key, bool v)
{
	return ju_add(o, key, json_object_new_boolean(v), false);
}

static inline int ju_null(struct json_object *o, const char *key)
{
	return ju_add(o, key, NULL, true);
}

/* A string, or null when @s is NULL. */
static inline int ju_str(struct json_object *o, const char *key, const char *s)
{
	if (!s)
		return ju_null(o, key);
	return ju_add(o, key, json_object_new_string(s), false);
}

/* Adds @v (a new object, may be NULL from a failed builder) under @key. */
static inline int ju_obj(struct json_object *o, const char *key,
			 struct json_object *v)
{
	return ju_add(o, key, v, false);
}

/* A new array under @key, or NULL. */
static inline struct json_object *ju_array(struct json_object *o,
					   const char *key)
{
	struct json_object *a = json_object_new_array();

	if (ju_add(o, key, a, false))
		return NULL;
	return a;
}

/* Appends @v (may be NULL from a failed builder) to array @a. */
static inline int ju_append(struct json_object *a, struct json_object *v)
{
	if (!a || !v)
		goto fail;
	if (json_object_array_add(a, v))
		goto fail;
	return 0;
fail:
	json_object_put(v);
	return 1;
}

#endif
