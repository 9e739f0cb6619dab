"""The outbox sender's rules, with a fake Slack client and a manual clock: pacing, digests, coalesced updates, 429."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.ui.validate import validate_message
from bot.workers.outbox import OutboxSender
from storage import open_database, queues


class FakeSlack:
    def __init__(self):
        self.calls, self.fail_with = [], None

    async def api_call(self, method, json):
        if self.fail_with:
            status, headers, self.fail_with = *self.fail_with, None
            response = AsyncSlackResponse(client=None, http_verb="POST", api_url=method, req_args={},
                                          data={"ok": False, "error": "ratelimited"}, headers=headers,
                                          status_code=status)
            raise SlackApiError("limited", response)
        self.calls.append((method, json))
        return {"ok": True, "ts": f"{len(self.calls)}.000"}


@pytest.fixture
def sender(tmp_path):
    now = [1000.0]
    runtime = SimpleNamespace(db=open_database(str(tmp_path / "o.db")), slack=FakeSlack(), stats=Counter())
    outbox = OutboxSender(runtime, clock=lambda: now[0])
    outbox.now = now
    return outbox


def alert(n, channel="C1", kind="registered", webinar="w@t"):
    return {"channel": channel, "text": f"P{n} registered", "blocks": [],
            "alert": {"kind": kind, "name": f"P{n}", "line": f"P{n} registered", "webinar_id": webinar,
                      "title": "Launch <x>", "handle": "w1"}}


async def test_a_quiet_channel_gets_one_post_per_alert_without_the_digest_data(sender):
    queues.enqueue(sender.runtime.db, "a1", "C1", "alert", alert(1))
    await sender.run_once()
    (method, payload), = sender.runtime.slack.calls
    assert method == "chat.postMessage" and "alert" not in payload and payload["text"] == "P1 registered"


async def test_a_rush_becomes_one_digest_and_every_alert_is_marked_once(sender):
    for n in range(25):
        queues.enqueue(sender.runtime.db, f"a{n}", "C1", "alert", alert(n))
    queues.enqueue(sender.runtime.db, "c1", "C1", "alert", alert(99, kind="registration_cancelled"))
    queues.enqueue(sender.runtime.db, "o1", "C2", "alert", alert(50, channel="C2"))
    await sender.run_once()
    calls = sender.runtime.slack.calls
    assert [c[1]["channel"] for c in calls] == ["C1", "C2"]
    digest = calls[0][1]
    validate_message(digest)
    text = digest["blocks"][0]["text"]["text"]
    assert "25 new registrations: P0, P1" in text and "and 15 more" in text and "1 cancellation: P99" in text
    assert "Launch &lt;x&gt;" in text
    assert queues.outbox_counts(sender.runtime.db) == {"sent": 27}


async def test_posts_to_one_channel_are_paced(sender):
    queues.enqueue(sender.runtime.db, "m1", "C1", "chat.postMessage", {"channel": "C1", "text": "one"})
    queues.enqueue(sender.runtime.db, "m2", "C1", "chat.postMessage", {"channel": "C1", "text": "two"})
    await sender.run_once()
    assert len(sender.runtime.slack.calls) == 1
    await sender.run_once()
    assert len(sender.runtime.slack.calls) == 1  # the channel's slot is a second away
    sender.now[0] += 1.0
    await sender.run_once()
    assert [c[1]["text"] for c in sender.runtime.slack.calls] == ["one", "two"]


async def test_updates_of_one_message_coalesce_into_the_newest(sender):
    for n in range(3):
        queues.enqueue(sender.runtime.db, f"u{n}", "C1", "chat.update", {"channel": "C1", "ts": "9.0", "text": f"v{n}"})
    queues.enqueue(sender.runtime.db, "p", "C1", "chat.postMessage", {"channel": "C1", "text": "post"})
    await sender.run_once()
    assert sorted((m, p["text"]) for m, p in sender.runtime.slack.calls) == [("chat.postMessage", "post"),
                                                                             ("chat.update", "v2")]


async def test_429_postpones_the_channel_by_retry_after(sender):
    queues.enqueue(sender.runtime.db, "m1", "C1", "chat.postMessage", {"channel": "C1", "text": "one"})
    sender.runtime.slack.fail_with = (429, {"Retry-After": "3"})
    await sender.run_once()
    sender.now[0] += 2.0
    await sender.run_once()
    assert sender.runtime.slack.calls == []
    sender.now[0] += 1.5
    await sender.run_once()
    assert len(sender.runtime.slack.calls) == 1 and queues.outbox_counts(sender.runtime.db) == {"sent": 1}
