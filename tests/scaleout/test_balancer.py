"""The test load balancer (tests/scaleout/balancer.py) in front of two tiny echo servers."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List

import pytest
import requests

from tests.scaleout.balancer import RoundRobinBalancer

pytestmark = pytest.mark.scaleout


def _echo_server(name: str) -> ThreadingHTTPServer:
    class Echo(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = json.dumps({"name": name, "method": self.command, "path": self.path,
                                  "header": self.headers.get("X-Test"),
                                  "body": body.decode()}).encode()
            self.send_response(201 if self.command == "POST" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Echo", name)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def balanced() -> Iterator[RoundRobinBalancer]:
    servers: List[ThreadingHTTPServer] = [_echo_server("a"), _echo_server("b")]
    urls = [f"http://127.0.0.1:{s.server_address[1]}" for s in servers]
    with RoundRobinBalancer(urls) as balancer:
        yield balancer
    for server in servers:
        server.shutdown()
        server.server_close()


def test_requests_alternate_and_report_the_backend(balanced: RoundRobinBalancer) -> None:
    seen = []
    for _ in range(4):
        response = requests.get(f"{balanced.url}/status", timeout=10)
        seen.append((response.headers["X-Backend"], response.json()["name"]))
    assert [name for _, name in seen] in (["a", "b", "a", "b"], ["b", "a", "b", "a"])
    assert all({"0": "a", "1": "b"}[index] == name for index, name in seen)


def test_method_path_query_headers_body_and_status_pass_through(balanced: RoundRobinBalancer) -> None:
    response = requests.post(f"{balanced.url}/webhooks/rest/webhook?token=abc&x=1",
                             json={"sender": "s", "message": "hé"},
                             headers={"X-Test": "yes"}, timeout=10)
    assert response.status_code == 201
    echoed = response.json()
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/webhooks/rest/webhook?token=abc&x=1"
    assert echoed["header"] == "yes"
    assert json.loads(echoed["body"]) == {"sender": "s", "message": "hé"}
    assert response.headers["X-Echo"] == echoed["name"]


def test_a_request_can_be_pinned_to_a_backend(balanced: RoundRobinBalancer) -> None:
    for _ in range(3):
        response = requests.put(f"{balanced.url}/x", headers={"X-Backend-Pin": "1"}, timeout=10)
        assert response.headers["X-Backend"] == "1" and response.json()["name"] == "b"


def test_a_dead_backend_gives_502() -> None:
    with RoundRobinBalancer(["http://127.0.0.1:9"]) as balancer:
        assert requests.get(f"{balancer.url}/", timeout=10).status_code == 502
