"""Read-only views of webinars: the caller's list (Graph's getByUserRole), the tenant's list (app-only), the Home
tab's list (the mirror, no Graph call) and one webinar's details.

Listing mirrors every webinar it sees, which is how each one gets the short handle (w1, w2, ...) people type.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.graph.errors import Forbidden, GraphError
from bot.graph.models import Presenter, Question, Webinar
from bot.services import news, webinars
from bot.services.errors import UserFacingError
from bot.services.organize import ORGANIZERS, actor_entra_id, role
from bot.services.questions import mirror_questions
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import parse_utc
from storage import mirror, routing, users

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listed:
    webinar: dict
    role: str | None                     # organizer | coOrganizer | None (the tenant-wide listing)
    counts: dict[str, int]


async def list_mine(runtime: Runtime, slack_user: str) -> list[Listed]:
    """The caller's webinars as organizer and co-organizer (getByUserRole), mirrored so each gets a handle."""
    actor_entra_id(runtime, slack_user)
    roles: dict[str, str] = {}
    for wanted in ORGANIZERS:
        async for webinar in runtime.graph.webinars_by_role(wanted, user=slack_user):
            if webinar.id and webinar.id not in roles:
                await news.webinar_changed(runtime, webinar,
                                           organizer_slack_id=slack_user if wanted == "organizer" else None)
                roles[webinar.id] = wanted
    rows = mirror.list_webinars(runtime.db, list(roles)) if roles else []
    return upcoming_first([Listed(row, roles[row["id"]], mirror.registration_counts(runtime.db, row["id"]))
                           for row in rows])


async def list_all(runtime: Runtime, slack_user: str) -> list[Listed]:
    """The tenant-wide listing (app-only). Graph returns only webinars whose organizer has an application
    access policy; without the permission it answers 403, which is explained rather than shown."""
    entra_id = actor_entra_id(runtime, slack_user)
    found = []
    try:
        async for webinar in runtime.graph.list_webinars():
            if webinar.id:
                webinars.save(runtime, webinar)
                found.append(webinar.id)
    except Forbidden:
        raise UserFacingError(
            "This workspace's webinar-bot isn't allowed to list every webinar in the organization: that needs "
            "the application permission `VirtualEvent.Read.All` and a Teams application access policy from your "
            "Microsoft 365 admin. `/webinar list` shows the webinars you organize or co-organize.") from None
    rows = mirror.list_webinars(runtime.db, found) if found else []
    return upcoming_first([Listed(row, webinars.role_of(row, entra_id),
                                  mirror.registration_counts(runtime.db, row["id"])) for row in rows])


def upcoming_first(items: list[Listed], now: datetime | None = None) -> list[Listed]:
    """Coming and running webinars soonest first, then past and cancelled ones, latest first."""
    now = now or datetime.now(UTC)
    far = datetime.max.replace(tzinfo=UTC)

    def key(item: Listed):
        start = parse_utc(item.webinar["start_utc"]) or far
        end = parse_utc(item.webinar["end_utc"]) or start
        live = item.webinar["status"] != "canceled" and end >= now
        return (0, start.timestamp() if start != far else float("inf")) if live else (1, -start.timestamp())

    return sorted(items, key=key)


def mine_from_mirror(runtime: Runtime, slack_user: str) -> list[Listed]:
    """Without asking Graph (the Home tab opens often): mirrored webinars the caller organizes or co-organizes."""
    link = users.get_link(runtime.db, slack_user)
    entra_id = link["entra_user_id"] if link else None
    found = []
    for row in mirror.list_webinars(runtime.db):
        found_role = webinars.role_of(row, entra_id) or \
            ("organizer" if row.get("organizer_slack_id") == slack_user else None)
        if found_role:
            found.append(Listed(row, found_role, mirror.registration_counts(runtime.db, row["id"])))
    return upcoming_first(found)


@dataclass(frozen=True)
class Details:
    webinar: dict
    current: Webinar
    role: str | None
    registration_url: str | None
    counts: dict[str, int]
    presenters: list[Presenter] | None   # None: Graph would not say
    questions: list[Question] | None
    routes: list[dict]                   # channels following it, with what they hear


async def show(runtime: Runtime, slack_user: str, ref: str) -> Details:
    """Everything about one webinar. Reads that need a role the caller lacks fall back to the app's own token,
    and are left out (None) when that is not permitted either."""
    row = await webinars.resolve(runtime, ref, slack_user)
    found_role = role(runtime, row, slack_user)
    current = await runtime.graph.get_webinar(row["id"], user=slack_user)
    await news.webinar_changed(runtime, current)
    row = mirror.get_webinar(runtime.db, row["id"])
    config = await _read(lambda user: runtime.graph.get_registration_configuration(row["id"], user=user),
                         slack_user)
    presenters = await _read(lambda user: _collect(runtime.graph.list_presenters(row["id"], user=user)),
                             slack_user)
    questions = await _read(lambda user: _collect(runtime.graph.list_questions(row["id"], user=user)),
                            slack_user)
    if questions is not None:
        mirror_questions(runtime, row["id"], questions)
    return Details(row, current, found_role, config.registration_web_url if config else None,
                   mirror.registration_counts(runtime.db, row["id"]), presenters, questions,
                   routing.routes_for(runtime.db, row["id"]))


async def _read(call, slack_user: str):
    for user in (slack_user, None):
        try:
            return await call(user)
        except Forbidden:
            continue
        except GraphError as error:
            log.warning("show: a read failed: %s", error.code)
            return None
    return None


async def _collect(iterator) -> list:
    return [item async for item in iterator]
