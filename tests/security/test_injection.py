"""What people type never becomes Slack markup or a spreadsheet formula.

One scenario puts a hostile string in every user-supplied field that reaches a channel, a DM, a modal or the Home
tab (webinar title and description, registrant first and last names, a question's text and an answer to it, a guest
presenter's name, a channel's name, a renamed title), drives every surface that shows them, then inspects
everything the Slack stand-in recorded. Every export (registrations, attendees, no-shows) is then read back as CSV.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.graph import bodies
from bot.ids import Action, Reg
from bot.sandbox import slack_requests
from bot.sandbox.stack import SandboxStack
from tests.commands.test_registration import contact, open_form, questions_by_name
from tests.e2e.test_attendance import click
from tests.registration_support import ADELE, CHANNEL, DIANE, graph_call, submit

EVIL = "<!channel> <@U0EVIL> <https://evil.example|click> *bold* _it_ x&lt;y"
RAW = ("<!channel>", "<@U0EVIL>", "<https://evil.example", "*bold*", "_it_", "x&lt;y")
FIELDS = ("TITLE", "DESC", "FIRST", "LAST", "QUESTION", "ANSWER", "PRESENTER", "RENAMED", "CHANNEL")
FORMULAS = ("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1")
EVIL_CHANNEL = "C0EVILNAME"


def evil(tag: str) -> str:
    return f"{tag}: {EVIL}"


@pytest.fixture(scope="module")
def world():
    with SandboxStack() as stack:
        stack.slack.add_channel(EVIL_CHANNEL, evil("CHANNEL"), ["U0DIANE", "U0ADELE"])
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)

        async def create(graph):
            body = bodies.webinar_create_body(evil("TITLE"), evil("DESC"), start, start + timedelta(hours=1),
                                              audience="organization", attendee_emails=True)
            webinar = await graph.create_webinar(body, user=DIANE)
            await graph.create_question(webinar.id, bodies.custom_question_body(evil("QUESTION"), "text"),
                                        user=DIANE)
            await graph.create_presenter(webinar.id, bodies.presenter_guest_body(evil("PRESENTER"),
                                                                                  "guest@fabrikam.example"),
                                         user=DIANE)
            await graph.publish_webinar(webinar.id, user=DIANE)
            return webinar.id
        webinar_id = graph_call(stack, create)
        for channel in (CHANNEL, EVIL_CHANNEL):
            answer(stack, f"follow {webinar_id} <#{channel}> all", channel=channel)
        answer(stack, f"share {webinar_id} <#{CHANNEL}>")

        # registrations: hostile names and formula names (anonymous, through Graph) and one from Slack's modal
        for n, first in enumerate((evil("FIRST"), *FORMULAS)):
            register(stack, webinar_id, first, evil("LAST") if n == 0 else f"Formula{n}", f"f{n}@fabrikam.example")
        view = open_form(stack, ADELE, webinar_id)
        question_id = questions_by_name(stack, webinar_id)[evil("QUESTION")]
        submit(stack, ADELE, view, {**contact(view), f"{Reg.QUESTION}{question_id}": "=" + evil("ANSWER")})
        stack.slack.wait_for(lambda: stack.slack.messages("D0ADELE"), 10)

        graph_call(stack, lambda g: g.update_webinar(webinar_id, {"displayName": evil("RENAMED")}, user=DIANE))
        stack.slack.wait_for(lambda: "RENAMED" in json.dumps(stack.slack.messages(CHANNEL)), 10)

        for text in (f"registrants {webinar_id}", f"show {webinar_id}", "list", f"presenters {webinar_id}",
                     f"questions {webinar_id}", f"attendance {webinar_id}", f"export {webinar_id}"):
            answer(stack, text)
        home = slack_requests.event_callback({"type": "app_home_opened", "user": DIANE, "tab": "home",
                                              "channel": "D0DIANE", "event_ts": "1.0"})
        httpx.post(f"{stack.app_url}/slack/events", content=home,
                   headers=slack_requests.signed_headers(home, content_type="application/json"), timeout=10)
        stack.slack.wait_for(lambda: DIANE in stack.slack.home_views, 10)

        emails = [f"f{n}@fabrikam.example" for n in range(1, 4)] + ["adele@contoso.example"]
        ended = httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/end-session",
                           json={"attendees": emails}, timeout=10)
        assert ended.status_code == 201
        summary = stack.slack.wait_for(
            lambda: [m for m in stack.slack.messages(CHANNEL) if "Attendance for" in m["text"]], 15)[0]
        report_id = summary["blocks"][-2]["elements"][0]["value"]
        for action in (Action.ATTENDEES_CSV, Action.NO_SHOWS_CSV):
            click(stack, DIANE, action, report_id, summary)
        stack.slack.wait_for(lambda: {"attendees", "no-shows", "registrations"} <= {
            kind for f in stack.slack.files for kind in ("attendees", "no-shows", "registrations") if kind in f.name},
            15)
        stack.graph.wait_idle(5)
        yield stack, webinar_id


def answer(stack, text: str, channel: str = CHANNEL) -> None:
    """Run a command as the organizer; wait for its answer (a response, or a modal that finished loading)."""
    responses, views = len(stack.slack.responses), len(stack.slack.calls_to("views.update"))
    assert stack.slash(text, user=DIANE, channel=channel).status_code == 200
    stack.slack.wait_for(lambda: len(stack.slack.responses) > responses
                         or len(stack.slack.calls_to("views.update")) > views, 15)


def register(stack, webinar_id, first, last, email):
    body = bodies.registration_body_anonymous(first, last, email, "UTC", "en-us")
    graph_call(stack, lambda graph: graph.create_registration(webinar_id, body))


def mrkdwn_texts(node, *, top: bool = True):
    """Every string Slack parses as mrkdwn: mrkdwn text objects, and a message's top-level `text`."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        if top and isinstance(node.get("text"), str) and node.get("type") is None:
            yield node["text"]
        for key, value in node.items():
            if key != "text" or isinstance(value, dict | list):
                yield from mrkdwn_texts(value, top=False)
    elif isinstance(node, list):
        for item in node:
            yield from mrkdwn_texts(item, top=False)


def everything_shown(stack) -> list[dict]:
    with stack.slack.lock:
        channels = list(stack.slack.channels)
    shown = [m for channel in channels for m in stack.slack.messages(channel)]
    shown += list(stack.slack.responses) + list(stack.slack.ephemerals)
    shown += list(stack.slack.views.values()) + list(stack.slack.home_views.values())
    shown += [c.args for c in stack.slack.calls if c.method in ("chat.update", "chat.postEphemeral")]
    return shown


def test_no_user_supplied_string_becomes_markup_anywhere(world):
    stack, _ = world
    texts = [t for item in everything_shown(stack) for t in mrkdwn_texts(item)]
    reached = {tag for tag in FIELDS if any(tag in t for t in texts)}
    for text in texts:
        for raw in RAW:
            assert raw not in text, (raw, text)
    # every field did reach some mrkdwn (escaped), so the assertions above were about something
    assert reached >= {"TITLE", "FIRST", "LAST", "RENAMED", "QUESTION", "PRESENTER"}, reached
    escaped = [t for t in texts if "TITLE" in t]
    assert any("&lt;!channel&gt;" in t and "x&amp;lt;y" in t and "\u200b*\u200bbold" in t for t in escaped)


def csv_rows(stack, kind: str) -> list[list[str]]:
    upload = next(f for f in reversed(stack.slack.files) if kind in f.name)
    assert upload.channel.startswith("D")  # exports go to the organizer privately
    return list(csv.reader(io.StringIO(upload.content.decode())))


@pytest.mark.parametrize("kind", ["registrations", "attendees", "no-shows"])
def test_exports_neutralise_formulas_in_every_cell(world, kind):
    stack, _ = world
    rows = csv_rows(stack, kind)
    assert len(rows) > 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (kind, cell)
    cells = {cell for row in rows[1:] for cell in row}
    if kind != "attendees" or any("Formula" in c for c in cells):
        assert any(c.startswith("'") and c[1:].startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells


def test_the_registrations_export_keeps_the_answer_but_defused(world):
    stack, _ = world
    cells = {cell for row in csv_rows(stack, "registrations") for cell in row}
    assert "'=" + evil("ANSWER") in cells or not any("ANSWER" in c for c in cells)
