/* dockerfile.c - parse Dockerfiles as BuildKit does, keeping byte spans */
#include "dockerfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const instructions[] = {
	"ADD",	      "ARG",	     "CMD",    "COPY",	     "ENTRYPOINT", "ENV", "EXPOSE",
	"FROM",	      "HEALTHCHECK", "LABEL",  "MAINTAINER", "ONBUILD",	   "RUN", "SHELL",
	"STOPSIGNAL", "USER",	     "VOLUME", "WORKDIR",    NULL,
};

static bool known(const char *name)
{
	size_t i;

	for (i = 0; instructions[i]; i++)
		if (!strcmp(instructions[i], name))
			return true;
	return false;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One physical line: [s, e) its content without the line break, @next the next line. */
struct line {
	size_t s, e, next;
	bool cr;
};

static void line_at(const char *d, size_t len, size_t pos, struct line *l)
{
	const char *nl = memchr(d + pos, '\n', len - pos);

	l->s = pos;
	l->e = nl ? (size_t)(nl - d) : len;
	l->next = nl ? l->e + 1 : len;
	l->cr = l->e > l->s && d[l->e - 1] == '\r';
	if (l->cr)
		l->e--;
}

static size_t skip_blanks(const char *d, size_t p, size_t e)
{
	while (p < e && blank(d[p]))
		p++;
	return p;
}

static int fail(struct hd_err *err, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct hd_err *err, int line, int col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* "# key=value" before any instruction: 1 (a directive), 0 (a comment). */
static int directive(const char *d, size_t s, size_t e, char *key, size_t kn, const char **val,
		     size_t *vlen)
{
	size_t p = skip_blanks(d, s + 1, e), k = p, v;

	while (p < e && (((d[p] | 0x20) >= 'a' && (d[p] | 0x20) <= 'z') ||
			 (p > k && d[p] >= '0' && d[p] <= '9')))
		p++;
	if (p == k || p - k >= kn)
		return 0;
	memcpy(key, d + k, p - k);
	key[p - k] = '\0';
	p = skip_blanks(d, p, e);
	if (p >= e || d[p] != '=')
		return 0;
	v = skip_blanks(d, p + 1, e);
	while (e > v && blank(d[e - 1]))
		e--;
	*val = d + v;
	*vlen = e - v;
	return 1;
}

struct parse {
	struct df_file *df;
	struct hd_arena *a;
	struct hd_err *err;
	struct hd_buf args;
	struct df_seg *seg;
	size_t nseg, capseg;
	size_t cap;
};

static void push_seg(struct parse *P, size_t raw, size_t len)
{
	if (!len)
		return;
	if (P->nseg == P->capseg) {
		P->capseg = P->capseg ? 2 * P->capseg : 8;
		P->seg = hd_xrealloc(P->seg, P->capseg * sizeof(*P->seg));
	}
	P->seg[P->nseg].raw = raw;
	P->seg[P->nseg].log = P->args.len;
	P->seg[P->nseg].len = len;
	P->nseg++;
	hd_buf_add(&P->args, P->df->data + raw, len);
}

/* BuildKit trims the arguments: blanks that continuation lines begin with
 * at the start of the arguments go too ("RUN \\" then "  make"). */
static void trim_front(struct parse *P)
{
	size_t lead = 0, k, drop;

	while (lead < P->args.len && blank(P->args.data[lead]))
		lead++;
	if (!lead)
		return;
	memmove(P->args.data, P->args.data + lead, P->args.len - lead);
	P->args.len -= lead;
	for (k = 0, drop = lead; k < P->nseg; k++) {
		size_t d = drop < P->seg[k].len ? drop : P->seg[k].len;

		P->seg[k].raw += d;
		P->seg[k].len -= d;
		drop -= d;
		P->seg[k].log = P->seg[k].log >= lead ? P->seg[k].log - lead : 0;
	}
	for (k = 0; k < P->nseg && !P->seg[k].len; k++)
		;
	memmove(P->seg, P->seg + k, (P->nseg - k) * sizeof(*P->seg));
	P->nseg -= k;
}

/* Does line [s, e) end with the escape character (and blanks)?  *@at: where. */
static bool continues(const char *d, size_t s, size_t e, char esc, size_t *at)
{
	while (e > s && blank(d[e - 1]))
		e--;
	if (e > s && d[e - 1] == esc) {
		*at = e - 1;
		return true;
	}
	return false;
}

static bool comment_line(const char *d, const struct line *l)
{
	size_t p = skip_blanks(d, l->s, l->e);

	return p < l->e && d[p] == '#';
}

/* The heredoc words of @in's logical arguments (RUN, COPY, ADD). */
static int find_heredocs(struct parse *P, struct df_instr *in, struct df_heredoc **out, size_t *n)
{
	struct df_word *w;
	bool cm;
	size_t nw = df_shell_words(in->args, in->nargs, P->a, &w, &cm), i, k = 0;

	*out = hd_arena_alloc(P->a, (nw + 1) * sizeof(**out));
	for (i = 0; i < nw; i++) {
		const char *s = in->args + w[i].log, *e = s + w[i].len, *q;
		struct df_heredoc *h = &(*out)[k];
		char name[128];
		size_t nn = 0;

		if (w[i].op)
			continue;
		while (s < e && *s >= '0' && *s <= '9')
			s++;
		if (e - s < 3 || s[0] != '<' || s[1] != '<' || s[2] == '<')
			continue;
		s += 2;
		if (*s == '-') {
			h->strip_tabs = true;
			s++;
		}
		for (q = s; q < e; q++) {
			if (*q == '"' || *q == '\'') {
				h->quoted = true;
				continue;
			}
			if (*q == '<')
				break;
			if (nn + 1 < sizeof(name))
				name[nn++] = *q;
		}
		if (q < e || !nn) {
			h->strip_tabs = h->quoted = false;
			continue;
		}
		name[nn] = '\0';
		h->name = hd_arena_strdup(P->a, name);
		k++;
	}
	*n = k;
	return 0;
}

/* Read the bodies of @in's heredocs from @pos on; in->end past the last. */
static int read_bodies(struct parse *P, struct df_instr *in, size_t pos, int *lineno)
{
	const char *d = P->df->data;
	size_t len = P->df->len, i;

	for (i = 0; i < in->nhd; i++) {
		struct df_heredoc *h = &in->hd[i];
		struct line l;
		bool found = false;

		h->body = pos;
		while (pos < len) {
			size_t s;

			line_at(d, len, pos, &l);
			(*lineno)++;
			s = l.s;
			if (h->strip_tabs)
				while (s < l.e && d[s] == '\t')
					s++;
			if (l.e - s == strlen(h->name) && !memcmp(d + s, h->name, l.e - s)) {
				h->body_end = l.s;
				pos = l.next;
				found = true;
				break;
			}
			pos = l.next;
		}
		if (!found)
			return fail(P->err, in->line, in->col,
				    "heredoc '%s' is not terminated: no line holds its delimiter",
				    h->name);
	}
	in->end = pos;
	return 0;
}

/* Is @s (@n bytes) a JSON array of strings? */
static bool json_array(const char *s, size_t n)
{
	size_t p = 0;
	bool first = true;

	if (!n || s[0] != '[')
		return false;
	p = 1;
	for (;;) {
		while (p < n && (blank(s[p]) || s[p] == '\r' || s[p] == '\n'))
			p++;
		if (p < n && s[p] == ']' && first) {
			p++;
			break;
		}
		if (p >= n || s[p] != '"')
			return false;
		for (p++; p < n && s[p] != '"'; p++)
			if (s[p] == '\\')
				p++;
		if (p >= n)
			return false;
		p++;
		while (p < n && blank(s[p]))
			p++;
		first = false;
		if (p < n && s[p] == ',') {
			p++;
			continue;
		}
		if (p < n && s[p] == ']') {
			p++;
			break;
		}
		return false;
	}
	while (p < n && blank(s[p]))
		p++;
	return p == n;
}

static void upper_word(char *dst, size_t dn, const char *s, size_t n)
{
	size_t i;

	if (n >= dn)
		n = dn - 1;
	for (i = 0; i < n; i++)
		dst[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	dst[n] = '\0';
}

static int utf8_ok(const char *d, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)d;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], k, need;

		if (c == 0) {
			*bad = i;
			return -1;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		need = c >= 0xf0 && c <= 0xf4  ? 3
		       : c >= 0xe0 && c < 0xf0 ? 2
		       : c >= 0xc2 && c < 0xe0 ? 1
					       : 0;
		if (!need) {
			*bad = i;
			return -1;
		}
		for (k = 1; k <= need; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80) {
				*bad = i;
				return -1;
			}
		i += need + 1;
	}
	return 0;
}

static void pos_of(const char *d, size_t off, int *line, int *col)
{
	size_t i, ls = 0;

	*line = 1;
	for (i = 0; i < off; i++)
		if (d[i] == '\n') {
			(*line)++;
			ls = i + 1;
		}
	*col = (int)(off - ls) + 1;
}

/* FROM [--flag...] image [AS name]: fill the stage of @in. */
static void read_from(struct parse *P, struct df_instr *in, size_t idx)
{
	struct df_file *df = P->df;
	struct df_stage *st;
	const char *s = in->args, *e = in->args + in->nargs, *w, *img = NULL;
	size_t il = 0, k;

	df->st = hd_xrealloc(df->st, (df->nst + 1) * sizeof(*df->st));
	st = &df->st[df->nst];
	memset(st, 0, sizeof(*st));
	st->from = idx;
	st->base_stage = -1;
	while (s < e) {
		while (s < e && (blank(*s)))
			s++;
		w = s;
		while (s < e && !blank(*s))
			s++;
		if (s == w)
			break;
		if (!img && s - w > 2 && w[0] == '-' && w[1] == '-')
			continue;
		if (!img) {
			img = w;
			il = (size_t)(s - w);
			continue;
		}
		if (s - w == 2 && !strncasecmp(w, "as", 2)) {
			while (s < e && blank(*s))
				s++;
			w = s;
			while (s < e && !blank(*s))
				s++;
			if (s > w) {
				char *al = hd_arena_strndup(P->a, w, (size_t)(s - w));
				char *c;

				for (c = al; *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c + 32);
				st->alias = al;
			}
		}
		break;
	}
	if (img) {
		size_t log = (size_t)(img - in->args);

		st->image = hd_arena_strndup(P->a, img, il);
		st->image_log = log;
		for (k = 0; k < in->nseg; k++)
			if (in->seg[k].log <= log && log + il <= in->seg[k].log + in->seg[k].len) {
				st->image_off = in->seg[k].raw + (log - in->seg[k].log);
				st->image_len = il;
				st->image_raw = true;
			}
		for (k = 0; k < df->nst; k++)
			if (df->st[k].alias && !strcasecmp(df->st[k].alias, st->image))
				st->base_stage = (int)k;
	}
	df->nst++;
}

int df_parse(struct df_file *df, const char *data, size_t len, struct hd_arena *a,
	     struct hd_err *err)
{
	struct parse P;
	size_t pos = 0, bad, ncr = 0, nlf = 0, nlow = 0, nup = 0;
	bool directives = true;
	int lineno = 0, comment_line_no = -1;
	size_t comment_s = 0, comment_e = 0;
	struct line l;

	memset(df, 0, sizeof(*df));
	memset(&P, 0, sizeof(P));
	memset(err, 0, sizeof(*err));
	df->data = data;
	df->len = len;
	df->escape = '\\';
	P.df = df;
	P.a = a;
	P.err = err;
	if (utf8_ok(data, len, &bad) < 0) {
		int li, co;

		pos_of(data, bad, &li, &co);
		return fail(err, li, co, "%s",
			    data[bad] ? "not UTF-8 text" : "NUL byte: not a text file");
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		pos = 3;
	df->final_newline = !len || data[len - 1] == '\n';
	while (pos < len) {
		struct df_instr *in;
		size_t kw, ke, at, p;
		bool more;

		line_at(data, len, pos, &l);
		lineno++;
		if (l.next > l.e + (l.cr ? 1 : 0)) {
			if (l.cr)
				ncr++;
			else
				nlf++;
		}
		p = skip_blanks(data, l.s, l.e);
		if (p == l.e) {
			directives = false;
			pos = l.next;
			continue;
		}
		if (data[p] == '#') {
			char key[32];
			const char *val;
			size_t vl;

			if (directives && directive(data, p, l.e, key, sizeof(key), &val, &vl)) {
				if (!strcasecmp(key, "escape")) {
					if (vl != 1 || (val[0] != '\\' && val[0] != '`'))
						return fail(err, lineno,
							    (int)(val - data - l.s) + 1,
							    "invalid escape directive: the escape "
							    "character is \\ or `");
					df->escape = val[0];
				} else if (!strcasecmp(key, "syntax")) {
					df->syntax = hd_arena_strndup(a, val, vl);
				}
				pos = l.next;
				continue;
			}
			directives = false;
			comment_s = p;
			comment_e = l.e;
			comment_line_no = lineno;
			pos = l.next;
			continue;
		}
		directives = false;
		if (df->n == P.cap) {
			P.cap = P.cap ? 2 * P.cap : 32;
			df->in = hd_xrealloc(df->in, P.cap * sizeof(*df->in));
		}
		in = &df->in[df->n];
		memset(in, 0, sizeof(*in));
		in->start = l.s;
		kw = p;
		ke = p;
		while (ke < l.e && !blank(data[ke]))
			ke++;
		in->kw = kw;
		in->line = lineno;
		in->col = (int)(kw - l.s) + 1;
		in->stage = (int)df->nst - 1;
		if (comment_line_no == lineno - 1 && comment_line_no > 0) {
			in->has_comment = true;
			in->comment = comment_s;
			in->comment_len = comment_e - comment_s;
		}
		/* a keyword glued to the escape: "RUN\" */
		if (ke > kw && data[ke - 1] == df->escape && ke == l.e)
			ke--;
		in->kwlen = ke - kw;
		upper_word(in->name, sizeof(in->name), data + kw, ke - kw);
		if (ke - kw >= sizeof(in->name) || !known(in->name)) {
			char w[64];

			snprintf(w, sizeof(w), "%.*s", (int)(ke - kw > 40 ? 40 : ke - kw),
				 data + kw);
			free(P.seg);
			hd_buf_release(&P.args);
			return fail(err, lineno, in->col, "unknown instruction '%s'", w);
		}
		if (data[kw] >= 'a' && data[kw] <= 'z')
			nlow++;
		else
			nup++;
		hd_buf_reset(&P.args);
		P.nseg = 0;
		p = skip_blanks(data, ke, l.e);
		in->args_raw = p;
		for (;;) {
			more = continues(data, p, l.e, df->escape, &at);
			push_seg(&P, p, (more ? at : l.e) - p);
			in->last_line = lineno;
			pos = l.next;
			if (!more)
				break;
			/* continuation lines: comments and blank lines are skipped */
			for (;;) {
				if (pos >= len)
					break;
				line_at(data, len, pos, &l);
				lineno++;
				if (comment_line(data, &l) || skip_blanks(data, l.s, l.e) == l.e) {
					pos = l.next;
					continue;
				}
				break;
			}
			if (pos >= len || comment_line(data, &l) ||
			    skip_blanks(data, l.s, l.e) == l.e)
				break;
			p = l.s;
		}
		trim_front(&P);
		in->open_end = more && pos >= len;
		while (P.args.len && (blank(P.args.data[P.args.len - 1]))) {
			P.args.len--;
			P.seg[P.nseg - 1].len--;
			if (!P.seg[P.nseg - 1].len)
				P.nseg--;
		}
		in->args = hd_arena_strndup(a, P.args.data ? P.args.data : "", P.args.len);
		in->nargs = P.args.len;
		in->seg = hd_arena_alloc(a, (P.nseg + 1) * sizeof(*in->seg));
		if (P.nseg)
			memcpy(in->seg, P.seg, P.nseg * sizeof(*in->seg));
		in->nseg = P.nseg;
		in->end = pos;
		if (!strcmp(in->name, "ONBUILD")) {
			size_t k = 0;

			while (k < in->nargs && !blank(in->args[k]))
				k++;
			upper_word(in->sub, sizeof(in->sub), in->args, k);
		}
		if (!strcmp(in->name, "RUN") || !strcmp(in->name, "COPY") ||
		    !strcmp(in->name, "ADD") || !strcmp(in->sub, "RUN") ||
		    !strcmp(in->sub, "COPY") || !strcmp(in->sub, "ADD")) {
			find_heredocs(&P, in, &in->hd, &in->nhd);
			if (in->nhd && read_bodies(&P, in, pos, &lineno) < 0) {
				free(P.seg);
				hd_buf_release(&P.args);
				return -1;
			}
			pos = in->end;
		}
		in->json = json_array(in->args, in->nargs);
		if (!strcmp(in->name, "FROM"))
			read_from(&P, in, df->n);
		in->stage = (int)df->nst - 1;
		df->n++;
	}
	df->crlf = ncr > nlf;
	df->lower = nlow > nup;
	free(P.seg);
	hd_buf_release(&P.args);
	return 0;
}

size_t df_raw_at(const struct df_instr *in, size_t log)
{
	size_t k;

	for (k = 0; k < in->nseg; k++)
		if (log >= in->seg[k].log && log <= in->seg[k].log + in->seg[k].len)
			return in->seg[k].raw + (log - in->seg[k].log);
	return in->nseg ? in->seg[in->nseg - 1].raw + in->seg[in->nseg - 1].len : in->args_raw;
}

bool df_is_dockerfile_name(const char *name)
{
	const char *b = strrchr(name, '/');
	size_t n;

	b = b ? b + 1 : name;
	n = strlen(b);
	if (!strcmp(b, "Dockerfile") || !strcmp(b, "Containerfile") ||
	    !strncmp(b, "Dockerfile.", 11) || !strncmp(b, "Containerfile.", 14))
		return !(n > 5 && (!strcmp(b + n - 5, ".yaml") || !strcmp(b + n - 4, ".yml") ||
				   !strcmp(b + n - 5, ".json") || !strcmp(b + n - 3, ".md")));
	return (n > 11 && !strcmp(b + n - 11, ".Dockerfile")) ||
	       (n > 14 && !strcmp(b + n - 14, ".Containerfile")) ||
	       (n > 11 && !strcmp(b + n - 11, ".dockerfile"));
}

/* ---- shell words ------------------------------------------------------- */

size_t df_shell_words(const char *s, size_t n, struct hd_arena *a, struct df_word **out,
		      bool *comment)
{
	struct df_word *w = NULL;
	struct hd_buf t = HD_BUF_INIT;
	size_t nw = 0, cap = 0, i = 0;

	*comment = false;
	while (i < n) {
		size_t st;
		bool op = false;

		while (i < n && (blank(s[i]) || s[i] == '\r'))
			i++;
		if (i >= n)
			break;
		st = i;
		hd_buf_reset(&t);
		if (s[i] == '#') {
			*comment = true;
			break;
		}
		if (s[i] == '\n' || s[i] == ';' || s[i] == '(' || s[i] == ')') {
			op = true;
			i++;
		} else if (s[i] == '&' || s[i] == '|') {
			op = true;
			i += (i + 1 < n && s[i + 1] == s[i]) ? 2 : 1;
		} else {
			while (i < n && !blank(s[i]) && s[i] != '\r' && s[i] != '\n' &&
			       s[i] != ';' && s[i] != '&' && s[i] != '|' && s[i] != '(' &&
			       s[i] != ')') {
				char c = s[i];

				if (c == '\\' && i + 1 < n) {
					hd_buf_addc(&t, s[i + 1]);
					i += 2;
				} else if (c == '\'') {
					for (i++; i < n && s[i] != '\''; i++)
						hd_buf_addc(&t, s[i]);
					if (i >= n)
						*comment = true; /* unterminated */
					i++;
				} else if (c == '"') {
					for (i++; i < n && s[i] != '"'; i++) {
						if (s[i] == '\\' && i + 1 < n &&
						    strchr("$`\"\\", s[i + 1]))
							i++;
						hd_buf_addc(&t, s[i]);
					}
					if (i >= n)
						*comment = true; /* unterminated */
					i++;
				} else if (c == '$' && i + 1 < n && s[i + 1] == '(') {
					int depth = 0;

					for (; i < n; i++) {
						hd_buf_addc(&t, s[i]);
						if (s[i] == '(')
							depth++;
						else if (s[i] == ')' && --depth == 0) {
							i++;
							break;
						}
					}
					if (depth > 0)
						*comment = true; /* unterminated */
				} else if (c == '`') {
					hd_buf_addc(&t, c);
					for (i++; i < n && s[i] != '`'; i++)
						hd_buf_addc(&t, s[i]);
					if (i < n)
						hd_buf_addc(&t, s[i]);
					else
						*comment = true; /* unterminated */
					i++;
				} else {
					hd_buf_addc(&t, c);
					i++;
				}
			}
			if (i > n)
				i = n;
		}
		if (nw == cap) {
			cap = cap ? 2 * cap : 16;
			w = hd_xrealloc(w, cap * sizeof(*w));
		}
		w[nw].log = st;
		w[nw].len = i - st;
		w[nw].op = op;
		w[nw].text = op ? hd_arena_strndup(a, s + st, i - st)
				: hd_arena_strndup(a, t.data ? t.data : "", t.len);
		nw++;
	}
	hd_buf_release(&t);
	*out = hd_arena_alloc(a, (nw + 1) * sizeof(**out));
	if (nw)
		memcpy(*out, w, nw * sizeof(*w));
	free(w);
	return nw;
}

/* ---- the intended instruction list and its check ------------------------- */

static void wants_grow(struct df_wants *w)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->v = hd_xrealloc(w->v, w->cap * sizeof(*w->v));
	}
}

static void want_of(struct df_want *v, const struct df_file *df, const struct df_instr *in,
		    struct hd_arena *a)
{
	size_t k;
	struct hd_buf b = HD_BUF_INIT;

	memset(v, 0, sizeof(*v));
	memcpy(v->name, in->name, sizeof(v->name));
	v->args = in->args;
	v->nargs = in->nargs;
	for (k = 0; k < in->nhd; k++)
		hd_buf_add(&b, df->data + in->hd[k].body, in->hd[k].body_end - in->hd[k].body);
	if (in->nhd) {
		v->bodies = hd_arena_strndup(a, b.data ? b.data : "", b.len);
		v->nbodies = b.len;
	}
	hd_buf_release(&b);
}

void df_wants_init(struct df_wants *w, const struct df_file *df, struct hd_arena *a)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->a = a;
	w->norig = df->n;
	w->map = hd_xmalloc((df->n + 1) * sizeof(*w->map));
	for (i = 0; i < df->n; i++) {
		wants_grow(w);
		want_of(&w->v[w->n], df, &df->in[i], a);
		w->map[i] = w->n++;
	}
	w->map[df->n] = w->n;
}

void df_want_insert(struct df_wants *w, size_t at, bool after, const char *name, const char *args)
{
	size_t pos, i;

	if (at >= w->norig) {
		pos = w->n;
	} else if (after) {
		/* after original @at and whatever was inserted after it before */
		pos = w->map[at] + 1;
		while (pos < w->n && w->v[pos].name[0] == '+')
			pos++;
	} else {
		pos = w->map[at];
	}
	wants_grow(w);
	memmove(&w->v[pos + 1], &w->v[pos], (w->n - pos) * sizeof(*w->v));
	memset(&w->v[pos], 0, sizeof(w->v[pos]));
	snprintf(w->v[pos].name, sizeof(w->v[pos].name), "+%s", name);
	w->v[pos].args = hd_arena_strdup(w->a, args);
	w->v[pos].nargs = strlen(args);
	w->n++;
	for (i = 0; i <= w->norig; i++)
		if (w->map[i] >= pos && !(i == w->norig && at >= w->norig))
			w->map[i]++;
}

void df_want_rename(struct df_wants *w, size_t i, const char *name)
{
	snprintf(w->v[w->map[i]].name, sizeof(w->v[w->map[i]].name), "%s", name);
}

static void want_edit(struct df_wants *w, size_t i, size_t log, size_t len, const char *text)
{
	struct df_want *v = &w->v[w->map[i]];
	struct df_wedit *e;

	v->ed = hd_xrealloc(v->ed, (v->ned + 1) * sizeof(*v->ed));
	e = &v->ed[v->ned++];
	e->log = log;
	e->len = len;
	e->text = text ? hd_arena_strdup(w->a, text) : NULL;
}

void df_want_args_insert(struct df_wants *w, const struct df_file *df, size_t i, size_t log,
			 const char *text)
{
	if (log > df->in[i].nargs)
		log = df->in[i].nargs;
	want_edit(w, i, log, 0, text);
}

void df_want_args_delete(struct df_wants *w, const struct df_file *df, size_t i, size_t log,
			 size_t len)
{
	if (log > df->in[i].nargs)
		return;
	if (log + len > df->in[i].nargs)
		len = df->in[i].nargs - log;
	want_edit(w, i, log, len, NULL);
}

void df_want_delete(struct df_wants *w, size_t i)
{
	w->v[w->map[i]].name[0] = '-';
}

void df_wants_release(struct df_wants *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i].ed);
	free(w->v);
	free(w->map);
	memset(w, 0, sizeof(*w));
}

static int by_log(const void *a, const void *b)
{
	const struct df_wedit *x = *(const struct df_wedit *const *)a;
	const struct df_wedit *y = *(const struct df_wedit *const *)b;

	if (x->log != y->log)
		return x->log < y->log ? -1 : 1;
	if (!x->len != !y->len) /* at one place: insertions first */
		return !x->len ? -1 : 1;
	return x < y ? -1 : x > y; /* then creation order */
}

/* The arguments @v should have: its edits applied to the original ones. */
static void want_args(const struct df_want *v, struct hd_buf *b)
{
	const struct df_wedit **e = hd_xmalloc((v->ned + 1) * sizeof(*e));
	size_t i, p = 0;

	for (i = 0; i < v->ned; i++)
		e[i] = &v->ed[i];
	qsort(e, v->ned, sizeof(*e), by_log);
	for (i = 0; i < v->ned; i++) {
		if (e[i]->log > p) {
			hd_buf_add(b, v->args + p, e[i]->log - p);
			p = e[i]->log;
		}
		if (e[i]->text)
			hd_buf_adds(b, e[i]->text);
		if (e[i]->len && e[i]->log + e[i]->len > p)
			p = e[i]->log + e[i]->len;
	}
	if (p < v->nargs)
		hd_buf_add(b, v->args + p, v->nargs - p);
	free(e);
}

int df_verify(const struct df_wants *w, const char *out, size_t n, struct hd_err *err)
{
	struct hd_arena a;
	struct df_file o;
	struct hd_buf args = HD_BUF_INIT;
	size_t i, k = 0;
	int rc = 0;

	hd_arena_init_small(&a);
	if (df_parse(&o, out, n, &a, err) < 0) {
		char m[sizeof(err->msg)];

		snprintf(m, sizeof(m), "%s", err->msg);
		snprintf(err->msg, sizeof(err->msg),
			 "internal error: the hardened Dockerfile does not parse (%.400s); "
			 "nothing written",
			 m);
		rc = -1;
		goto out;
	}
	for (i = 0; i < w->n && rc == 0; i++) {
		const struct df_want *v = &w->v[i];
		const char *name = v->name[0] == '+' ? v->name + 1 : v->name;
		const struct df_instr *in;
		struct hd_buf b = HD_BUF_INIT;
		size_t h;

		if (v->name[0] == '-')
			continue;
		if (k >= o.n) {
			rc = -1;
			snprintf(err->msg, sizeof(err->msg),
				 "internal error: the hardened Dockerfile lost instructions "
				 "after line %d; nothing written",
				 o.n ? o.in[o.n - 1].line : 1);
			break;
		}
		in = &o.in[k++];
		for (h = 0; h < in->nhd; h++)
			hd_buf_add(&b, out + in->hd[h].body, in->hd[h].body_end - in->hd[h].body);
		hd_buf_reset(&args);
		want_args(v, &args);
		if (strcmp(name, in->name) || args.len != in->nargs ||
		    (args.len && memcmp(args.data, in->args, in->nargs)) || b.len != v->nbodies ||
		    (b.len && memcmp(b.data, v->bodies, b.len))) {
			rc = -1;
			err->line = in->line;
			err->col = in->col;
			snprintf(err->msg, sizeof(err->msg),
				 "internal error: the hardened Dockerfile's %s instruction at "
				 "line %d is not the intended one; nothing written",
				 in->name, in->line);
		}
		hd_buf_release(&b);
	}
	if (rc == 0 && k != o.n) {
		rc = -1;
		snprintf(err->msg, sizeof(err->msg),
			 "internal error: the hardened Dockerfile has an extra instruction at "
			 "line %d; nothing written",
			 o.in[k].line);
	}
out:
	hd_buf_release(&args);
	free(o.in);
	free(o.st);
	hd_arena_free(&a);
	return rc;
}
