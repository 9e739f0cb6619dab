"""A registration rush: thousands of notifications become a handful of digest posts, each registrant once."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox.feed import registrations_posted
from bot.ui.validate import validate_message
from storage import open_database
from tests.e2e.test_follow_flow import CHANNEL, create_published_webinar, follow

BURST = 2000


@pytest.mark.timeout(120)
def test_burst_is_digested_and_every_registrant_counted_once():
    from bot.sandbox.stack import SandboxStack

    with SandboxStack() as stack:
        webinar_id = create_published_webinar(stack, "Launch")
        follow(stack, webinar_id, extra="registrations")

        async def rush():
            async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
                semaphore = asyncio.Semaphore(20)

                async def one(n):
                    async with semaphore:
                        body = bodies.registration_body_anonymous(f"P{n}", "Rush", f"p{n}@rush.example", "UTC",
                                                                  "en-us")
                        await graph.create_registration(webinar_id, body)
                await asyncio.gather(*(one(n) for n in range(BURST)))
        asyncio.run(rush())

        def counted():
            return registrations_posted(stack.slack.messages(CHANNEL))

        stack.slack.wait_for(lambda: counted() >= BURST, 90, interval=0.25)
        stack.graph.wait_idle(10)
        posts = stack.slack.messages(CHANNEL)
        assert counted() == BURST
        # Posts are paced at ~1/s per channel, so their number tracks how long processing took, not the burst
        per_second = Counter(int(float(m["ts"])) for m in posts)
        assert max(per_second.values()) <= 2 and len(posts) <= BURST / 20
        for post in posts:
            validate_message(post)
        db = open_database(stack.db_path)
        rows = list(db.query("SELECT status, count(*) AS n, count(DISTINCT result_ts) AS posts FROM outbox "
                             "WHERE method = 'alert' GROUP BY status"))
        assert rows == [{"status": "sent", "n": BURST, "posts": len(posts)}]
