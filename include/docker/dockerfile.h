/* dockerfile.h - a Dockerfile parser that keeps every byte's place
 *
 * The second front end of the engine: it knows Dockerfiles and bytes, no
 * YAML (it includes only the bytes modules).  df_parse() reads a file the
 * way BuildKit's parser does (parser directives, `escape`, line
 * continuations, comment and blank lines inside them, heredocs, ONBUILD)
 * into a list of instructions, each with its byte span and its logical
 * text (continuations joined, as the builder sees it).  Edits are splices
 * (splice.h) over the original bytes; df_verify() re-parses the output and
 * compares its instruction list with the one the edits intend.
 */
#ifndef HD_DOCKERFILE_H
#define HD_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "splice.h"
#include "util.h"

/* A run of logical argument text taken from the raw bytes at @raw. */
struct df_seg {
	size_t raw, log, len;
};

struct df_heredoc {
	const char *name;      /* the delimiter word, unquoted */
	bool strip_tabs;       /* <<- */
	bool quoted;	       /* <<"EOF": no expansion in the body */
	size_t body, body_end; /* its body's bytes (line breaks included) */
};

struct df_instr {
	size_t start;	  /* first byte of its first line (indentation too) */
	size_t kw, kwlen; /* the keyword as written */
	size_t end;	  /* past its last line break (heredoc bodies too) */
	size_t args_raw;  /* where its arguments start */
	int line, col;	  /* of the keyword, 1-based */
	int last_line;	  /* line of its last argument line */
	char name[12];	  /* keyword, upper case */
	char *args;	  /* logical arguments: continuations joined, trimmed */
	size_t nargs;
	struct df_seg *seg;
	size_t nseg;
	struct df_heredoc *hd;
	size_t nhd;
	/* ONBUILD: the keyword of the instruction it holds, upper case */
	char sub[12];
	bool json;     /* arguments are a JSON array (exec form) */
	bool open_end; /* its last line continues into the end of the file */
	int stage;     /* index of the stage (FROM) it belongs to, -1 before any */
	/* the comment line right above it, if any (exemptions) */
	size_t comment, comment_len;
	bool has_comment;
};

struct df_stage {
	size_t from;		     /* index of its FROM */
	const char *image;	     /* the FROM image, as written (after flags) */
	const char *alias;	     /* AS name, or NULL */
	size_t image_off, image_len; /* raw bytes of the image reference */
	size_t image_log;	     /* its offset in the FROM's arguments */
	bool image_raw;		     /* image_off/len valid (one segment) */
	int base_stage;		     /* the earlier stage it builds on, or -1 */
};

struct df_file {
	const char *data;
	size_t len;
	char escape;	    /* '\\' or '`' */
	const char *syntax; /* the # syntax= directive's value, or NULL */
	bool crlf;	    /* CRLF line breaks in the majority */
	bool lower;	    /* keywords written in lower case in the majority */
	bool final_newline;
	struct df_instr *in;
	size_t n;
	struct df_stage *st;
	size_t nst;
};

/*
 * df_parse() - parse the @len bytes at @data (kept, not copied) into @df,
 * everything else in @a.  Returns 0, or -1 with @err at the offending
 * line and column (unknown instruction, unterminated heredoc, NUL byte,
 * invalid UTF-8, JSON form that does not parse where only it may be).
 */
int df_parse(struct df_file *df, const char *data, size_t len, struct hd_arena *a,
	     struct hd_err *err);

/* The raw byte offset of logical argument offset @log of @in (an insertion
 * point: the end of the segment it falls in when it is a segment's end). */
size_t df_raw_at(const struct df_instr *in, size_t log);

/* Is @name the basename of a Dockerfile (Dockerfile, *.Dockerfile,
 * Dockerfile.*, Containerfile, Containerfile.*, *.Containerfile)? */
bool df_is_dockerfile_name(const char *name);

/* A shell word of a RUN command: its logical span and its text unquoted. */
struct df_word {
	size_t log, len; /* in the logical arguments */
	const char *text;
	bool op; /* an operator: && || ; | & ( ) or a line break */
};

/*
 * df_shell_words() - split logical shell text @s (@n bytes) into words and
 * operators (quotes and backslashes removed from the words' text), into
 * *@w (@a).  *@comment: the text does not end in plain shell context (an
 * unquoted `#` comment, its words left out, or a quote, `$(` or backquote
 * left open): nothing may be appended.  Returns the count.
 */
size_t df_shell_words(const char *s, size_t n, struct hd_arena *a, struct df_word **w,
		      bool *comment);

/*
 * The intended result of a set of edits, as instructions: what df_verify()
 * expects the output to parse to.
 */
struct df_wedit { /* an edit of an instruction's logical arguments */
	size_t log, len;
	const char *text; /* inserted (NULL: a deletion of @len bytes) */
};

struct df_want {
	char name[12]; /* "+NAME": inserted, "-NAME": deleted */
	struct df_wedit *ed;
	size_t ned;
	char *args;
	size_t nargs;
	char *bodies; /* heredoc bodies joined, or NULL */
	size_t nbodies;
};

/*
 * df_wants_init() - the instruction list of @df as it is, into *@w (@a);
 * edits then change it with the df_want_* calls below, in step with the
 * splices they push.
 */
struct df_wants {
	struct df_want *v;
	size_t n, cap;
	size_t *map; /* original instruction i -> index in v */
	size_t norig;
	struct hd_arena *a;
};
void df_wants_init(struct df_wants *w, const struct df_file *df, struct hd_arena *a);
/* Insert a new instruction before original instruction @at (@at == n: at the end). */
void df_want_insert(struct df_wants *w, size_t at, bool after, const char *name, const char *args);
/* Replace the keyword of original instruction @i. */
void df_want_rename(struct df_wants *w, size_t i, const char *name);
/* Insert @text at logical offset @log of original instruction @i's arguments. */
void df_want_args_insert(struct df_wants *w, const struct df_file *df, size_t i, size_t log,
			 const char *text);
/* Delete logical bytes [@log, @log+@len) of instruction @i's arguments. */
void df_want_args_delete(struct df_wants *w, const struct df_file *df, size_t i, size_t log,
			 size_t len);
/* Drop original instruction @i. */
void df_want_delete(struct df_wants *w, size_t i);
void df_wants_release(struct df_wants *w);

/*
 * df_verify() - parse @out (@n bytes) and compare its instructions with
 * @w: 0, or -1 with @err saying where they differ (line of the output).
 */
int df_verify(const struct df_wants *w, const char *out, size_t n, struct hd_err *err);

#endif
