"""Serve the demo gemeente page and the chat widget, and tell the page where Rasa is.

    python -m web.serve --port 8080 --rasa-url http://localhost:5005

Static files come from this folder only (HTML, CSS, JS, SVG, PNG, ICO and LICENSE files; no
directory listings, no Python). ``/config.js`` is generated: it sets
``window.MANTELZORG_CHAT = {"rasaUrl": ...}`` for the widget. Every answer carries a strict
Content-Security-Policy (scripts and styles from this origin only; connections to this
origin and to Rasa), so injected markup could not run script even if it got in.
Standard library only; meant for the demo and the tests, not as a production web server
(in production the gemeente's own site embeds the widget, see README "Kanalen").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlsplit

WEB_ROOT = Path(__file__).resolve().parent
ALLOWED_SUFFIXES = {".html", ".css", ".js", ".svg", ".png", ".ico", ".txt", ".woff2"}
ALLOWED_NAMES = {"LICENSE"}


def config_js(rasa_url: str, socket_path: str = "/socket.io/") -> bytes:
    config = {"rasaUrl": rasa_url.rstrip("/"), "socketPath": socket_path}
    return ("window.MANTELZORG_CHAT = " + json.dumps(config) + ";\n").encode("utf-8")


def rasa_origins(rasa_url: str) -> str:
    """CSP connect-src sources for Rasa's HTTP and WebSocket origin."""
    parts = urlsplit(rasa_url)
    if not parts.scheme or not parts.netloc:
        return ""  # same origin (behind a reverse proxy): 'self' covers it
    ws = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self' {rasa_origins(rasa_url)}; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    ).replace("  ", " ")


class Handler(SimpleHTTPRequestHandler):
    server_version = "mantelzorg-web"

    def version_string(self) -> str:
        return self.server_version

    def __init__(self, *args, rasa_url: str = "", verbose: bool = False, **kwargs) -> None:
        self.rasa_url = rasa_url
        self.verbose = verbose
        super().__init__(*args, directory=str(WEB_ROOT), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def _send_ok(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = urlsplit(self.path).path
        if path == "/config.js":
            self._send_ok(config_js(self.rasa_url), "text/javascript; charset=utf-8")
            return
        if path in ("/health", "/healthz"):
            self._send_ok(b'{"status": "ok"}', "application/json")
            return
        if not self._allowed(path):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802
        if not self._allowed(urlsplit(self.path).path):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_HEAD()

    def _allowed(self, path: str) -> bool:
        if "\x00" in unquote(path):  # open() refuses it; the answer would be no answer at all
            return False
        if path.endswith("/"):
            path += "index.html"
        name = path.rsplit("/", 1)[-1]
        if any(part.startswith(".") or part == "__pycache__" for part in path.split("/")):
            return False
        return Path(name).suffix in ALLOWED_SUFFIXES or name in ALLOWED_NAMES

    def list_directory(self, path):  # never list folders
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def guess_type(self, path) -> str:
        if str(path).endswith(".js"):
            return "text/javascript; charset=utf-8"
        if str(path).endswith((".html", ".css", ".txt")) or Path(str(path)).name == "LICENSE":
            base = super().guess_type(path) if not str(path).endswith("LICENSE") else "text/plain"
            return f"{base}; charset=utf-8"
        return super().guess_type(path)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.verbose:
            super().log_message(format, *args)


def make_server(host: str, port: int, rasa_url: str, verbose: bool = False) -> ThreadingHTTPServer:
    handler = partial(Handler, rasa_url=rasa_url, verbose=verbose)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the demo page with the chat widget.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8080")))
    parser.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"),
                        help="interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_PUBLIC_URL", "http://localhost:5005"),
                        help="Rasa's URL as the browser reaches it ('' = same origin, behind a proxy)")
    parser.add_argument("--verbose", action="store_true", help="log every request (paths only)")
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.rasa_url, args.verbose)
    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
    print(f"Demo-pagina met chat: http://{host}:{server.server_address[1]}/ "
          f"(Rasa: {args.rasa_url or 'zelfde adres'})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
