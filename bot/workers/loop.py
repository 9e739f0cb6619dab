"""A worker loop: run one pass, then sleep until woken or until the interval passes. Errors never kill it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable

from bot.logs import correlation, new_correlation_id

log = logging.getLogger(__name__)

LOCKED_PAUSE = 5.0


class Worker:
    def __init__(self, name: str, run_once: Callable[[], Awaitable[bool]], *, interval: float = 1.0,
                 wakeup: asyncio.Event | None = None):
        """`run_once` returns True when it did work (then the next pass starts at once)."""
        self.name, self.run_once, self.interval, self.wakeup = name, run_once, interval, wakeup
        self.task: asyncio.Task | None = None
        self.passes = 0

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> None:
        self.task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _loop(self) -> None:
        while True:
            correlation.set(new_correlation_id())
            try:
                busy = await self.run_once()
            except asyncio.CancelledError:
                raise
            except sqlite3.OperationalError as error:
                # Another process holds the database. Each try blocks this one event loop for the busy
                # timeout, so step back and leave the loop to requests until the lock is likely gone.
                log.warning("%s pass: database unavailable (%s); retrying in %.0f s", self.name, error, LOCKED_PAUSE)
                self.passes += 1
                await asyncio.sleep(LOCKED_PAUSE)
                continue
            except Exception:
                log.exception("%s pass failed; retrying", self.name)
                busy = False
            self.passes += 1
            if not busy:
                await self._idle()

    async def _idle(self) -> None:
        if self.wakeup is None:
            await asyncio.sleep(self.interval)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wakeup.wait(), self.interval)
        self.wakeup.clear()
