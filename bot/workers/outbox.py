"""Send queued Slack calls: at most about one post per second per channel, honouring 429 Retry-After.

Slack's `chat.postMessage` allows roughly 1 message/s per channel. The sender keeps a next-free slot per channel
and skips a channel's items until then, so one busy channel never delays the others.
"""

from __future__ import annotations

import logging
import time

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.services.runtime import Runtime
from storage import queues

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "msg_too_long", "no_text",
             "invalid_auth", "account_inactive", "message_not_found", "cant_update_message", "user_not_found"}


class OutboxSender:
    def __init__(self, runtime: Runtime, per_channel_interval: float = 1.0, clock=time.time):
        self.runtime, self.interval, self.clock = runtime, per_channel_interval, clock
        self.next_slot: dict[str, float] = {}

    async def run_once(self) -> bool:
        sent = 0
        for item in queues.due_outbox(self.runtime.db, now=self.clock()):
            if self.next_slot.get(item["channel_id"], 0) > self.clock():
                continue
            self.next_slot[item["channel_id"]] = self.clock() + self.interval
            sent += await self.send(item)
        return sent > 0

    async def send(self, item: dict) -> bool:
        try:
            response = await self.runtime.slack.api_call(item["method"], json=item["payload"])
        except SlackApiError as error:
            self._failed(item, error)
            return False
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            self._retry(item, f"connection: {error!r}")
            return False
        queues.mark_sent(self.runtime.db, item["id"], response.get("ts"))
        self.runtime.stats["slack_sent"] += 1
        return True

    def _failed(self, item: dict, error: SlackApiError) -> None:
        status = error.response.status_code
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if status == 429 or code == "ratelimited":
            wait = float(error.response.headers.get("Retry-After", error.response.headers.get("retry-after", 1)))
            until = self.clock() + wait
            self.next_slot[item["channel_id"]] = until
            queues.postpone_channel(self.runtime.db, item["channel_id"], until)
            self.runtime.stats["slack_rate_limited"] += 1
            return
        if code in PERMANENT:
            queues.retry_outbox(self.runtime.db, item["id"], code, self.clock(), max_attempts=1)
            self.runtime.stats["slack_failed"] += 1
            log.error("Slack refused %s to %s: %s", item["method"], item["channel_id"], code)
            return
        self._retry(item, f"{status} {code}")

    def _retry(self, item: dict, reason: str) -> None:
        delay = min(300.0, 2.0 ** (item["attempts"] + 1))
        if queues.retry_outbox(self.runtime.db, item["id"], reason, self.clock() + delay, MAX_ATTEMPTS):
            self.runtime.stats["slack_failed"] += 1
            log.error("gave up on %s to %s after %d attempts: %s", item["method"], item["channel_id"],
                      MAX_ATTEMPTS, reason)
