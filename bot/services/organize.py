"""Organizer use cases: create, edit, publish and cancel webinars (reading them is in `listing`).

Every write uses the caller's own delegated token (Graph allows nothing else for these calls), after a role check
against the mirror (REFERENCE §1.2: only the organizer publishes and cancels; the organizer or a co-organizer
edits). The mirror can be stale, so Graph stays the authority: its 403 is turned into the same plain sentence.
Every action lands in `audit_log` with its result, whether it worked or not.

No Slack payloads here: callers pass plain values (a `WebinarForm`) and get mirror rows and models back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.graph import bodies, timezones
from bot.graph.errors import Forbidden, GraphError
from bot.graph.models import Webinar
from bot.graph.tokens import SignInRequired
from bot.services import news, people, reminders, webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from storage import audit, mirror, organizer, users

log = logging.getLogger(__name__)

TITLE_MAX = 200           # Teams shows long titles badly; 200 leaves room for Slack's 255-char option limits too
DESCRIPTION_MAX = 3000    # Slack's own cap for a plain_text_input
CUSTOM_QUESTION_MAX = 200
START_GRACE = timedelta(minutes=2)   # the time it takes to fill in the form
ORGANIZER_ONLY = ("organizer",)
ORGANIZERS = ("organizer", "coOrganizer")


# --------------------------------------------------------------------------------------------------------------
# Who is asking, and may they?


def actor_entra_id(runtime: Runtime, slack_user: str) -> str:
    """The caller's Entra id; a Slack user who never signed in gets `SignInRequired` (answered with a sign-in
    prompt), before any Graph call is tried."""
    link = users.get_link(runtime.db, slack_user)
    if not link:
        raise SignInRequired(slack_user)
    return link["entra_user_id"]


def is_signed_in(runtime: Runtime, slack_user: str) -> bool:
    return users.get_link(runtime.db, slack_user) is not None


def role(runtime: Runtime, row: dict, slack_user: str) -> str | None:
    return webinars.role_of(row, actor_entra_id(runtime, slack_user))


def organizer_name(row: dict) -> str:
    user = (json.loads(row.get("raw") or "{}").get("createdBy") or {}).get("user") or {}
    return user.get("displayName") or "the organizer"


def require(runtime: Runtime, row: dict, slack_user: str, allowed: tuple[str, ...], doing: str) -> str:
    """The caller's role, or `NotAllowed` with a sentence that says who can do it instead."""
    found = role(runtime, row, slack_user)
    if found not in allowed:
        audit.record(runtime.db, slack_user, "webinar.denied", row["id"], f"{doing}: role {found or 'none'}",
                     "slack")
        raise NotAllowed(not_allowed_text(row, allowed, doing))
    return found


def not_allowed_text(row: dict, allowed: tuple[str, ...], doing: str) -> str:
    who = "the organizer" if allowed == ORGANIZER_ONLY else "the organizer or a co-organizer"
    return (f"Only {who} can {doing} this webinar. Ask {escape(organizer_name(row))} "
            f"(the organizer of *{escape(row['title'])}*), or see `/webinar show {row['handle']}`.")


@contextlib.contextmanager
def audited(runtime: Runtime, actor: str, action: str, target: str | None, origin: str):
    """Record the action with its result; the yielded dict may set `target` and `detail` on the way."""
    entry = {"target": target, "detail": None}
    try:
        yield entry
    except Exception as error:
        code = getattr(error, "code", None) or type(error).__name__
        detail = f"failed: {code}" + (f" ({entry['detail']})" if entry["detail"] else "")
        audit.record(runtime.db, actor, action, entry["target"], detail, origin)
        raise
    audit.record(runtime.db, actor, action, entry["target"], "ok" + (f": {entry['detail']}" if entry["detail"]
                                                                    else ""), origin)


@contextlib.contextmanager
def graph_refusal_as(message: str):
    """Graph's 403 means the caller lacks the role (or the mirror was stale): say so, plainly."""
    try:
        yield
    except Forbidden as error:
        refusal = NotAllowed(message)
        refusal.code = error.code or "Forbidden"   # what `audited` records
        raise refusal from None


# --------------------------------------------------------------------------------------------------------------
# The create / edit form, validated


@dataclass(frozen=True)
class WebinarForm:
    title: str
    description: str = ""
    start: datetime | None = None          # aware
    end: datetime | None = None
    audience: str = "organization"
    co_organizers: tuple[str, ...] = ()    # Slack user ids
    attendee_emails: bool = True
    predefined_questions: tuple[str, ...] = ()
    custom_question: str = ""
    card_channel: str | None = None
    reminder_leads: tuple[int, ...] | None = None   # minutes before the start; None: leave as they are
    follow_ups: tuple[str, ...] | None = None       # bot.ui.notices THANK / MISSED; None: leave as they are


def check_form(form: WebinarForm, *, now: datetime | None = None, original_start: datetime | None = None) -> dict:
    """Field -> problem, for everything that can be checked without asking anyone.

    `original_start` (editing) lets a webinar that already started keep its start time.
    """
    now = now or datetime.now(UTC)
    errors: dict[str, str] = {}
    title = form.title.strip()
    if not title:
        errors["title"] = "Give the webinar a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters (this one has {len(title)})."
    if len(form.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX} characters."
    if form.start is None:
        errors["start"] = "Pick a start date and time."
    elif form.start < now - START_GRACE and form.start != original_start:
        errors["start"] = "This start time is in the past. Pick a time from now on."
    if form.end is None:
        errors["end"] = "Pick an end date and time."
    elif form.start is not None and form.end <= form.start:
        errors["end"] = "The end must be after the start."
    if len(form.custom_question.strip()) > CUSTOM_QUESTION_MAX:
        errors["custom_question"] = f"Keep the question to {CUSTOM_QUESTION_MAX} characters."
    return errors


async def co_organizer_ids(runtime: Runtime, slack_ids: tuple[str, ...], *,
                           organizer_entra_id: str | None) -> tuple[list[tuple[str, str]], str | None]:
    """Entra (id, tenant) pairs for the chosen Slack users, matched by the e-mail on their Slack profile;
    or a sentence naming everyone who can't co-organize (the form shows it under the field)."""
    found = await asyncio.gather(*(_entra_for(runtime, slack_id) for slack_id in slack_ids))
    pairs, missing, is_organizer = [], [], False
    for name, entra_id in found:
        if entra_id is None:
            missing.append(name)
        elif entra_id == organizer_entra_id:
            is_organizer = True
        elif (entra_id, runtime.settings.ms_tenant_id) not in pairs:
            pairs.append((entra_id, runtime.settings.ms_tenant_id))
    if missing:
        names = ", ".join(missing)
        return pairs, (f"No Microsoft 365 account matches {names} (looked up by the e-mail on their Slack "
                       "profile), so they can't co-organize. Remove them, or add them in Teams later.")
    if is_organizer:
        return pairs, "The organizer is already in charge; choose other people as co-organizers."
    return pairs, None


async def _entra_for(runtime: Runtime, slack_id: str) -> tuple[str, str | None]:
    profile = await people.slack_profile(runtime, slack_id)
    name = (f"{profile.first_name} {profile.last_name}".strip() if profile else "") or slack_id
    if profile is None or profile.is_bot or not profile.email:
        return name, None
    try:
        user = await runtime.graph.find_user(profile.email)
    except GraphError as error:
        log.warning("co-organizer lookup failed: %s", error.code)
        return name, None
    return name, user.id if user else None


async def time_zone_of(runtime: Runtime, slack_user: str) -> str:
    """The caller's Slack time zone (IANA), which is how Teams will show the webinar to them."""
    profile = await people.slack_profile(runtime, slack_user)
    return (profile.tz if profile else None) or "UTC"


# --------------------------------------------------------------------------------------------------------------
# Create, edit, publish, cancel


@dataclass(frozen=True)
class Created:
    webinar: dict                       # mirror row, with its handle
    question_problems: list[str] = field(default_factory=list)
    card_channel: str | None = None


async def create(runtime: Runtime, slack_user: str, form: WebinarForm, *, co_organizers: list[tuple[str, str]],
                 time_zone: str, origin: str = "slack:modal") -> Created:
    actor_entra_id(runtime, slack_user)
    body = bodies.webinar_create_body(
        form.title.strip(), form.description.strip(), form.start, form.end, time_zone=_graph_zone(time_zone),
        audience=form.audience, co_organizers=co_organizers, attendee_emails=form.attendee_emails)
    with audited(runtime, slack_user, "webinar.create", None, origin) as entry:
        webinar = await runtime.graph.create_webinar(body, user=slack_user)
        entry["target"] = webinar.id
    webinars.save(runtime, webinar, organizer_slack_id=slack_user)
    reminders.save_preferences(runtime, webinar.id, leads=form.reminder_leads, follow_ups=form.follow_ups)
    problems = await _initial_questions(runtime, slack_user, webinar.id, form, origin)
    if form.card_channel:
        organizer.request_card(runtime.db, webinar.id, form.card_channel, slack_user)
    return Created(mirror.get_webinar(runtime.db, webinar.id), problems, form.card_channel)


def _graph_zone(time_zone: str) -> str:
    """A Windows zone name for Graph; a zone nobody knows falls back to UTC rather than failing the create."""
    return timezones.iana_to_windows(time_zone, default="UTC") or "UTC"


async def _initial_questions(runtime: Runtime, slack_user: str, webinar_id: str, form: WebinarForm,
                             origin: str) -> list[str]:
    """Questions chosen in the create form; one that fails is reported, the webinar stays created."""
    from bot.services import questions  # questions imports this module for its role checks

    wanted = [("predefined", label) for label in form.predefined_questions]
    if form.custom_question.strip():
        wanted.append(("custom", form.custom_question.strip()))
    problems = []
    for kind, value in wanted:
        try:
            if kind == "predefined":
                await questions.add_predefined(runtime, slack_user, webinar_id, [value], origin=origin)
            else:
                await questions.add_custom(runtime, slack_user, webinar_id,
                                           questions.CustomQuestion(value, "text"), origin=origin)
        except (GraphError, UserFacingError) as error:
            problems.append(f"{questions.LABELS.get(value, value)} ({getattr(error, 'code', None) or error})")
    return problems


@dataclass(frozen=True)
class EditState:
    webinar: dict                        # mirror row
    current: Webinar                     # fresh from Graph
    co_organizer_slack_ids: tuple[str, ...]
    kept_co_organizers: tuple[tuple[str, str, str], ...]   # (entra id, tenant, name): not in Slack, kept as is
    choices: reminders.Preferences = reminders.Preferences()   # reminders and follow-ups

    @property
    def form(self) -> WebinarForm:
        """The edit form's initial values."""
        current = self.current
        return WebinarForm(
            title=current.display_name, description=current.description,
            start=current.start.to_utc() if current.start else None,
            end=current.end.to_utc() if current.end else None,
            audience=current.audience if current.audience in ("everyone", "organization") else "organization",
            co_organizers=self.co_organizer_slack_ids,
            attendee_emails=current.settings.is_attendee_email_notification_enabled is not False,
            reminder_leads=self.choices.reminder_leads, follow_ups=self.choices.follow_ups)


async def load_for_edit(runtime: Runtime, slack_user: str, ref: str) -> EditState:
    row = await webinars.resolve(runtime, ref, slack_user)
    require(runtime, row, slack_user, ORGANIZERS, "edit")
    current = await runtime.graph.get_webinar(row["id"], user=slack_user)
    await news.webinar_changed(runtime, current)
    row = mirror.get_webinar(runtime.db, current.id)
    if current.status == "canceled":
        raise UserFacingError(f"*{escape(row['title'])}* (`{row['handle']}`) was cancelled; "
                              "a cancelled webinar can't be changed.")
    slack_ids, kept = [], []
    for person in current.co_organizers:
        slack_id = await _slack_id_for(runtime, person.id)
        if slack_id:
            slack_ids.append(slack_id)
        elif person.id:
            kept.append((person.id, person.tenant_id or runtime.settings.ms_tenant_id,
                         person.display_name or person.id))
    return EditState(row, current, tuple(slack_ids), tuple(kept), reminders.preferences(runtime, row["id"]))


async def _slack_id_for(runtime: Runtime, entra_id: str | None) -> str | None:
    """Entra -> Slack: a signed-in user's link first, else the Slack account with the directory e-mail."""
    if not entra_id:
        return None
    link = users.link_for_entra_id(runtime.db, entra_id)
    if link:
        return link["slack_user_id"]
    try:
        user = await runtime.graph.find_user(entra_id)
        email = user.mail or user.user_principal_name if user else None
        if email:
            found = await runtime.slack.users_lookupByEmail(email=email)
            return found["user"]["id"]
    except Exception as error:   # noqa: BLE001 -- a missing mapping only means "kept as is"
        log.info("no Slack account for co-organizer %s: %s", entra_id, type(error).__name__)
    return None


@dataclass(frozen=True)
class Updated:
    webinar: dict
    changed: tuple[str, ...]


async def update(runtime: Runtime, slack_user: str, webinar_id: str, form: WebinarForm, *,
                 co_organizers: list[tuple[str, str]], time_zone: str, origin: str = "slack:modal") -> Updated:
    """PATCH only what changed (Graph sends notices about some changes, so no needless writes)."""
    row = await webinars.resolve(runtime, webinar_id, slack_user)
    require(runtime, row, slack_user, ORGANIZERS, "edit")
    current = Webinar.from_graph(json.loads(row["raw"]))
    changes = _changes(current, form, co_organizers)
    if not changes:
        return Updated(row, _save_choices(runtime, row["id"], form))
    if "start_utc" in changes or "end_utc" in changes:
        # Keep the zone Teams already shows the webinar in; the editor's own zone only for an unknown one.
        zone = current.start.time_zone if current.start and current.start.is_zone_known else time_zone
        changes.update(start_utc=form.start, end_utc=form.end, time_zone=_graph_zone(zone))
    body = bodies.webinar_update_body(**changes)
    with audited(runtime, slack_user, "webinar.update", row["id"], origin) as entry, \
            graph_refusal_as(not_allowed_text(row, ORGANIZERS, "edit")):
        entry["detail"] = "changed: " + ", ".join(sorted(body))
        updated = await runtime.graph.update_webinar(row["id"], body, user=slack_user)
    await news.webinar_changed(runtime, updated)
    names = {"displayName": "title", "description": "description", "startDateTime": "start",
             "endDateTime": "end", "coOrganizers": "co-organizers", "settings": "attendee e-mails"}
    changed = tuple(names[key] for key in body) + _save_choices(runtime, row["id"], form)
    return Updated(mirror.get_webinar(runtime.db, row["id"]), changed)


def _save_choices(runtime: Runtime, webinar_id: str, form: WebinarForm) -> tuple[str, ...]:
    """Reminders and follow-ups live in webinar-bot, not in Teams: saved after Graph took the rest."""
    if reminders.save_preferences(runtime, webinar_id, leads=form.reminder_leads, follow_ups=form.follow_ups):
        return ("reminders and follow-ups",)
    return ()


def _changes(current: Webinar, form: WebinarForm, co_organizers: list[tuple[str, str]]) -> dict:
    changes: dict = {}
    if form.title.strip() != current.display_name:
        changes["display_name"] = form.title.strip()
    if form.description.strip() != current.description.strip():
        changes["description"] = form.description.strip()
    if current.start is None or form.start != current.start.to_utc():
        changes["start_utc"] = form.start
    if current.end is None or form.end != current.end.to_utc():
        changes["end_utc"] = form.end
    if {entra for entra, _ in co_organizers} != set(current.co_organizer_ids):
        changes["co_organizers"] = co_organizers
    if form.attendee_emails != (current.settings.is_attendee_email_notification_enabled is not False):
        changes["attendee_emails"] = form.attendee_emails
    return changes


@dataclass(frozen=True)
class Published:
    webinar: dict
    already: bool = False
    card_request: dict | None = None     # the create form's "post a card to" wish, now due


async def publish(runtime: Runtime, slack_user: str, ref: str, *, origin: str = "slack") -> Published:
    row = await webinars.resolve(runtime, ref, slack_user)
    require(runtime, row, slack_user, ORGANIZER_ONLY, "publish")
    if row["status"] == "canceled":
        raise UserFacingError(f"*{escape(row['title'])}* (`{row['handle']}`) was cancelled, so it can't be "
                              "published. Create a new one with `/webinar create`.")
    if row["status"] == "published":
        return Published(row, already=True)
    with audited(runtime, slack_user, "webinar.publish", row["id"], origin), \
            graph_refusal_as(not_allowed_text(row, ORGANIZER_ONLY, "publish")):
        await runtime.graph.publish_webinar(row["id"], user=slack_user)
    await _refresh(runtime, row["id"], slack_user, fallback_status="published")
    wish = organizer.card_request(runtime.db, row["id"])
    return Published(mirror.get_webinar(runtime.db, row["id"]), card_request=wish)


async def cancel(runtime: Runtime, slack_user: str, ref: str, *, origin: str = "slack") -> dict:
    """Permanent (REFERENCE §1.1). Returns the mirror row, now `canceled`."""
    row = await webinars.resolve(runtime, ref, slack_user)
    require(runtime, row, slack_user, ORGANIZER_ONLY, "cancel")
    if row["status"] == "canceled":
        return row
    with audited(runtime, slack_user, "webinar.cancel", row["id"], origin), \
            graph_refusal_as(not_allowed_text(row, ORGANIZER_ONLY, "cancel")):
        await runtime.graph.cancel_webinar(row["id"], user=slack_user)
    await _refresh(runtime, row["id"], slack_user, fallback_status="canceled")
    organizer.forget_card_request(runtime.db, row["id"])
    return mirror.get_webinar(runtime.db, row["id"])


async def _refresh(runtime: Runtime, webinar_id: str, slack_user: str, *, fallback_status: str) -> None:
    """Mirror the webinar as Graph now has it; if that read fails, at least record the new status."""
    try:
        webinar = await runtime.graph.get_webinar(webinar_id, user=slack_user)
    except GraphError:
        row = mirror.get_webinar(runtime.db, webinar_id)
        webinar = Webinar.from_graph(json.loads(row["raw"]) | {"status": fallback_status})
    await news.webinar_changed(runtime, webinar)


def mark_card_request_done(runtime: Runtime, webinar_id: str) -> None:
    organizer.forget_card_request(runtime.db, webinar_id)


def remember_dm_card(runtime: Runtime, webinar_id: str, slack_user: str, channel_id: str, ts: str) -> None:
    """The organizer's confirmation card, so later changes update it in place."""
    organizer.save_dm_card(runtime.db, webinar_id, slack_user, channel_id, ts)


def dm_cards(runtime: Runtime, webinar_id: str) -> list[dict]:
    return organizer.dm_cards(runtime.db, webinar_id)


def registration_counts(runtime: Runtime, webinar_id: str) -> dict[str, int]:
    return mirror.registration_counts(runtime.db, webinar_id)
