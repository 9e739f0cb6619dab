"""Reminders with time under control: exact instants across DST changes and time zones, reschedule, cancel, restart,
reminders missed while down, who gets what, and `/webinar remind`'s rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_runtime
from bot.durations import describe, parse_duration, short
from bot.ids import Reg
from bot.services import reminders
from bot.services.errors import NotAllowed, UserFacingError
from bot.ui.validate import validate_message
from storage import communications, queues, routing
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

BERLIN = ZoneInfo("Europe/Berlin")
GRADY = OUTSIDER[2]
# 10:00 in Berlin on the day summer time starts; kept in UTC, because arithmetic on a zoned datetime is wall-clock
# arithmetic (10:00 CEST minus one day is 10:00 CET, only 23 hours earlier)
START = datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN).astimezone(UTC)


def test_durations_read_and_write():
    assert [parse_duration(t) for t in ("15m", "2h", "1d", "1h30m", "1w", "90m", "2H")] == \
        [15, 120, 1440, 90, 10080, 90, 120]
    for bad in ("", "0m", "h", "2x", "-1h", "1.5h", "1m2h"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert (short(90), describe(90), describe(1440), describe(1)) == ("1h30m", "1 hour 30 minutes", "1 day", "1 minute")


def fire_times(world, webinar_id) -> dict[int, str]:
    return {r["lead_minutes"]: r["fire_at"] for r in communications.reminders_for(world.runtime.db, webinar_id)}


@pytest.mark.parametrize(("local_start", "zone", "utc_start"), [
    # Europe moves to summer time on 28 March 2027 at 01:00 UTC: 10:00 that day is 08:00 UTC, the day before 09:00
    (datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN), "W. Europe Standard Time", datetime(2027, 3, 28, 8, 0, tzinfo=UTC)),
    # The US moves on 14 March 2027: 10:00 in Los Angeles is 17:00 UTC that day, 18:00 UTC the day before
    (datetime(2027, 3, 14, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles")), "Pacific Standard Time",
     datetime(2027, 3, 14, 17, 0, tzinfo=UTC)),
    # ... and Europe back on 31 October 2027
    (datetime(2027, 10, 31, 10, 0, tzinfo=BERLIN), "W. Europe Standard Time", datetime(2027, 10, 31, 9, 0, tzinfo=UTC)),
])
async def test_reminders_fire_at_exact_instants_across_dst(world, local_start, zone, utc_start):
    webinar_id = await create_webinar(world, local_start, zone=zone)
    await register_in_slack(world, webinar_id)
    assert fire_times(world, webinar_id) == {1440: communications.stamp(utc_start - timedelta(days=1)),
                                             15: communications.stamp(utc_start - timedelta(minutes=15))}
    day_before = utc_start - timedelta(hours=24)
    assert await reminders.run_due(world.runtime, day_before - timedelta(seconds=1)) == 0
    assert await reminders.run_due(world.runtime, day_before) == 1
    assert await reminders.run_due(world.runtime, day_before + timedelta(minutes=1)) == 0   # once
    assert await reminders.run_due(world.runtime, utc_start - timedelta(minutes=15, seconds=1)) == 0
    assert await reminders.run_due(world.runtime, utc_start - timedelta(minutes=15)) == 1
    await world.deliver()
    texts = [m["text"] for m in world.dms(ADELE) if "starts in" in m["text"]]
    assert len(texts) == 2 and "starts in 1 day" in texts[0] and "starts in 15 minutes" in texts[1]


async def test_slack_registrants_get_a_dm_with_their_join_link_and_others_a_mail(world):
    start = START
    webinar_id = await create_webinar(world, start)
    await register_in_slack(world, webinar_id)
    await register_outside(world, webinar_id)
    routing.save_route(world.runtime.db, webinar_id, "C0WEBINARS", {"changes"}, DIANE)
    await reminders.run_due(world.runtime, start - timedelta(minutes=15))
    await world.deliver()
    [dm] = [m for m in world.dms(ADELE) if "starts in" in m["text"]]
    validate_message(dm)
    join = next(e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert join["action_id"] == Reg.JOIN and "registrantToken=" in join["url"]
    assert "Launch &lt;review&gt; &amp;" in dm["text"]
    [post] = [m for m in world.slack.messages("C0WEBINARS") if "starts in 15 minutes" in m["text"]]
    validate_message(post)
    [mail] = [m for m in world.smtp.to(GRADY) if m["Subject"].startswith("Starting in")]
    assert mail["Subject"] == "Starting in 15 minutes: Launch <review> & *Q&A*"
    text = mail.get_body(("plain",)).get_content()
    # 08:00 UTC is 01:00 in Los Angeles (summer time there since 14 March)
    assert "Sunday 28 March 2027, 01:00–02:00 (Pacific Standard Time)" in text
    assert "registrantToken=" in text


async def test_with_teams_emails_on_only_slack_reminders_go_out(world):
    start = START
    webinar_id = await create_webinar(world, start, teams_emails=True)
    await register_in_slack(world, webinar_id)
    await register_outside(world, webinar_id)
    await reminders.run_due(world.runtime, start - timedelta(minutes=15))
    await world.deliver()
    assert [m for m in world.dms(ADELE) if "starts in" in m["text"]]
    assert world.smtp.received == []


async def test_reschedule_moves_pending_reminders_and_cancel_drops_them(world):
    start = START
    webinar_id = await create_webinar(world, start)
    await register_in_slack(world, webinar_id)
    later = start + timedelta(days=2, hours=3)
    await world.runtime.graph.update_webinar(
        webinar_id, {"startDateTime": {"dateTime": "2027-03-30T13:00:00", "timeZone": "W. Europe Standard Time"},
                     "endDateTime": {"dateTime": "2027-03-30T14:00:00", "timeZone": "W. Europe Standard Time"}},
        user=DIANE)
    await resync(world, webinar_id)
    assert fire_times(world, webinar_id) == {1440: communications.stamp(later - timedelta(days=1)),
                                             15: communications.stamp(later - timedelta(minutes=15))}
    assert await reminders.run_due(world.runtime, start - timedelta(minutes=15)) == 0     # the old instants: quiet
    await world.runtime.graph.cancel_webinar(webinar_id, user=DIANE)
    await resync(world, webinar_id)
    assert fire_times(world, webinar_id) == {}
    assert await reminders.run_due(world.runtime, later) == 0
    await world.deliver()
    assert not [m for m in world.dms(ADELE) if "starts in" in m["text"]]


async def test_a_reminder_already_sent_comes_back_when_the_webinar_moves_later(world):
    start = START
    webinar_id = await create_webinar(world, start)
    await register_in_slack(world, webinar_id)
    day_before = start - timedelta(days=1)
    assert await reminders.run_due(world.runtime, day_before) == 1
    await world.runtime.graph.update_webinar(webinar_id, {
        "startDateTime": {"dateTime": "2027-03-29T10:00:00", "timeZone": "W. Europe Standard Time"},
        "endDateTime": {"dateTime": "2027-03-29T11:00:00", "timeZone": "W. Europe Standard Time"}}, user=DIANE)
    await resync(world, webinar_id)                                          # a day later: the day before is ahead
    assert await reminders.run_due(world.runtime, start - timedelta(hours=1)) == 0
    assert await reminders.run_due(world.runtime, start) == 1
    await world.deliver()
    assert len([m for m in world.dms(ADELE) if "starts in 1 day" in m["text"]]) == 2


async def test_a_cancelled_registration_is_not_reminded(world):
    start = START
    webinar_id = await create_webinar(world, start)
    registration_id = await register_outside(world, webinar_id)
    await world.runtime.graph.cancel_registration(webinar_id, registration_id)
    await resync(world, webinar_id)
    await reminders.run_due(world.runtime, start - timedelta(minutes=15))
    await world.deliver()
    assert [m["Subject"] for m in world.smtp.to(GRADY)] == ["You're registered: Launch <review> & *Q&A*",
                                                             "Registration cancelled: Launch <review> & *Q&A*"]


async def test_a_restart_neither_loses_nor_repeats(world):
    start = START
    webinar_id = await create_webinar(world, start)
    await register_in_slack(world, webinar_id)
    await register_outside(world, webinar_id)
    # "crash" after fanning out, before the reminder was marked sent
    original = communications.finish_reminder
    communications.finish_reminder = lambda *args: None
    try:
        assert await reminders.run_due(world.runtime, start - timedelta(minutes=15)) == 1
    finally:
        communications.finish_reminder = original
    queued = queues.outbox_counts(world.runtime.db)
    restarted = build_runtime(world.runtime.settings)       # a new process on the same database
    try:
        assert await reminders.run_due(restarted, start - timedelta(minutes=14)) == 1     # still pending: not lost
        assert queues.outbox_counts(restarted.db) == queued                                  # nothing twice
        assert await reminders.run_due(restarted, start - timedelta(minutes=13)) == 0
    finally:
        await restarted.graph.aclose()
        restarted.db.close()
    await world.deliver()
    assert len([m for m in world.dms(ADELE) if "starts in" in m["text"]]) == 1
    assert len([m for m in world.smtp.to(GRADY) if m["Subject"].startswith("Starting in")]) == 1


async def test_missed_while_down_goes_out_before_the_start_and_is_skipped_after(world):
    start = START
    webinar_id = await create_webinar(world, start)
    await register_in_slack(world, webinar_id)
    assert await reminders.run_due(world.runtime, start - timedelta(minutes=5)) == 1   # both due: one goes out
    await world.deliver()
    assert [m["text"] for m in world.dms(ADELE) if "starts in" in m["text"]] == \
        [":alarm_clock: *Launch &lt;review&gt; &amp; \u200b*\u200bQ&amp;A\u200b*\u200b* starts in 5 minutes."]
    other = await create_webinar(world, start, title="Second")
    assert await reminders.run_due(world.runtime, start + timedelta(minutes=1)) == 0   # started: skipped
    assert {r["status"] for r in communications.reminders_for(world.runtime.db, other)} == {"skipped"}


async def test_the_remind_command_service(world):
    start = START
    webinar_id = await create_webinar(world, start)
    result = await reminders.remind(world.runtime, "U0KENNETH", webinar_id, ["add", "1h30m", "2h"])
    assert result.leads == (1440, 120, 90, 15)
    assert set(fire_times(world, webinar_id)) == {1440, 120, 90, 15}
    result = await reminders.remind(world.runtime, DIANE, webinar_id, ["remove", "1d"])
    assert result.leads == (120, 90, 15) and 1440 not in fire_times(world, webinar_id)
    for words, problem in ((["remove", "3h"], "no reminder"), (["add", "soon"], "not a time"),
                           (["add"], "How long"), (["add", "5w"], "4 weeks"), (["snooze"], "don't know"),
                           (["add", "1m", "2m", "3m", "4m"], "up to 6")):
        with pytest.raises(UserFacingError, match=problem):
            await reminders.remind(world.runtime, DIANE, webinar_id, words)
    with pytest.raises(NotAllowed):
        await reminders.remind(world.runtime, ADELE, webinar_id, ["off"])
    assert (await reminders.remind(world.runtime, DIANE, webinar_id, ["off"])).leads == ()
    assert fire_times(world, webinar_id) == {}
    assert await reminders.run_due(world.runtime, start - timedelta(minutes=15)) == 0   # off stays off


async def test_the_scheduler_pass_fires_reminders_by_its_wall_clock(world):
    from bot.workers.scheduler import Scheduler

    webinar_id = await create_webinar(world, START)
    await register_in_slack(world, webinar_id)
    scheduler = Scheduler(world.runtime, wall_clock=lambda: START - timedelta(minutes=15))
    await scheduler.run_once()
    assert {r["lead_minutes"]: r["status"] for r in communications.reminders_for(world.runtime.db, webinar_id)} \
        == {1440: "skipped", 15: "sent"}
