/* util.c - arena allocator, growable byte buffer and file reading */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct hd_arena_chunk {
	struct hd_arena_chunk *next;
	size_t used, size;
	enum {
		CHUNK_MALLOC,
		CHUNK_MAPPED,
		CHUNK_POOLED
	} how;
	max_align_t data[];
};

#define HD_CHUNK_MIN (64 * 1024)

struct hd_limits hd_limits = { HD_MAX_SIZE_DEFAULT, HD_MAX_NODES_DEFAULT, HD_MAX_ALIASES_DEFAULT };

int hd_limit_option(const char *opt, const char *val, char *msg, size_t n)
{
	char *end;
	unsigned long long v;
	size_t *dst = !strcmp(opt, "max-size")	    ? &hd_limits.max_size
		      : !strcmp(opt, "max-nodes")   ? &hd_limits.max_nodes
		      : !strcmp(opt, "max-aliases") ? &hd_limits.max_aliases
						    : NULL;

	errno = 0;
	v = strtoull(val, &end, 10);
	if (end != val && *end && !end[1] && strchr("kKmMgG", *end)) {
		int shift = strchr("kK", *end) ? 10 : strchr("mM", *end) ? 20 : 30;

		if (v > (~0ULL >> shift))
			errno = ERANGE;
		v <<= shift;
		end++;
	}
	if (!dst || end == val || *end || errno || v == 0 || *val == '-' ||
	    v > (unsigned long long)((size_t)-1 / 2)) {
		snprintf(msg, n, "--%s needs a positive number (K, M or G may follow), got '%s'",
			 opt, val);
		return -1;
	}
	*dst = (size_t)v;
	return 0;
}
#define HD_HUGE (2u << 20)
static char *big_map(size_t n, size_t *maplen);

/*
 * The length of a huge-page mapping for @n bytes: whole huge pages when that
 * costs little (under one, or an eighth more), else pages, so that a last
 * partial huge page stays small pages: a huge page is resident as a whole
 * once written to (rounded up, a 2.5 MB line table of a 10 MB file was
 * resident as 4 MB).
 */
static size_t huge_len(size_t n)
{
	size_t pages = (n + 4095) & ~(size_t)4095;
	size_t huge = (n + HD_HUGE - 1) & ~(size_t)(HD_HUGE - 1);

	return pages < HD_HUGE || huge - pages <= pages / 8 ? huge : pages;
}

/*
 * Big chunks (the nodes of a big document) are mappings aligned to the
 * huge page size and advised to be backed by huge pages: the kernel then
 * faults them in 2 MiB at a time instead of 4 KiB, and page faults, not
 * the parse, were most of the time of loading a big file.
 */
static struct hd_arena_chunk *chunk_map(size_t csize)
{
	size_t want = huge_len(sizeof(struct hd_arena_chunk) + csize);
	char *p = mmap(NULL, want + HD_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char *a;
	struct hd_arena_chunk *c;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HD_HUGE - 1) & ~(uintptr_t)(HD_HUGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + want < p + want + HD_HUGE)
		munmap(a + want, (size_t)(p + want + HD_HUGE - (a + want)));
#ifdef MADV_HUGEPAGE
	madvise(a, want, MADV_HUGEPAGE);
#endif
	c = (struct hd_arena_chunk *)a;
	c->size = want - sizeof(*c);
	c->how = CHUNK_MAPPED;
	return c;
}

/*
 * The chunk pool: arena chunks of 64 KiB to 2 MiB (powers of two) are cut
 * from 2 MiB regions backed by huge pages and, once freed, kept for the
 * next arena instead of going back to malloc.  On a virtual machine a 4 KiB
 * page fault costs about as much as parsing 4 KiB of YAML, and the chunks
 * malloc gave the first arenas of a run (the tree of a document, its
 * verification) were a page fault per 4 KiB: most of the faults of hardening
 * a 1,000-service Compose file.  A region is faulted in at once; a freed
 * chunk is never faulted in again.  The pool only grows (to the run's peak
 * arena use).  The ASan build (make check) uses malloc, whose checks see
 * use after free in an arena; valgrind sees the pool as mapped memory.
 */
#define POOL_MIN_SHIFT 16 /* 64 KiB */
#define POOL_CLASSES   6  /* 64 KiB .. 2 MiB */

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct hd_arena_chunk *pool_free[POOL_CLASSES];
static char *pool_cur, *pool_end; /* the region being cut */

#if defined(__SANITIZE_ADDRESS__)
#define HD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HD_ASAN 1
#endif
#endif

static bool pool_on(void)
{
#ifdef HD_ASAN
	return false;
#else
	return true;
#endif
}

/* the class of a chunk of @bytes (header included), or -1: too big */
static int pool_class(size_t bytes)
{
	int k = 0;

	while (((size_t)1 << (POOL_MIN_SHIFT + k)) < bytes)
		if (++k == POOL_CLASSES)
			return -1;
	return k;
}

static void pool_put(char *at, int k)
{
	struct hd_arena_chunk *c = (struct hd_arena_chunk *)at;

	c->size = ((size_t)1 << (POOL_MIN_SHIFT + k)) - sizeof(*c);
	c->how = CHUNK_POOLED;
	c->next = pool_free[k];
	pool_free[k] = c;
}

/* What is left of the region goes to the free lists, biggest pieces first. */
static void pool_spill(void)
{
	while (pool_end - pool_cur >= (ptrdiff_t)1 << POOL_MIN_SHIFT) {
		int k = POOL_CLASSES - 1;

		while (k > 0 &&
		       (((uintptr_t)pool_cur & (((size_t)1 << (POOL_MIN_SHIFT + k)) - 1)) ||
			pool_end - pool_cur < (ptrdiff_t)1 << (POOL_MIN_SHIFT + k)))
			k--;
		pool_put(pool_cur, k);
		pool_cur += (size_t)1 << (POOL_MIN_SHIFT + k);
	}
}

static struct hd_arena_chunk *pool_get(int k)
{
	size_t sz = (size_t)1 << (POOL_MIN_SHIFT + k);
	struct hd_arena_chunk *c;

	pthread_mutex_lock(&pool_mu);
	if (!pool_free[k]) {
		if (pool_end - pool_cur < (ptrdiff_t)sz) {
			char *p = big_map(HD_HUGE, &(size_t){ 0 });

			pool_spill();
			if (!p) {
				pthread_mutex_unlock(&pool_mu);
				return NULL;
			}
			pool_cur = p;
			pool_end = p + HD_HUGE;
		}
		pool_put(pool_cur, k);
		pool_cur += sz;
	}
	c = pool_free[k];
	pool_free[k] = c->next;
	pthread_mutex_unlock(&pool_mu);
	return c;
}

static void chunk_free(struct hd_arena_chunk *c)
{
	if (c->how == CHUNK_MAPPED) {
		munmap(c, sizeof(*c) + c->size);
	} else if (c->how == CHUNK_POOLED) {
		pthread_mutex_lock(&pool_mu);
		pool_put((char *)c, pool_class(sizeof(*c) + c->size));
		pthread_mutex_unlock(&pool_mu);
	} else {
		free(c);
	}
}

/*
 * A buffer of @n bytes for a big file: a mapping aligned to the huge page
 * size and advised to be backed by huge pages, so that reading 10 MB takes
 * a few page faults, not one per 4 KiB (they were a third of the faults of
 * a run).
 */
static char *big_map(size_t n, size_t *maplen)
{
	size_t len = huge_len(n);
	char *p = mmap(NULL, len + HD_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + HD_HUGE - 1) & ~(uintptr_t)(HD_HUGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + len < p + len + HD_HUGE)
		munmap(a + len, (size_t)(p + len + HD_HUGE - (a + len)));
#ifdef MADV_HUGEPAGE
	madvise(a, len, MADV_HUGEPAGE);
#endif
	*maplen = len;
	return a;
}

void hd_big_free(void *p, size_t maplen)
{
	if (maplen)
		munmap(p, maplen);
	else
		free(p);
}

void *hd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("harden: fatal: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *hd_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(hd_xmalloc(n), s, n);
}

void *hd_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("harden: fatal: out of memory\n", stderr);
		abort();
	}
	return q;
}

void hd_arena_init(struct hd_arena *a)
{
	a->head = NULL;
	a->total = 0;
	a->first = 0;
}

void hd_arena_init_small(struct hd_arena *a)
{
	hd_arena_init(a);
	a->first = 2048;
}

/* Room for @size bytes (rounded up to the alignment), not zeroed. */
void *hd_arena_alloc_raw(struct hd_arena *a, size_t size)
{
	struct hd_arena_chunk *c = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < size) {
		size_t min = a->first ? a->first : HD_CHUNK_MIN;
		size_t csize = size > min ? size : min;

		if (a->head && a->total > 4 * min && csize < a->total)
			csize = a->total; /* grow geometrically */
		c = NULL;
		if (csize >= HD_CHUNK_MIN && pool_on()) {
			/* a class as big as @csize (its header fits unless
			 * this very allocation needs those bytes too) */
			int k = pool_class(csize);

			if (k >= 0 && ((size_t)1 << (POOL_MIN_SHIFT + k)) - sizeof(*c) < size)
				k = pool_class(sizeof(*c) + size);
			c = k >= 0 ? pool_get(k) : NULL;
		}
		if (!c && csize >= HD_HUGE / 2)
			c = chunk_map(csize);
		if (!c) {
			c = hd_xmalloc(sizeof(*c) + csize);
			c->size = csize;
			c->how = CHUNK_MALLOC;
		}
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += c->size;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

void *hd_arena_alloc(struct hd_arena *a, size_t size)
{
	void *p = hd_arena_alloc_raw(a, size);

	memset(p, 0, size);
	return p;
}

char *hd_arena_strndup(struct hd_arena *a, const char *s, size_t n)
{
	char *p = hd_arena_alloc_raw(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *hd_arena_strdup(struct hd_arena *a, const char *s)
{
	return hd_arena_strndup(a, s, strlen(s));
}

char *hd_arena_printf(struct hd_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = hd_arena_alloc_raw(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void hd_arena_free(struct hd_arena *a)
{
	struct hd_arena_chunk *c = a->head, *next;

	for (; c; c = next) {
		next = c->next;
		chunk_free(c);
	}
	a->head = NULL;
	a->total = 0;
}

/*
 * Empty @a for its next use, keeping its largest chunk: the pages it
 * already touched serve the next document instead of being returned to
 * malloc (which may give them back to the kernel) and faulted in again.
 */
void hd_arena_reset(struct hd_arena *a)
{
	struct hd_arena_chunk *c, *next, *keep = NULL;

	for (c = a->head; c; c = c->next)
		if (!keep || c->size > keep->size)
			keep = c;
	for (c = a->head; c; c = next) {
		next = c->next;
		if (c != keep)
			chunk_free(c);
	}
	a->head = keep;
	a->total = 0;
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
		a->total = keep->size;
	}
}

void hd_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;

	if (n >= 256 * 1024 && e > a)
		madvise((void *)a, e - a, MADV_POPULATE_WRITE); /* (a hint: errors ignored) */
#else
	(void)p;
	(void)n;
#endif
}

static void buf_grow(struct hd_buf *b, size_t extra);

void hd_buf_reserve(struct hd_buf *b, size_t n)
{
	size_t had = b->cap;

	if (b->cap >= b->len + n + 1)
		return;
	if (b->map) {
		buf_grow(b, n);
		return;
	}
	b->data = hd_xrealloc(b->data, b->len + n + 1);
	b->cap = b->len + n + 1;
	if (!had)
		b->data[0] = '\0';
	hd_prefault(b->data + b->len, n);
}

static void buf_grow(struct hd_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->cap)
		return;
	if (want < b->cap * 2)
		want = b->cap * 2;
	if (want < 64)
		want = 64;
	if (b->map) {
		void *q;

		want = (want + 4095) & ~(size_t)4095;
		q = mremap(b->data, b->map, want, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			fputs("harden: fatal: out of memory\n", stderr);
			abort();
		}
		b->data = q;
		b->cap = b->map = want;
		return;
	}
	b->data = hd_xrealloc(b->data, want);
	b->cap = want;
}

void hd_buf_reserve_big(struct hd_buf *b, size_t n)
{
	size_t maplen;

	if (b->cap || n < HD_BIG_MIN || !(b->data = big_map(n + 1, &maplen))) {
		hd_buf_reserve(b, n);
		return;
	}
	b->cap = b->map = maplen;
	b->data[0] = '\0';
}

unsigned hd_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int hd_count_lines(const char *s, size_t n)
{
	int c = 0;
	const char *p = s, *e = s + n;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

void hd_buf_add(struct hd_buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void hd_buf_adds(struct hd_buf *b, const char *s)
{
	hd_buf_add(b, s, strlen(s));
}

void hd_buf_addc(struct hd_buf *b, char c)
{
	hd_buf_add(b, &c, 1);
}

void hd_buf_addspaces(struct hd_buf *b, size_t n)
{
	buf_grow(b, n);
	memset(b->data + b->len, ' ', n);
	b->len += n;
	b->data[b->len] = '\0';
}

void hd_buf_vprintf(struct hd_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

bool hd_needs_esc(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

void hd_buf_add_esc(struct hd_buf *b, const char *s, bool quote)
{
	static const char named[] = "\\a\\b\\t\\n\\v\\f\\r"; /* 7..13 */

	if (!s)
		return;
	quote = quote && hd_needs_esc(s);
	if (quote)
		hd_buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 7 && c <= 13)
			hd_buf_add(b, named + 2 * (c - 7), 2);
		else if (c < 0x20 || c == 0x7f)
			hd_buf_printf(b, "\\%03o", c);
		else if (quote && (c == '"' || c == '\\'))
			hd_buf_printf(b, "\\%c", c);
		else
			hd_buf_addc(b, (char)c);
	}
	if (quote)
		hd_buf_addc(b, '"');
}

void hd_buf_printf(struct hd_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void hd_buf_reset(struct hd_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void hd_buf_release(struct hd_buf *b)
{
	hd_big_free(b->data, b->map);
	b->data = NULL;
	b->map = 0;
	b->len = b->cap = 0;
}

int hd_read_file(const char *path, char **data, size_t *len)
{
	struct stat st;

	return hd_read_file_st(path, data, len, &st);
}

/* The file outgrew its mapping (it is being written to): go on in the heap. */
static void big_to_heap(struct hd_buf *b, size_t *maplen)
{
	char *h = hd_xmalloc(b->cap);

	memcpy(h, b->data, b->len);
	munmap(b->data, *maplen);
	*maplen = 0;
	b->data = h;
}

int hd_read_file_st(const char *path, char **data, size_t *len, struct stat *stp)
{
	return hd_read_file_big(path, data, len, stp, NULL);
}

int hd_read_file_big(const char *path, char **data, size_t *len, struct stat *stp, size_t *maplen)
{
	struct hd_buf b = HD_BUF_INIT;
	size_t mapped = 0;
	int fd;
	struct stat st;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return -1;
		if (fstat(fd, &st) < 0) {
			close(fd);
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			errno = EISDIR;
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			close(fd);
			errno = EINVAL; /* FIFO, device, socket: refuse */
			return -1;
		}
		/* O_NONBLOCK only kept open() from waiting on a FIFO; a regular
		 * file ignores it */
		*stp = st;
		if ((unsigned long long)st.st_size > hd_limits.max_size) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		if (st.st_size > 0) {
			/* room for the NUL and for the read() that sees the end:
			 * the buffer is never grown (copied) once full */
			if (maplen && (size_t)st.st_size >= HD_BIG_MIN &&
			    (b.data = big_map((size_t)st.st_size + 2, &mapped)) != NULL) {
				b.cap = (size_t)st.st_size + 2;
			} else {
				buf_grow(&b, (size_t)st.st_size + 2);
				hd_prefault(b.data, (size_t)st.st_size);
			}
		}
	}
	for (;;) {
		ssize_t n;

		if (b.cap - b.len < 2) {
			if (mapped)
				big_to_heap(&b, &mapped);
			buf_grow(&b, 65536);
		}
		n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			if (fd != STDIN_FILENO)
				close(fd);
			hd_big_free(b.data, mapped);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > hd_limits.max_size) {
			if (fd != STDIN_FILENO)
				close(fd);
			hd_big_free(b.data, mapped);
			errno = EFBIG;
			return -1;
		}
		if (memchr(b.data + b.len - (size_t)n, '\0', (size_t)n))
			break; /* binary: the parser says where, no need for more */
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf_grow(&b, 0);
	b.data[b.len] = '\0';
	*data = b.data;
	*len = b.len;
	if (maplen)
		*maplen = mapped;
	return 0;
}

size_t hd_edit_distance(const char *a, size_t la, const char *b)
{
	size_t lb = strlen(b), i, j, row[64];

	if (la >= 63 || lb >= 63)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}
