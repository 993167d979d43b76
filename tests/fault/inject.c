/* inject.c - LD_PRELOAD fault injection for harden's in-place writes.
 *
 * HD_INJECT=write|fsync|rename makes that step fail on harden's temporary
 * file (".harden-*"); HD_INJECT=signal sends SIGTERM to harden while it
 * fsyncs that file (as a Ctrl-C or kill would); HD_INJECT=touch appends to HD_INJECT_PATH the first
 * time harden lstat()s it, i.e. someone edits the file between harden's
 * read and its write.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mode(const char *m)
{
	const char *v = getenv("HD_INJECT");

	return v && !strcmp(v, m);
}

static int fd_is_temp(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return strstr(path, "/.harden-") != NULL;
}

/* Is @fd open on a path containing @what (default: harden's temp files)? */
static int fd_is(int fd, const char *what)
{
	char link[64], path[4096];
	ssize_t n;

	if (!what)
		return fd_is_temp(fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	return strstr(path, what) != NULL;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*real)(int, const void *, size_t);

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	if (mode("write") && fd_is_temp(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return real(fd, buf, n);
}

int fsync(int fd)
{
	static int (*real)(int);

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (mode("fsync") && fd_is_temp(fd)) {
		errno = EIO;
		return -1;
	}
	if (mode("signal") && fd_is(fd, getenv("HD_INJECT_PATH")))
		raise(SIGTERM);
	return real(fd);
}

int rename(const char *a, const char *b)
{
	static int (*real)(const char *, const char *);

	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	if (mode("rename") && strstr(a, "/.harden-")) {
		errno = EXDEV;
		return -1;
	}
	return real(a, b);
}

int lstat(const char *path, struct stat *st)
{
	static int (*real)(const char *, struct stat *);
	static int done;
	const char *target = getenv("HD_INJECT_PATH");

	if (!real)
		real = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "lstat");
	if (mode("touch") && !done && target && !strcmp(path, target)) {
		int fd = open(path, O_WRONLY | O_APPEND);

		done = 1;
		if (fd >= 0) {
			(void)!write(fd, "#\n", 2);
			close(fd);
		}
	}
	return real(path, st);
}
