"""The first vertical slice through the real HTTP stack: follow a webinar, registrations become channel posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.graph import bodies
from bot.sandbox import directory
from bot.sandbox.driver import graph_call
from bot.sandbox.feed import sections
from bot.sandbox.stack import SandboxStack
from bot.ui.validate import validate_message
from storage import open_database, queues, subscriptions

CHANNEL = "C0WEBINARS"
DIANE, KENNETH, ADELE = directory.ORGANIZER.slack_id, directory.CO_ORGANIZER.slack_id, "U0ADELE"


@pytest.fixture
def stack():
    with SandboxStack() as running:
        yield running


def create_published_webinar(stack, title="Quarterly <launch> & *review*") -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)

    async def create(graph):
        body = bodies.webinar_create_body(display_name=title, description="d", start_utc=start,
                                          end_utc=start + timedelta(hours=1), audience="organization",
                                          co_organizers=[(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)],
                                          attendee_emails=True)
        webinar = await graph.create_webinar(body, user=DIANE)
        await graph.publish_webinar(webinar.id, user=DIANE)
        return webinar.id
    return graph_call(stack, create)


def register(stack, webinar_id, first, last, email):
    body = bodies.registration_body_anonymous(first, last, email, "UTC", "en-us")
    return graph_call(stack, lambda graph: graph.create_registration(webinar_id, body))


def follow(stack, webinar_id, user=DIANE, extra="all"):
    response = stack.slash(f"follow {webinar_id} <#{CHANNEL}|webinars> {extra}", user=user)
    assert response.status_code == 200
    return stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]


def feed(stack):
    return [sections(m) for m in stack.slack.messages(CHANNEL)]


def test_registrations_arrive_as_escaped_channel_posts(stack):
    webinar_id = create_published_webinar(stack)
    reply = follow(stack, webinar_id)
    assert "now follows" in reply["text"] and "&lt;launch&gt;" in reply["text"]
    db = open_database(stack.db_path)
    assert {s["resource"].rsplit("/", 1)[-1] for s in subscriptions.subscriptions_for(db, webinar_id)} == \
        {"registrations", webinar_id, "getAttendanceReports"}

    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    register(stack, webinar_id, "<!channel>", "*Bold*", "mallory@fabrikam.example")
    stack.slack.wait_for(lambda: len(feed(stack)) >= 2, 10)
    first, second = feed(stack)
    assert first.startswith(":white_check_mark: *Adele Vance* registered for *Quarterly &lt;launch&gt; &amp;")
    assert "<!channel>" not in second and "&lt;!channel&gt;" in second
    for message in stack.slack.messages(CHANNEL):
        validate_message(message)


def test_cancellation_and_webinar_changes_are_reported_once(stack):
    webinar_id = create_published_webinar(stack, "Roadmap")
    follow(stack, webinar_id)
    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    stack.slack.wait_for(lambda: len(feed(stack)) == 1, 10)

    graph_call(stack, lambda g: g.cancel_registration(webinar_id, email="adele@contoso.example"))
    graph_call(stack, lambda g: g.update_webinar(webinar_id, {"displayName": "Roadmap 2027"}, user=DIANE))

    def later_posts():
        return " ".join(json.dumps(m["blocks"]) for m in stack.slack.messages(CHANNEL)[1:])

    stack.slack.wait_for(lambda: "Roadmap 2027" in later_posts() and "Adele" in later_posts(), 10)
    text = later_posts()
    assert "cancel" in text and "is now called *Roadmap 2027*" in text
    stack.graph.wait_idle(5)
    assert text == later_posts() and text.count("Adele") == 1  # nothing posted twice


def test_only_organizers_may_follow_and_unknown_webinars_are_explained(stack):
    webinar_id = create_published_webinar(stack)
    reply = follow(stack, webinar_id, user=ADELE)
    assert "Only the organizer or a co-organizer" in reply["text"]
    stack.slack.responses.clear()
    assert "now follows" in follow(stack, webinar_id, user=KENNETH)["text"]
    stack.slack.responses.clear()
    assert "can't find a webinar called `w99`" in follow(stack, "w99")["text"]
    stack.slack.responses.clear()
    assert "I don't know `everything`" in follow(stack, webinar_id, extra="everything")["text"]


def test_unfollowing_the_last_route_deletes_the_subscriptions(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id)
    stack.slack.responses.clear()
    stack.slash(f"show {webinar_id}", user=DIANE)
    shown = json.dumps(stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]["blocks"])
    assert f"Followed in <#{CHANNEL}> (registrations, changes, attendance)" in shown
    stack.slack.responses.clear()
    stack.slash(f"unfollow {webinar_id} <#{CHANNEL}|webinars>", user=DIANE)
    assert "no longer follows" in stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]["text"]
    assert subscriptions.subscriptions_for(open_database(stack.db_path), webinar_id) == []
    state = httpx.get(f"{stack.graph_server.url}/_sandbox/state").json()
    assert state.get("subscriptions", 0) == 0


def test_work_survives_a_restart(stack):
    """Notifications stored before a crash are processed after the restart; nothing is lost or repeated."""
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id)
    stack.stop_app()  # Graph keeps delivering: deliveries fail while the app is down and are retried
    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    stack.start_app()
    stack.slack.wait_for(lambda: len(feed(stack)) == 1, 15)
    db = open_database(stack.db_path)
    # Slack has the post a moment before the outbox records it as sent
    stack.slack.wait_for(lambda: queues.outbox_counts(db) == {"sent": 1}, 5)
    stack.graph.wait_idle(5)
    assert len(feed(stack)) == 1
