/* fileio.h - reading inputs and writing results safely in place */
#ifndef HD_FILEIO_H
#define HD_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util.h"

struct hd_input {
	const char *path; /* as given */
	char *data;	  /* heap or a mapping, NUL-terminated */
	size_t len;
	size_t maplen;	/* data is a mapping of this length (a big file) */
	struct stat st; /* of the target file when read (not for stdin) */
	bool is_stdin;
};

/* Read @path ("-" = stdin).  Returns 0, or -1 with @err->msg set. */
int hd_input_read(struct hd_input *in, const char *path, struct hd_err *err);
void hd_input_release(struct hd_input *in);
/* @in holds a NUL-terminated copy of the @len bytes at @data, named @name
 * in messages (like stdin: no file to write back to). */
void hd_input_copy(struct hd_input *in, const char *name, const char *data, size_t len);

/*
 * hd_write_in_place() - replace the file @in was read from with @data:
 * temp file in the same directory, mode (and owner, as root) kept, fsync,
 * rename.  Symlinks are followed to their target unless @no_follow, in
 * which case they are refused.  The file is not replaced when it changed
 * since it was read, nor when it has no write permission bit.  A signal
 * that ends the process meanwhile removes the temp file.  Returns 0, or -1
 * with @err->msg set and the original left intact.
 */
int hd_write_in_place(const struct hd_input *in, const char *data, size_t len, bool no_follow,
		      struct hd_err *err);

/*
 * hd_unlink_on_signal() - a file this process has just created and is still
 * writing: should a signal end the process before hd_unlink_on_signal_done(),
 * it is removed (no half-written file stays behind).  Returns a slot for
 * _done(), -1 when none is free (then nothing is removed).
 */
int hd_unlink_on_signal(const char *path);
void hd_unlink_on_signal_done(int slot);
/*
 * hd_create_begin() ... hd_create_end() - bracket the creation of such a
 * file and its hd_unlink_on_signal(): a signal that ends the process then
 * waits until the file is registered (and removes it), so no file exists
 * unregistered at any moment.  _begin() returns -1 (create nothing) when
 * a signal is already ending the process.
 */
int hd_create_begin(void);
void hd_create_end(void);

#endif
