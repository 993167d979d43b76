/* imageref.c - container image references (imageref.h) */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "imageref.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int fail(char *why, size_t n, const char *msg)
{
	snprintf(why, n, "%s", msg);
	return -1;
}

/* A path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || !lower_alnum(s[0]) || !lower_alnum(s[len - 1]))
		return false;
	while (i < len) {
		size_t seps = 0;

		while (i < len && lower_alnum(s[i]))
			i++;
		if (i == len)
			break;
		if (s[i] == '.') {
			i++;
			seps = 1;
		} else if (s[i] == '_') {
			i++;
			seps = 1;
			if (i < len && s[i] == '_')
				i++;
		} else {
			while (i < len && s[i] == '-')
				i++, seps++;
		}
		if (!seps || i == len || !lower_alnum(s[i]))
			return false;
	}
	return true;
}

/* host [":" port]: DNS labels, IPv4 or a bracketed IPv6 address */
static bool domain_ok(const char *s, size_t len)
{
	size_t i = 0, port;

	if (!len)
		return false;
	if (s[0] == '[') {
		for (i = 1; i < len && s[i] != ']'; i++)
			if (!(alnum(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '%'))
				return false;
		if (i >= len || i == 1)
			return false;
		i++;
	} else {
		size_t lab = 0;

		for (; i < len && s[i] != ':'; i++) {
			if (s[i] == '.') {
				if (!lab || s[i - 1] == '-')
					return false;
				lab = 0;
			} else if (alnum(s[i]) || (s[i] == '-' && lab)) {
				lab++;
			} else {
				return false;
			}
		}
		if (!lab || s[i - 1] == '-')
			return false;
	}
	if (i == len)
		return true;
	if (s[i] != ':')
		return false;
	for (port = ++i; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i > port && i - port <= 5;
}

static bool is_domain(const char *s, size_t len)
{
	size_t i;

	if (len == 9 && !memcmp(s, "localhost", 9))
		return true;
	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
			return true;
	return false;
}

static bool tag_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 128 || !(alnum(s[0]) || s[0] == '_'))
		return false;
	for (i = 1; i < len; i++)
		if (!(alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/* algorithm ":" encoded; sha256 and sha512 must have their hex length */
static bool digest_ok(const char *s, size_t len, char *why, size_t n)
{
	const char *c = memchr(s, ':', len);
	size_t al, i;

	if (!c || c == s || (size_t)(c - s) == len - 1) {
		fail(why, n, "a digest is ALGORITHM:HEX");
		return false;
	}
	al = (size_t)(c - s);
	for (i = 0; i < al; i++)
		if (!(lower_alnum(s[i]) ||
		      ((s[i] == '+' || s[i] == '.' || s[i] == '_' || s[i] == '-') && i &&
		       i + 1 < al)))
			break;
	if (i < al) {
		fail(why, n, "bad digest algorithm");
		return false;
	}
	for (i = al + 1; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			break;
	if (i < len || (al == 6 && !memcmp(s, "sha256", 6) && len - al - 1 != 64) ||
	    (al == 6 && !memcmp(s, "sha512", 6) && len - al - 1 != 128) || len - al - 1 < 32) {
		fail(why, n, "bad digest: wrong length or not lower-case hex");
		return false;
	}
	return true;
}

int hd_imageref_parse(const char *s, size_t len, struct hd_imageref *r, char *why, size_t n)
{
	const char *at, *slash;
	size_t end, i, p, first;

	memset(r, 0, sizeof(*r));
	if (!len)
		return fail(why, n, "empty image reference");
	if (len > 255 + 1 + 128 + 1 + 7 + 128)
		return fail(why, n, "image reference too long");
	at = memchr(s, '@', len);
	end = at ? (size_t)(at - s) : len;
	if (at) {
		r->digest_off = end + 1;
		r->digest_len = len - end - 1;
		if (!digest_ok(at + 1, r->digest_len, why, n))
			return -1;
	} else {
		r->digest_off = len;
	}
	/* a tag is after the last ':' that follows the last '/' */
	slash = NULL;
	for (i = 0; i < end; i++)
		if (s[i] == '/')
			slash = s + i;
	for (i = end; i > (slash ? (size_t)(slash - s) + 1 : 0); i--)
		if (s[i - 1] == ':')
			break;
	if (i > (slash ? (size_t)(slash - s) + 1 : 0)) {
		r->tag_off = i;
		r->tag_len = end - i;
		if (!tag_ok(s + i, r->tag_len))
			return fail(why, n, "bad tag");
		r->name_len = i - 1;
	} else {
		r->tag_off = end;
		r->name_len = end;
	}
	if (!r->name_len)
		return fail(why, n, "no image name");
	/* domain */
	slash = memchr(s, '/', r->name_len);
	first = slash ? (size_t)(slash - s) : r->name_len;
	p = 0;
	if (slash && is_domain(s, first)) {
		if (!domain_ok(s, first))
			return fail(why, n, "bad registry host");
		r->domain_len = first;
		p = first + 1;
		if (first >= sizeof(r->domain))
			return fail(why, n, "registry host too long");
		memcpy(r->domain, s, first);
		r->domain[first] = '\0';
	} else {
		snprintf(r->domain, sizeof(r->domain), "docker.io");
	}
	if (!strcmp(r->domain, "index.docker.io") || !strcmp(r->domain, "registry-1.docker.io"))
		snprintf(r->domain, sizeof(r->domain), "docker.io");
	/* path components */
	for (i = p; i <= r->name_len; i++)
		if (i == r->name_len || s[i] == '/') {
			if (!path_component(s + p, i - p))
				return fail(why, n,
					    "bad repository name (lower-case letters, digits "
					    "and . _ - separators)");
			p = i + 1;
		}
	p = r->domain_len ? r->domain_len + 1 : 0;
	if (r->name_len - p + 8 >= sizeof(r->path))
		return fail(why, n, "repository name too long");
	snprintf(r->path, sizeof(r->path), "%s%.*s",
		 !strcmp(r->domain, "docker.io") && !memchr(s + p, '/', r->name_len - p)
			 ? "library/"
			 : "",
		 (int)(r->name_len - p), s + p);
	snprintf(r->registry, sizeof(r->registry), "%s",
		 !strcmp(r->domain, "docker.io") ? "registry-1.docker.io" : r->domain);
	snprintf(r->full, sizeof(r->full), "%s/%s", r->domain, r->path);
	return 0;
}

bool hd_imageref_unresolved(const char *s, size_t len)
{
	return memchr(s, '$', len) || (len >= 2 && memmem(s, len, "{{", 2));
}
