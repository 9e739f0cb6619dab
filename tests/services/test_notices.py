"""What registrants are told when something happens, on Slack and by mail: confirmations, status changes, changes to
the webinar (each in the registrant's own time zone), cancellations with .ics CANCEL, follow-ups after the session;
and how Teams' own attendee e-mails limit all that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.ids import Reg
from bot.mail import unsubscribe
from bot.services import news, recipients, registration, reminders, sync
from bot.services.events import Event, Kind
from bot.ui.notices import registrant_notice, reminder_summary, starting_soon
from bot.ui.validate import validate_message
from storage import communications, queues
from tests.communications_support import (
    ADELE,
    DIANE,
    OUTSIDER,
    create_webinar,
    register_in_slack,
    register_outside,
    resync,
    world_fixture,  # noqa: F401 - the `world` fixture
)
from tests.mail.support import calendar_of, parts

START = datetime(2027, 3, 28, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)    # 08:00 UTC
GRADY = OUTSIDER[2]
NASTY = "Launch <review> & *Q&A*"


def subjects(world) -> list[str]:
    return world.smtp.subjects(GRADY)


def dm_texts(world, user=ADELE) -> list[str]:
    return [m["text"] for m in world.dms(user)]


async def move(world, webinar_id, day="2027-03-30", start="13:00", end="14:00"):
    zone = "W. Europe Standard Time"
    await world.runtime.graph.update_webinar(webinar_id, {
        "startDateTime": {"dateTime": f"{day}T{start}:00", "timeZone": zone},
        "endDateTime": {"dateTime": f"{day}T{end}:00", "timeZone": zone}}, user=DIANE)
    await resync(world, webinar_id)


async def test_an_outside_registrant_gets_a_confirmation_with_an_invitation_and_a_slack_one_no_second(world):
    webinar_id = await create_webinar(world, START)
    adele = await register_in_slack(world, webinar_id)
    grady = await register_outside(world, webinar_id)
    await resync(world, webinar_id)                           # Graph's notifications arrive: nothing new
    await world.deliver()
    [mail] = world.smtp.to(GRADY)
    assert mail["Subject"] == f"You're registered: {NASTY}"
    assert "List-Unsubscribe" in mail and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parts(mail)["text/plain"]
    assert "Sunday 28 March 2027, 01:00–02:00 (Pacific Standard Time)" in text and "registrantToken=" in text
    assert "&lt;review&gt;" in parts(mail)["text/html"]
    calendar, method = calendar_of(mail)
    event = calendar.walk("VEVENT")[0]
    assert method == "REQUEST" and str(event["UID"]) == f"{grady}@webinar-bot" and int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == START
    assert dm_texts(world).count(f":white_check_mark: You're registered for {registrant_notice_title()}.") == 1
    assert len(world.dms(ADELE)) == 2                          # the flow's confirmation and its .ics: no more
    assert recipients.mode_of(world.runtime, {"raw": '{"settings": {}}'}).teams_emails
    assert adele != grady and recipients.SLACK_REFERRER == registration.REFERRER


def registrant_notice_title() -> str:
    return "*Launch &lt;review&gt; &amp; \u200b*\u200bQ&amp;A\u200b*\u200b*"


async def test_rescheduling_tells_everyone_in_their_own_time_and_moves_the_calendar_entry(world):
    webinar_id = await create_webinar(world, START)
    await register_in_slack(world, webinar_id)
    grady = await register_outside(world, webinar_id)
    await move(world, webinar_id)
    await resync(world, webinar_id)                           # the same change seen again: nothing more
    await world.deliver()
    [dm] = [m for m in world.dms(ADELE) if "has moved" in m["text"]]
    validate_message(dm)
    body = dm["blocks"][0]["text"]["text"]
    old, new = int(START.timestamp()), int(datetime(2027, 3, 30, 11, 0, tzinfo=UTC).timestamp())
    assert f"Was: ~<!date^{old}^" in body and f"Now: *<!date^{new}^" in body
    assert any(e["action_id"] == Reg.JOIN for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])
    [mail] = [m for m in world.smtp.to(GRADY) if m["Subject"].startswith("New time")]
    text = parts(mail)["text/plain"]
    assert "Was: Sunday 28 March 2027, 01:00–02:00 (Pacific Standard Time)" in text
    assert "Now: Tuesday 30 March 2027, 04:00–05:00 (Pacific Standard Time)" in text
    calendar, method = calendar_of(mail)
    event = calendar.walk("VEVENT")[0]
    assert method == "REQUEST" and str(event["UID"]) == f"{grady}@webinar-bot" and int(event["SEQUENCE"]) == 1


async def test_renaming_and_cancelling_reach_both_and_cancel_removes_the_calendar_entry(world):
    webinar_id = await create_webinar(world, START)
    await register_in_slack(world, webinar_id)
    grady = await register_outside(world, webinar_id)
    await move(world, webinar_id)
    await world.runtime.graph.update_webinar(webinar_id, {"displayName": "Launch, final"}, user=DIANE)
    await resync(world, webinar_id)
    await world.runtime.graph.cancel_webinar(webinar_id, user=DIANE)
    await resync(world, webinar_id)
    await world.deliver()
    assert subjects(world) == [f"You're registered: {NASTY}", f"New time: {NASTY}",
                               "New title: Launch, final", "Cancelled: Launch, final"]
    assert any("is now called *Launch, final*" in t for t in dm_texts(world))
    assert any(t.startswith(":x: Sorry: *Launch, final*") for t in dm_texts(world))
    cancel = world.smtp.to(GRADY)[-1]
    calendar, method = calendar_of(cancel)
    event = calendar.walk("VEVENT")[0]
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == f"{grady}@webinar-bot" and int(event["SEQUENCE"]) == 2   # above the REQUEST's 1
    assert communications.reminders_for(world.runtime.db, webinar_id) == []


async def test_status_changes_reach_the_registrant(world):
    webinar_id = await create_webinar(world, START)
    world.graph.configure_registration(webinar_id, {"capacity": 1, "isWaitlistEnabled": True})
    adele = await register_in_slack(world, webinar_id)
    grady = await register_outside(world, webinar_id)                   # full: waitlisted
    await world.runtime.graph.cancel_registration(webinar_id, adele)   # Adele's place goes to Grady
    await resync(world, webinar_id)
    world.graph.set_registration_status(webinar_id, grady, "rejectedByOrganizer")
    await resync(world, webinar_id)
    await world.deliver()
    assert subjects(world) == [f"You're on the waitlist: {NASTY}", f"A place opened up: {NASTY}",
                               f"Your registration for {NASTY}"]
    calendar, method = calendar_of(world.smtp.to(GRADY)[1])
    assert method == "REQUEST" and str(calendar.walk("VEVENT")[0]["UID"]) == f"{grady}@webinar-bot"
    assert "registrantToken=" in parts(world.smtp.to(GRADY)[1])["text/plain"]
    [dm] = [m for m in world.dms(ADELE) if "is cancelled" in m["text"]]
    validate_message(dm)


async def test_with_teams_emails_on_only_the_join_link_dm_goes_out(world):
    webinar_id = await create_webinar(world, START, teams_emails=True)
    adele = await register_in_slack(world, webinar_id)
    grady = await register_outside(world, webinar_id)
    world.graph.set_registration_status(webinar_id, adele, "pendingApproval")
    await resync(world, webinar_id)
    world.graph.set_registration_status(webinar_id, adele, "registered")
    await move(world, webinar_id)
    await world.runtime.graph.cancel_registration(webinar_id, grady)
    await resync(world, webinar_id)
    await world.deliver()
    assert world.smtp.received == []
    assert any("approved your registration" in t for t in dm_texts(world))
    assert not any("has moved" in t for t in dm_texts(world))


async def test_follow_ups_thank_attendees_and_miss_no_shows_with_the_recording(world):
    webinar_id = await create_webinar(world, START)
    await register_in_slack(world, webinar_id)
    await register_outside(world, webinar_id)
    state = world.graph.webinars[webinar_id.lower()]
    state.session.video_on_demand_web_url = "https://stream.example/v?id=1&x=<2>"
    report = world.graph.end_session(webinar_id, {"attendees": ["adele@contoso.example"]})
    events = await sync.attendance_ready(world.runtime, webinar_id, state.session.id, report.id)
    await news.announce(world.runtime, events)
    await news.announce(world.runtime, events)                # the same report again: nothing new
    await world.deliver()
    [thanks] = [m for m in world.dms(ADELE) if "Thank you for joining" in m["text"]]
    validate_message(thanks)
    assert "<https://stream.example/v?id=1&amp;x=&lt;2&gt;|Watch the recording>" in str(thanks["blocks"])
    [missed] = [m for m in world.smtp.to(GRADY) if m["Subject"].startswith("Sorry we missed you")]
    assert "Watch the recording: https://stream.example/v?id=1&x=<2>" not in parts(missed)["text/plain"]
    assert "recording" not in parts(missed)["text/plain"].lower()       # not a clean web link: left out


async def test_follow_ups_are_optional_per_webinar(world):
    webinar_id = await create_webinar(world, START)
    await register_in_slack(world, webinar_id)
    await register_outside(world, webinar_id)
    reminders.save_preferences(world.runtime, webinar_id, follow_ups=("missed_you",))
    state = world.graph.webinars[webinar_id.lower()]
    state.session.video_on_demand_web_url = "https://stream.example/v/1"
    report = world.graph.end_session(webinar_id, {"attendees": ["adele@contoso.example"]})
    await news.announce(world.runtime, await sync.attendance_ready(world.runtime, webinar_id, state.session.id,
                                                                   report.id))
    await world.deliver()
    assert not any("Thank you" in t for t in dm_texts(world))
    [missed] = [m for m in world.smtp.to(GRADY) if m["Subject"].startswith("Sorry we missed you")]
    assert "Watch the recording: https://stream.example/v/1" in parts(missed)["text/plain"]


async def test_an_unsubscribed_registrant_gets_no_more_mail(world):
    webinar_id = await create_webinar(world, START)
    grady = await register_outside(world, webinar_id)
    token = unsubscribe.make_token(world.runtime.settings.secret_key, grady)
    assert recipients.opt_out(world.runtime, token)["id"] == webinar_id
    await move(world, webinar_id)
    await reminders.run_due(world.runtime, START + timedelta(days=2))
    await world.deliver()
    assert subjects(world) == []
    assert queues.outbox_counts(world.runtime.db).get("failed") is None


async def test_a_failure_while_telling_people_never_blocks_the_change(world, monkeypatch):
    webinar_id = await create_webinar(world, START)

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr("bot.services.notices.of_webinar", broken)
    event = Event(Kind.RENAMED, webinar_id, "k", {"old": "a", "new": "b"})
    await news.announce(world.runtime, [event])               # logged, not raised


def test_the_slack_builders_validate_and_escape():
    webinar = {"id": "w", "handle": "w3", "title": "<!channel> *x*", "start_utc": "2027-03-28T08:00:00Z",
               "end_utc": "2027-03-28T09:00:00Z"}
    for kind in ("approved", "off_waitlist", "rejected", "registration_cancelled", "rescheduled", "renamed",
                 "webinar_cancelled", "reminder", "thank_you", "missed_you"):
        message = registrant_notice(kind, webinar, join_url="https://teams.example/j", old_start="2027-03-27T08:00:00Z",
                                    old_title="<@U1>", lead_minutes=15, recording_url="https://s.example/r")
        validate_message(message)
        assert "<!channel>" not in str(message) and "<@U1>" not in str(message)
    validate_message(starting_soon(webinar, 15))
    for leads in ([1440, 15], []):
        summary = reminder_summary(webinar, leads, note="Reminders updated.")
        validate_message(summary)
        assert "<!channel>" not in summary["text"]
