"""A status page on $REPORT_PORT; keeps its counter in a file under /tmp."""
import http.server
import os
import sys
import tempfile

from report.render import render

STATE = os.path.join(tempfile.gettempdir(), "report.count")


def bump():
    n = 0
    if os.path.exists(STATE):
        with open(STATE) as f:
            n = int(f.read() or 0)
    with open(STATE, "w") as f:
        f.write(str(n + 1))
    return n + 1


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = render(bump()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    if "--self-test" in sys.argv:
        print(render(0), end="")
        return
    port = int(os.environ.get("REPORT_PORT", "8080"))
    http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()
