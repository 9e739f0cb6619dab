"""Who hears from webinar-bot about a webinar, and how: a Slack DM, an e-mail, or nothing.

A registration made in Slack carries its Slack user (the registration flow records it), so that person gets DMs.
Everyone else (registered through the Teams page, or by someone else) gets e-mail, if webinar-bot owns the
registrant messages of this webinar and SMTP_URL is set.

Which webinar's messages webinar-bot owns follows `settings.isAttendeeEmailNotificationEnabled`: when Teams e-mails
attendees, webinar-bot only adds what Teams doesn't send (the join-link DM and Slack reminders), and no mail.

Registrant details that the mirror lacks (preferred time zone, who made the registration, the personal join link)
are fetched from Graph app-only and kept in `registrant_details`. When Graph can't be reached, messages still go
out with what is known (times in UTC, no join button) rather than not at all.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from bot.graph.errors import GraphError
from bot.graph.models import Registration
from bot.mail.unsubscribe import read_token
from bot.services.runtime import Runtime
from storage import communications, mirror

log = logging.getLogger(__name__)

SLACK_REFERRER = "webinar-bot (Slack)"      # bot.services.registration.REFERRER
LIVE = ("registered", "waitlisted", "pendingApproval")


@dataclass(frozen=True)
class Mode:
    teams_emails: bool          # Teams e-mails attendees itself
    mail: bool                  # webinar-bot e-mails registrants outside Slack

    @property
    def owns_messages(self) -> bool:
        return not self.teams_emails


def mode_of(runtime: Runtime, webinar: dict) -> Mode:
    settings = (json.loads(webinar.get("raw") or "{}").get("settings") or {})
    teams = settings.get("isAttendeeEmailNotificationEnabled") is not False
    return Mode(teams_emails=teams, mail=not teams and bool(runtime.settings.smtp_url))


@dataclass(frozen=True)
class Recipient:
    registration_id: str
    webinar_id: str
    status: str
    first_name: str
    last_name: str
    email: str | None
    slack_user_id: str | None
    time_zone: str | None       # Graph's preferredTimezone (a Windows name), None when unknown
    made_in_slack: bool

    @property
    def name(self) -> str:
        return " ".join(filter(None, [self.first_name, self.last_name])) or (self.email or "")

    @property
    def via(self) -> str | None:
        """"slack", "mail", or None (a Slack registration whose user is not recorded yet: the registration
        flow tells that person itself)."""
        if self.slack_user_id:
            return "slack"
        if self.made_in_slack or not self.email:
            return None
        return "mail"


def _recipient(row: dict, details: dict | None) -> Recipient:
    details = details or {}
    return Recipient(
        registration_id=row["id"], webinar_id=row["webinar_id"], status=row["status"],
        first_name=row.get("first_name") or "", last_name=row.get("last_name") or "", email=row.get("email"),
        slack_user_id=row.get("slack_user_id"), time_zone=details.get("time_zone"),
        made_in_slack=details.get("referrer") == SLACK_REFERRER)


def remember_details(runtime: Runtime, webinar_id: str, registration: Registration) -> None:
    info = registration.external_registration_information
    communications.save_details(runtime.db, registration.id, webinar_id, time_zone=registration.preferred_timezone,
                                language=registration.preferred_language,
                                referrer=info.referrer if info else None)


async def one(runtime: Runtime, webinar_id: str, registration_id: str) -> Recipient | None:
    row = mirror.get_registration(runtime.db, registration_id)
    if row is None:
        return None
    details = communications.get_details(runtime.db, registration_id)
    if details is None and not row.get("slack_user_id"):
        try:
            remember_details(runtime, webinar_id, await runtime.graph.get_registration(webinar_id, registration_id))
            details = communications.get_details(runtime.db, registration_id)
        except GraphError as error:
            log.warning("registrant details unknown, using what the mirror has: %s", error)
    return _recipient(row, details)


async def of_webinar(runtime: Runtime, webinar_id: str, statuses: tuple[str, ...] = LIVE) -> list[Recipient]:
    """Registrations in these statuses, with details; one paged Graph list fills in whatever is missing."""
    rows = [r for r in mirror.registrations_for(runtime.db, webinar_id) if r["status"] in statuses]
    details = communications.details_for(runtime.db, webinar_id)
    if any(r["id"] not in details and not r.get("slack_user_id") for r in rows):
        try:
            async for registration in runtime.graph.list_registrations(webinar_id):
                remember_details(runtime, webinar_id, registration)
            details = communications.details_for(runtime.db, webinar_id)
        except GraphError as error:
            log.warning("registrant details unknown, using what the mirror has: %s", error)
    return [_recipient(row, details.get(row["id"])) for row in rows]


async def join_url(runtime: Runtime, recipient: Recipient) -> str | None:
    """The registrant's personal join link (registered only), fetched once and kept."""
    if recipient.status != "registered":
        return None
    known = communications.get_details(runtime.db, recipient.registration_id)
    if known and known.get("join_url"):
        return known["join_url"]
    try:
        async for session in runtime.graph.list_registration_sessions(recipient.webinar_id,
                                                                      recipient.registration_id):
            if session.join_web_url:
                communications.save_details(runtime.db, recipient.registration_id, recipient.webinar_id,
                                            join_url=session.join_web_url)
                return session.join_web_url
    except GraphError as error:
        log.warning("no join link for a registrant: %s", error)
    return None


async def recording_url(runtime: Runtime, webinar_id: str) -> str | None:
    """The session's videoOnDemandWebUrl, when Teams has published a recording (only a full GET carries it)."""
    try:
        async for summary in runtime.graph.list_sessions(webinar_id):
            session = await runtime.graph.get_session(webinar_id, summary.id)
            if session.video_on_demand_web_url:
                return session.video_on_demand_web_url
    except GraphError as error:
        log.info("no recording link: %s", error)
    return None


def opt_out(runtime: Runtime, token: str) -> dict | None:
    """Record the opt-out a signed unsubscribe token asks for; the webinar row (or {}), None for a bad token."""
    registration_id = read_token(runtime.settings.secret_key, token)
    if registration_id is None:
        return None
    row = mirror.get_registration(runtime.db, registration_id)
    webinar_id = row["webinar_id"] if row else None
    communications.opt_out(runtime.db, registration_id, webinar_id)
    log.info("registrant opted out of mail", extra={"fields": {"registration": registration_id}})
    return (mirror.get_webinar(runtime.db, webinar_id) if webinar_id else None) or {}


def is_genuine(runtime: Runtime, token: str) -> dict | None:
    """The webinar row (or {}) a genuine token's registration belongs to, without changing anything."""
    registration_id = read_token(runtime.settings.secret_key, token)
    if registration_id is None:
        return None
    row = mirror.get_registration(runtime.db, registration_id)
    return (mirror.get_webinar(runtime.db, row["webinar_id"]) if row else None) or {}
