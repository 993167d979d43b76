#!/usr/bin/env python3
"""pin_registry.py - helpers of tests/t66-i20-pin-images.sh (no network but 127.0.0.1)

  pin_registry.py port                  a free TCP port on 127.0.0.1
  pin_registry.py wait PORT SECONDS     until http://127.0.0.1:PORT/v2/ answers
  pin_registry.py oci DIR TAG TEXT      a one-layer OCI image layout in DIR, tagged TAG
                                        (TEXT goes in its only file: images differ)
  pin_registry.py fake PORTFILE LOG     a registry that wants an anonymous Bearer
                                        token from its realm (/token): its port is
                                        written to PORTFILE, each request to LOG
"""
import hashlib, http.server, io, json, os, socket, sys, tarfile, time, urllib.parse, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait(port, secs):
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            urllib.request.urlopen("http://127.0.0.1:%s/v2/" % port, timeout=1)
            return 0
        except urllib.error.HTTPError:
            return 0  # it answers (401 is an answer)
        except Exception:
            time.sleep(0.1)
    return 1


def blob(d, data):
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(d, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(d, "blobs", "sha256", h), "wb") as f:
        f.write(data)
    return "sha256:" + h, len(data)


def oci(d, tag, text):
    os.makedirs(d, exist_ok=True)
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as t:
        body = (text + "\n").encode()
        ti = tarfile.TarInfo("hello.txt")
        ti.size, ti.mtime, ti.mode = len(body), 0, 0o644
        t.addfile(ti, io.BytesIO(body))
    layer = bio.getvalue()
    ld, ls = blob(d, layer)
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "config": {"Cmd": ["/hello"]},
                      "rootfs": {"type": "layers", "diff_ids": [ld]}}).encode()
    cd, cs = blob(d, cfg)
    man = json.dumps({"schemaVersion": 2,
                      "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": cd, "size": cs},
                      "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                  "digest": ld, "size": ls}]}).encode()
    md, ms = blob(d, man)
    idx_path = os.path.join(d, "index.json")
    idx = json.load(open(idx_path)) if os.path.exists(idx_path) else {"schemaVersion": 2, "manifests": []}
    idx["manifests"] = [m for m in idx["manifests"]
                        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") != tag]
    idx["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                             "digest": md, "size": ms,
                             "annotations": {"org.opencontainers.image.ref.name": tag}})
    json.dump(idx, open(idx_path, "w"))
    json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(d, "oci-layout"), "w"))
    return 0


TOKEN = "tok-" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
# the manifests it serves: tag "a" with Docker-Content-Digest on HEAD and GET;
# tag "b" without it (the client must GET and hash the body)
BODIES = {t: json.dumps({"schemaVersion": 2, "mediaType":
                         "application/vnd.oci.image.manifest.v1+json", "tag": t}).encode()
          for t in ("a", "b")}


def fake(portfile, log):
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def note(self, what):
            with open(log, "a") as f:
                f.write("%s %s %s\n" % (self.command, self.path, what))

        def answer(self, head):
            u = urllib.parse.urlparse(self.path)
            port = self.server.server_address[1]
            if u.path == "/token":
                q = urllib.parse.parse_qs(u.query)
                ok = q.get("service") == ["fake-registry"] and \
                    q.get("scope") == ["repository:team/app:pull"]
                self.note("token " + ("ok" if ok else "bad-query"))
                b = json.dumps({"token": TOKEN} if ok else {"error": "bad"}).encode()
                self.send_response(200 if ok else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                self.wfile.write(b)
                return
            if self.headers.get("Authorization") != "Bearer " + TOKEN:
                self.note("401")
                self.send_response(401)
                self.send_header("WWW-Authenticate",
                                 'Bearer realm="http://127.0.0.1:%d/token",service="fake-registry",'
                                 'scope="repository:team/app:pull"' % port)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            pre = "/v2/team/app/manifests/"
            tag = u.path[len(pre):] if u.path.startswith(pre) else None
            if tag not in BODIES:
                self.note("404")
                b = b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}'
                self.send_response(404)
                self.send_header("Content-Length", str(len(b)))
                self.end_headers()
                if not head:
                    self.wfile.write(b)
                return
            acc = self.headers.get("Accept", "")
            if "application/vnd.oci.image.index.v1+json" not in acc or \
                    "application/vnd.docker.distribution.manifest.v2+json" not in acc:
                self.note("bad-accept")
            self.note("200")
            b = BODIES[tag]
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
            self.send_header("Content-Length", str(len(b)))
            if tag == "a":
                self.send_header("Docker-Content-Digest", "sha256:" + hashlib.sha256(b).hexdigest())
            self.end_headers()
            if not head:
                self.wfile.write(b)

        def do_HEAD(self):
            self.answer(True)

        def do_GET(self):
            self.answer(False)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    with open(portfile + ".token", "w") as f:
        f.write(TOKEN)
    with open(portfile + ".digests", "w") as f:
        for t, b in BODIES.items():
            f.write("%s sha256:%s\n" % (t, hashlib.sha256(b).hexdigest()))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "port":
        print(free_port())
    elif cmd == "wait":
        sys.exit(wait(sys.argv[2], sys.argv[3]))
    elif cmd == "oci":
        sys.exit(oci(sys.argv[2], sys.argv[3], sys.argv[4]))
    elif cmd == "fake":
        fake(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
