/* Hand-built policies and states for the planner's unit tests: the
 * planner is tested on its own, without the policy front end. */
#ifndef BX_TEST_PLAN_FIXTURE_H
#define BX_TEST_PLAN_FIXTURE_H

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model.h"
#include "plan/plan.h"
#include "plan/state.h"

#define FX_FILE "policy.yaml"
#define FX_UNUSED __attribute__((unused))

/* Built as the front end builds one: free it with bx_policy_free. */
static FX_UNUSED bx_policy *fx_policy(const char *root)
{
	bx_policy *p = calloc(1, sizeof *p);
	ck_assert_ptr_nonnull(p);
	p->root = strdup(root);
	p->files = calloc(1, sizeof *p->files);
	p->files[0] = strdup(FX_FILE);
	p->nfiles = 1;
	p->root_loc = (bx_loc){ p->files[0], 2, 7 };
	p->facts.page_size = 4096;
	p->facts.mem_total = UINT64_C(8) << 30;
	p->facts.ncpus = 4;
	return p;
}

/* Returns the class index (pointers move as classes are added). */
static FX_UNUSED size_t fx_class(bx_policy *p, const char *name, unsigned line)
{
	p->classes = realloc(p->classes, (p->nclasses + 1) * sizeof *p->classes);
	ck_assert_ptr_nonnull(p->classes);
	bx_class *c = &p->classes[p->nclasses];
	memset(c, 0, sizeof *c);
	c->name = strdup(name);
	c->loc = (bx_loc){ p->files[0], line, 3 };
	return p->nclasses++;
}

/* which: "box" or "slice" */
static FX_UNUSED void fx_set(bx_policy *p, size_t cls, const char *which, const char *file,
			     const char *key, const char *value, unsigned line)
{
	bx_class *c = &p->classes[cls];
	bx_settings *s = strcmp(which, "box") == 0 ? &c->box : &c->slice;
	ck_assert_int_eq(bx_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v), 0);
	bx_setting *st = &s->v[s->n++];
	memset(st, 0, sizeof *st);
	st->file_info = bx_file_lookup(file);
	ck_assert_ptr_nonnull(st->file_info);
	st->file = strdup(file);
	st->key = key ? strdup(key) : NULL;
	st->value = strdup(value);
	st->loc = (bx_loc){ p->files[0], line, 15 };
	st->ypath = bx_sprintf("classes.%s.%s.%s%s%s", c->name, which, file, key ? "." : "",
			       key ? key : "");
	s->ctrls |= st->file_info->ctrl;
}

static FX_UNUSED void fx_box(bx_policy *p, const char *id, const char *cls, unsigned line)
{
	p->boxes = realloc(p->boxes, (p->nboxes + 1) * sizeof *p->boxes);
	ck_assert_ptr_nonnull(p->boxes);
	bx_static_box *b = &p->boxes[p->nboxes++];
	b->id = strdup(id);
	b->class_name = strdup(cls);
	b->loc = (bx_loc){ p->files[0], line, 5 };
}

/* A state with the base: every controller available, none enabled. */
static FX_UNUSED bx_state *fx_state(void)
{
	bx_state *st = bx_state_new("/sys/fs/cgroup", false);
	st->facts.page_size = 4096;
	st->facts.ncpus = 4;
	bx_cg_state *b = bx_state_add(st, "");
	b->exists = true;
	b->observed = BX_OBS_CONTROLLERS | BX_OBS_SUBTREE;
	b->controllers = (1u << BX_NCTRL) - 1;
	return st;
}

/* Add an existing cgroup with subtree_control `subtree` (a list) and
 * files given as "name=raw" pairs, NULL-terminated. */
static FX_UNUSED bx_cg_state *fx_cg(bx_state *st, const char *path, const char *subtree, ...)
{
	bx_cg_state *c = bx_state_add(st, path);
	c->exists = true;
	c->observed = BX_OBS_SUBTREE;
	c->subtree_control = bx_ctrl_parse_list(subtree);
	va_list ap;
	va_start(ap, subtree);
	const char *kv;
	while ((kv = va_arg(ap, const char *))) {
		const char *eq = strchr(kv, '=');
		char *name = strndup(kv, (size_t)(eq - kv));
		bx_cg_set_file(c, name, eq[1] == '\x01' ? NULL : eq + 1);
		free(name);
	}
	va_end(ap);
	return c;
}

static FX_UNUSED void fx_children(bx_cg_state *c, ...)
{
	c->observed |= BX_OBS_CHILDREN;
	va_list ap;
	va_start(ap, c);
	const char *n;
	while ((n = va_arg(ap, const char *))) {
		c->children = realloc(c->children, (c->nchildren + 1) * sizeof *c->children);
		c->children[c->nchildren++] = strdup(n);
	}
	va_end(ap);
}

/* The plan as lines "OP cgroup file write", one per step. */
static FX_UNUSED char *fx_steps(const bx_plan *pl)
{
	static const char *const ops[] = { "ENABLE", "MKDIR", "WRITE", "RMDIR", "DISABLE", "RECORD" };
	bx_buf b = {0};
	bx_buf_add(&b, "", 0);
	for (size_t i = 0; i < pl->n; i++) {
		const bx_step *s = &pl->v[i];
		bx_buf_printf(&b, "%s %s", ops[s->op], *s->cgroup ? s->cgroup : "(base)");
		if (s->op == BX_OP_WRITE || s->op == BX_OP_ENABLE || s->op == BX_OP_DISABLE)
			bx_buf_printf(&b, " %s %s", s->file, s->write);
		if (s->op == BX_OP_RECORD)
			bx_buf_printf(&b, " [%s]", s->write);
		bx_buf_puts(&b, "\n");
	}
	return bx_buf_take(&b);
}

#define FX_PLAN_EQ(pl, want)                                                          \
	do {                                                                          \
		char *_got = fx_steps(pl);                                            \
		ck_assert_msg(strcmp(_got, want) == 0, "plan:\n%s\nwant:\n%s", _got, want); \
		free(_got);                                                           \
	} while (0)

#endif
