"""Reminders before a webinar starts, and the per-webinar choices of what webinar-bot sends (lead times,
follow-ups after the session).

Each webinar has lead times (default 1 day and 15 minutes); each lead is one row in `reminders` with its fire time
(start - lead), kept in step with the start: `plan` runs on publish, on reschedule and whenever the lead times
change. The scheduler calls `run_due` with the current time (tests pass their own): a due reminder fans out into
outbox items (a DM per Slack registrant with their join link, a "starting soon" post per channel that follows the
webinar's changes, an e-mail per registrant outside Slack when webinar-bot sends the e-mails), then is marked
sent. Each item's key is (reminder, fire time, registration or channel), so a crash between fanning out and
marking sent, or a restart, repeats nothing; nothing is lost either, because a pending row stays pending.

A reminder whose time passed while webinar-bot was down still goes out if the webinar hasn't started yet (saying
how long is really left; of several such reminders only the shortest lead); once the webinar has started it is
skipped. Lead times are exact durations: "1 day" is 24 hours before the start, even across a DST change. Cancelled registrations are not reminded
(recipients are read when the reminder fires); a cancelled webinar's pending reminders are dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.durations import parse_duration
from bot.services import webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.messenger import tell
from bot.services.recipients import mode_of, of_webinar
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape, parse_utc
from bot.ui.notices import MISSED, THANK, starting_soon
from storage import audit, communications, mirror, queues, routing

log = logging.getLogger(__name__)

DEFAULT_LEADS = (1440, 15)
MAX_REMINDERS = 6
MAX_LEAD = 28 * 1440


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Preferences:
    reminder_leads: tuple[int, ...] = DEFAULT_LEADS
    thank_attendees: bool = True
    missed_you: bool = True

    @property
    def follow_ups(self) -> tuple[str, ...]:
        return tuple(name for name, on in ((THANK, self.thank_attendees), (MISSED, self.missed_you)) if on)


def preferences(runtime: Runtime, webinar_id: str) -> Preferences:
    saved = communications.get_settings(runtime.db, webinar_id)
    if saved is None:
        return Preferences()
    return Preferences(tuple(saved["reminder_leads"]), saved["thank_attendees"], saved["missed_you"])


def save_preferences(runtime: Runtime, webinar_id: str, *, leads: tuple[int, ...] | None = None,
                     follow_ups: tuple[str, ...] | None = None, now: datetime | None = None) -> bool:
    """Store what changed (None = keep) and re-plan the reminders; True when anything changed."""
    current = preferences(runtime, webinar_id)
    wanted = Preferences(
        tuple(sorted(set(current.reminder_leads if leads is None else leads), reverse=True)),
        current.thank_attendees if follow_ups is None else THANK in follow_ups,
        current.missed_you if follow_ups is None else MISSED in follow_ups)
    stored = communications.get_settings(runtime.db, webinar_id) is not None
    if wanted == current and stored:
        return False
    communications.save_settings(runtime.db, webinar_id, reminder_leads=list(wanted.reminder_leads),
                                 thank_attendees=wanted.thank_attendees, missed_you=wanted.missed_you)
    plan(runtime, webinar_id, now)
    return wanted != current


def plan(runtime: Runtime, webinar_id: str, now: datetime | None = None) -> None:
    """Reminder rows for the webinar's lead times at its current start (see storage.communications)."""
    webinar = mirror.get_webinar(runtime.db, webinar_id)
    start = parse_utc(webinar["start_utc"]) if webinar else None
    if webinar is None or start is None or webinar["status"] == "canceled":
        if webinar is not None:
            communications.drop_pending_reminders(runtime.db, webinar_id)
        return
    leads = preferences(runtime, webinar_id).reminder_leads
    wanted = {lead: communications.stamp(start - timedelta(minutes=lead)) for lead in leads}
    communications.set_reminders(runtime.db, webinar_id, wanted, communications.stamp(now or utc_now()))


async def run_due(runtime: Runtime, now: datetime | None = None) -> int:
    """Plan reminders for published webinars that have none yet, then fire what is due; returns how many fired."""
    now = now or utc_now()
    stamp = communications.stamp(now)
    for webinar_id in communications.unplanned_webinar_ids(runtime.db, stamp):
        plan(runtime, webinar_id, now)
    fired = 0
    for reminder in _freshest(runtime, communications.due_reminders(runtime.db, stamp)):
        try:
            fired += await fire(runtime, reminder, now)
        except Exception:  # noqa: BLE001 - stays pending: the next pass tries again, keys keep it single
            log.exception("reminder %s failed; will retry", reminder["id"])
    return fired


def _freshest(runtime: Runtime, due: list[dict]) -> list[dict]:
    """Of several due reminders of one webinar (webinar-bot was down), only the shortest lead goes out."""
    freshest: dict[str, dict] = {}
    for reminder in due:
        kept = freshest.get(reminder["webinar_id"])
        if kept is None or reminder["lead_minutes"] < kept["lead_minutes"]:
            freshest[reminder["webinar_id"]] = reminder
    for reminder in due:
        if reminder is not freshest[reminder["webinar_id"]]:
            communications.finish_reminder(runtime.db, reminder["id"], reminder["fire_at"], "skipped")
    return list(freshest.values())


async def fire(runtime: Runtime, reminder: dict, now: datetime) -> bool:
    webinar = mirror.get_webinar(runtime.db, reminder["webinar_id"])
    start = parse_utc(webinar["start_utc"]) if webinar else None
    if webinar is None or webinar["status"] != "published" or start is None or now >= start:
        communications.finish_reminder(runtime.db, reminder["id"], reminder["fire_at"], "skipped")
        log.info("reminder skipped: the webinar started, ended or is not published",
                 extra={"fields": {"reminder": reminder["id"]}})
        return False
    left = max(1, int((start - now).total_seconds() // 60))
    lead = left if left < reminder["lead_minutes"] - 1 else reminder["lead_minutes"]   # late: say what's left
    key = f"reminder:{reminder['id']}:{reminder['fire_at']}"
    mode = mode_of(runtime, webinar)
    for recipient in await of_webinar(runtime, webinar["id"], ("registered",)):
        await tell(runtime, webinar, recipient, "reminder", key, mode, lead_minutes=lead)
    for route in routing.routes_for(runtime.db, webinar["id"], "changes"):
        channel = route["channel_id"]
        message = {"channel": channel, **starting_soon(webinar, lead)}
        card = routing.card_for(runtime.db, webinar["id"], channel)
        if card:
            message["thread_ts"] = card["ts"]
        queues.enqueue(runtime.db, f"{key}:channel:{channel}", channel, "chat.postMessage", message)
    runtime.outbox_wakeup.set()
    communications.finish_reminder(runtime.db, reminder["id"], reminder["fire_at"], "sent")
    return True


# --------------------------------------------------------------------------------------------------------------
# `/webinar remind <webinar> [list|add 2h|remove 2h|off]`


@dataclass(frozen=True)
class RemindResult:
    webinar: dict
    leads: tuple[int, ...]
    note: str | None = None


async def remind(runtime: Runtime, slack_user: str, ref: str, words: list[str]) -> RemindResult:
    webinar = await webinars.resolve(runtime, ref, slack_user)
    if webinars.role_of(webinar, webinars.entra_id_of(runtime, slack_user)) is None:
        raise NotAllowed("Only the organizer or a co-organizer of this webinar can change its reminders.")
    action, args = (words[0].lower(), words[1:]) if words else ("list", [])
    current = preferences(runtime, webinar["id"]).reminder_leads
    if action == "list":
        if webinar["status"] == "published":
            plan(runtime, webinar["id"])
        return RemindResult(webinar, current)
    if action == "off":
        leads, note = (), "Reminders are now off."
    elif action in ("add", "remove"):
        minutes = _durations(args, action)
        if action == "add":
            leads = tuple(sorted(set(current) | set(minutes), reverse=True))
            if len(leads) > MAX_REMINDERS:
                raise UserFacingError(f"A webinar can have up to {MAX_REMINDERS} reminders; remove one first.")
        else:
            missing = [m for m in minutes if m not in current]
            if missing:
                raise UserFacingError(f"There is no reminder at `{escape(args[minutes.index(missing[0])])}` "
                                      "before the start.")
            leads = tuple(m for m in current if m not in minutes)
        note = "Reminders updated."
    else:
        raise UserFacingError(f"I don't know `{escape(action)}` here. Try `list`, `add 2h`, `remove 2h` or `off`.")
    save_preferences(runtime, webinar["id"], leads=leads)
    audit.record(runtime.db, slack_user, "webinar.reminders", webinar["id"], ",".join(map(str, leads)) or "off",
                 "slack")
    return RemindResult(webinar, leads, note)


def _durations(args: list[str], action: str) -> list[int]:
    if not args:
        raise UserFacingError(f"How long before the start? For example `{action} 2h`, `{action} 1d` or "
                              f"`{action} 1h30m`.")
    minutes = []
    for arg in args:
        try:
            value = parse_duration(arg)
        except ValueError:
            raise UserFacingError(f"`{escape(arg)}` is not a time like 15m, 2h, 1d or 1h30m.") from None
        if value > MAX_LEAD:
            raise UserFacingError("Reminders can be at most 4 weeks before the start.")
        minutes.append(value)
    return minutes
