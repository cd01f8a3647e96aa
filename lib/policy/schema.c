/* The policy language as a JSON Schema (2020-12), generated from the knob
 * registry and the loader's structural keys, for editors and CI. It is
 * coarser than `boxcg validate` (no cross-field rules, no host facts) and
 * never stricter: a policy boxcg accepts passes it. */
#include "policy/schema.h"
#include "policy/units.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "knobs.h"
#include "policy/front.h"

#define NAME_RE "[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
#define NUM_RE "(0|[1-9][0-9]*)(\\.[0-9]{1,9})?"
#define INT_RE "(0|[1-9][0-9]*)"
#define SIZE_RE "max|" INT_RE "|" NUM_RE "[KMGTP](i|iB)?"

static json_t *ref(const char *def) { return json_pack("{s:s+}", "$ref", "#/$defs/", def); }

static json_t *nullable(const char *type)
{
	/* an empty value (`box:` with nothing under it) reads as empty */
	return json_pack("[s,s]", type, "null");
}

static json_t *int_range(int64_t lo, int64_t hi)
{
	return json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum", (json_int_t)lo, "maximum",
			 (json_int_t)hi);
}

/* The schema of one value of a registry type. */
static json_t *value_schema(const bx_knob *k)
{
	switch (k->type) {
	case BX_VT_SIZE:
		return ref("size");
	case BX_VT_MEMSIZE:
		return ref("memsize");
	case BX_VT_CPUS:
		return ref("cpus");
	case BX_VT_DURATION:
		return json_pack("{s:[o, {s:s, s:s}]}", "anyOf", int_range(k->min, k->max), "type", "string",
				 "pattern", "^(" INT_RE "|" NUM_RE "(us|ms|s))$");
	case BX_VT_INT:
		return int_range(k->min, k->max);
	case BX_VT_INT_OR_MAX:
		return json_pack("{s:[o, {s:s}]}", "anyOf", int_range(k->min, k->max), "const", "max");
	case BX_VT_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case BX_VT_CPULIST:
		return ref("cpulist");
	case BX_VT_STRING:
		return json_pack("{s:s}", "type", "string");
	case BX_VT_DEVICES:
		return json_pack("{s:o, s:o}", "type", nullable("array"), "items", ref("device"));
	}
	return NULL;
}

static json_t *described(json_t *schema, const char *help)
{
	if (schema && help)
		json_object_set_new(schema, "description", json_string(help));
	return schema;
}

/* One limits group ("memory": { max, high, … }) from the registry. */
static json_t *group_schema(const char *g, size_t gl)
{
	json_t *props = json_object(), *pattern = NULL;
	for (size_t i = 0; i < bx_nknobs; i++) {
		const bx_knob *k = &bx_knobs[i];
		if (strncmp(k->key, g, gl) != 0 || k->key[gl] != '.')
			continue;
		const char *sub = k->key + gl + 1;
		json_t *v = described(value_schema(k), k->help);
		if (strcmp(sub, "*") == 0) {
			/* families: hugetlb sizes as the kernel names them, misc resources */
			const char *re = strcmp(k->file, "hugetlb.*.max") == 0 ? "^[1-9][0-9]*(KB|MB|GB)$"
									 : "^[a-z][a-z0-9_]{0,63}$";
			pattern = json_pack("{s:o}", re, v);
		} else {
			json_object_set_new(props, sub, v);
		}
	}
	json_t *o = json_pack("{s:o, s:b}", "type", nullable("object"), "additionalProperties", 0);
	if (json_object_size(props))
		json_object_set(o, "properties", props);
	if (pattern)
		json_object_set_new(o, "patternProperties", pattern);
	json_decref(props);
	return o;
}

static json_t *limits_schema(void)
{
	json_t *props = json_object();
	for (size_t i = 0; i < bx_nknobs; i++) {
		const char *k = bx_knobs[i].key;
		size_t gl = strcspn(k, ".");
		char g[32];
		snprintf(g, sizeof g, "%.*s", (int)gl, k);
		if (!json_object_get(props, g))
			json_object_set_new(props, g, group_schema(k, gl));
	}
	return json_pack("{s:s, s:o, s:b, s:o}", "description",
			 "resource limits: each group maps to the cgroup files of its controller",
			 "type", nullable("object"), "additionalProperties", 0, "properties", props);
}

static json_t *device_schema(void)
{
	json_t *props = json_object();
	for (size_t i = 0; i < bx_ndevice_knobs; i++) {
		const bx_knob *k = &bx_device_knobs[i];
		json_t *v;
		if (strcmp(k->key, "device") == 0)
			v = json_pack("{s:s, s:s}", "type", "string", "pattern", "^([0-9]+:[0-9]+|/.+)$");
		else if (k->type == BX_VT_SIZE)
			v = ref("size");
		else
			v = value_schema(k);
		json_object_set_new(props, k->key, described(v, k->help));
	}
	return json_pack("{s:s, s:b, s:[s], s:o}", "type", "object", "additionalProperties", 0,
			 "required", "device", "properties", props);
}

/* The structural keys, typed here; a key the loader knows and this
 * function does not fails the generation (and the schema test). */
static json_t *structural(const char *key)
{
	if (!strcmp(key, "version"))
		return json_pack("{s:i, s:s}", "const", 1, "description", "policy language version; 1 is the only one");
	if (!strcmp(key, "root"))
		return json_pack("{s:s, s:s, s:s}", "type", "string", "pattern",
				 "^" NAME_RE "(/" NAME_RE ")*$", "description",
				 "cgroup under the base holding the classes (default boxlite); may be a/b");
	if (!strcmp(key, "defaults"))
		return json_pack("{s:s+, s:s}", "$ref", "#/$defs/", "limits", "description",
				 "limits merged under every class's box");
	if (!strcmp(key, "classes"))
		return json_pack("{s:o, s:o, s:o, s:s}", "type", nullable("object"), "propertyNames",
				 ref("name"), "additionalProperties", ref("class"), "description",
				 "box classes by name");
	if (!strcmp(key, "boxes"))
		return json_pack("{s:o, s:o, s:s}", "type", nullable("array"), "items", ref("box"),
				 "description", "long-lived boxes that apply creates and keeps");
	if (!strcmp(key, "description"))
		return json_pack("{s:s}", "type", "string");
	if (!strcmp(key, "extends"))
		return json_pack("{s:s+, s:s}", "$ref", "#/$defs/", "name", "description",
				 "inherit this class's box and slice, then override key by key");
	if (!strcmp(key, "box"))
		return json_pack("{s:s+, s:s}", "$ref", "#/$defs/", "limits", "description",
				 "limits of each box of the class");
	if (!strcmp(key, "slice"))
		return json_pack("{s:s+, s:s}", "$ref", "#/$defs/", "limits", "description",
				 "limits of the class cgroup (all its boxes together)");
	if (!strcmp(key, "sizes")) {
		json_t *keys = json_array();
		for (size_t i = 0; i < bx_nknobs; i++)
			if (bx_own_openable(&bx_knobs[i]))
				json_array_append_new(keys, json_string(bx_knobs[i].key));
		json_t *bound = json_pack("{s:[s,s,s]}", "type", "integer", "number", "string");
		return json_pack(
			"{s:o, s:{s:o}, s:{s:s, s:b, s:[s,s], s:{s:o, s:o, s:{s:s+}}}, s:s}", "type",
			nullable("object"), "propertyNames", "enum", keys, "additionalProperties", "type",
			"object", "additionalProperties", 0, "required", "min", "max", "properties", "min",
			json_incref(bound), "max", bound, "overhead", "$ref", "#/$defs/", "size",
			"description",
			"limits each box may set for itself (box create --set KEY=VALUE), with the range "
			"allowed; the class's box value is the default; overhead is added to a requested size");
	}
	if (!strcmp(key, "id"))
		return ref("name");
	if (!strcmp(key, "class"))
		return ref("name");
	return NULL;
}

static json_t *object_of(const char *const *keys, size_t n, bool *ok)
{
	json_t *props = json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *v = structural(keys[i]);
		if (!v)
			*ok = false;
		else
			json_object_set_new(props, keys[i], v);
	}
	return props;
}

char *bx_policy_schema_json(bx_error **err)
{
	bool ok = true;
	json_t *defs = json_pack(
		"{s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"name", "type", "string", "pattern", "^" NAME_RE "$",
		"class", json_pack("{s:o, s:b, s:o}", "type", nullable("object"), "additionalProperties", 0,
				   "properties", object_of(bx_class_keys, bx_nclass_keys, &ok)),
		"box", json_pack("{s:s, s:b, s:[s,s], s:o}", "type", "object", "additionalProperties", 0,
				 "required", "id", "class", "properties",
				 object_of(bx_box_keys, bx_nbox_keys, &ok)),
		"limits", limits_schema(),
		"size", json_pack("{s:s, s:[{s:s, s:i}, {s:s, s:s}]}", "description",
				  "bytes, K/M/G/T/P (1024-based), KiB..PiB, Ki..Pi, fractions with a unit, or max",
				  "anyOf", "type", "integer", "minimum", 0, "type", "string", "pattern",
				  "^(" SIZE_RE ")$"),
		"memsize", json_pack("{s:s, s:[{s:s, s:i}, {s:s, s:s}]}", "description",
				     "a size, max, or a percent (of memory.max; memory.max: of host RAM)",
				     "anyOf", "type", "integer", "minimum", 0, "type", "string", "pattern",
				     "^(" SIZE_RE "|" NUM_RE "%)$"),
		"cpus", json_pack("{s:s, s:[{s:s, s:i}, {s:s, s:s}]}", "description",
				  "CPUs: a number, millicores (1500m), percent of one CPU (150%) or max",
				  "anyOf", "type", "number", "minimum", 0, "type", "string", "pattern",
				  "^(max|" NUM_RE "(m|%)?)$"),
		"cpulist", json_pack("{s:s, s:[{s:s, s:i}, {s:s, s:s}]}", "description",
				     "a list such as 0-3,6", "anyOf", "type", "integer", "minimum", 0, "type",
				     "string", "pattern", "^([0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)?$"),
		"device", device_schema());
	json_t *doc = defs ? json_pack("{s:s, s:s, s:s, s:s, s:b, s:[s], s:o, s:o}",
				       "$schema", "https://json-schema.org/draft/2020-12/schema",
				       "$id", "urn:boxcg:policy:1",
				       "title", "boxcg policy, version 1",
				       "type", "object",
				       "additionalProperties", 0,
				       "required", "version",
				       "properties", object_of(bx_top_keys, bx_ntop_keys, &ok),
				       "$defs", defs)
			   : NULL;
	char *text = doc && ok ? json_dumps(doc, JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!text) {
		bx_err(err, ok ? ENOMEM : 0, "generating the JSON Schema%s",
		       ok ? "" : ": a structural key has no schema");
		return NULL;
	}
	return text;
}
