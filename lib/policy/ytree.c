/* libyaml events → a node tree with marks. Refuses what the policy
 * language does not need and an attacker could abuse: aliases (no
 * expansion at all, so no alias bombs), tags, several documents, nesting
 * deeper than BX_YAML_MAX_DEPTH, a tree needing more than
 * BX_YAML_MAX_TREE_BYTES, and duplicate keys (which libyaml accepts). */
#include "policy/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/util.h"
#include "policy/front.h"

typedef struct frame {
	bx_ynode *node;
	size_t start; /* first child's index in the pending stack */
} frame;

typedef struct builder {
	bx_front *f;
	uint16_t file;
	bx_ynode *root;
	frame stack[BX_YAML_MAX_DEPTH];
	size_t depth;
	bx_ynode **pending;
	size_t npending, cap;
	size_t bytes;  /* what this file's tree holds so far (the budget) */
	bool over;     /* the budget ran out: diagnosed once */
	bool failed;
	/* Diagnostics at nodes wait until the tree is whole: a path needs
	 * every ancestor's children in place. */
	struct deferred {
		const bx_ynode *at;
		char *msg;
	} *later;
	size_t nlater, later_cap;
} builder;

/* Count `n` more bytes against the tree's budget, before taking them.
 * False (the file is abandoned, diagnosed once) when they do not fit. */
static bool budget(builder *b, size_t n, size_t line, size_t col)
{
	if (n <= BX_YAML_MAX_TREE_BYTES - b->bytes) {
		b->bytes += n;
		return true;
	}
	if (!b->over) {
		b->over = true;
		bx_fdiag_at(b->f, BX_SEV_ERROR, b->file, (unsigned)line, (unsigned)col,
			    "the YAML tree of this file needs more than %d MiB of memory (the limit); "
			    "split the policy into several files", BX_YAML_MAX_TREE_MIB);
	}
	b->failed = true;
	return false;
}

__attribute__((format(printf, 3, 4))) static void defer(builder *b, const bx_ynode *at, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	/* a message and its slot count: a file of aliases is a file of messages */
	if (r >= 0 && !budget(b, (size_t)r + 1 + sizeof *b->later, at->line, at->col)) {
		free(msg);
		return;
	}
	if (r < 0 || bx_grow(&b->later, &b->later_cap, b->nlater + 1, sizeof *b->later) < 0) {
		free(msg);
		b->f->oom = true;
		return;
	}
	b->later[b->nlater++] = (struct deferred){ at, msg };
}

static void flush_deferred(builder *b)
{
	for (size_t i = 0; i < b->nlater; i++) {
		bx_ferr(b->f, b->later[i].at, "%s", b->later[i].msg);
		free(b->later[i].msg);
	}
	free(b->later);
}

static bx_ynode *new_node(builder *b, bx_ykind kind, const yaml_mark_t *m)
{
	if (!budget(b, sizeof(bx_ynode), m->line + 1, m->column + 1))
		return NULL;
	bx_ynode *n = bx_arena_take(&b->f->arena, sizeof *n);
	if (!n) {
		b->f->oom = true;
		b->failed = true;
		return NULL;
	}
	*n = (bx_ynode){
		.line = m->line + 1,
		.col = m->column + 1,
		.file = b->file,
		.kind = kind,
	};
	return n;
}

/* Hang a new node under the open container (or make it the root). */
static bool attach(builder *b, bx_ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return true;
	}
	frame *fr = &b->stack[b->depth - 1];
	size_t had = b->cap;
	if (bx_grow(&b->pending, &b->cap, b->npending + 1, sizeof *b->pending) < 0) {
		b->f->oom = true;
		b->failed = true;
		return false;
	}
	if (b->cap > had && !budget(b, (b->cap - had) * sizeof *b->pending, n->line, n->col))
		return false;
	size_t pos = b->npending - fr->start;
	if (pos >= UINT32_MAX) {
		b->failed = true;
		return false;
	}
	n->parent = fr->node;
	n->index = (uint32_t)pos;
	b->pending[b->npending++] = n;
	return true;
}

static int cmp_key(const void *x, const void *y)
{
	const bx_ynode *a = *(const bx_ynode *const *)x, *c = *(const bx_ynode *const *)y;
	int r = strcmp(a->u.s, c->u.s);
	if (r)
		return r;
	/* same text: keep document order so the first stays first */
	return a->line != c->line ? (a->line < c->line ? -1 : 1) : (a->col < c->col ? -1 : a->col > c->col);
}

static void duplicate(builder *b, bx_ynode *first, bx_ynode *dup, bx_ynode **kids, size_t dup_pos)
{
	char s[BX_SHOW_MAX];
	defer(b, dup, "duplicate key '%s' (first at line %u, column %u)", bx_yshow(dup, s),
	      (unsigned)first->line, (unsigned)first->col);
	/* Refuse the later pair so nothing downstream reads it twice. */
	dup->kind = BX_Y_BAD;
	kids[dup_pos + 1]->kind = BX_Y_BAD;
}

static size_t key_pos(bx_ynode **kids, size_t npairs, const bx_ynode *k)
{
	for (size_t i = 0; i < npairs; i++)
		if (kids[2 * i] == k)
			return 2 * i;
	return 0;
}

/* Keys must be scalars and unique. Small maps compare pairwise; larger
 * ones sort the keys (n log n, so 10,000 classes stay cheap). */
static void check_keys(builder *b, bx_ynode *map)
{
	bx_ynode **kids = map->u.kids;
	size_t n = map->n;
	for (size_t i = 0; i < n; i++) {
		bx_ynode *k = kids[2 * i];
		if (k->kind == BX_Y_MAP || k->kind == BX_Y_SEQ) {
			defer(b, k, "a mapping key must be a plain string, not %s", bx_ydescribe(k));
			k->kind = BX_Y_BAD;
			kids[2 * i + 1]->kind = BX_Y_BAD;
		}
	}
	if (n <= 8) {
		for (size_t i = 1; i < n; i++) {
			bx_ynode *k = kids[2 * i];
			if (k->kind != BX_Y_SCALAR)
				continue;
			for (size_t j = 0; j < i; j++) {
				bx_ynode *e = kids[2 * j];
				if (e->kind == BX_Y_SCALAR && strcmp(e->u.s, k->u.s) == 0) {
					duplicate(b, e, k, kids, 2 * i);
					break;
				}
			}
		}
		return;
	}
	bx_ynode **keys = malloc(n * sizeof *keys);
	if (!keys) {
		b->f->oom = true;
		return;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (kids[2 * i]->kind == BX_Y_SCALAR)
			keys[m++] = kids[2 * i];
	qsort(keys, m, sizeof *keys, cmp_key);
	size_t run = 0;
	for (size_t i = 1; i < m; i++) {
		if (strcmp(keys[run]->u.s, keys[i]->u.s) == 0)
			duplicate(b, keys[run], keys[i], kids, key_pos(kids, n, keys[i]));
		else
			run = i;
	}
	free(keys);
}

/* Close the innermost container: move its children into the arena. */
static void close_container(builder *b)
{
	frame *fr = &b->stack[--b->depth];
	bx_ynode *c = fr->node;
	size_t nk = b->npending - fr->start;
	if (c->kind == BX_Y_MAP && nk % 2) {
		/* only when parsing stopped half-way through a pair */
		nk--;
	}
	if (!b->failed && !budget(b, (nk ? nk : 1) * sizeof(bx_ynode *), c->line, c->col)) {
		b->npending = fr->start;
		c->u.kids = NULL;
		c->n = 0;
		return;
	}
	bx_ynode **kids = bx_arena_array(&b->f->arena, nk ? nk : 1, sizeof *kids);
	if (!kids) {
		b->f->oom = true;
		b->failed = true;
		b->npending = fr->start;
		return;
	}
	if (nk)
		memcpy(kids, b->pending + fr->start, nk * sizeof *kids);
	b->npending = fr->start;
	c->u.kids = kids;
	c->n = (uint32_t)(c->kind == BX_Y_MAP ? nk / 2 : nk);
	if (c->kind == BX_Y_MAP)
		check_keys(b, c);
}

static bool refuse_tag(builder *b, bx_ynode *n, const yaml_char_t *tag)
{
	if (!tag)
		return false;
	char s[BX_SHOW_MAX];
	defer(b, n, "YAML tags (%s) are not supported",
	      bx_show_str((const char *)tag, strlen((const char *)tag), s));
	return true;
}

static void on_scalar(builder *b, yaml_event_t *ev)
{
	bx_ynode *n = new_node(b, BX_Y_SCALAR, &ev->start_mark);
	if (!n || !attach(b, n))
		return;
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (refuse_tag(b, n, ev->data.scalar.tag)) {
		n->kind = BX_Y_BAD;
		return;
	}
	bool nul = memchr(v, '\0', len) != NULL;
	if (len > UINT32_MAX) {
		n->kind = BX_Y_BAD;
		return;
	}
	if (!budget(b, len + 1, n->line, n->col)) {
		n->kind = BX_Y_BAD;
		return;
	}
	n->u.s = bx_arena_strndup(&b->f->arena, v, len);
	n->n = (uint32_t)len;
	n->str = 1;
	if (!n->u.s) {
		b->f->oom = true;
		b->failed = true;
	} else if (nul) {
		/* kept for messages (escaped there), never read as a C string */
		defer(b, n, "a string holds a NUL character");
		n->kind = BX_Y_BAD;
	}
}

static void on_start(builder *b, yaml_event_t *ev, bx_ykind kind)
{
	if (b->depth == BX_YAML_MAX_DEPTH) {
		bx_fdiag_at(b->f, BX_SEV_ERROR, b->file, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1,
			    "nesting deeper than %d levels", BX_YAML_MAX_DEPTH);
		b->failed = true;
		return;
	}
	bx_ynode *n = new_node(b, kind, &ev->start_mark);
	if (!n || !attach(b, n))
		return;
	const yaml_char_t *tag = kind == BX_Y_MAP ? ev->data.mapping_start.tag
						  : ev->data.sequence_start.tag;
	b->stack[b->depth++] = (frame){ n, b->npending };
	if (refuse_tag(b, n, tag))
		n->kind = BX_Y_BAD; /* children still parse (and are checked) */
}

static void on_alias(builder *b, yaml_event_t *ev)
{
	bx_ynode *n = new_node(b, BX_Y_BAD, &ev->start_mark);
	if (!n || !attach(b, n))
		return;
	char s[BX_SHOW_MAX];
	const char *a = (const char *)ev->data.alias.anchor;
	defer(b, n, "YAML aliases (*%s) are not supported; use `extends` to share limits",
	      bx_show_str(a, strlen(a), s));
}

static void syntax_error(builder *b, yaml_parser_t *p, const bx_yinput *in)
{
	unsigned line = (unsigned)p->problem_mark.line + 1, col = (unsigned)p->problem_mark.column + 1;
	b->failed = true;
	if (p->error == YAML_MEMORY_ERROR) {
		b->f->oom = true;
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		if (*in->refused)
			return; /* the reader says why */
		/* the reader checks what libyaml's does: not expected */
		bx_fdiag_at(b->f, BX_SEV_ERROR, b->file, 0, 0, "invalid input at byte %zu: %s",
			    p->problem_offset, p->problem ? p->problem : "unknown problem");
		return;
	}
	const char *problem = p->problem ? p->problem : "unknown problem";
	if (p->context)
		bx_fdiag_at(b->f, BX_SEV_ERROR, b->file, line, col,
			    "invalid YAML: %s %s (line %u, column %u)", problem, p->context,
			    (unsigned)p->context_mark.line + 1, (unsigned)p->context_mark.column + 1);
	else
		bx_fdiag_at(b->f, BX_SEV_ERROR, b->file, line, col, "invalid YAML: %s", problem);
	b->failed = true;
}

bx_ynode *bx_ytree_parse(bx_front *f, uint16_t file, const bx_yinput *in, bool *failed)
{
	builder b = { .f = f, .file = file };
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		f->oom = true;
		*failed = true;
		return NULL;
	}
	yaml_parser_set_input(&p, in->read, in->ctx);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	int docs = 0;
	bool done = false;
	while (!done && !b.failed) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(&b, &p, in);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				bx_fdiag_at(f, BX_SEV_ERROR, file, (unsigned)ev.start_mark.line + 1,
					    (unsigned)ev.start_mark.column + 1,
					    "a policy file holds one YAML document; put the next one in a file of its own");
				done = true;
			}
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(&b, &ev, BX_Y_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(&b, &ev, BX_Y_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth)
				close_container(&b);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	/* After an error, close what is open so the partial tree is whole. */
	while (b.depth)
		close_container(&b);
	flush_deferred(&b);
	yaml_parser_delete(&p);
	free(b.pending);
	*failed = b.failed;
	return b.failed ? NULL : b.root;
}

/* ---- queries ------------------------------------------------------------- */

bool bx_ynull(const bx_ynode *n)
{
	if (n->kind != BX_Y_SCALAR || !n->plain)
		return false;
	const char *s = n->u.s;
	if (*s && *s != '~' && *s != 'n' && *s != 'N')
		return false;
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	       strcmp(s, "NULL") == 0;
}

const char *bx_show_str(const char *s, size_t len, char buf[BX_SHOW_MAX])
{
	size_t o = 0, i = 0;
	const size_t room = BX_SHOW_MAX - 5; /* keep space for "..." and NUL */
	for (; i < len && o < room; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\t' || c == '\r' || c == '\\') {
			if (o + 2 > room)
				break;
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : '\\';
		} else if (c < 0x20 || c == 0x7f) {
			if (o + 4 > room)
				break;
			o += (size_t)snprintf(buf + o, 5, "\\x%02x", c);
		} else {
			/* do not cut a UTF-8 sequence: stop before a lead byte that does not fit */
			size_t w = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			if (o + w > room)
				break;
			for (size_t k = 0; k < w && i + k < len; k++)
				buf[o++] = s[i + k];
			i += w - 1;
		}
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

const char *bx_yshow(const bx_ynode *n, char buf[BX_SHOW_MAX])
{
	if (n->kind != BX_Y_SCALAR)
		return strcpy(buf, n->kind == BX_Y_MAP ? "{...}" : n->kind == BX_Y_SEQ ? "[...]" : "?");
	return bx_show_str(n->u.s, n->n, buf);
}

const char *bx_ydescribe(const bx_ynode *n)
{
	switch (n->kind) {
	case BX_Y_MAP:
		return "a mapping";
	case BX_Y_SEQ:
		return "a sequence";
	case BX_Y_SCALAR:
		if (bx_ynull(n))
			return "null";
		return n->plain ? "a scalar" : "a string";
	default:
		return "an invalid node";
	}
}

/* Append a path component: as it is when short and printable (the common
 * case, cheap), else through bx_show_str. */
static void path_component(bx_buf *b, const char *s, size_t len)
{
	bool plain = len < BX_SHOW_MAX - 5;
	for (size_t i = 0; plain && i < len; i++)
		plain = (unsigned char)s[i] >= 0x20 && s[i] != '\\' && s[i] != 0x7f;
	if (plain) {
		bx_buf_add(b, s, len);
		return;
	}
	char buf[BX_SHOW_MAX];
	bx_buf_puts(b, bx_show_str(s, len, buf));
}

char *bx_ypath(const bx_ynode *n)
{
	/* Walk up, collecting components; then print them root first. */
	const bx_ynode *chain[BX_YAML_MAX_DEPTH + 2];
	size_t depth = 0;
	for (const bx_ynode *x = n; x->parent && depth < BX_ARRAY_LEN(chain); x = x->parent)
		chain[depth++] = x;
	bx_buf b = {0};
	/* room for a usual path at once ("classes.web.box.memory.max"):
	 * growing from 8 bytes cost four reallocs per setting compiled */
	if (bx_grow(&b.s, &b.cap, 64, 1) < 0)
		b.oom = true;
	bx_buf_add(&b, "", 0);
	for (size_t i = depth; i-- > 0;) {
		const bx_ynode *x = chain[i], *p = x->parent;
		if (p->kind == BX_Y_SEQ) {
			char num[16];
			int k = snprintf(num, sizeof num, "[%u]", (unsigned)x->index);
			bx_buf_add(&b, num, (size_t)k);
			continue;
		}
		if (b.len)
			bx_buf_add(&b, ".", 1);
		/* a map's kids are key, value, …: the key is at the even index */
		const bx_ynode *k = x->index < 2 * (size_t)p->n ? p->u.kids[x->index & ~1u] : NULL;
		if (k && k->str)
			path_component(&b, k->u.s, k->n);
		else
			bx_buf_add(&b, "?", 1);
	}
	return bx_buf_take(&b);
}
