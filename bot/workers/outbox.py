"""Send queued Slack calls: at most about one post per second per channel, honouring 429 Retry-After.

Slack's `chat.postMessage` allows roughly 1 message/s per channel. The sender keeps a next-free slot per channel
and skips a channel's items until then, so one busy channel never delays the others.

Alerts (method "alert") are what makes a registration rush readable: while they wait for their channel's slot they
pile up, and everything pending for the same channel and thread goes out as ONE digest post. Every alert in it is
marked sent with that post, so each is counted exactly once and a quiet channel still gets one post per event.
Updates of one message (a registration card's live count) coalesce the same way: only the newest is sent.
Mail to registrants (method "mail.send", pseudo-channel "mail") rides the same queue: see `bot.mail.delivery`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

import aiohttp
from slack_sdk.errors import SlackApiError

from bot import mail
from bot.mail import delivery
from bot.services.runtime import Runtime
from bot.ui.alerts import digest_message
from storage import queues

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
RECORD_RETRY_SECONDS = 3.0   # each try may block the event loop for the busy timeout: leave it room
BATCH = 2000            # outbox rows looked at per pass; a digest takes every alert of its thread among them
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "no_text",
             "invalid_auth", "account_inactive", "message_not_found", "cant_update_message", "user_not_found"}


class OutboxSender:
    def __init__(self, runtime: Runtime, per_channel_interval: float = 1.0, clock=time.time):
        self.runtime, self.interval, self.clock = runtime, per_channel_interval, clock
        self.next_slot: dict[str, float] = {}

    async def run_once(self) -> bool:
        due = queues.due_outbox(self.runtime.db, limit=BATCH, now=self.clock())
        taken: set[int] = set()
        sent = 0
        for item in due:
            lane = _lane(item)
            if item["id"] in taken or self.next_slot.get(lane, 0) > self.clock():
                continue
            batch = _coalesce(item, due)
            taken.update(i["id"] for i in batch)
            pace = min(self.interval, mail.INTERVAL) if item["method"] == mail.METHOD else self.interval
            self.next_slot[lane] = self.clock() + pace
            sent += await self.send(batch)
        return sent > 0

    async def send(self, batch: list[dict]) -> bool:
        """Send one call for the batch: a single item, a digest of alerts, or the newest of several updates."""
        first = batch[0]
        method, payload = first["method"], first["payload"]
        if method == mail.METHOD:
            return await self._send_mail(first)
        if method == "chat.update":
            payload = batch[-1]["payload"]
        elif method == "alert":
            method = "chat.postMessage"
            payload = _single(payload) if len(batch) == 1 else digest_message([i["payload"] for i in batch])
        try:
            response = await self.runtime.slack.api_call(method, json=payload)
        except SlackApiError as error:
            self._failed(batch, error)
            return False
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            self._retry(batch, f"connection: {error!r}")
            return False
        await self._record_sent([i["id"] for i in batch], response.get("ts"))
        self.runtime.stats["slack_sent"] += 1
        self.runtime.stats["alerts_digested"] += len(batch) if len(batch) > 1 else 0
        return True

    async def _record_sent(self, item_ids: list[int], ts: str | None) -> None:
        """Slack has the message now, so it must be marked sent even while the database is locked (a backup, an
        admin's query): giving up here would let the next pass post it a second time."""
        while True:
            try:
                queues.mark_sent(self.runtime.db, item_ids, ts)
                return
            except sqlite3.OperationalError as error:
                log.warning("could not record a sent Slack message yet (%s); retrying", error)
                await asyncio.sleep(RECORD_RETRY_SECONDS)

    async def _send_mail(self, item: dict) -> bool:
        """Mail goes to the SMTP server (bot.mail.delivery); it is retried for hours, a 5xx fails it at once."""
        outcome = await delivery.deliver_queued(self.runtime, item["payload"])
        if outcome.ok:
            await self._record_sent([item["id"]], None)
            return True
        attempts = 1 if outcome.permanent else delivery.MAX_ATTEMPTS
        at = self.clock() + delivery.retry_delay(item["attempts"])
        if queues.retry_outbox(self.runtime.db, item["id"], outcome.reason, at, attempts):
            self.runtime.stats["mail_failed"] += 1
        return False

    def _failed(self, batch: list[dict], error: SlackApiError) -> None:
        channel = batch[0]["channel_id"]
        status = error.response.status_code
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if status == 429 or code == "ratelimited":
            headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
            wait = float(headers.get("retry-after", 1))
            until = self.clock() + wait
            self.next_slot[_lane(batch[0])] = until
            queues.postpone_channel(self.runtime.db, channel, until)
            self.runtime.stats["slack_rate_limited"] += 1
            return
        if code in PERMANENT:
            for item in batch:
                queues.retry_outbox(self.runtime.db, item["id"], code, self.clock(), max_attempts=1)
            self.runtime.stats["slack_failed"] += len(batch)
            log.error("Slack refused %s to %s: %s", batch[0]["method"], channel, code)
            return
        self._retry(batch, f"{status} {code}")

    def _retry(self, batch: list[dict], reason: str) -> None:
        for item in batch:
            delay = min(300.0, 2.0 ** (item["attempts"] + 1))
            if queues.retry_outbox(self.runtime.db, item["id"], reason, self.clock() + delay, MAX_ATTEMPTS):
                self.runtime.stats["slack_failed"] += 1
                log.error("gave up on %s to %s after %d attempts: %s", item["method"], item["channel_id"],
                          MAX_ATTEMPTS, reason)


def _lane(item: dict) -> str:
    """Pacing lanes: posts to a channel (~1/s), and edits of its messages, which Slack limits separately."""
    return item["channel_id"] + (":update" if item["method"] == "chat.update" else "")


def _coalesce(item: dict, due: list[dict]) -> list[dict]:
    """What goes out together with `item`: alerts of the same thread, or later updates of the same message."""
    if item["method"] == "alert":
        thread = item["payload"].get("thread_ts")
        return [i for i in due if i["method"] == "alert" and i["channel_id"] == item["channel_id"]
                and i["payload"].get("thread_ts") == thread]
    if item["method"] == "chat.update":
        return [i for i in due if i["method"] == "chat.update" and i["channel_id"] == item["channel_id"]
                and i["payload"].get("ts") == item["payload"].get("ts")]
    return [item]


def _single(payload: dict) -> dict:
    """An alert payload carries its structured `alert` for digests; Slack gets the message without it."""
    return {k: v for k, v in payload.items() if k != "alert"}
