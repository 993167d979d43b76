/* imageref.h - container image references (Docker/OCI distribution grammar)
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*
 *   domain    := host [ ":" port ]   (host: DNS name, IPv4 or [IPv6])
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest    := algorithm ":" hex   (sha256: 64 lower-case hex digits)
 *
 * The first component is a domain when it holds a '.' or a ':', is
 * `localhost`, or has an upper-case letter (as docker's reference package
 * decides); otherwise the image is on Docker Hub: `nginx` is
 * `docker.io/library/nginx`, served by `registry-1.docker.io`.
 */
#ifndef HD_IMAGEREF_H
#define HD_IMAGEREF_H

#include <stdbool.h>
#include <stddef.h>

struct hd_imageref {
	/* byte offsets into the string parsed (for splices); a part that is
	 * absent has length 0 (its offset is where it would go: the end of
	 * the part before it) */
	size_t name_off, name_len;     /* domain and path as written */
	size_t domain_off, domain_len; /* the domain as written, or 0 */
	size_t tag_off, tag_len;       /* after the ':' */
	size_t digest_off, digest_len; /* after the '@': "sha256:..." */
	/* normalised */
	char domain[256];   /* "docker.io", "ghcr.io", "localhost:5000" */
	char path[256];	    /* "library/nginx" */
	char registry[256]; /* host[:port] to ask: "registry-1.docker.io" */
	char full[520];	    /* "docker.io/library/nginx" */
};

/*
 * hd_imageref_parse() - parse the @len bytes at @s as an image reference
 * into @r.  Returns 0, or -1 with the reason in @why (@n bytes).  Nothing
 * around the reference (blanks, quotes) is accepted.
 */
int hd_imageref_parse(const char *s, size_t len, struct hd_imageref *r, char *why, size_t n);
/* Does @s hold an interpolation (`${VAR}`, `$VAR`) or a template (`{{`)
 * that only a later tool resolves? */
bool hd_imageref_unresolved(const char *s, size_t len);

#endif
