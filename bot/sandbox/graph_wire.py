"""What the Graph stand-in sends and breaks on purpose: injected faults, and the outgoing HTTP of Graph
(validation handshakes, change and lifecycle notifications) with its batching and retries."""

from __future__ import annotations

import asyncio
import random
import re
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import quote_plus

import httpx

# ------------------------------------------------------------------------------------------------------------
# Faults


@dataclass
class _Fault:
    status: int
    remaining: int
    retry_after: str | None
    path: re.Pattern | None


class Faults:
    """Failures the next Graph requests meet, in order; settable from any thread (a test, the control route).

    ``throttle(count=2, retry_after="2.128")`` makes the next two requests answer 429 with that Retry-After;
    ``unavailable()`` answers 503; ``path`` (a regular expression searched in the request path) aims a fault
    at some requests only; ``latency`` (seconds) delays every Graph request.
    """

    def __init__(self) -> None:
        self.latency = 0.0
        self._queue: list[_Fault] = []
        self._lock = threading.Lock()
        self._random: tuple[random.Random, float, str | None] | None = None

    def at_random(self, rate: float, retry_after: str | None = "0.5", seed: int = 0) -> None:
        """From now on a share ``rate`` of requests (not otherwise faulted) answer 429 or 503, half each, drawn
        from a seeded generator so a run can be repeated; ``rate=0`` stops it."""
        with self._lock:
            self._random = (random.Random(seed), rate, retry_after) if rate else None

    def throttle(self, count: int = 1, retry_after: str | None = "2.128", path: str | None = None) -> None:
        self._add(429, count, retry_after, path)

    def unavailable(self, count: int = 1, retry_after: str | None = None, path: str | None = None) -> None:
        self._add(503, count, retry_after, path)

    def _add(self, status: int, count: int, retry_after: str | None, path: str | None) -> None:
        with self._lock:
            self._queue.append(_Fault(status, count, retry_after, re.compile(path) if path else None))

    def take(self, path: str) -> tuple[int, str | None] | None:
        """The fault the request for ``path`` meets (status, Retry-After), consuming one of its count."""
        with self._lock:
            for fault in self._queue:
                if fault.path is None or fault.path.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._queue.remove(fault)
                    return fault.status, fault.retry_after
            if self._random is not None:
                rng, rate, retry_after = self._random
                if rng.random() < rate:
                    return rng.choice((429, 503)), retry_after
        return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self._random = None
        self.latency = 0.0


# ------------------------------------------------------------------------------------------------------------
# Outgoing HTTP: validation handshakes and notification deliveries


class Outbox:
    """Posts to subscribers the way Graph does, from the stand-in's event loop.

    Items for one URL that arrive within ``batch_window`` seconds travel in one changeNotificationCollection;
    a non-2xx answer or a network error is retried ``retries`` times with exponential backoff. Every attempt,
    handshakes included, lands in ``deliveries`` so tests can see what the endpoint answered; ``wait_idle``
    lets a test thread wait until nothing is pending.
    """

    def __init__(self) -> None:
        self.batch_window = 0.02
        self.retries = 3
        self.retry_backoff = 0.05
        self.max_backoff: float | None = None  # cap on the wait between two attempts (None: keep doubling)
        self.timeout = 3.0  # Graph's allowance for a delivery
        self.handshake_timeout = 10.0  # and for the validation handshake
        self.deliveries: list[dict] = []
        self._batches: dict[tuple[str, str], list[dict]] = {}
        self._busy = 0
        self._idle = threading.Condition()
        self._tasks: set[asyncio.Task] = set()

    def send(self, url: str, item: dict, kind: str = "change") -> None:
        """Queue one notification item; must run on the stand-in's event loop (any request handler does)."""
        batch = self._batches.get((url, kind))
        if batch is not None:
            batch.append(item)
            return
        self._batches[(url, kind)] = [item]
        with self._idle:
            self._busy += 1
        task = asyncio.get_running_loop().create_task(self._deliver_batch(url, kind))
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._task_done)

    async def aclose(self) -> None:
        """Stop deliveries still waiting to retry (the server is shutting down; Graph would give up too)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    async def _deliver_batch(self, url: str, kind: str) -> None:
        await asyncio.sleep(self.batch_window)
        body = {"value": self._batches.pop((url, kind))}
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            for attempt in range(1, self.retries + 2):
                status, error, _ = await self._post(client, url, json=body)
                self._record(kind, url, body, status, attempt, error)
                if status is not None and 200 <= status < 300:
                    return
                if attempt <= self.retries:
                    delay = self.retry_backoff * 2 ** (attempt - 1)
                    await asyncio.sleep(min(delay, self.max_backoff) if self.max_backoff else delay)

    async def validate(self, url: str) -> str | None:
        """The validation handshake (§5.2 step 2). Returns why the endpoint failed it, or None when it passed.

        The token carries characters that must be URL-decoded ("+", "/", "=", "&", spaces) so that an endpoint
        echoing it still encoded, or decoding "+" wrongly, fails here rather than against Microsoft.
        """
        token = ("Validation: Testing client application reachability for subscription "
                 f"Request-Id: {uuid.uuid4()} +/=&")
        target = f"{url}{'&' if '?' in url else '?'}validationToken={quote_plus(token)}"
        async with httpx.AsyncClient(timeout=self.handshake_timeout) as client:
            status, error, answer = await self._post(client, target, content=b"",
                                                     headers={"Content-Type": "text/plain; charset=utf-8"})
        if error is None and status != 200:
            error = f"the endpoint answered {status}, not 200"
        elif error is None and not answer.headers.get("content-type", "").startswith("text/plain"):
            error = "the answer's Content-Type is not text/plain"
        elif error is None and answer.text != token:
            error = "the answer's body is not the URL-decoded validation token"
        self._record("validation", target, None, status, 1, error)
        return error

    @staticmethod
    async def _post(client: httpx.AsyncClient, url: str,
                    **kwargs) -> tuple[int | None, str | None, httpx.Response | None]:
        """(status, why it failed, response): a network failure is an answer too, one without status."""
        try:
            response = await client.post(url, **kwargs)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}", None
        return response.status_code, None, response

    def _record(self, kind: str, url: str, body: dict | None, status: int | None, attempt: int,
                error: str | None) -> None:
        self.deliveries.append({"kind": kind, "url": url, "body": body, "status": status, "attempt": attempt,
                                "error": error})

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block (any thread but the stand-in's own) until every queued delivery is done; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    @property
    def pending(self) -> int:
        return self._busy
