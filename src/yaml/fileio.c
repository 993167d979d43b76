/* fileio.c - input reading and atomic in-place writes */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int ferr(struct hd_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int ferr(struct hd_err *err, const char *fmt, ...)
{
	va_list ap;

	err->line = err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int hd_input_read(struct hd_input *in, const char *path, struct hd_err *err)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->is_stdin = !strcmp(path, "-");
	if (hd_read_file_big(path, &in->data, &in->len, &in->st, &in->maplen) < 0) {
		if (errno == EISDIR)
			return ferr(err, "is a directory");
		if (errno == EINVAL)
			return ferr(err, "not a regular file");
		if (errno == EFBIG)
			return ferr(err,
				    "larger than %zu bytes, the input size limit "
				    "(--max-size)",
				    hd_limits.max_size);
		return ferr(err, "cannot read: %s", strerror(errno));
	}
	return 0;
}

void hd_input_copy(struct hd_input *in, const char *name, const char *data, size_t len)
{
	in->path = name;
	in->is_stdin = true;
	in->data = hd_xmalloc(len + 1);
	memcpy(in->data, data, len);
	in->data[len] = '\0';
	in->len = len;
}

void hd_input_release(struct hd_input *in)
{
	hd_big_free(in->data, in->maplen);
	in->data = NULL;
	in->maplen = 0;
}

/*
 * Files being written, removed if a signal ends the process (Ctrl-C, kill,
 * a closed pipe), as git does for its lock files: a slot is TMP_LIVE while
 * its file exists under that name.  A file is created and registered
 * between hd_create_begin() and hd_create_end(), with these signals blocked
 * in that thread; the handler (on another thread) first says the process
 * is dying, then waits until no thread is inside such a bracket, so a file
 * is either never created or registered before the handler reads the
 * slots (both sides are sequentially consistent: Dekker's handshake).  It
 * then unlinks them and re-raises the signal with its default action.
 */
enum {
	TMP_FREE,
	TMP_LIVE
};
#define TMP_SLOTS 256

static char tmp_path[TMP_SLOTS][PATH_MAX + 32];
static volatile sig_atomic_t tmp_state[TMP_SLOTS];
static pthread_mutex_t tmp_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t tmp_once = PTHREAD_ONCE_INIT;
static atomic_int tmp_dying, tmp_creating;
static const int tmp_sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE };
static _Thread_local sigset_t tmp_saved;

static void tmp_on_signal(int sig)
{
	int i, e = errno, spins = 0;

	atomic_store(&tmp_dying, 1);
	while (atomic_load(&tmp_creating) > 0 && spins++ < 100000) {
		struct timespec ts = { 0, 10000 }; /* 10 us, at most 1 s in all */

		nanosleep(&ts, NULL);
	}
	for (i = 0; i < TMP_SLOTS; i++)
		if (tmp_state[i] == TMP_LIVE)
			unlink(tmp_path[i]);
	errno = e;
	raise(sig); /* SA_RESETHAND: the default action, once this returns */
}

static void tmp_handlers(void)
{
	size_t i;

	for (i = 0; i < sizeof(tmp_sigs) / sizeof(tmp_sigs[0]); i++) {
		struct sigaction sa, old;

		if (sigaction(tmp_sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue; /* ignored by whoever started us (nohup): stays so */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = tmp_on_signal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(tmp_sigs[i], &sa, NULL);
	}
}

int hd_create_begin(void)
{
	sigset_t block;
	size_t i;

	pthread_once(&tmp_once, tmp_handlers); /* before any file exists */
	sigemptyset(&block);
	for (i = 0; i < sizeof(tmp_sigs) / sizeof(tmp_sigs[0]); i++)
		sigaddset(&block, tmp_sigs[i]);
	pthread_sigmask(SIG_BLOCK, &block, &tmp_saved);
	atomic_fetch_add(&tmp_creating, 1);
	if (atomic_load(&tmp_dying)) {
		hd_create_end();
		return -1;
	}
	return 0;
}

void hd_create_end(void)
{
	atomic_fetch_sub(&tmp_creating, 1);
	pthread_sigmask(SIG_SETMASK, &tmp_saved, NULL);
}

int hd_unlink_on_signal(const char *path)
{
	int i;

	if (strlen(path) >= sizeof(tmp_path[0]))
		return -1;
	pthread_once(&tmp_once, tmp_handlers);
	pthread_mutex_lock(&tmp_mu);
	for (i = 0; i < TMP_SLOTS && tmp_state[i] != TMP_FREE; i++)
		;
	if (i < TMP_SLOTS) {
		memcpy(tmp_path[i], path, strlen(path) + 1);
		atomic_signal_fence(memory_order_seq_cst); /* the name before the state */
		tmp_state[i] = TMP_LIVE;
	}
	pthread_mutex_unlock(&tmp_mu);
	return i < TMP_SLOTS ? i : -1;
}

void hd_unlink_on_signal_done(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&tmp_mu);
	tmp_state[slot] = TMP_FREE;
	pthread_mutex_unlock(&tmp_mu);
}

int hd_write_in_place(const struct hd_input *in, const char *data, size_t len, bool no_follow,
		      struct hd_err *err)
{
	char target[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX + 32];
	struct stat lst, now;
	const char *dname;
	size_t off = 0;
	int fd, dfd, slot;

	if (in->is_stdin)
		return ferr(err, "cannot write stdin in place");
	if (lstat(in->path, &lst) < 0)
		return ferr(err, "cannot stat: %s", strerror(errno));
	if (S_ISLNK(lst.st_mode)) {
		if (no_follow)
			return ferr(err, "is a symbolic link (--no-follow)");
		if (!realpath(in->path, target))
			return ferr(err, "cannot resolve symbolic link: %s", strerror(errno));
	} else {
		if (strlen(in->path) >= sizeof(target))
			return ferr(err, "path too long");
		memcpy(target, in->path, strlen(in->path) + 1);
	}
	if (stat(target, &now) < 0)
		return ferr(err, "cannot stat: %s", strerror(errno));
	if (now.st_ino != in->st.st_ino || now.st_dev != in->st.st_dev ||
	    now.st_size != in->st.st_size || now.st_mtim.tv_sec != in->st.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != in->st.st_mtim.tv_nsec)
		return ferr(err, "file changed while harden was running; not overwritten");
	if (!(now.st_mode & 0222))
		return ferr(
			err,
			"read-only file; not modified (make it writable to harden it in place)");
	memcpy(dir, target, strlen(target) + 1);
	dname = dirname(dir);
	snprintf(tmp, sizeof(tmp), "%s/.harden-XXXXXX", dname);
	if (hd_create_begin() < 0)
		return ferr(err, "interrupted; file left unchanged");
	fd = mkstemp(tmp);
	slot = fd >= 0 ? hd_unlink_on_signal(tmp) : -1;
	hd_create_end();
	if (fd < 0)
		return ferr(err, "cannot create temporary file: %s", strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, now.st_mode & 07777) < 0)
		goto fail;
	if (geteuid() == 0 && fchown(fd, now.st_uid, now.st_gid) < 0)
		goto fail;
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, target) < 0)
		goto fail;
	hd_unlink_on_signal_done(slot);
	dfd = open(dname, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail : {
	int e = errno;

	if (fd >= 0)
		close(fd);
	unlink(tmp);
	hd_unlink_on_signal_done(slot);
	return ferr(err, "cannot write: %s; file left unchanged", strerror(e));
}
}
