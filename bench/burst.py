"""A registration rush end to end: 10,000 registrations in 60 s, from Graph notifications to channel posts.

Prints how long until the channel had told everyone, how many Slack calls that took, the peak post rate of the
channel, and how many registrations were lost or reported twice (targets: under 90 s, under 2 messages/s per
channel, 0 lost, 0 duplicated).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox import directory
from bot.sandbox.feed import registrations_posted
from bot.sandbox.stack import SandboxStack
from storage import open_database

CHANNEL = "C0WEBINARS"


async def create_webinar(graph: GraphClient) -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    body = bodies.webinar_create_body(display_name="Launch day", description="", start_utc=start,
                                      end_utc=start + timedelta(hours=1), audience="everyone", co_organizers=[],
                                      attendee_emails=True)
    webinar = await graph.create_webinar(body, user=directory.ORGANIZER.slack_id)
    await graph.publish_webinar(webinar.id, user=directory.ORGANIZER.slack_id)
    return webinar.id


async def rush(graph: GraphClient, webinar_id: str, count: int, seconds: float) -> None:
    """`count` anonymous registrations spread evenly over `seconds`."""
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(32)

    async def one(n: int) -> None:
        await asyncio.sleep(max(0.0, started + n * seconds / count - time.perf_counter()))
        async with semaphore:
            body = bodies.registration_body_anonymous(f"Person{n}", "Rush", f"p{n}@rush.example", "UTC", "en-us")
            await graph.create_registration(webinar_id, body)

    await asyncio.gather(*(one(n) for n in range(count)))


def main(count: int = 10_000, seconds: float = 60.0) -> None:
    with SandboxStack() as stack:
        async def setup() -> str:
            async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
                return await create_webinar(graph)
        webinar_id = asyncio.run(setup())
        stack.slash(f"follow {webinar_id} <#{CHANNEL}|webinars> registrations", user=directory.ORGANIZER.slack_id)
        stack.slack.wait_for(lambda: stack.slack.responses, 10)

        started = time.perf_counter()

        async def run() -> None:
            async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
                await rush(graph, webinar_id, count, seconds)
        asyncio.run(run())
        # poll gently: reading the stand-in's channel copies every message, under its lock
        stack.slack.wait_for(lambda: registrations_posted(stack.slack.messages(CHANNEL)) >= count, 180, interval=0.5)
        elapsed = time.perf_counter() - started
        stack.graph.wait_idle(10)
        time.sleep(2)  # anything still queued would show up now (a duplicate)

        messages = stack.slack.messages(CHANNEL)
        calls = Counter(c.method for c in stack.slack.calls)
        stamps = sorted(float(m["ts"]) for m in messages)
        # the busiest 10 seconds (1-second buckets would count network jitter as bursts)
        peak = max(sum(1 for t in stamps if s <= t < s + 10) for s in stamps) / 10
        told = registrations_posted(messages)
        db = open_database(stack.db_path)
        alerts = db.execute("SELECT count(*), count(DISTINCT key) FROM outbox WHERE method = 'alert'").fetchone()
    print(f"burst: {count:,} registrations in {seconds:.0f} s -> channel complete after {elapsed:.1f} s "
          f"(target < 90 s)")
    print(f"burst: {len(messages)} posts ({calls['chat.postMessage']} chat.postMessage calls, "
          f"{calls['chat.update']} chat.update), peak {peak:.1f} posts/s over 10 s in the channel "
          f"(target < 2)")
    print(f"burst: {told - count if told > count else 0} duplicated, {max(0, count - told)} lost; "
          f"{alerts[0]:,} alerts queued for {alerts[1]:,} distinct events")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
