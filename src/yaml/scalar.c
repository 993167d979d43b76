/* scalar.c - scalar resolution under YAML 1.1 and 1.2, and quoting rules */
#include "scalar.h"

#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool isalnum_ascii(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

struct kw {
	const char *s;
	size_t n;
};
#define K(s)                     \
	{                        \
		s, sizeof(s) - 1 \
	}

static bool in_set(const char *s, size_t n, const struct kw *set)
{
	if (n == 0 || n > 6)
		return false; /* every keyword is 1..6 bytes */
	for (; set->s; set++)
		if (set->n == n && set->s[0] == s[0] && !memcmp(set->s, s, n))
			return true;
	return false;
}

static const struct kw nulls[] = { K("~"), K("null"), K("Null"), K("NULL"), { 0 } };
static const struct kw bools12[] = { K("true"),	 K("True"),  K("TRUE"), K("false"),
				     K("False"), K("FALSE"), { 0 } };
static const struct kw bools11[] = { K("y"),	 K("Y"),    K("yes"),  K("Yes"),   K("YES"),
				     K("n"),	 K("N"),    K("no"),   K("No"),	   K("NO"),
				     K("true"),	 K("True"), K("TRUE"), K("false"), K("False"),
				     K("FALSE"), K("on"),   K("On"),   K("ON"),	   K("off"),
				     K("Off"),	 K("OFF"),  { 0 } };
static const struct kw infnan[] = { K(".inf"),	K(".Inf"),  K(".INF"),	K("+.inf"), K("+.Inf"),
				    K("+.INF"), K("-.inf"), K("-.Inf"), K("-.INF"), K(".nan"),
				    K(".NaN"),	K(".NAN"),  { 0 } };

/* all of s[i..n) in the class; at least one char */
static bool all_of(const char *s, size_t i, size_t n, const char *cls)
{
	if (i >= n)
		return false;
	for (; i < n; i++)
		if (!s[i] || !strchr(cls, s[i]))
			return false;
	return true;
}

/*
 * An optional exponent [eE][-+]?[0-9]+ at s[*i] (YAML 1.1 requires the
 * sign); false when one starts but is malformed.
 */
static bool exponent(const char *s, size_t n, size_t *i, bool need_sign)
{
	size_t e = 0;

	if (*i >= n || (s[*i] != 'e' && s[*i] != 'E'))
		return true;
	(*i)++;
	if (*i < n && (s[*i] == '-' || s[*i] == '+'))
		(*i)++;
	else if (need_sign)
		return false;
	while (*i < n && is_digit(s[*i]))
		(*i)++, e++;
	return e > 0;
}

static bool float12(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && is_digit(s[i]))
			i++, d++;
		if (!d)
			return false;
	} else {
		while (i < n && is_digit(s[i]))
			i++, d++;
		if (!d)
			return false;
		if (i < n && s[i] == '.') {
			i++;
			while (i < n && is_digit(s[i]))
				i++;
		}
	}
	return exponent(s, n, &i, false) && i == n;
}

/*
 * A first character no null, bool, number or timestamp can start with
 * settles most scalars at once (both schemas).
 */
static bool surely_str(const char *s, size_t n)
{
	char c = s[0];

	switch (c) {
	case 't':
	case 'T':
	case 'f':
	case 'F':
	case 'n':
	case 'N':
	case 'y':
	case 'Y':
	case 'o':
	case 'O':
		return n > 6; /* longer than any keyword */
	default:
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '_';
	}
}

enum yn_type hd_resolve12(const char *s, size_t n)
{
	size_t i = 0;

	if (n && surely_str(s, n))
		return YT_STR;
	if (n == 0 || in_set(s, n, nulls))
		return YT_NULL;
	if (in_set(s, n, bools12))
		return YT_BOOL;
	if (n > 2 && s[0] == '0' && s[1] == 'o' && all_of(s, 2, n, "01234567"))
		return YT_INT;
	if (n > 2 && s[0] == '0' && s[1] == 'x' && all_of(s, 2, n, "0123456789abcdefABCDEF"))
		return YT_INT;
	if (s[0] == '-' || s[0] == '+')
		i = 1;
	if (all_of(s, i, n, "0123456789"))
		return YT_INT;
	if (float12(s, n) || in_set(s, n, infnan))
		return YT_FLOAT;
	return YT_STR;
}

/* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+ and a trailing fraction for floats */
static bool sexagesimal(const char *s, size_t n, bool want_float)
{
	size_t i = 0, d = 0, groups = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= n || !is_digit(s[i]) || (!want_float && s[i] == '0'))
		return false;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++, d++;
	while (i < n && s[i] == ':') {
		size_t g = 0;

		i++;
		if (i < n && s[i] >= '0' && s[i] <= '5' && i + 1 < n && is_digit(s[i + 1])) {
			i += 2;
			g = 2;
		} else if (i < n && is_digit(s[i])) {
			i++;
			g = 1;
		}
		if (!g)
			return false;
		groups++;
	}
	if (!groups || !d)
		return false;
	if (want_float) {
		if (i >= n || s[i] != '.')
			return false;
		i++;
		while (i < n && (is_digit(s[i]) || s[i] == '_'))
			i++;
	}
	return i == n;
}

static bool int11(const char *s, size_t n)
{
	size_t i = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= n)
		return false;
	if (n - i > 2 && s[i] == '0' && s[i + 1] == 'b')
		return all_of(s, i + 2, n, "01_");
	if (n - i > 2 && s[i] == '0' && s[i + 1] == 'x')
		return all_of(s, i + 2, n, "0123456789abcdefABCDEF_");
	if (s[i] == '0')
		return n - i == 1 || all_of(s, i + 1, n, "01234567_");
	if (is_digit(s[i]) && all_of(s, i, n, "0123456789_"))
		return true;
	return sexagesimal(s, n, false);
}

static bool float11(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (in_set(s, n, infnan))
		return true;
	if (sexagesimal(s, n, true))
		return true;
	/* PyYAML: [-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)? */
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < n && (is_digit(s[i]) || (d && s[i] == '_')))
		i++, d++;
	if (i >= n || s[i] != '.')
		return false;
	i++;
	while (i < n && (is_digit(s[i]) || s[i] == '.'))
		i++;
	return exponent(s, n, &i, true) && i == n;
}

static bool timestamp(const char *s, size_t n)
{
	/* [0-9]{4}-[0-9]{1,2}-[0-9]{1,2} prefix is enough to be non-string */
	size_t i = 0, d;

	for (d = 0; d < 4; d++, i++)
		if (i >= n || !is_digit(s[i]))
			return false;
	if (i >= n || s[i++] != '-')
		return false;
	for (d = 0; i < n && is_digit(s[i]) && d < 2; d++)
		i++;
	if (!d || i >= n || s[i++] != '-')
		return false;
	return i < n && is_digit(s[i]);
}

enum yn_type hd_resolve11(const char *s, size_t n)
{
	if (n && surely_str(s, n))
		return YT_STR;
	if (n == 0 || in_set(s, n, nulls))
		return YT_NULL;
	if (in_set(s, n, bools11))
		return YT_BOOL;
	if (int11(s, n))
		return YT_INT;
	if (float11(s, n) || timestamp(s, n))
		return YT_FLOAT;
	return YT_STR;
}

/* Plain @s is a string under YAML 1.2 and 1.1 alike, and no merge or value key. */
static bool plain_reads_as_str(const char *s, size_t n)
{
	if (hd_resolve12(s, n) != YT_STR || hd_resolve11(s, n) != YT_STR)
		return false;
	if (timestamp(s, n) || (n == 2 && s[0] == '<' && s[1] == '<') || (n == 1 && s[0] == '='))
		return false;
	return true;
}

bool hd_plain_safe(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	if (!(isalnum_ascii(s[0]) || s[0] == '_' || s[0] == '.' || s[0] == '/'))
		return false;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!(isalnum_ascii(c) || (c && strchr("_./@+-", c))))
			return false;
	}
	return plain_reads_as_str(s, n);
}

bool hd_plain_ok_in_place(const char *s, size_t n, bool flow)
{
	size_t i;

	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (!(isalnum_ascii(s[0]) || strchr("./_$~", s[0])))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* '@' only starts no plain scalar (an image's digest: a@sha256:) */
		if (c <= 0x20 || c == 0x7f || c == '#' || c == '"' || c == '\'' || c == '`' ||
		    c == '|' || c == '>' || (c == '@' && !i) || c == '%')
			return false;
		if (c == ':' && i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return false;
		if (flow && strchr(",[]{}", c))
			return false;
	}
	return plain_reads_as_str(s, n);
}

void hd_scalar_write(struct hd_buf *b, const char *s, size_t n, enum yn_type t, char quote)
{
	size_t i;

	if (t != YT_STR) {
		if (t == YT_NULL && n == 0)
			hd_buf_adds(b, "null");
		else
			hd_buf_add(b, s, n);
		return;
	}
	if (hd_plain_safe(s, n)) {
		hd_buf_add(b, s, n);
		return;
	}
	if (quote == '\'') {
		for (i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				break;
		if (i == n) {
			hd_buf_addc(b, '\'');
			for (i = 0; i < n; i++) {
				if (s[i] == '\'')
					hd_buf_addc(b, '\'');
				hd_buf_addc(b, s[i]);
			}
			hd_buf_addc(b, '\'');
			return;
		}
	}
	hd_scalar_write_dq(b, s, n);
}

void hd_scalar_write_dq(struct hd_buf *b, const char *s, size_t n)
{
	size_t i;

	hd_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			hd_buf_adds(b, "\\\"");
			break;
		case '\\':
			hd_buf_adds(b, "\\\\");
			break;
		case '\n':
			hd_buf_adds(b, "\\n");
			break;
		case '\t':
			hd_buf_adds(b, "\\t");
			break;
		case '\r':
			hd_buf_adds(b, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				hd_buf_printf(b, "\\x%02x", c);
			else
				hd_buf_addc(b, (char)c);
		}
	}
	hd_buf_addc(b, '"');
}

enum yn_type hd_node_type(const struct yn *n)
{
	if (n->kind != YN_SCALAR)
		return YT_STR;
	if ((n->flags & (YF_NEW | YF_SET)))
		return n->vtype;
	if (n->tag) {
		const char *t = n->tag;

		if (!strcmp(t, "!!str") || !strcmp(t, "!"))
			return YT_STR;
		if (!strcmp(t, "!!int"))
			return YT_INT;
		if (!strcmp(t, "!!bool"))
			return YT_BOOL;
		if (!strcmp(t, "!!float"))
			return YT_FLOAT;
		if (!strcmp(t, "!!null"))
			return YT_NULL;
	}
	if (n->style != YS_PLAIN)
		return YT_STR;
	return hd_resolve12(n->text, n->tlen);
}

/* ---- reading a node's value (aliases followed) ---- */

static bool plain_in(const struct yn *n, const char *const *set)
{
	n = n ? yn_deref(n) : NULL;
	if (!n || n->kind != YN_SCALAR)
		return false;
	for (; *set; set++)
		if (n->tlen == strlen(*set) && !memcmp(n->text, *set, n->tlen))
			return hd_node_type(n) == YT_BOOL ||
			       hd_resolve11(n->text, n->tlen) == YT_BOOL;
	return false;
}

bool hd_true(const struct yn *n)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					 "on",	 "On",	 "ON",	 "y",	"Y",   NULL };
	return plain_in(n, t);
}

bool hd_false(const struct yn *n)
{
	static const char *const f[] = { "false", "False", "FALSE", "no", "No", "NO",
					 "off",	  "Off",   "OFF",   "n",  "N",	NULL };
	return plain_in(n, f);
}

bool hd_int(const struct yn *n, long long *v)
{
	char *end;

	n = n ? yn_deref(n) : NULL;
	if (!n || n->kind != YN_SCALAR || hd_node_type(n) != YT_INT)
		return false;
	*v = strtoll(n->text, &end, 0);
	return end != n->text;
}

bool hd_str_is(const struct yn *n, const char *s)
{
	n = n ? yn_deref(n) : NULL;
	return n && n->kind == YN_SCALAR && n->tlen == strlen(s) && !memcmp(n->text, s, n->tlen);
}

const char *hd_str(const struct yn *n)
{
	n = n ? yn_deref(n) : NULL;
	return n && n->kind == YN_SCALAR ? n->text : NULL;
}
