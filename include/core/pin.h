/* pin.h - --pin-images: an image tag resolved to its manifest digest
 *
 * Two sources, one per run:
 *   --digests FILE   offline: lines `NAME:TAG DIGEST` (`#` comments, blank
 *                    lines); NAME short (`nginx`) or normalised
 *                    (`docker.io/library/nginx`): both match by the
 *                    normalised name.  With it the network is not used.
 *   otherwise        the registry, through the OCI distribution API
 *                    (libcurl): HEAD, else GET, /v2/<repo>/manifests/<tag>
 *                    accepting OCI index and manifest and Docker manifest
 *                    list and manifest v2; the digest from the
 *                    Docker-Content-Digest header, or the sha256 of the body
 *                    a GET returned.  A 401 with `WWW-Authenticate: Bearer
 *                    realm=...,service=...,scope=...` gets an anonymous
 *                    token from the realm and the request is retried.
 *                    http for localhost, 127.0.0.1, [::1] and the hosts of
 *                    --insecure-registry / $HARDEN_INSECURE_REGISTRIES
 *                    (comma list), https otherwise; connect timeout 5 s,
 *                    20 s in all.
 * Results (digests and errors) are cached for the process; every function
 * may be called from any thread once hd_pin_init() returned.
 */
#ifndef HD_PIN_H
#define HD_PIN_H

#include <stddef.h>

#include "transform.h"
#include "util.h"

/*
 * hd_pin_init() - before any thread: read @o->pin_digests when set (a
 * bad line is an error at its line) and set libcurl up.  0, or -1 with
 * @err (and *@errpath the file at fault, or NULL).
 */
int hd_pin_init(const struct hd_opts *o, struct hd_err *err, const char **errpath);
/* At exit, once no thread can ask any more: the cache and libcurl released. */
void hd_pin_done(void);

/*
 * hd_pin_resolve() - the digest of the image reference @ref (@len bytes, as
 * written: `nginx`, `ghcr.io/a/b:1.2`) in @out_digest (@n bytes,
 * "sha256:<64 hex>").  An untagged reference resolves `latest`.  Returns 1
 * when resolved, 0 when there is nothing to do (a digest is already there,
 * or `${VAR}`/`{{ }}` leaves the reference to another tool), -1 when it
 * cannot be resolved: @err->msg says why (line and col left 0; the
 * registry's answer, never a credential).  The Dockerfile front end calls
 * it for FROM lines as the image-refs transform does for YAML; `scratch`
 * and the names of earlier build stages are no images: the caller skips
 * them.  Callable from any thread; without hd_pin_init() (no --digests
 * list) the registry is asked, libcurl being loaded on first use.
 */
int hd_pin_resolve(const struct hd_opts *o, const char *ref, size_t len, char *out_digest, size_t n,
		   struct hd_err *err);

#endif
