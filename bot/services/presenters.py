"""Presenters: colleagues from the tenant (a Slack user mapped to their Entra account) or outside guests.

Graph lets only the organizer add, change or remove presenters (the sandbox enforces the same); anyone who may
see the webinar may list them. Only `presenterDetails` of an existing presenter can change (REFERENCE §2.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.graph import bodies
from bot.graph.errors import Conflict, NotFound
from bot.graph.models import Presenter
from bot.services import people, webinars
from bot.services.errors import UserFacingError
from bot.services.organize import ORGANIZER_ONLY, audited, graph_refusal_as, not_allowed_text, require, role
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape

NAME_MAX = 100
SHORT_MAX = 100          # company, job title
BIO_MAX = 2000
URL_MAX = 2000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DOING = "change the presenters of"


@dataclass(frozen=True)
class Details:
    """What the details form holds; empty strings mean "not given"."""
    bio: str = ""
    company: str = ""
    job_title: str = ""
    linkedin: str = ""
    website: str = ""
    twitter: str = ""

    @classmethod
    def of(cls, presenter: Presenter) -> Details:
        d = presenter.details
        if d is None:
            return cls()
        return cls(d.bio or "", d.company or "", d.job_title or "", d.linked_in_profile_web_url or "",
                   d.personal_site_web_url or "", d.twitter_profile_web_url or "")

    def body(self) -> dict:
        return bodies.presenter_details_body(
            bio=self.bio.strip(), company=self.company.strip(), job_title=self.job_title.strip(),
            linkedin_url=self.linkedin.strip() or None, website_url=self.website.strip() or None,
            twitter_url=self.twitter.strip() or None)


def check_details(details: Details) -> dict[str, str]:
    """Field -> problem: `bio`, `company`, `job_title`, `linkedin`, `website`, `twitter`."""
    errors = {}
    if len(details.bio) > BIO_MAX:
        errors["bio"] = f"Keep the bio to {BIO_MAX} characters."
    for name, value in (("company", details.company), ("job_title", details.job_title)):
        if len(value.strip()) > SHORT_MAX:
            errors[name] = f"Keep this to {SHORT_MAX} characters."
    for name, value in (("linkedin", details.linkedin), ("website", details.website),
                        ("twitter", details.twitter)):
        problem = _url_problem(value.strip())
        if problem:
            errors[name] = problem
    return errors


def _url_problem(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname or " " in value:
        return "Use a full https:// address, for example https://www.linkedin.com/in/your-name."
    if len(value) > URL_MAX:
        return f"Keep the address to {URL_MAX} characters."
    return None


def check_guest(name: str, email: str) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Give the guest's name as attendees should see it."
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters."
    if not _EMAIL.match(email.strip()):
        errors["email"] = "Give the guest's e-mail address; Teams sends their join link there."
    return errors


async def colleague_entra_id(runtime: Runtime, slack_user_id: str) -> tuple[str | None, str]:
    """(Entra id or None, display name) for a Slack user, matched by the e-mail on their Slack profile."""
    profile = await people.slack_profile(runtime, slack_user_id)
    name = f"{profile.first_name} {profile.last_name}".strip() if profile else slack_user_id
    if profile is None or profile.is_bot or not profile.email:
        return None, name
    user = await runtime.graph.find_user(profile.email)
    return (user.id if user else None), name


async def list_presenters(runtime: Runtime, slack_user: str, ref: str) -> tuple[dict, str | None, list[Presenter]]:
    """(mirror row, caller's role, presenters). Anyone may look; only the organizer may change them."""
    row = await webinars.resolve(runtime, ref, slack_user)
    found_role = role(runtime, row, slack_user)
    found = [p async for p in runtime.graph.list_presenters(row["id"], user=slack_user)]
    return row, found_role, found


async def add_colleague(runtime: Runtime, slack_user: str, webinar_id: str, entra_id: str, *,
                        origin: str = "slack:modal") -> Presenter:
    return await _add(runtime, slack_user, webinar_id, bodies.presenter_user_body(entra_id), entra_id, origin)


async def add_guest(runtime: Runtime, slack_user: str, webinar_id: str, name: str, email: str, *,
                    origin: str = "slack:modal") -> Presenter:
    problems = check_guest(name, email)
    if problems:
        raise UserFacingError(" ".join(problems.values()))
    body = bodies.presenter_guest_body(name.strip(), email.strip())
    return await _add(runtime, slack_user, webinar_id, body, email.strip(), origin)


async def _add(runtime: Runtime, slack_user: str, webinar_id: str, body: dict, who: str,
               origin: str) -> Presenter:
    row = await _writable(runtime, slack_user, webinar_id)
    try:
        with audited(runtime, slack_user, "presenter.add", row["id"], origin) as entry, \
                graph_refusal_as(not_allowed_text(row, ORGANIZER_ONLY, DOING)):
            entry["detail"] = who
            return await runtime.graph.create_presenter(row["id"], body, user=slack_user)
    except Conflict:
        raise UserFacingError("That person already presents this webinar.") from None


async def update_details(runtime: Runtime, slack_user: str, webinar_id: str, presenter_id: str,
                         details: Details, *, origin: str = "slack:modal") -> Presenter:
    problems = check_details(details)
    if problems:
        raise UserFacingError(" ".join(problems.values()))
    row = await _writable(runtime, slack_user, webinar_id)
    with audited(runtime, slack_user, "presenter.update", row["id"], origin) as entry, \
            graph_refusal_as(not_allowed_text(row, ORGANIZER_ONLY, DOING)):
        entry["detail"] = presenter_id
        return await runtime.graph.update_presenter(row["id"], presenter_id,
                                                    bodies.presenter_update_body(details.body()), user=slack_user)


async def get(runtime: Runtime, slack_user: str, webinar_id: str, presenter_id: str) -> Presenter:
    try:
        return await runtime.graph.get_presenter(webinar_id, presenter_id, user=slack_user)
    except NotFound:
        raise UserFacingError("That presenter was removed in the meantime.") from None


async def remove(runtime: Runtime, slack_user: str, webinar_id: str, presenter_id: str, *,
                 origin: str = "slack:modal") -> None:
    row = await _writable(runtime, slack_user, webinar_id)
    with audited(runtime, slack_user, "presenter.remove", row["id"], origin) as entry, \
            graph_refusal_as(not_allowed_text(row, ORGANIZER_ONLY, DOING)):
        entry["detail"] = presenter_id
        try:
            await runtime.graph.delete_presenter(row["id"], presenter_id, user=slack_user)
        except NotFound:
            entry["detail"] = f"{presenter_id} (already gone)"


async def _writable(runtime: Runtime, slack_user: str, webinar_id: str) -> dict:
    row = await webinars.resolve(runtime, webinar_id, slack_user)
    require(runtime, row, slack_user, ORGANIZER_ONLY, DOING)
    if row["status"] == "canceled":
        raise UserFacingError(f"*{escape(row['title'])}* was cancelled; its presenters can't change any more.")
    return row
