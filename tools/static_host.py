"""Serve the built site on 127.0.0.1 as a static host does: text compressed with gzip (level 6).

The browser tests and Lighthouse use it; to preview the site the same way:

    python tools/static_host.py [port]      # then open http://127.0.0.1:8000/
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "_build" / "html"


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Files as they are, text gzipped when the browser accepts it."""

    COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".ttf", ".eot"}

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in self.COMPRESSIBLE and path.is_file()):
            super().do_GET()  # directories without a slash, binary files, 404s
            return
        body = _gzipped(path, path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet
        pass


@functools.lru_cache(maxsize=None)
def _gzipped(path: Path, mtime_ns: int) -> bytes:
    return gzip.compress(path.read_bytes(), 6, mtime=0)


@contextmanager
def serving(site: Path = SITE, port: int = 0):
    """The site served in a background thread; yields its base URL."""
    handler = functools.partial(StaticHost, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


if __name__ == "__main__":
    with serving(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8000) as url:
        print(f"serving {SITE} at {url}/ (Ctrl+C to stop)")
        threading.Event().wait()
