"""Own communications end to end, over real HTTP against the sandbox and a real SMTP server.

With Teams' attendee e-mails off, a registrant in Slack (Adele) and one outside Slack (Grady, registered through the
Teams page) each get: a confirmation, the reminders chosen in the create form, a change notice, and a follow-up after
the session. Time for reminders is chosen by the test (`fire_reminders` runs the scheduler's own pass).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.graph import bodies
from bot.ids import Notice, OrgBlock, OrgView, Reg
from bot.sandbox.communications import fire_reminders
from bot.sandbox.stack import SandboxStack
from bot.ui.validate import validate_message
from storage import communications, mirror, open_database
from tests.mail.support import SmtpSink, calendar_of, parts
from tests.organizer_support import (
    CHANNEL,
    DIANE,
    conversation,
    merge,
    modal,
    multi,
    plain,
    reply,
    select,
    slash,
    submit,
    text_of,
    users,
    when,
)
from tests.registration_support import graph_call
from tests.registration_support import submit as submit_registration

ADELE = "U0ADELE"
GRADY = "grady.archie@fabrikam.example"


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


@pytest.fixture
def stack(sink):
    with SandboxStack(smtp_url=sink.url) as running:
        yield running


def adele_dms(stack) -> list[dict]:
    return stack.slack.messages(stack.slack.dm_channel_id(ADELE))


def wait_dm(stack, words: str, count: int = 1) -> list[dict]:
    return stack.slack.wait_for(lambda: (found := [m for m in adele_dms(stack) if words in m["text"]])
                                and len(found) >= count and found, 15)


def wait_mail(stack, sink, subject: str, count: int = 1) -> list:
    return stack.slack.wait_for(lambda: (found := [m for m in sink.to(GRADY) if m["Subject"].startswith(subject)])
                                and len(found) >= count and found, 15)


def create_through_the_modal(stack, start: datetime) -> dict:
    slash(stack, "create")
    view = modal(stack, OrgView.CREATE)
    labels = {o["value"] for o in next(b for b in view["blocks"] if b["block_id"] == Notice.REMINDERS)
              ["element"]["initial_options"]}
    assert labels == {"1440", "15"}                                     # the defaults, shown
    values = merge(plain(OrgBlock.TITLE, "Launch <review> & *Q&A*"), plain(OrgBlock.DESCRIPTION, "About it"),
                   when(OrgBlock.START, start), when(OrgBlock.END, start + timedelta(hours=1)),
                   select(OrgBlock.AUDIENCE, "everyone"), users(OrgBlock.CO_ORGANIZERS, []),
                   multi(OrgBlock.OPTIONS, [], "checkboxes"),          # Teams e-mails off: webinar-bot sends them
                   multi(Notice.REMINDERS, ["1440", "120"]),
                   multi(Notice.FOLLOW_UPS, ["thank_attendees", "missed_you"], "checkboxes"),
                   conversation(OrgBlock.CARD_CHANNEL, None))
    assert submit(stack, view, values)["response_action"] == "update"
    db = open_database(stack.db_path)
    row = stack.slack.wait_for(lambda: next(iter(mirror.list_webinars(db)), None), 10)
    db.close()
    return row


def register_adele(stack, handle: str) -> None:
    count = len(stack.slack.views)
    slash(stack, f"register {handle}", user=ADELE)
    view = stack.slack.wait_for(lambda: (v := list(stack.slack.views.values())[count:]) and v[-1].get("callback_id")
                                == Reg.MODAL and "Getting" not in str(v[-1]["blocks"]) and v[-1], 10)
    answers = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"}
    assert submit_registration(stack, ADELE, view, answers).status_code == 200


def register_grady(stack, webinar_id: str) -> None:
    """Through the Teams registration page: webinar-bot only hears Graph's notification."""
    body = bodies.registration_body_anonymous("Grady", "Archie", GRADY, "Pacific Standard Time", "en-us")
    graph_call(stack, lambda graph: graph.create_registration(webinar_id, body))


def test_both_registrants_get_confirmation_reminders_a_change_notice_and_a_follow_up(stack, sink):
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=3)
    row = create_through_the_modal(stack, start)
    webinar_id, handle = row["id"], row["handle"]
    slash(stack, f"publish {handle}")
    slash(stack, f"follow {handle} <#{CHANNEL}|webinars> changes")
    reply(stack, 2)

    register_adele(stack, handle)
    [confirmation] = wait_dm(stack, "You're registered")
    validate_message(confirmation)
    register_grady(stack, webinar_id)
    [mail] = wait_mail(stack, sink, "You're registered")
    assert calendar_of(mail)[1] == "REQUEST" and "registrantToken=" in parts(mail)["text/plain"]

    db = open_database(stack.db_path)
    fire = {r["lead_minutes"]: r["fire_at"] for r in communications.reminders_for(db, webinar_id)}
    assert fire == {1440: communications.stamp(start - timedelta(days=1)),
                    120: communications.stamp(start - timedelta(hours=2))}
    assert fire_reminders(stack, start - timedelta(days=1)) == 1
    assert fire_reminders(stack, start - timedelta(hours=2)) == 1
    wait_dm(stack, "starts in", 2)
    wait_mail(stack, sink, "Starting in", 2)
    stack.slack.wait_for(lambda: [m for m in stack.slack.messages(CHANNEL) if "starts in 2 hours" in m["text"]], 10)

    stack.stop_app()                                                    # a restart repeats nothing
    stack.start_app()
    assert fire_reminders(stack, start - timedelta(hours=2)) == 0

    later = start + timedelta(hours=1)
    graph_call(stack, lambda graph: graph.update_webinar(webinar_id, bodies.webinar_update_body(
        start_utc=later, end_utc=later + timedelta(hours=1), time_zone="UTC"), user=DIANE))
    [moved] = wait_dm(stack, "has moved")
    validate_message(moved)
    [notice] = wait_mail(stack, sink, "New time")
    assert int(calendar_of(notice)[0].walk("VEVENT")[0]["SEQUENCE"]) == 1

    response = httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/end-session",
                          json={"attendees": ["adele@contoso.example"]}, timeout=10)
    assert response.status_code == 201
    [thanks] = wait_dm(stack, "Thank you for joining")
    validate_message(thanks)
    [missed] = wait_mail(stack, sink, "Sorry we missed you")
    assert "text/html" in parts(missed)

    assert [str(m["Subject"]).split(":")[0] for m in sink.to(GRADY)] == \
        ["You're registered", "Starting in 1 day", "Starting in 2 hours", "New time", "Sorry we missed you"]
    assert len([m for m in adele_dms(stack) if "starts in" in m["text"]]) == 2
    db.close()


def test_remind_command_and_the_edit_form(stack):
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=3)
    row = create_through_the_modal(stack, start)
    handle = row["handle"]
    slash(stack, f"remind {handle} add 1h30m")
    answer = reply(stack)
    assert "1 hour 30 minutes before the start" in answer["text"] and "2 hours before" in answer["text"]
    slash(stack, f"remind {handle} off", user=ADELE)
    assert "Only the organizer or a co-organizer" in reply(stack, 2)["text"]
    slash(stack, f"remind {handle} remove 2h")
    assert "2 hours" not in reply(stack, 3)["text"]
    slash(stack, f"edit {handle}")
    view = modal(stack, OrgView.EDIT, ready=lambda v: any(b["type"] == "input" for b in v["blocks"]))
    block = next(b for b in view["blocks"] if b["block_id"] == Notice.REMINDERS)
    assert {o["value"] for o in block["element"]["initial_options"]} == {"1440", "90"}
    assert "After the session" in text_of(view)
    count = len(stack.slack.views)
    slash(stack, "remind")                                              # no webinar: a picker opens
    stack.slack.wait_for(lambda: len(stack.slack.views) > count, 10)
