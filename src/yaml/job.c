/* job.c - the per-file pipeline: stream documents, edit, splice, verify */
#include "job.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

/* ---- verification tasks and the helper pool ------------------------------ */

struct vtask {
	const struct yn *root;	/* intended tree (lives in @nodes) */
	struct hd_arena *nodes; /* freed once verified */
	char *out;		/* edited slice (own copy) */
	size_t outlen, outmap;	/* (outmap: hd_big_free()'s length) */
	const char *in_slice;	/* original bytes (the job's input) */
	size_t in_len, d;
	int line_base;
	int in_line_base; /* lines of the input before in_slice */
	bool split;	  /* libyaml in a thread of its own (big document) */
	int rc;
	struct hd_err *err; /* only for a failure */
};

#define QCAP 4

struct hd_vpool {
	pthread_t th[4];
	int nth;
	pthread_mutex_t mu;
	pthread_cond_t work;
	struct vtask *q[QCAP];
	size_t head, n;
	bool stop;
	const char *name;
};

static void run_task(const char *name, struct vtask *t)
{
	struct hd_err err;

	t->rc = hd_verify_doc_split(name, t->root, t->out, t->outlen, t->line_base, t->in_slice,
				    t->in_len, t->d, t->split, t->in_line_base, &err);
	if (t->rc < 0) {
		t->err = hd_xmalloc(sizeof(*t->err));
		*t->err = err;
	}
	hd_big_free(t->out, t->outmap);
	t->out = NULL;
	hd_arena_free(t->nodes);
	free(t->nodes);
	t->nodes = NULL;
}

static void *worker(void *arg)
{
	struct hd_vpool *p = arg;

	for (;;) {
		struct vtask *t;

		pthread_mutex_lock(&p->mu);
		while (!p->n && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (!p->n) {
			pthread_mutex_unlock(&p->mu);
			hd_yaml_thread_done();
			return NULL;
		}
		t = p->q[p->head];
		p->head = (p->head + 1) % QCAP;
		p->n--;
		pthread_mutex_unlock(&p->mu);
		run_task(p->name, t);
	}
}

static struct hd_vpool *pool_start(int n, const char *name)
{
	struct hd_vpool *p = hd_xmalloc(sizeof(*p));
	int i;

	memset(p, 0, sizeof(*p));
	p->name = name;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	for (i = 0; i < n && i < 4; i++)
		if (pthread_create(&p->th[p->nth], NULL, worker, p) == 0)
			p->nth++;
	return p;
}

/* Queue @t, or verify it here when the queue is full (the main thread helps). */
static void pool_submit(struct hd_vpool *p, struct vtask *t)
{
	pthread_mutex_lock(&p->mu);
	if (p->nth && p->n < QCAP) {
		p->q[(p->head + p->n) % QCAP] = t;
		p->n++;
		pthread_cond_signal(&p->work);
		pthread_mutex_unlock(&p->mu);
		return;
	}
	pthread_mutex_unlock(&p->mu);
	run_task(p->name, t);
}

static void pool_stop(struct hd_vpool *p)
{
	int i;

	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nth; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	free(p);
}

/* ---- the job ------------------------------------------------------------- */

static int open_stream(struct hd_job *job, const char *name)
{
	return ys_open(&job->ys, name, job->in.data, job->in.len, &job->arena, false, &job->err);
}

int hd_job_load(struct hd_job *job, const char *path)
{
	memset(job, 0, sizeof(*job));
	hd_arena_init(&job->arena);
	if (hd_input_read(&job->in, path, &job->err) < 0)
		return -1;
	return open_stream(job, path);
}

int hd_job_load_mem(struct hd_job *job, const char *name, const char *data, size_t len)
{
	memset(job, 0, sizeof(*job));
	hd_arena_init(&job->arena);
	hd_input_copy(&job->in, name, data, len);
	return open_stream(job, name);
}

/* The input bytes [*from, to) go to the output unchanged: appended (and
 * their lines counted) only once an edited document follows them. */
static void flush_raw(struct hd_job *job, size_t *from, size_t to, int *lines)
{
	const char *s = job->ys.buf + *from;

	if (!job->discard_output && !job->out.cap) /* (the first edited document) */
		hd_buf_reserve_big(&job->out, 2 * job->ys.len + 4096);
	if (to <= *from)
		return;
	if (!job->discard_output)
		hd_buf_add(&job->out, s, to - *from);
	*lines += hd_count_lines(s, to - *from);
	*from = to;
}

static void drop_arena(struct hd_arena *a)
{
	if (a) {
		hd_arena_free(a);
		free(a);
	}
}

/*
 * Long (about 125 lines): the per-document loop (parse, edit, render,
 * splice, verify inline or on the pool, free) with its memory reuse; the
 * steps are calls, and the loop's state (arenas kept while documents stay
 * unchanged, pending verifications) stays together here.
 */
int hd_job_run(struct hd_job *job, hd_doc_fn fn, void *ud)
{
	struct ystream *ys = &job->ys;
	struct hd_vpool *pool = NULL;
	struct vtask **tasks = NULL, *pending = NULL;
	struct hd_arena *nodes = NULL; /* reused while its documents stay unchanged */
	size_t ntasks = 0, cap = 0, i, raw = 0, end = 0;
	int rc = 0, lines = 0;

	if (job->verify_threads > 0)
		pool = pool_start(job->verify_threads, ys->name);
	for (;;) {
		struct ydoc *doc;
		size_t d, n0 = job->sp.n, b0, b1;
		struct hd_buf slice = HD_BUF_INIT;

		if (!nodes) {
			nodes = hd_xmalloc(sizeof(*nodes));
			hd_arena_init(nodes);
		} else {
			hd_arena_reset(nodes);
		}
		rc = ys_next(ys, nodes, &job->err);
		if (rc <= 0)
			break;
		rc = 0;
		d = ys->ndocs - 1;
		doc = &ys->docs[d];
		doc->nodes = nodes;
		ys->edits = job->discard_edits || job->discard_texts ? nodes : &job->arena;
		job->content_docs += doc->root != NULL || doc->skimmed;
		if ((fn && fn(ud, job, d) < 0) ||
		    (!job->report_only && ye_render_doc(ys, d, &job->sp, &job->err) < 0)) {
			rc = -1;
			doc->root = NULL;
			break;
		}
		b0 = doc->bound;
		b1 = end = doc->end_bound;
		if (job->sp.n > n0 && splices_apply_range(ys, job->sp.v + n0, job->sp.n - n0, b0,
							  b1, &slice, &job->err) < 0) {
			rc = -1;
			hd_buf_release(&slice);
			doc->root = NULL;
			break;
		}
		if (job->sp.n > n0 &&
		    (slice.len != b1 - b0 || memcmp(slice.data, ys->buf + b0, b1 - b0))) {
			struct vtask *t = hd_xmalloc(sizeof(*t));

			flush_raw(job, &raw, b0, &lines);
			raw = b1;
			memset(t, 0, sizeof(*t));
			t->root = doc->root;
			t->nodes = nodes;
			nodes = NULL;	     /* the task frees the tree */
			t->out = slice.data; /* the task owns the copy */
			t->outlen = slice.len;
			t->outmap = slice.map;
			t->in_slice = ys->buf + b0;
			t->in_len = b1 - b0;
			t->d = d;
			t->line_base = lines;
			{
				int il, ic;

				ys_pos(ys, b0, &il, &ic);
				t->in_line_base = il - 1;
			}
			t->split = job->split_verify;
			doc->changed = 1;
			job->changed = true;
			if (!job->discard_output)
				hd_buf_add(&job->out, slice.data, slice.len);
			lines += hd_count_lines(slice.data, slice.len);
			if (job->discard_edits)
				job->sp.n = n0; /* their texts live in the document's arena */
			else if (job->discard_texts)
				for (i = n0; i < job->sp.n; i++)
					job->sp.v[i].text = NULL; /* (ditto) */
			if (ntasks == cap) {
				cap = cap ? cap * 2 : 16;
				tasks = hd_xrealloc(tasks, cap * sizeof(*tasks));
			}
			tasks[ntasks++] = t;
			doc->root = NULL;
			/* the pool gets a document once the next one is read: the
			 * last (a single big one) is verified here, where its tree
			 * was built and is still in cache, with no hand-over */
			if (pool && pending)
				pool_submit(pool, pending);
			pending = NULL;
			if (pool)
				pending = t;
			else
				run_task(ys->name, t);
			if (!pool && t->rc < 0)
				break;
			continue;
		}
		hd_buf_release(&slice);
		if (job->discard_edits)
			job->sp.n = n0; /* (none changed a byte) their texts go with the arena */
		else if (job->discard_texts)
			for (i = n0; i < job->sp.n; i++)
				job->sp.v[i].text = NULL;
		doc->root = NULL;
	}
	drop_arena(nodes);
	if (pending && rc == 0)
		run_task(ys->name, pending);
	if (pool)
		pool_stop(pool);
	for (i = 0; i < ntasks; i++) {
		if (rc == 0 && tasks[i]->rc < 0) {
			job->err = *tasks[i]->err;
			rc = -1;
		}
		free(tasks[i]->err);
		if (tasks[i]->nodes) { /* never ran (stopped early) */
			hd_big_free(tasks[i]->out, tasks[i]->outmap);
			drop_arena(tasks[i]->nodes);
		}
		free(tasks[i]);
	}
	free(tasks);
	ys_close(ys);
	if (rc == 0 && job->changed)
		flush_raw(job, &raw, end, &lines);
	if (rc == 0 && !job->changed)
		hd_buf_reset(&job->out);
	return rc;
}

void hd_job_release(struct hd_job *job)
{
	ys_close(&job->ys);
	hd_input_release(&job->in);
	splices_release(&job->sp);
	hd_buf_release(&job->out);
	hd_arena_free(&job->arena);
}

void hd_job_report(FILE *fp, const char *path, const struct hd_err *err)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";

	if (err->line > 0)
		fprintf(fp, "%s:%d:%d: error: %s\n", name, err->line, err->col, err->msg);
	else
		fprintf(fp, "%s: error: %s\n", name, err->msg);
}
