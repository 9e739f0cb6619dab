"""Serve an ASGI app over real HTTP on 127.0.0.1 from a background thread.

The stand-ins for Graph and Slack run this way in the demo and in the tests, so the app under test talks to
them through real sockets exactly as it would talk to Microsoft and Slack.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvicorn


class BackgroundServer:
    """uvicorn on an ephemeral (or given) port, in a daemon thread with its own event loop.

    >>> with BackgroundServer(app) as server:
    ...     httpx.get(server.url + "/healthz")
    """

    def __init__(self, app=None, host: str = "127.0.0.1", port: int = 0, log_level: str = "warning"):
        """The port is bound at once, so `url` is known before the app exists (the app may need its own URL)."""
        self.app = app
        self.log_level = log_level
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it Nagle + delayed ACK add 40 ms to every response
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        config = uvicorn.Config(self.app, log_level=self.log_level, lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"server-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._server.serve(sockets=[self._socket]))

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
