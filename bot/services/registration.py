"""Register a Slack user for a webinar, find or cancel their registration, and DM them their own join link.

Graph registers people in two ways (REFERENCE §0, §2.3), and `registration_path` picks one explicitly:

* **delegated** when the Slack user signed in to Microsoft and registers with that account's address: Graph
  registers the caller and answers 201 with the registration;
* **anonymous** otherwise (not signed in, not in the tenant, or another address): the app-only token registers
  first name, last name and e-mail, Graph answers 204 with no body, and the registration is found again through
  the `registrations(email='...')` alternate key. A delegated attempt whose sign-in turns out to be gone falls
  back to this path.

Either way the body carries the registrant's time zone (Slack's IANA zone as a Windows name) and language, and a
correlation id in `externalRegistrationInformation` that also appears in the logs.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.graph import bodies
from bot.graph.errors import BadRequest, Conflict, GraphError, NotFound
from bot.graph.models import Question, Registration
from bot.graph.tokens import SignInRequired
from bot.logs import correlation, new_correlation_id
from bot.services import alerts, cards, news, people, sync, webinars
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from bot.ui import ics
from bot.ui.mrkdwn import escape, parse_utc
from bot.ui.registration import (
    BLOCKED_LINES,
    CANCELLABLE,
    QUESTIONS_MAX,
    confirmation_message,
    question_block,
)
from storage import audit, mirror, users

log = logging.getLogger(__name__)

DELEGATED, ANONYMOUS = "delegated", "anonymous"
REFERRER = "webinar-bot (Slack)"
PLACE_TAKING = ("registered", "pendingApproval")
MAX_DM_WAIT = 10.0       # seconds: longest Retry-After waited for before a DM is given up
LIVE = ("registered", "waitlisted", "pendingApproval", "rejectedByOrganizer")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotRegistrable(UserFacingError):
    """This person can't or needn't register: `reason` is organizer, coOrganizer, presenter, canceled, draft,
    full or unsupported (the UI explains each)."""

    def __init__(self, reason: str, webinar: dict):
        super().__init__(BLOCKED_LINES[reason].format(title=escape(webinar["title"])))
        self.reason, self.webinar = reason, webinar


class AnswerProblems(UserFacingError):
    """Answers Graph would refuse; `problems` maps first_name / last_name / email / a question id to a message."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("Some answers need another look: " + "; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Contact:
    first_name: str
    last_name: str
    email: str

    @classmethod
    def from_profile(cls, profile: people.SlackProfile | None) -> Contact:
        if profile is None:
            return cls("", "", "")
        return cls(profile.first_name, profile.last_name, profile.email or "")


@dataclass(frozen=True)
class RegistrationForm:
    """Everything the register modal needs."""

    webinar: dict                                   # mirror row
    contact: Contact                                # prefilled from the Slack profile
    questions: tuple[Question, ...] = ()
    registration_url: str | None = None
    blocked: str | None = None                      # a NotRegistrable reason
    waitlist: bool = False                          # full, but the waitlist still takes people
    existing: Registration | None = None
    join_url: str | None = None


@dataclass(frozen=True)
class Outcome:
    webinar: dict
    registration: Registration
    join_url: str | None
    path: str | None = None                         # DELEGATED / ANONYMOUS; None when it already existed
    already: bool = False


# --------------------------------------------------------------------------------------------------------------
# Opening the form


async def prepare(runtime: Runtime, webinar_ref: str, slack_user: str) -> RegistrationForm:
    """What the modal shows: the form, the existing registration, or why there's nothing to fill in."""
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    webinar = await refresh_webinar(runtime, webinar["id"])
    profile = await people.slack_profile(runtime, slack_user)
    contact = Contact.from_profile(profile)
    entra_id = webinars.entra_id_of(runtime, slack_user)
    role = await role_on(runtime, webinar, entra_id, contact.email)
    if role:
        return RegistrationForm(webinar, contact, blocked=role)
    if webinar["status"] != "published":
        return RegistrationForm(webinar, contact, blocked="canceled" if webinar["status"] == "canceled" else "draft")
    existing = await find_existing(runtime, webinar["id"], email=contact.email, entra_id=entra_id)
    if existing:
        return RegistrationForm(webinar, contact, existing=existing,
                                join_url=await join_url(runtime, webinar["id"], existing))
    configuration, questions, taken = await asyncio.gather(
        runtime.graph.get_registration_configuration(webinar["id"]), questions_for(runtime, webinar["id"]),
        places_taken(runtime, webinar["id"]))
    full = configuration.capacity is not None and taken >= configuration.capacity
    blocked = None
    if full and not configuration.is_waitlist_enabled:
        blocked = "full"
    elif len(questions) > QUESTIONS_MAX or any(q.is_required and question_block(q) is None for q in questions):
        blocked = "unsupported"
    return RegistrationForm(webinar, contact, questions, configuration.registration_web_url, blocked,
                            waitlist=full and not blocked)


async def questions_for(runtime: Runtime, webinar_id: str) -> tuple[Question, ...]:
    """The webinar's registration questions, read app-only (registrants can't read them delegated)."""
    return tuple([q async for q in runtime.graph.list_questions(webinar_id)])


async def places_taken(runtime: Runtime, webinar_id: str) -> int:
    """Registered and pending registrations: Graph's list when the app may read it, else the mirror."""
    try:
        return sum([r.status in PLACE_TAKING async for r in runtime.graph.list_registrations(webinar_id)])
    except GraphError as error:
        log.info("counting places from the mirror: %s", error)
        counts = mirror.registration_counts(runtime.db, webinar_id)
        return sum(counts.get(status, 0) for status in PLACE_TAKING)


async def role_on(runtime: Runtime, webinar: dict, entra_id: str | None, email: str | None) -> str | None:
    """organizer, coOrganizer or presenter: people who join without registering."""
    role = webinars.role_of(webinar, entra_id)
    if role:
        return role
    try:
        presenters = [p async for p in runtime.graph.list_presenters(webinar["id"])]
    except GraphError as error:
        log.info("presenters unknown, treating the caller as an attendee: %s", error)
        return None
    address = (email or "").lower()
    if any((entra_id and p.id == entra_id) or (address and (p.email or "").lower() == address) for p in presenters):
        return "presenter"
    return None


async def refresh_webinar(runtime: Runtime, webinar_id: str) -> dict:
    """The webinar as Graph has it now; a change found here is routed and shown on cards like a notification."""
    await news.announce(runtime, await sync.sync_webinar(runtime, webinar_id))
    return mirror.get_webinar(runtime.db, webinar_id)


# --------------------------------------------------------------------------------------------------------------
# Registering


def contact_problems(contact: Contact) -> dict[str, str]:
    problems = {}
    if not contact.first_name.strip():
        problems["first_name"] = "Please give your first name."
    if not contact.last_name.strip():
        problems["last_name"] = "Please give your last name."
    if not _EMAIL.match(contact.email.strip()):
        problems["email"] = "Please give an e-mail address such as name@example.com."
    return problems


def answer_items(questions: tuple[Question, ...], raw: dict[str, Any]) -> list[dict[str, Any]]:
    """`registrationQuestionAnswers` items; AnswerProblems (by question id) for what Graph would refuse."""
    items, problems = [], {}
    for question in questions:
        if question_block(question) is None and not question.is_required:
            continue
        try:
            items.append(bodies.answer(question, raw.get(question.id)))
        except ValueError as error:
            problems[question.id] = str(error)
    if problems:
        raise AnswerProblems(problems)
    return [item for item in items if item is not None]


def registration_path(runtime: Runtime, slack_user: str, email: str, profile_email: str | None = None) -> str:
    """Delegated when this Slack user signed in to Microsoft and registers with that account's address (or the
    one on their Slack profile); anonymous for everyone else."""
    link = users.get_link(runtime.db, slack_user)
    if link is None:
        return ANONYMOUS
    own = {link["upn"].lower(), (profile_email or "").lower()} - {""}
    return DELEGATED if email.strip().lower() in own else ANONYMOUS


async def register(runtime: Runtime, webinar_id: str, slack_user: str, contact: Contact, raw_answers: dict[str, Any],
                   questions: tuple[Question, ...]) -> Outcome:
    """Register `slack_user` (idempotent: an existing registration is returned with `already=True`)."""
    problems = contact_problems(contact)
    if problems:
        raise AnswerProblems(problems)
    items = answer_items(questions, raw_answers)
    webinar = await refresh_webinar(runtime, webinar_id)
    entra_id = webinars.entra_id_of(runtime, slack_user)
    role = await role_on(runtime, webinar, entra_id, contact.email)
    if role:
        raise NotRegistrable(role, webinar)
    if webinar["status"] != "published":
        raise NotRegistrable("canceled" if webinar["status"] == "canceled" else "draft", webinar)
    existing = await find_existing(runtime, webinar_id, email=contact.email, entra_id=entra_id)
    if existing:
        return await _outcome(runtime, webinar, existing, slack_user, already=True)
    profile = await people.slack_profile(runtime, slack_user)
    path = registration_path(runtime, slack_user, contact.email, profile.email if profile else None)
    try:
        registration, path = await _create(runtime, webinar_id, slack_user, path, contact, profile, items)
    except Conflict:  # registered meanwhile (a double click, another device): show that registration
        existing = await find_existing(runtime, webinar_id, email=contact.email, entra_id=entra_id)
        if existing is None:
            raise
        return await _outcome(runtime, webinar, existing, slack_user, already=True)
    except BadRequest:
        await _explain_refusal(runtime, webinar_id)
        raise
    audit.record(runtime.db, slack_user, "register", webinar_id, f"{path}:{registration.status}")
    return await _outcome(runtime, webinar, registration, slack_user, path=path)


async def _create(runtime: Runtime, webinar_id: str, slack_user: str, path: str, contact: Contact,
                  profile: people.SlackProfile | None, items: list[dict]) -> tuple[Registration, str]:
    time_zone = profile.windows_time_zone if profile else "UTC"
    language = profile.language if profile else "en-us"
    external_id = f"slack-{correlation.get() if correlation.get() != '-' else new_correlation_id()}"
    log.info("registering", extra={"fields": {"webinar": webinar_id, "path": path, "external_id": external_id}})
    if path == DELEGATED:
        body = bodies.registration_body_delegated(time_zone, language, items, external_id, REFERRER)
        try:
            created = await runtime.graph.create_registration(webinar_id, body, user=slack_user)
            if created is None:  # not documented for delegated, but then the caller's own key finds it
                created = await runtime.graph.get_registration_by_email(webinar_id, contact.email)
            return created, DELEGATED
        except SignInRequired:
            log.info("Microsoft sign-in is gone: registering anonymously instead")
    body = bodies.registration_body_anonymous(contact.first_name, contact.last_name, contact.email, time_zone,
                                              language, items, external_id, REFERRER)
    await runtime.graph.create_registration(webinar_id, body)  # 204, no body: look it up by e-mail
    return await runtime.graph.get_registration_by_email(webinar_id, contact.email.strip()), ANONYMOUS


async def _explain_refusal(runtime: Runtime, webinar_id: str) -> None:
    """Graph said 400: closed (cancelled or unpublished) or full become NotRegistrable; anything else stays."""
    webinar = await refresh_webinar(runtime, webinar_id)
    if webinar["status"] != "published":
        raise NotRegistrable("canceled" if webinar["status"] == "canceled" else "draft", webinar) from None
    configuration = await runtime.graph.get_registration_configuration(webinar_id)
    if configuration.capacity is not None and await places_taken(runtime, webinar_id) >= configuration.capacity:
        raise NotRegistrable("full", webinar) from None


async def _outcome(runtime: Runtime, webinar: dict, registration: Registration, slack_user: str, *,
                   already: bool = False, path: str | None = None) -> Outcome:
    remember(runtime, webinar["id"], registration, slack_user)
    await cards.refresh_cards(runtime, webinar["id"])
    return Outcome(webinar, registration, await join_url(runtime, webinar["id"], registration), path, already)


def remember(runtime: Runtime, webinar_id: str, registration: Registration, slack_user: str) -> None:
    """Mirror the registration with its Slack user (later notices DM them); route what changed, like a notification
    would (same event keys), so channels following the webinar hear about it once."""
    events = sync.record_registration(runtime, webinar_id, registration)
    row = mirror.get_registration(runtime.db, registration.id)
    mirror.save_registration(runtime.db, {**row, "slack_user_id": slack_user})
    alerts.route_events(runtime, events)


async def find_existing(runtime: Runtime, webinar_id: str, *, email: str | None,
                        entra_id: str | None) -> Registration | None:
    """A live registration by the userId or e-mail alternate key (app-only), or None."""
    for key, value in (("user_id", entra_id), ("email", (email or "").strip())):
        if not value:
            continue
        try:
            if key == "user_id":
                found = await runtime.graph.get_registration_by_user_id(webinar_id, value)
            else:
                found = await runtime.graph.get_registration_by_email(webinar_id, value)
        except NotFound:
            continue
        if found.status in LIVE:
            return found
    return None


async def join_url(runtime: Runtime, webinar_id: str, registration: Registration) -> str | None:
    """The registrant's personal joinWebUrl, from their registration's sessions (only once registered)."""
    if registration.status != "registered":
        return None
    try:
        async for session in runtime.graph.list_registration_sessions(webinar_id, registration.id):
            if session.join_web_url:
                return session.join_web_url
    except GraphError as error:
        log.warning("no join link for the registration: %s", error)
    return None


# --------------------------------------------------------------------------------------------------------------
# Telling the registrant


async def confirm_by_dm(runtime: Runtime, outcome: Outcome, slack_user: str) -> None:
    """DM the status, local time, join button and cancel button, and for a confirmed place an .ics file.

    The registration already exists in Teams; a Slack failure here is logged, and `/webinar register` shows
    the same details again."""
    try:
        opened = await runtime.slack.conversations_open(users=slack_user)
        channel = opened["channel"]["id"]
        message = confirmation_message(outcome.webinar, outcome.registration, outcome.join_url)
        await _paced(runtime.slack.chat_postMessage, channel=channel, **message)
        invitation = await _invitation(runtime, outcome)
        if invitation:
            await _paced(runtime.slack.files_upload_v2, channel=channel,
                         content=ics.calendar(invitation).encode(), filename=f"{outcome.webinar['handle']}.ics",
                         title=outcome.webinar["title"], initial_comment="Add the webinar to your calendar:")
    except SlackApiError as error:
        log.warning("registration DM not sent: %s", error.response.get("error"))


async def _paced(call, attempts: int = 3, **arguments):
    """Slack paces posts per channel (about one a second): wait out a 429's Retry-After, a few times at most.

    Sent directly rather than through the outbox so the message and its .ics file arrive in order."""
    for attempt in range(1, attempts + 1):
        try:
            return await call(**arguments)
        except SlackApiError as error:
            if error.response.status_code != 429 or attempt == attempts:
                raise
            await asyncio.sleep(min(float(error.response.headers.get("Retry-After", 1)), MAX_DM_WAIT))


async def _invitation(runtime: Runtime, outcome: Outcome) -> ics.Invitation | None:
    webinar, registration = outcome.webinar, outcome.registration
    start, end = parse_utc(webinar.get("start_utc")), parse_utc(webinar.get("end_utc"))
    if registration.status != "registered" or not (start and end):
        return None
    organizer = None
    if webinar.get("organizer_entra_id"):
        try:
            organizer = await runtime.graph.find_user(webinar["organizer_entra_id"])
        except GraphError:
            organizer = None
    return ics.Invitation(
        uid=f"{registration.id}@webinar-bot", title=webinar["title"], start=start, end=end,
        join_url=outcome.join_url, description=f"Microsoft Teams webinar: {webinar['title']}",
        organizer_name=organizer.display_name if organizer else None,
        organizer_email=(organizer.mail or organizer.user_principal_name) if organizer else None,
        attendee_name=registration.display_name, attendee_email=registration.email)


# --------------------------------------------------------------------------------------------------------------
# Cancelling


async def cancel_mine(runtime: Runtime, webinar_ref: str, slack_user: str) -> dict:
    """Cancel the caller's own registration through Graph; returns the webinar row."""
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    registration = await my_registration(runtime, webinar["id"], slack_user)
    if registration is None or registration.status not in CANCELLABLE:
        raise UserFacingError(f"You have no registration for *{escape(webinar['title'])}* to cancel.")
    own = registration.user_id and users.get_link(runtime.db, slack_user)
    try:  # an Entra registrant cancels with their own token; anonymous registrations need the app's
        await runtime.graph.cancel_registration(webinar["id"], registration.id, user=slack_user if own else None)
    except SignInRequired:
        await runtime.graph.cancel_registration(webinar["id"], registration.id)
    remember(runtime, webinar["id"], await runtime.graph.get_registration(webinar["id"], registration.id),
             slack_user)
    await cards.refresh_cards(runtime, webinar["id"])
    audit.record(runtime.db, slack_user, "cancel_registration", webinar["id"], registration.id)
    return webinar


async def my_registration(runtime: Runtime, webinar_id: str, slack_user: str) -> Registration | None:
    """The caller's registration: the one the bot made for them, else by their Microsoft account or e-mail."""
    for row in mirror.registrations_for(runtime.db, webinar_id):
        if row.get("slack_user_id") == slack_user and row["status"] != "canceled":
            try:
                return await runtime.graph.get_registration(webinar_id, row["id"])
            except NotFound:
                continue
    profile = await people.slack_profile(runtime, slack_user)
    return await find_existing(runtime, webinar_id, email=profile.email if profile else None,
                               entra_id=webinars.entra_id_of(runtime, slack_user))
