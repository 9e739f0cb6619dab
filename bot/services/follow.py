"""Follow a webinar into a channel (and stop following): routes plus the Graph subscriptions they need."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import subscriptions, sync, webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.runtime import Runtime
from storage import audit, routing

ALL_KINDS = set(routing.ROUTE_KINDS)


@dataclass(frozen=True)
class FollowResult:
    webinar: dict
    channel_id: str
    kinds: list[str]
    subscriptions_created: int
    show_names: bool = True


NAME_WORDS = {"names": True, "no-names": False}


def kinds_from_words(words: list[str]) -> set[str]:
    """`registrations`, `changes`, `attendance` or `all` (the default); unknown words are an error."""
    chosen = {w.lower() for w in words} - NAME_WORDS.keys()
    if not chosen or "all" in chosen:
        return set(ALL_KINDS)
    unknown = chosen - ALL_KINDS
    if unknown:
        raise UserFacingError(f"I don't know `{sorted(unknown)[0]}`. Follow `registrations`, `changes`, "
                              "`attendance` or `all`, optionally with `no-names` (attendance summaries "
                              "without people's names).")
    return chosen


def names_from_words(words: list[str]) -> bool | None:
    """`no-names` keeps people's names out of this channel's attendance summaries; `names` brings them back."""
    said = [NAME_WORDS[w.lower()] for w in words if w.lower() in NAME_WORDS]
    return said[-1] if said else None


async def follow(runtime: Runtime, *, webinar_ref: str, channel_id: str, kinds: set[str],
                 slack_user: str, show_names: bool | None = None) -> FollowResult:
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    _require_organizer(runtime, webinar, slack_user, "follow")
    first_route = not routing.routes_for(runtime.db, webinar["id"])
    routing.save_route(runtime.db, webinar["id"], channel_id, kinds, by=slack_user, show_names=show_names)
    created = await subscriptions.ensure(runtime, webinar["id"], kinds)
    if first_route:
        await sync.resync(runtime, webinar["id"])  # baseline: existing registrations are not news
    audit.record(runtime.db, slack_user, "follow", webinar["id"], f"{channel_id}:{','.join(sorted(kinds))}")
    route = routing.get_route(runtime.db, webinar["id"], channel_id)
    return FollowResult(webinar, channel_id, route["kinds"].split(","), created, bool(route["show_names"]))


async def unfollow(runtime: Runtime, *, webinar_ref: str, channel_id: str, slack_user: str) -> bool:
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    _require_organizer(runtime, webinar, slack_user, "unfollow")
    removed = routing.delete_route(runtime.db, webinar["id"], channel_id)
    if not routing.routes_for(runtime.db, webinar["id"]):
        await subscriptions.remove_all(runtime, webinar["id"])
    audit.record(runtime.db, slack_user, "unfollow", webinar["id"], channel_id)
    return removed


def _require_organizer(runtime: Runtime, webinar: dict, slack_user: str, verb: str) -> None:
    role = webinars.role_of(webinar, webinars.entra_id_of(runtime, slack_user))
    if role is None:
        raise NotAllowed(f"Only the organizer or a co-organizer of this webinar can {verb} it.")
