/* fuzz_edit.c - random edits on fuzzed documents: verify, keep bytes, idempotent */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "edit.h"
#include "path.h"
#include "verify.h"
#include "ytree.h"

/* The last two input bytes pick the edit; the rest is the document. */
static const char *const values[] = { "true", "10001", "\"1000:1000\"",
				      "{a: 1, b: [x, y]}", "[ALL]", "zz" };

static struct yn *pick(struct yn *n, unsigned *k)
{
	size_t i;

	if (!*k)
		return n;
	(*k)--;
	for (i = 0; i < n->nkids; i++) {
		struct yn *r = pick(n->kids[i], k);

		if (r)
			return r;
	}
	return NULL;
}

/* Does libyaml's next node equal @n, every scalar value included? */
static bool ly_same(yaml_parser_t *p, const struct yn *n)
{
	yaml_event_t ev;
	bool ok = false;
	size_t i;

	if (n->tag && strpbrk(n->tag, ",[]{}"))
		return false; /* libfyaml 0.7.12 lets a tag run into `,` or `]` */
	if (!yaml_parser_parse(p, &ev))
		return false;
	switch (n->kind) {
	case YN_SCALAR:
		ok = ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == n->tlen &&
		     !memcmp(ev.data.scalar.value, n->text, n->tlen);
		break;
	case YN_ALIAS:
		ok = ev.type == YAML_ALIAS_EVENT;
		break;
	default:
		if (ev.type != (n->kind == YN_MAP ? YAML_MAPPING_START_EVENT
						 : YAML_SEQUENCE_START_EVENT))
			break;
		yaml_event_delete(&ev);
		for (i = 0; i < n->nkids; i++)
			if (!ly_same(p, n->kids[i]))
				return false;
		if (!yaml_parser_parse(p, &ev))
			return false;
		ok = ev.type == (n->kind == YN_MAP ? YAML_MAPPING_END_EVENT
						  : YAML_SEQUENCE_END_EVENT);
	}
	yaml_event_delete(&ev);
	return ok;
}

/* Do libyaml and the tree (libfyaml) read every document of @ys alike? */
static bool parsers_agree(const struct ystream *ys)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool ok = true;
	size_t d;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)ys->buf, ys->len);
	if (!yaml_parser_parse(&p, &ev)) { /* stream start */
		yaml_parser_delete(&p);
		return false;
	}
	yaml_event_delete(&ev);
	for (d = 0; ok && d < ys->ndocs; d++) {
		if (!yaml_parser_parse(&p, &ev) || ev.type != YAML_DOCUMENT_START_EVENT) {
			ok = false;
			break;
		}
		yaml_event_delete(&ev);
		if (ys->docs[d].root) {
			ok = ly_same(&p, ys->docs[d].root);
		} else {
			ok = yaml_parser_parse(&p, &ev) && ev.type == YAML_SCALAR_EVENT;
			yaml_event_delete(&ev);
		}
		if (ok && (!yaml_parser_parse(&p, &ev) || ev.type != YAML_DOCUMENT_END_EVENT))
			ok = false;
		else if (ok)
			yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/* Does libyaml read @out as libfyaml (the tree) does? */
static bool output_agrees(const char *out, size_t len)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	bool ok;

	hd_arena_init(&a);
	if (ys_parse(&ys, "fuzz-out", out, len, &a, &err) == 0)
		ok = parsers_agree(&ys);
	else
		ok = !hd_libyaml_accepts(out, len); /* both reject it: our bug */
	hd_arena_free(&a);
	return ok;
}

/* Remove @n (a map value: its pair) unless an alias could see it. */
static void remove_node(struct yn *n)
{
	if (!n->parent || ye_shared_anchor(n) || n->nrefs)
		return;
	if (n->parent->kind == YN_MAP && n->parent->has_merge)
		return;
	ye_remove(n);
}

/*
 * One edit per document at node number seed % 97: mode (seed >> 8) & 3
 * 0 adds a key / appends an item / sets a scalar, 1 removes the node,
 * 2 removes it and adds a key or item to its parent, 3 removes it and the
 * next sibling.  Returns 1 if changed, 0 unchanged, -1 refused.
 */
static int edit_once(const char *buf, size_t size, unsigned seed, struct hd_buf *out)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	struct splices sp = { 0 };
	int rc = -1;
	size_t d;
	unsigned mode = (seed >> 8) & 3;
	bool agree;

	hd_arena_init(&a);
	if (ys_parse(&ys, "fuzz", buf, size, &a, &err) < 0)
		goto done;
	/* do libfyaml (the tree) and libyaml read the input alike? */
	agree = parsers_agree(&ys);
	for (d = 0; d < ys.ndocs; d++) {
		struct yn *root = ys.docs[d].root, *n, *p;
		unsigned k = (seed & 0xff) % 97;

		if (!root)
			continue;
		n = pick(root, &k);
		if (!n)
			n = root;
		if (ye_shared_anchor(n))
			continue;
		p = n->parent;
		if (mode && p && !p->anchor && !ye_shared_anchor(p)) {
			size_t i;

			for (i = 0; i < p->nkids && p->kids[i] != n; i++)
				;
			if (p->kind == YN_MAP)
				i |= 1; /* the pair's value */
			remove_node(n);
			if (mode == 2 && p->kind == YN_MAP && !yn_map_get(p, "zz_fuzz")) {
				struct yn *v = ye_value_parse(&ys, values[seed % 6], &err);

				if (v)
					ye_map_add(&ys, p, "zz_fuzz", v);
			} else if (mode == 2 && p->kind == YN_SEQ) {
				struct yn *v = ye_value_parse(&ys, values[seed % 6], &err);

				if (v)
					ye_seq_append(&ys, p, v);
			} else if (mode == 3 && i + 1 < p->nkids &&
				   !(p->kids[i + 1]->flags & YF_NEW)) {
				remove_node(p->kids[i + 1]);
			}
			continue;
		}
		if (n->kind == YN_MAP && !n->anchor) {
			struct yn *v = ye_value_parse(&ys, values[seed % 6], &err);

			if (v && !yn_map_get(n, "zz_fuzz"))
				ye_map_add(&ys, n, "zz_fuzz", v);
		} else if (n->kind == YN_SEQ && !n->anchor) {
			struct yn *v = ye_value_parse(&ys, values[(seed / 7) % 6], &err);

			if (v)
				ye_seq_append(&ys, n, v);
		} else if (n->kind == YN_SCALAR && n->parent && !n->anchor &&
			   n->parent->kind == YN_MAP && !n->null_empty) {
			ye_set_scalar(&ys, n, "zz changed", YT_STR);
		}
	}
	if (ye_render(&ys, &sp, &err) < 0)
		goto done; /* a refusal is fine */
	if (splices_apply(&ys, &sp, out, &err) < 0)
		abort(); /* conflicting edits are a renderer bug */
	if (sp.n && hd_verify(&ys, out->data, out->len, &sp, &err) < 0) {
		/* the parsers' tab rules shift with the lines around ("?\t" then
		 * a new key: "Indentation used tabs"; a line of blanks and tabs
		 * before new lines); caught, never written.  Tab-free input
		 * must always edit cleanly. */
		if (memchr(buf, '\t', size))
			goto done;
		/* input only libfyaml accepts (its leniencies shift with edits),
		 * or that the two parsers read differently; or output they read
		 * differently (a parser's bug that verification caught) */
		if (!agree || !hd_libyaml_accepts(buf, size) ||
		    !output_agrees(out->data, out->len))
			goto done;
		/* never written, but the renderer should have refused */
		fprintf(stderr, "verification failed: %d:%d: %s\n", err.line, err.col,
			err.msg);
		abort();
	}
	rc = sp.n ? 1 : 0;
done:
	splices_release(&sp);
	hd_arena_free(&a);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_buf out = HD_BUF_INIT;
	char *buf;
	unsigned seed;

	if (size < 3)
		return 0;
	seed = data[size - 1] | (unsigned)data[size - 2] << 8;
	size -= 2;
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (edit_once(buf, size, seed, &out) == 1) {
		/* the output parses (verified); editing it again the same way
		 * must not fail to parse */
		struct hd_arena a;
		struct ystream ys;
		struct hd_err err;

		hd_arena_init(&a);
		if (ys_parse(&ys, "fuzz-out", out.data, out.len, &a, &err) < 0)
			abort();
		hd_arena_free(&a);
	}
	hd_buf_release(&out);
	free(buf);
	hd_yaml_thread_done();
	return 0;
}
