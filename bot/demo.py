"""`webinar-bot demo`: a scripted story through the real HTTP stack, against the sandbox, ending with the feed.

Diane (the organizer) creates and publishes a webinar in Teams, then asks webinar-bot to follow it into
#webinars. Three people register; Graph notifies webinar-bot, which posts each registration in the channel.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox import directory
from bot.sandbox.feed import plain, registrations_posted, sections
from bot.sandbox.stack import SandboxStack

CHANNEL = "C0WEBINARS"
REGISTRANTS = [("Adele", "Vance", "adele@contoso.example"), ("Alex", "Wilber", "alex@contoso.example"),
               ("Grady", "Archie", "grady.archie@fabrikam.example")]


def run_demo(out=print, timeout: float = 30.0) -> int:
    started = time.monotonic()
    with SandboxStack() as stack:
        out(f"Sandbox up: webinar-bot {stack.app_url}, Graph {stack.graph_url}, Slack {stack.slack_server.url}\n")
        webinar_id = asyncio.run(_create_and_publish(stack))
        out(f"1. Diane created and published a Teams webinar ({webinar_id[:13]}…).")

        response = stack.slash(f"follow {webinar_id} <#{CHANNEL}|webinars> all", user=directory.ORGANIZER.slack_id)
        reply = stack.slack.wait_for(lambda: _responses(stack), timeout)
        out(f"2. Diane: /webinar follow … #webinars  -> HTTP {response.status_code}; "
            f"bot: {_plain(reply[-1], stack)}")

        asyncio.run(_register(stack, webinar_id))
        out(f"3. {len(REGISTRANTS)} people registered (anonymous registrations, Graph answered 204).")
        stack.slack.wait_for(lambda: registrations_posted(stack.slack.messages(CHANNEL)) >= len(REGISTRANTS),
                             timeout)

        out("\n#webinars")
        for post in _feed(stack):
            for line in post.splitlines():
                out(f"  │ {line}")
        out(f"\nDone in {time.monotonic() - started:.1f} s.")
    return 0


async def _create_and_publish(stack: SandboxStack) -> str:
    organizer = directory.ORGANIZER.slack_id
    start = (datetime.now(UTC) + timedelta(days=7)).replace(hour=16, minute=0, second=0, microsecond=0)
    async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
        body = bodies.webinar_create_body(
            display_name="Teams + Slack: running webinars where your people are",
            description="How we run Teams webinars end to end from Slack.",
            start_utc=start, end_utc=start + timedelta(hours=1), audience="organization",
            co_organizers=[(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)], attendee_emails=False,
        )
        webinar = await graph.create_webinar(body, user=organizer)
        await graph.publish_webinar(webinar.id, user=organizer)
        return webinar.id


async def _register(stack: SandboxStack, webinar_id: str) -> None:
    async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
        for first, last, email in REGISTRANTS:
            body = bodies.registration_body_anonymous(first, last, email, "W. Europe Standard Time", "en-us")
            await graph.create_registration(webinar_id, body)


def _responses(stack: SandboxStack) -> list[dict]:
    return list(stack.slack.responses)


def _feed(stack: SandboxStack) -> list[str]:
    return [plain(sections(m), stack.slack) for m in stack.slack.messages(CHANNEL)]


def _plain(message: dict, stack: SandboxStack) -> str:
    return plain(message, stack.slack)


if __name__ == "__main__":
    sys.exit(run_demo())
