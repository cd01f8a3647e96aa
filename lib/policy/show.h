/* The resolved policy as a document with a fixed schema: `boxcg show`.
 *
 * For every class (declaration order) the settings it really gets after
 * `extends` and `defaults`, in the kernel's canonical form of bx_setting
 * (file, key of a keyed file, value), each with the place it was written
 * (`file:line:col`, YAML path); then the static boxes. The document is
 * written and read back with libcyaml's schema tables over the structs
 * below (show.c): one schema for both directions, so what `show` prints is
 * exactly what bx_policy_show_load accepts.
 *
 *     format_version: 1
 *     root: boxlite
 *     page_size: 4096
 *     classes:
 *     - name: medium
 *       description: 2 vCPU, 4 GiB
 *       from: policies/00-boxlite.yaml:30:3
 *       box:
 *       - file: cpu.max
 *         value: 200000 100000
 *         from: policies/00-boxlite.yaml:33:22
 *         path: classes.medium.box.cpu.max
 *       slice: []
 *     boxes:
 *     - {id: builder-1, class: build-worker, from: policies/20-build.yaml:22:5}
 *
 * Every string is owned by the document (bx_show_doc_free). */
#ifndef BX_POLICY_SHOW_H
#define BX_POLICY_SHOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "model.h"

#define BX_SHOW_FORMAT_VERSION 1u

typedef struct bx_show_setting {
	char *file;   /* "memory.max", "io.max" */
	char *key;    /* keyed files: "default", "8:0"; NULL otherwise (key omitted) */
	char *value;  /* canonical read-back form (the rest of the line for a key) */
	char *from;   /* "file:line:col" of the value that produced it */
	char *path;   /* its YAML path; NULL when unknown (key omitted) */
} bx_show_setting;

typedef struct bx_show_class {
	char *name;
	char *description; /* NULL when the class has none (key omitted) */
	char *from;        /* where the class is declared */
	bx_show_setting *box;
	size_t nbox;
	bx_show_setting *slice;
	size_t nslice;
} bx_show_class;

typedef struct bx_show_box {
	char *id;
	char *class_name;  /* YAML key "class" */
	char *from;
} bx_show_box;

typedef struct bx_show_doc {
	unsigned format_version;   /* BX_SHOW_FORMAT_VERSION */
	char *root;
	uint64_t page_size;        /* the host fact memory values are rounded to */
	bx_show_class *classes;
	size_t nclasses;
	bx_show_box *boxes;
	size_t nboxes;
} bx_show_doc;

/* The document of policy `p`: every class, or only those named in
 * `names` (still in declaration order, each once) and the static boxes
 * of those classes. An unknown name is an error naming the closest class
 * ("did you mean"). */
int bx_policy_show_build(const bx_policy *p, const char *const *names, size_t nnames,
			 bx_show_doc **out, bx_error **err);

/* The document as YAML (libcyaml, block style, a box per line). *out is
 * NUL-terminated, *len excludes the NUL; caller frees with free(). */
int bx_policy_show_save(const bx_show_doc *doc, char **out, size_t *len, bx_error **err);

/* Read a document back with the same schema (libcyaml): unknown,
 * repeated or missing keys, wrong types, aliases, a format_version other
 * than BX_SHOW_FORMAT_VERSION and a page_size that is not a power of two
 * are refused with libcyaml's message (with the line and column it
 * stopped at, counted from 1). libcyaml reads the first document of the
 * stream only: anything after a `---` is not looked at. */
int bx_policy_show_load(const char *data, size_t len, bx_show_doc **out, bx_error **err);

void bx_show_doc_free(bx_show_doc *doc);

#endif
