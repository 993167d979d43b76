/* verify.c - re-parse the output (libfyaml, libyaml) and compare trees */
#include "verify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "scalar.h"

struct vctx {
	const struct ystream *out;
	struct hd_err *err;
	int line_base; /* lines of the output before the parsed slice */
};

static int fail(struct vctx *v, const struct yn *o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct vctx *v, const struct yn *o, const char *fmt, ...)
{
	va_list ap;
	char msg[400];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (o && o->start != HD_NOPOS) {
		ys_pos(v->out, o->start, &v->err->line, &v->err->col);
		v->err->line += v->line_base;
	} else {
		v->err->line = v->line_base + 1;
		v->err->col = 1;
	}
	snprintf(v->err->msg, sizeof(v->err->msg), "verification failed, output not written: %s",
		 msg);
	return -1;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return !a && !b;
	return !strcmp(a, b);
}

static const struct yn *live_kid(const struct yn *n, size_t *i)
{
	while (*i < n->nkids && (n->kids[*i]->flags & YF_DELETED))
		(*i)++;
	return *i < n->nkids ? n->kids[(*i)++] : NULL;
}

static int cmp(struct vctx *v, const struct yn *I, const struct yn *O)
{
	bool fresh = I->flags & (YF_NEW | YF_SET);
	size_t i = 0, j = 0;

	if (I->kind != O->kind)
		return fail(v, O, "node kind differs from the intended one");
	if (!(I->flags & YF_NEW)) {
		if (!str_eq(I->anchor, O->anchor) || !str_eq(I->tag, O->tag))
			return fail(v, O, "anchor or tag changed");
	} else if (O->anchor || O->tag) {
		return fail(v, O, "unexpected anchor or tag on a new node");
	}
	switch (I->kind) {
	case YN_SCALAR:
		if (I->tlen != O->tlen || memcmp(I->text, O->text, I->tlen))
			return fail(v, O, "scalar value differs from the intended one");
		if (fresh) {
			enum yn_type t12 =
				O->style == YS_PLAIN ? hd_resolve12(O->text, O->tlen) : YT_STR;
			enum yn_type t11 =
				O->style == YS_PLAIN ? hd_resolve11(O->text, O->tlen) : YT_STR;

			if (O->tag)
				t11 = t12 = hd_node_type(O);
			if (t12 != I->vtype || t11 != I->vtype)
				return fail(v, O,
					    "scalar '%.*s' would not keep its type "
					    "under YAML 1.1 and 1.2",
					    (int)O->tlen, O->text);
		} else if ((I->style == YS_PLAIN) != (O->style == YS_PLAIN)) {
			return fail(v, O, "scalar style changed");
		}
		return 0;
	case YN_ALIAS:
		if (!str_eq(I->text, O->text))
			return fail(v, O, "alias changed");
		return 0;
	default:
		for (;;) {
			const struct yn *a = live_kid(I, &i);
			const struct yn *b = j < O->nkids ? O->kids[j++] : NULL;

			if (!a && !b)
				return 0;
			if (!a || !b)
				return fail(v, b ? b : O,
					    "%s has a different number of "
					    "entries than intended",
					    I->kind == YN_MAP ? "mapping" : "sequence");
			if (cmp(v, a, b) < 0)
				return -1;
		}
	}
}

/* ---- libyaml second opinion --------------------------------------------- */

struct lyctx {
	yaml_parser_t p;
	yaml_event_t ev;
	bool have;
	bool broken; /* libyaml reported an error */
};

static bool ly_next(struct lyctx *L)
{
	if (L->have)
		yaml_event_delete(&L->ev);
	L->have = false;
	if (!yaml_parser_parse(&L->p, &L->ev)) {
		L->broken = true;
		return false;
	}
	L->have = true;
	return true;
}

static int ly_node(struct lyctx *L, const struct yn *I, struct vctx *v)
{
	size_t i = 0;
	const struct yn *k;

	if (!ly_next(L))
		return -1;
	switch (I->kind) {
	case YN_SCALAR:
		if (L->ev.type != YAML_SCALAR_EVENT)
			return fail(v, NULL, "libyaml reads a different structure");
		/*
		 * Values of untouched scalars are libfyaml's business (cmp()):
		 * the two parsers read some exotic scalars differently (seen on
		 * CRD CEL rules).  New and changed values must agree exactly.
		 */
		if ((I->flags & (YF_NEW | YF_SET)) &&
		    (L->ev.data.scalar.length != I->tlen ||
		     memcmp(L->ev.data.scalar.value, I->text, I->tlen)))
			return fail(v, NULL, "libyaml reads scalar '%.*s' differently",
				    (int)I->tlen, I->text);
		if ((I->flags & (YF_NEW | YF_SET)) && !L->ev.data.scalar.tag) {
			enum yn_type t = L->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
						 ? hd_resolve11(I->text, I->tlen)
						 : YT_STR;
			if (t != I->vtype)
				return fail(v, NULL, "scalar '%.*s' changes type under YAML 1.1",
					    (int)I->tlen, I->text);
		}
		return 0;
	case YN_ALIAS:
		if (L->ev.type != YAML_ALIAS_EVENT)
			return fail(v, NULL, "libyaml reads a different structure");
		return 0;
	default:
		if (L->ev.type !=
		    (I->kind == YN_MAP ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT))
			return fail(v, NULL, "libyaml reads a different structure");
		while ((k = live_kid(I, &i)) != NULL)
			if (ly_node(L, k, v) < 0)
				return -1;
		if (!ly_next(L))
			return -1;
		if (L->ev.type !=
		    (I->kind == YN_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT))
			return fail(v, NULL, "libyaml reads a different structure");
		return 0;
	}
}

static int ly_expect(struct lyctx *L, yaml_event_type_t t, struct vctx *v)
{
	if (!ly_next(L))
		return -1;
	if (L->ev.type != t)
		return fail(v, NULL, "libyaml reads a different document structure");
	return 0;
}

/* libyaml reads @out as one document equal to @root (0), cannot parse it (1), or differs (-1). */
static int ly_compare(const struct yn *root, const char *out, size_t outlen, struct vctx *v)
{
	struct lyctx L;
	int rc = 0;

	memset(&L, 0, sizeof(L));
	yaml_parser_initialize(&L.p);
	yaml_parser_set_input_string(&L.p, (const unsigned char *)out, outlen);
	if ((rc = ly_expect(&L, YAML_STREAM_START_EVENT, v)) < 0)
		goto done;
	if ((rc = ly_expect(&L, YAML_DOCUMENT_START_EVENT, v)) < 0)
		goto done;
	rc = root ? ly_node(&L, root, v) : ly_expect(&L, YAML_SCALAR_EVENT, v);
	if (rc == 0)
		rc = ly_expect(&L, YAML_DOCUMENT_END_EVENT, v);
	if (rc == 0)
		rc = ly_expect(&L, YAML_STREAM_END_EVENT, v);
done:
	if (L.have)
		yaml_event_delete(&L.ev);
	yaml_parser_delete(&L.p);
	if (L.broken)
		return 1;
	return rc;
}

bool hd_libyaml_accepts(const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool ok = true;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

/*
 * Does libyaml reject @in, a document's original bytes (which start at line
 * @in_line_base + 1 of the file)?  Then @err says where, as harden counts
 * (lines end at '\n', columns count characters): libyaml's marks count
 * characters from the stream's start past a BOM, and lines also end at a
 * lone CR, NEL, LS and PS.
 */
static bool input_unreadable(const char *in, size_t len, int in_line_base, struct hd_err *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool bom = len >= 3 && !memcmp(in, "\xef\xbb\xbf", 3);
	size_t off, ls, i, c = 0, chars;
	int line = 1;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)in, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			yaml_parser_delete(&p);
			return false;
		}
		yaml_event_delete(&ev);
	}
	if (p.error == YAML_READER_ERROR) {
		off = p.problem_offset;
	} else {
		off = bom ? 3 : 0;
		for (chars = p.problem_mark.index; off < len && chars > 0; chars--)
			while (++off < len && ((unsigned char)in[off] & 0xC0) == 0x80)
				;
	}
	if (off > len)
		off = len;
	for (i = 0, ls = 0; i < off; i++)
		if (in[i] == '\n') {
			line++;
			ls = i + 1;
		}
	for (i = ls; i < off; i++)
		c += ((unsigned char)in[i] & 0xC0) != 0x80;
	if (ls == 0 && bom && c > 0)
		c--;
	err->line = in_line_base + line;
	err->col = (int)c + 1;
	snprintf(err->msg, sizeof(err->msg),
		 "the input is not readable by YAML 1.1 "
		 "parsers (libyaml, as kubectl and PyYAML): %s%s%s; nothing written",
		 p.problem ? p.problem : "error", p.context ? " " : "", p.context ? p.context : "");
	yaml_parser_delete(&p);
	return true;
}

/* libyaml's reading of a big document, in a thread of its own */
struct lyjob {
	const struct yn *root;
	const char *out;
	size_t outlen;
	struct vctx v;
	struct hd_err err;
	int rc;
};

static void *ly_thread(void *arg)
{
	struct lyjob *j = arg;

	j->rc = ly_compare(j->root, j->out, j->outlen, &j->v);
	return NULL;
}

/* documents at least this big are read by both parsers at once (split) */
#define SPLIT_MIN (64 * 1024)

int hd_verify_doc(const char *name, const struct yn *root, const char *out, size_t outlen,
		  int line_base, const char *in_slice, size_t in_len, size_t docno,
		  struct hd_err *err)
{
	return hd_verify_doc_split(name, root, out, outlen, line_base, in_slice, in_len, docno,
				   false, 0, err);
}

int hd_verify_doc_split(const char *name, const struct yn *root, const char *out, size_t outlen,
			int line_base, const char *in_slice, size_t in_len, size_t docno,
			bool split, int in_line_base, struct hd_err *err)
{
	struct hd_arena a;
	struct ystream o;
	struct hd_err perr;
	struct vctx v;
	struct lyjob ly;
	pthread_t th;
	bool threaded = false;
	int rc = 0;

	if (in_len && in_slice[in_len - 1] == '\n' && (!outlen || out[outlen - 1] != '\n')) {
		/* the next document would be glued onto this one */
		err->line = line_base + 1;
		err->col = 1;
		snprintf(err->msg, sizeof(err->msg),
			 "verification failed, output not written: document %zu "
			 "lost its final line break",
			 docno + 1);
		return -1;
	}
	hd_arena_init(&a);
	v.out = &o;
	v.err = err;
	v.line_base = line_base;
	if (split && root && outlen >= SPLIT_MIN) {
		memset(&ly, 0, sizeof(ly));
		ly.root = root;
		ly.out = out;
		ly.outlen = outlen;
		ly.v.err = &ly.err;
		ly.v.line_base = line_base;
		threaded = pthread_create(&th, NULL, ly_thread, &ly) == 0;
	}
	if (ys_parse_lean(&o, name, out, outlen, &a, &perr) < 0) {
		err->line = perr.line + line_base;
		err->col = perr.col;
		snprintf(err->msg, sizeof(err->msg),
			 "verification failed, output not written: edited text "
			 "does not parse: %.400s",
			 perr.msg);
		rc = -1;
		goto out;
	}
	if (o.ndocs != 1) {
		err->line = line_base + 1;
		err->col = 1;
		snprintf(err->msg, sizeof(err->msg),
			 "verification failed, output not written: document %zu reads "
			 "as %zu documents",
			 docno + 1, o.ndocs);
		rc = -1;
		goto out;
	}
	if (!root || !o.docs[0].root) {
		if (!root != !o.docs[0].root)
			rc = fail(&v, o.docs[0].root, "document %zu changed shape", docno + 1);
		goto out;
	}
	if (cmp(&v, root, o.docs[0].root) < 0) {
		rc = -1;
		goto out;
	}
	if (threaded) {
		pthread_join(th, NULL);
		threaded = false;
		rc = ly.rc;
		if (rc < 0)
			*err = ly.err;
	} else {
		rc = ly_compare(root, out, outlen, &v);
	}
	if (rc < 0) {
		/* libyaml reads the output differently: because it cannot
		 * read the input either?  Then that is what to say, and where */
		struct hd_err ie;

		if (input_unreadable(in_slice, in_len, in_line_base, &ie))
			*err = ie;
	} else if (rc == 1) {
		/* libyaml rejects the output: only fine if it rejects the input */
		if (hd_libyaml_accepts(in_slice, in_len)) {
			err->line = line_base + 1;
			err->col = 1;
			snprintf(err->msg, sizeof(err->msg),
				 "verification failed, output not written: libyaml "
				 "accepts the input but not the output");
			rc = -1;
		} else {
			rc = 0;
		}
	}
out:
	if (threaded) /* libfyaml already failed: its error stands */
		pthread_join(th, NULL);
	hd_arena_free(&a);
	return rc;
}

int hd_verify(const struct ystream *in, const char *out, size_t outlen, const struct splices *sp,
	      struct hd_err *err)
{
	size_t nd = in->ndocs, d, i;
	long long *delta, before = 0;
	int rc = 0, lines = 0;
	size_t counted = 0;

	if (nd == 0)
		return 0;
	delta = hd_xmalloc(nd * sizeof(*delta));
	memset(delta, 0, nd * sizeof(*delta));
	for (i = 0; sp && i < sp->n; i++)
		delta[sp->v[i].doc < nd ? sp->v[i].doc : nd - 1] +=
			(long long)sp->v[i].tlen - (long long)sp->v[i].len;
	for (d = 0; d < nd && rc == 0; d++) {
		size_t b0 = in->docs[d].bound, b1 = in->docs[d].end_bound;
		size_t s = (size_t)((long long)b0 + before);
		size_t e = (size_t)((long long)b1 + before + delta[d]);

		before += delta[d];
		if (!in->docs[d].changed)
			continue;
		if (e > outlen || s > e) {
			err->line = err->col = 1;
			snprintf(err->msg, sizeof(err->msg),
				 "internal error: edits outside "
				 "document %zu",
				 d + 1);
			rc = -1;
			break;
		}
		lines += hd_count_lines(out + counted, s - counted);
		counted = s;
		{
			int il, ic;

			ys_pos(in, b0, &il, &ic);
			rc = hd_verify_doc_split(in->name, in->docs[d].root, out + s, e - s, lines,
						 in->buf + b0, b1 - b0, d, false, il - 1, err);
		}
	}
	free(delta);
	return rc;
}
