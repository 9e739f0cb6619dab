"""Timed work: reminders before webinars start, renewing Graph subscriptions before they lapse, and in poll
mode diffing followed webinars. `wall_clock` (aware UTC datetimes) decides which reminders are due."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from bot.services import news, reminders, subscriptions, sync
from bot.services.runtime import Runtime
from storage import routing

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, runtime: Runtime, poll_interval: float = 60.0, clock=time.monotonic,
                 wall_clock=lambda: datetime.now(UTC)):
        self.runtime, self.poll_interval, self.clock = runtime, poll_interval, clock
        self.wall_clock = wall_clock
        self.last_poll = float("-inf")

    async def run_once(self) -> bool:
        await reminders.run_due(self.runtime, self.wall_clock())
        if self.runtime.settings.graph_notifications == "webhook":
            await subscriptions.renew_due(self.runtime)
        elif self.clock() - self.last_poll >= self.poll_interval:
            self.last_poll = self.clock()
            await self.poll()
        return False

    async def poll(self) -> None:
        """The polling fallback: the same resync that repairs missed notifications, on a timer."""
        for webinar_id in routing.followed_webinar_ids(self.runtime.db):
            try:
                events = await sync.resync(self.runtime, webinar_id)
                await news.announce(self.runtime, events)
            except Exception:
                log.exception("poll of %s failed; next round retries", webinar_id)
