"""Mail: templates escape what people typed; messages have the right MIME shape, headers and .ics; delivery goes
through the durable outbox to a real SMTP server, survives the server being down, and stops for good on a 5xx."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import build_runtime
from bot.mail import compose, delivery, templates, unsubscribe
from bot.mail.smtp import SmtpConfig, address_hash
from bot.ui import ics
from bot.workers.outbox import OutboxSender
from storage import communications, queues
from tests.mail.support import SmtpSink, calendar_of, free_port, parts

NASTY = 'Launch <script>alert(1)</script> & "Q&A"\r\nBcc: evil@example.com'
START = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)


def rendered(kind="registered", **values):
    base = {"name": "Grady <b>", "title": NASTY, "start": "Sunday 29 March 2026, 11:00–12:00 (W. Europe)",
            "join_url": "https://teams.example/join?a=1&b=2"}
    return templates.render(kind, {**base, **values}, unsubscribe_url="https://bot.example/mail/unsubscribe?token=t")


def test_every_template_renders_with_user_text_escaped():
    for kind in templates.TEMPLATES:
        result = rendered(kind, old_title=NASTY, old_start="x", lead="15 minutes",
                          recording_url="https://stream.example/v")
        assert "\n" not in result.subject and "\r" not in result.subject
        assert "<script>" not in result.html and "&lt;script&gt;" in result.html
        assert "<b>" not in result.html.replace("<body", "")
        assert "\nBcc:" not in result.text          # a title can't start a line of its own
        assert "Stop e-mails about this webinar: https://bot.example/mail/unsubscribe?token=t" in result.text


def test_links_are_only_web_links():
    result = rendered(join_url="javascript:alert(1)")
    assert "javascript:" not in result.html and "javascript:" not in result.text
    good = rendered()
    assert 'href="https://teams.example/join?a=1&amp;b=2"' in good.html
    assert "Join the webinar: https://teams.example/join?a=1&b=2" in good.text


def test_the_recording_paragraph_appears_only_with_a_recording():
    assert "recording" not in rendered("thank_you").text.lower()
    assert "Watch the recording: https://stream.example/v" in rendered("thank_you", recording_url="https://stream.example/v").text


def invitation(method="REQUEST", sequence=0) -> str:
    return ics.calendar(ics.Invitation(uid="reg-1@webinar-bot", title=NASTY, start=START, end=START + timedelta(hours=1),
                                       join_url="https://teams.example/join", sequence=sequence, method=method))


def test_a_message_is_text_and_html_alternatives_plus_a_calendar_attachment():
    message = compose.build(rendered(), sender="webinars@contoso.example", to="grady@fabrikam.example",
                            to_name="Grady\r\nBcc: x@y", calendar=invitation(),
                            unsubscribe_url="https://bot.example/mail/unsubscribe?token=t")
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    assert message["List-Unsubscribe"] == ("<https://bot.example/mail/unsubscribe?token=t>, "
                                           "<mailto:webinars@contoso.example?subject=unsubscribe>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Bcc" not in message and message["To"].addresses[0].addr_spec == "grady@fabrikam.example"


def test_without_a_public_url_only_the_mailto_unsubscribe_remains():
    message = compose.build(templates.render("renamed", {"title": "T"}), sender="w@contoso.example",
                            to="a@b.example")
    assert message["List-Unsubscribe"] == "<mailto:w@contoso.example?subject=unsubscribe>"
    assert "List-Unsubscribe-Post" not in message and message.get_content_type() == "multipart/alternative"


def test_unsubscribe_tokens_are_signed():
    token = unsubscribe.make_token("key", "reg-1")
    assert unsubscribe.read_token("key", token) == "reg-1"
    assert unsubscribe.read_token("other", token) is None
    forged = unsubscribe.make_token("key", "reg-2").split(".")[0] + "." + token.split(".")[1]
    assert unsubscribe.read_token("key", forged) is None
    assert unsubscribe.read_token("key", "garbage") is None and unsubscribe.read_token("", token) is None
    assert unsubscribe.link("", "key", "reg-1") is None


def test_smtp_url_gives_the_sender():
    assert SmtpConfig.from_url("smtp://127.0.0.1:2525?from=w@c.example").sender == "w@c.example"
    assert SmtpConfig.from_url("smtps://bot%40c.example:pw@mail.c.example").sender == "bot@c.example"
    config = SmtpConfig.from_url("smtps://bot%40c.example:p%40ss@mail.c.example")
    assert (config.port, config.tls, config.password) == (465, True, "p@ss")
    assert SmtpConfig.from_url("smtp://relay.c.example").sender == "webinar-bot@relay.c.example"


# --------------------------------------------------------------------------------------------------------------
# Delivery through the outbox to a real SMTP server


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def runtime_for(settings):
    made = []

    def make(smtp_url: str):
        runtime = build_runtime(settings.with_overrides(smtp_url=smtp_url))
        made.append(runtime)
        return runtime
    yield make
    for runtime in made:
        runtime.db.close()


def queue_one(runtime, key="k1", to="grady@fabrikam.example", registration_id="reg-1"):
    message = compose.build(rendered(), sender="webinars@contoso.example", to=to, calendar=invitation())
    return delivery.queue(runtime, key, registration_id=registration_id, to=to, message=message)


async def drain(sender: OutboxSender, clock: Clock, passes: int = 5) -> None:
    for _ in range(passes):
        await sender.run_once()
        clock.now += 1


async def test_mail_reaches_the_smtp_server_once(runtime_for):
    with SmtpSink() as sink:
        runtime = runtime_for(sink.url)
        clock = Clock()
        sender = OutboxSender(runtime, clock=clock)
        assert queue_one(runtime) and not queue_one(runtime)          # same key: queued once
        await drain(sender, clock)
        [message] = sink.to("grady@fabrikam.example")
        assert message["Subject"].startswith("You're registered: Launch")
        assert "text/plain" in parts(message) and "text/html" in parts(message)
        calendar, method = calendar_of(message)
        assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
        assert queues.outbox_counts(runtime.db) == {"sent": 1}
        assert runtime.stats["mail_sent"] == 1


async def test_smtp_down_means_later_not_lost(runtime_for):
    sink = SmtpSink(free_port())
    runtime = runtime_for(sink.url)
    clock = Clock()
    sender = OutboxSender(runtime, clock=clock)
    queue_one(runtime)
    await sender.run_once()                                             # connection refused
    [item] = queues.due_outbox(runtime.db, now=clock.now + 3600)
    assert item["status"] == "pending" and item["attempts"] == 1 and item["next_attempt_at"] > clock.now
    assert queues.due_outbox(runtime.db, now=clock.now) == []           # not hammered meanwhile
    with sink:
        clock.now += 3
        await drain(sender, clock)
        assert len(sink.to("grady@fabrikam.example")) == 1
        await drain(sender, clock)
        assert len(sink.to("grady@fabrikam.example")) == 1
    assert queues.outbox_counts(runtime.db) == {"sent": 1}


async def test_a_refused_recipient_fails_for_good_and_the_log_names_a_hash(runtime_for, caplog):
    with SmtpSink() as sink:
        sink.refuse.add("gone@fabrikam.example")
        runtime = runtime_for(sink.url)
        clock = Clock()
        queue_one(runtime, to="gone@fabrikam.example")
        with caplog.at_level(logging.INFO):
            await drain(OutboxSender(runtime, clock=clock), clock)
        assert queues.outbox_counts(runtime.db) == {"failed": 1}
        assert runtime.stats["mail_failed"] == 1
        logged = " ".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records
                          if r.name.startswith("bot."))          # the test server itself logs addresses
        assert "gone@fabrikam.example" not in logged and address_hash("gone@fabrikam.example") in logged


async def test_an_opt_out_stops_mail_already_queued(runtime_for):
    with SmtpSink() as sink:
        runtime = runtime_for(sink.url)
        clock = Clock()
        queue_one(runtime)
        communications.opt_out(runtime.db, "reg-1", None)
        assert not queue_one(runtime, key="k2")                        # nothing new is queued either
        await drain(OutboxSender(runtime, clock=clock), clock)
        assert sink.received == [] and runtime.stats["mail_suppressed"] == 1
