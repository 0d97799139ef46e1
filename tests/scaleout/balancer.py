"""A tiny round-robin HTTP load balancer on loopback, for tests and local trials only.

Production uses nginx or a Kubernetes Service in front of the Rasa replicas (see
docs/deploy.md); this exists so the scale-out test can put two replicas behind one
address and *see* which replica served each request.

- Forwards method, path, query string, headers (minus hop-by-hop ones) and body to the
  next backend in turn; returns the backend's status, headers and body.
- Adds ``X-Backend: <index>`` (0, 1, …) to every response, so a test can check that a
  conversation really alternated between replicas.
- A request can ask for a particular backend with ``X-Backend-Pin: <index>`` (tests use it
  to send two messages to two different replicas at the same moment).
- Plain HTTP request/response only: no WebSocket upgrade, no retries, no health checks.

    python -m tests.scaleout.balancer --port 8000 http://127.0.0.1:5005 http://127.0.0.1:5006
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import threading
from typing import List, Optional

from aiohttp import ClientSession, ClientTimeout, web

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length"}


class RoundRobinBalancer:
    def __init__(self, backends: List[str], host: str = "127.0.0.1", port: int = 0,
                 timeout: float = 120) -> None:
        if not backends:
            raise ValueError("at least one backend")
        self.backends = [b.rstrip("/") for b in backends]
        self.host = host
        self.port = port
        self.timeout = timeout
        self._next = itertools.cycle(range(len(self.backends)))
        self._pick_lock = threading.Lock()
        self.served: List[int] = []  # backend index per forwarded request, in order
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._session: Optional[ClientSession] = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _pick(self, request: web.Request) -> int:
        pinned = request.headers.get("X-Backend-Pin")
        if pinned is not None and pinned.isdigit() and int(pinned) < len(self.backends):
            return int(pinned)
        with self._pick_lock:
            return next(self._next)

    async def _forward(self, request: web.Request) -> web.Response:
        index = self._pick(request)
        self.served.append(index)
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "x-backend-pin"}
        headers["X-Forwarded-For"] = request.remote or ""
        headers["X-Forwarded-Proto"] = request.scheme
        body = await request.read()
        assert self._session is not None
        try:
            async with self._session.request(
                    request.method, self.backends[index] + request.rel_url.path_qs,
                    headers=headers, data=body if body else None,
                    allow_redirects=False) as upstream:
                payload = await upstream.read()
                out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
                out.pop("Content-Encoding", None)  # aiohttp already decoded the body
                out["X-Backend"] = str(index)
                return web.Response(status=upstream.status, headers=out, body=payload)
        except (asyncio.TimeoutError, OSError) as error:
            return web.Response(status=502, text=f"backend {index} failed: {type(error).__name__}\n",
                                headers={"X-Backend": str(index)})

    async def _start(self) -> None:
        self._session = ClientSession(timeout=ClientTimeout(total=self.timeout),
                                      auto_decompress=True)
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    # -- in a background thread (tests) ------------------------------------------------------
    def start(self) -> "RoundRobinBalancer":
        ready = threading.Event()
        failure: List[BaseException] = []

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(self._start())
            except BaseException as error:  # noqa: BLE001 - reported to the caller
                failure.append(error)
                ready.set()
                return
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._stop())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="balancer", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=15)
        self._loop = None
        self._thread = None

    def __enter__(self) -> "RoundRobinBalancer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("backends", nargs="+", help="backend base URLs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    balancer = RoundRobinBalancer(args.backends, args.host, args.port)

    async def serve() -> None:
        await balancer._start()
        print(f"balancing {balancer.url} -> {', '.join(balancer.backends)}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await balancer._stop()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
