/* fyaml.c - the libfyaml adapter: parsers, diagnostics, tokens, events, and every
 * workaround for libfyaml 0.7.12 (Debian 12) in one place */
#include "ytree_int.h"

#include <libfyaml.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is @s (one diagnostic's first line) "NAME:LINE:COL: error: "?  Then
 * return where the message starts. */
static const char *error_head(const char *s, int *line, int *col)
{
	const char *p = s, *q;

	while (*p && *p != ' ' && *p != '\n')
		p++;
	/* p is at the space after "NAME:LINE:COL:" */
	if (p == s || *p != ' ' || p[-1] != ':' || strncmp(p + 1, "error: ", 7))
		return NULL;
	q = p - 1; /* the ':' after COL */
	*col = 0;
	*line = 0;
	{
		int mul = 1;
		const char *d = q - 1;

		while (d >= s && *d >= '0' && *d <= '9') {
			*col += (*d - '0') * mul;
			mul *= 10;
			d--;
		}
		if (d < s || *d != ':' || d == q - 1)
			return NULL;
		mul = 1;
		d--;
		while (d >= s && *d >= '0' && *d <= '9') {
			*line += (*d - '0') * mul;
			mul *= 10;
			d--;
		}
	}
	return p + 8;
}

/*
 * The first "NAME:LINE:COL: error: MSG" line.  libfyaml hands a diagnostic
 * over in pieces (head, source excerpt, caret) and warnings come the same
 * way: a piece starting with a location opens a diagnostic.
 */
static void diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	struct diag_capture *c = user;
	size_t take;
	const char *m, *nl;
	int line, col;

	(void)diag;
	if (c->have)
		return;
	if (len && buf[0] == '<') {
		/* a new diagnostic starts: begin again */
		c->nacc = 0;
	} else if (!c->nacc) {
		return; /* an excerpt of something we do not keep */
	}
	take = len < sizeof(c->acc) - 1 - c->nacc ? len : sizeof(c->acc) - 1 - c->nacc;
	memcpy(c->acc + c->nacc, buf, take);
	c->nacc += take;
	c->acc[c->nacc] = '\0';
	m = error_head(c->acc, &line, &col);
	if (!m) {
		if (strchr(c->acc, '\n') || strstr(c->acc, ": warning: "))
			c->nacc = 0; /* not an error head: drop it */
		return;
	}
	nl = strchr(m, '\n');
	if (!nl && c->nacc < sizeof(c->acc) - 1)
		return; /* wait for the rest of the line */
	take = nl ? (size_t)(nl - m) : strlen(m);
	while (take && (m[take - 1] == '\r' || m[take - 1] == ' '))
		take--;
	if (take >= sizeof(c->msg))
		take = sizeof(c->msg) - 1;
	memcpy(c->msg, m, take);
	c->msg[take] = '\0';
	if (!take)
		snprintf(c->msg, sizeof(c->msg), "invalid YAML");
	c->line = line;
	c->col = col;
	c->have = true;
}

const char *yt_tok_raw(struct builder *b, struct fy_token *t, size_t skip)
{
	const struct fy_mark *s = fy_token_start_mark(t);
	const struct fy_mark *e = fy_token_end_mark(t);

	if (!s || !e || e->input_pos < s->input_pos + skip)
		return "";
	return hd_arena_strndup(b->ys->arena, b->ys->buf + s->input_pos + skip,
				e->input_pos - s->input_pos - skip);
}

size_t yt_tok_start(struct fy_token *t)
{
	const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;

	return m ? m->input_pos : HD_NOPOS;
}

size_t yt_tok_end(struct fy_token *t)
{
	const struct fy_mark *m = t ? fy_token_end_mark(t) : NULL;

	return m ? m->input_pos : HD_NOPOS;
}

/* Is the token's raw text [p, p+n) already its cooked value? */
bool yt_raw_is_cooked(const char *p, size_t n, enum fy_scalar_style st)
{
	size_t i;

	if (st != FYSS_PLAIN && st != FYSS_SINGLE_QUOTED && st != FYSS_DOUBLE_QUOTED)
		return false;
	for (i = 0; i < n; i++) {
		char c = p[i];

		/* a tab inside one line is content; only breaks fold */
		if (c == '\n' || c == '\r' || (c == '\\' && st == FYSS_DOUBLE_QUOTED) ||
		    (c == '\'' && st == FYSS_SINGLE_QUOTED))
			return false;
	}
	return true;
}

/*
 * libfyaml 0.7.12 gives an explicit document end ("...") neither a token nor
 * marks: it is the first line after the cursor that starts with "..." (such
 * a line ends a document wherever it appears, even in a scalar).
 */
void yt_bump_past_end_marker(struct builder *b)
{
	const struct ystream *ys = b->ys;
	const char *s = ys->buf, *e = ys->buf + ys->len, *p;
	size_t from = b->cursor == HD_NOPOS ? 0 : b->cursor;

	p = s + from;
	if (from > ys->len)
		return;
	if (ys_line_start(ys, from) != from) { /* mid-line: from the next one */
		p = memchr(p, '\n', (size_t)(e - p));
		if (p)
			p++;
	}
	while (p && p + 3 <= e) {
		if (!memcmp(p, "...", 3) && (p + 3 == e || strchr(" \t\r\n", p[3]))) {
			yt_bump(b, (size_t)(p - s) + 3);
			return;
		}
		p = memchr(p, '\n', (size_t)(e - p));
		if (p)
			p++;
	}
}

static bool collected_error(struct diag_capture *dc);
/* a collected error said "tab for indentation": that parser is poisoned */
static _Thread_local bool t_tab_error;

int yt_parse_error(struct builder *b, struct diag_capture *dc)
{
	struct hd_err *err = b->err;
	bool tmpl = memmem(b->ys->buf, b->ys->len, "{{", 2) != NULL;

	if (!dc->have)
		collected_error(dc);
	if (dc->have && strstr(dc->msg, "tab for indentation of block entry"))
		b->broken = true;
	if (t_tab_error)
		b->broken = true;
	t_tab_error = false;
	b->explained = dc->have;
	if (!dc->have)
		b->broken = true; /* see ys_close() */
	if (dc->have) {
		err->line = dc->line > 0 ? dc->line : 1;
		err->col = dc->col > 0 ? dc->col : 1;
		snprintf(err->msg, sizeof(err->msg), "%s%s", dc->msg,
			 tmpl ? " (the file contains '{{': Helm/Go template syntax "
				"must be rendered first)"
			      : "");
	} else {
		err->line = err->col = 1;
		snprintf(err->msg, sizeof(err->msg), "invalid YAML");
	}
	return -1;
}

struct fy_event *yt_get_event(struct builder *b)
{
	struct fy_event *e;

	if (b->nheld) {
		e = b->held[0];
		b->held[0] = b->held[1];
		b->held[1] = NULL;
		b->nheld--;
		return e;
	}
	return fy_parser_parse(b->fyp);
}

void yt_hold(struct builder *b, struct fy_event *e)
{
	b->held[b->nheld++] = e;
}

/*
 * One diagnostics object per thread: creating one per parse costs a
 * terminal probe (ioctl) and its setup, which shows on trees of small files.
 */
static _Thread_local struct fy_diag *t_diag;
static _Thread_local struct diag_capture t_capture;

struct diag_capture *yt_thread_capture(void)
{
	memset(&t_capture, 0, sizeof(t_capture));
	if (t_diag)
		fy_diag_reset_error(t_diag); /* its error flag outlives a parse */
	return &t_capture;
}

struct fy_diag *yt_thread_diag(void)
{
	struct fy_diag_cfg dcfg;

	if (t_diag)
		return t_diag;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = diag_out;
	dcfg.user = &t_capture;
	dcfg.level = FYET_ERROR;
	dcfg.colorize = false;
	dcfg.show_source = false;
	dcfg.show_position = true;
	dcfg.show_type = true;
	dcfg.show_module = false;
	t_diag = fy_diag_create(&dcfg);
	/* errors are collected, not printed: libfyaml 0.7.12 crashes in
	 * fy_diag_error_atom_display() on some inputs (found by fuzzing) */
	if (t_diag)
		fy_diag_set_collect_errors(t_diag, true);
	return t_diag;
}

/* The first error collected since the last call, if any; the list is
 * emptied, so each call sees only what the last parse reported. */
static bool collected_error(struct diag_capture *dc)
{
	struct fy_diag_error *e;
	void *it = NULL;
	bool got = false;

	if (!t_diag)
		return false;
	while ((e = fy_diag_errors_iterate(t_diag, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		if (e->msg && strstr(e->msg, "tab for indentation of block entry"))
			t_tab_error = true;
		if (got)
			continue;
		dc->have = got = true;
		dc->line = e->line;
		dc->col = e->column;
		snprintf(dc->msg, sizeof(dc->msg), "%s", e->msg ? e->msg : "invalid YAML");
	}
	/* switching collection off and on frees the collected errors (and
	 * the token references they hold) */
	fy_diag_set_collect_errors(t_diag, false);
	fy_diag_set_collect_errors(t_diag, true);
	return got;
}

/* Parsers are reset and reused: creating one costs more than parsing a
 * small file.  A stream, its verification and a value parse may be open at
 * once, hence a few. */
#define PARSERS 4
static _Thread_local struct fy_parser *t_parsers[PARSERS];
static _Thread_local int t_nparsers;

struct fy_parser *yt_get_parser(void)
{
	struct fy_parse_cfg cfg;

	if (t_nparsers) {
		struct fy_parser *p = t_parsers[--t_nparsers];

		fy_parser_reset(p);
		return p;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION; /* as PyYAML and go-yaml */
	cfg.diag = yt_thread_diag();
	return cfg.diag ? fy_parser_create(&cfg) : NULL;
}

static void put_parser(struct fy_parser *p)
{
	if (t_nparsers < PARSERS)
		t_parsers[t_nparsers++] = p;
	else
		fy_parser_destroy(p);
}

/*
 * libfyaml 0.7.12 crashes in fy_parser_destroy() (and fy_parser_reset())
 * after some "cannot use tab for indentation of block entry" errors, e.g.
 * "? -:<TAB>-" (found by fuzzing; tests/fuzz/regressions).  Such a parser
 * is never released: it is kept here, reachable, one per bad file.
 */
static pthread_mutex_t quarantine_mu = PTHREAD_MUTEX_INITIALIZER;
static struct fy_parser **quarantine;
static size_t nquarantine;

static void quarantine_parser(struct fy_parser *p)
{
	pthread_mutex_lock(&quarantine_mu);
	quarantine = hd_xrealloc(quarantine, (nquarantine + 1) * sizeof(*quarantine));
	quarantine[nquarantine++] = p;
	pthread_mutex_unlock(&quarantine_mu);
}

void hd_yaml_thread_done(void)
{
	while (t_nparsers)
		fy_parser_destroy(t_parsers[--t_nparsers]);
	if (t_diag)
		fy_diag_unref(t_diag);
	t_diag = NULL;
}

void ys_close(struct ystream *ys)
{
	struct builder *b = ys->rd;
	int i;

	if (!b)
		return;
	for (i = 0; i < b->nheld; i++)
		fy_parser_event_free(b->fyp, b->held[i]);
	{
		/* read (and free) what libfyaml collected, even when harden
		 * stopped first for a reason of its own */
		struct diag_capture scratch = { 0 };
		bool said = collected_error(&scratch);

		/* a failure libfyaml did not explain, or a tab used as block
		 * indentation, may leave a parser its destructor crashes on */
		if (t_tab_error ||
		    (b->fyp && fy_parser_get_stream_error(b->fyp) && !said && !b->explained))
			b->broken = true;
		t_tab_error = false;
	}
	/* only a parser that read its stream to a clean end is reused */
	if (b->fyp && b->done && !b->nheld && !fy_parser_get_stream_error(b->fyp))
		put_parser(b->fyp);
	else if (b->fyp && b->broken)
		quarantine_parser(b->fyp);
	else if (b->fyp)
		fy_parser_destroy(b->fyp);
	if (b->diag)
		fy_diag_unref(b->diag);
	free(b->stack);
	free(b->anchors);
	free(b);
	ys->rd = NULL;
}
