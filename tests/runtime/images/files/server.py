"""Runtime-test app: serves HTTP 200 on :8000 once it has written its state.

MODE=data (the step-down app) writes /srv/data, its volume; MODE=cache (the
cache-writing app) writes /var/cache/app. Either exits if it cannot write.
"""
import http.server
import os
import sys

DIRS = {"data": "/srv/data", "cache": "/var/cache/app"}
where = DIRS[os.environ.get("MODE", "data")]
try:
    with open(os.path.join(where, "state"), "w") as f:
        f.write("started by uid %d\n" % os.getuid())
except OSError as e:
    sys.exit("app: cannot write %s: %s" % (where, e))


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(os.path.join(where, "state")) as f:
            body = f.read().encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)


http.server.ThreadingHTTPServer(("", 8000), H).serve_forever()
