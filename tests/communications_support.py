"""A small world for the communications tests: the Graph and Slack stand-ins and a real SMTP server, with a
runtime but no workers, so each test decides when time passes and when the outbox is drained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.app import build_runtime
from bot.graph import bodies
from bot.sandbox import directory
from bot.sandbox.graph_standin import GraphStandin, create_graph_standin
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.stack import link_sandbox_people, sandbox_settings
from bot.services import news, registration, sync
from bot.services.runtime import Runtime
from bot.workers.outbox import OutboxSender
from storage import mirror
from tests.mail.support import SmtpSink

DIANE = directory.ORGANIZER.slack_id
ADELE = "U0ADELE"
OUTSIDER = ("Grady", "Archie", "grady.archie@fabrikam.example")


class Clock:
    """Epoch seconds for the outbox and the Slack stand-in; `at` moves it to a datetime."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def at(self, moment: datetime) -> datetime:
        self.now = max(self.now, moment.timestamp())
        return moment


@dataclass
class World:
    runtime: Runtime
    graph: GraphStandin
    slack: SlackStandin
    smtp: SmtpSink
    clock: Clock

    async def deliver(self, passes: int = 30) -> None:
        """Drain the outbox as the worker would, moving the clock a second per pass (no real waiting)."""
        sender = OutboxSender(self.runtime, clock=self.clock)
        for _ in range(passes):
            await sender.run_once()
            self.clock.now += 1

    def dms(self, user: str) -> list[dict]:
        return self.slack.messages(self.slack.dm_channel_id(user))


@pytest.fixture(name="world")
async def world_fixture(tmp_path, slack_server, slack):
    """Import `world_fixture` into a test module to get the `world` fixture."""
    graph = GraphStandin()
    clock = Clock()
    slack.clock = clock
    with BackgroundServer(create_graph_standin(graph)) as graph_server, SmtpSink() as smtp:
        settings = sandbox_settings(graph_server.url, slack_server.url, "http://127.0.0.1:9", str(tmp_path / "t.db"),
                                    graph_notifications="poll", smtp_url=smtp.url)
        link_sandbox_people(settings.db_path)
        runtime = build_runtime(settings)
        yield World(runtime, graph, slack, smtp, clock)
        await runtime.graph.aclose()
        runtime.db.close()


async def create_webinar(world: World, start: datetime, *, title="Launch <review> & *Q&A*", teams_emails=False,
                         zone="W. Europe Standard Time", publish=True, hours=1) -> str:
    """Created by Diane, mirrored, then published (so the PUBLISHED event plans reminders)."""
    runtime = world.runtime
    body = bodies.webinar_create_body(title, "About the launch.", start, start + timedelta(hours=hours),
                                      time_zone=zone, attendee_emails=teams_emails,
                                      co_organizers=[(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)])
    webinar = await runtime.graph.create_webinar(body, user=DIANE)
    await sync.sync_webinar(runtime, webinar.id)
    if publish:
        await runtime.graph.publish_webinar(webinar.id, user=DIANE)
        await news.announce(runtime, await sync.sync_webinar(runtime, webinar.id))
    return webinar.id


async def register_outside(world: World, webinar_id: str, person=OUTSIDER, zone="Pacific Standard Time") -> str:
    """An anonymous registration (as through the Teams page), then the notification's effect."""
    runtime = world.runtime
    first, last, email = person
    await runtime.graph.create_registration(
        webinar_id, bodies.registration_body_anonymous(first, last, email, zone, "en-us"))
    found = await runtime.graph.get_registration_by_email(webinar_id, email)
    await news.announce(runtime, sync.record_registration(runtime, webinar_id, found))
    return found.id


async def register_in_slack(world: World, webinar_id: str, user: str = ADELE) -> str:
    """The registration flow of the register modal, with its DM confirmation."""
    runtime = world.runtime
    profile = directory.person_by_slack_id(user)
    contact = registration.Contact(profile.first_name, profile.last_name, profile.email)
    outcome = await registration.register(runtime, webinar_id, user, contact, {}, ())
    await registration.confirm_by_dm(runtime, outcome, user)
    return outcome.registration.id


async def resync(world: World, webinar_id: str) -> None:
    """What a Graph notification about the webinar (or a poll) does."""
    await news.announce(world.runtime, await sync.resync(world.runtime, webinar_id))


def registration_row(world: World, registration_id: str) -> dict:
    return mirror.get_registration(world.runtime.db, registration_id)
