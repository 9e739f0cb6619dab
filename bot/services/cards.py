"""Registration cards in channels: share one, and keep every card of a webinar current.

All cards of a webinar show the same content, rendered from the mirror (title, time, status, counts) plus the
presenters and registration page fetched from Graph when details change. Updates go through the outbox as
`chat.update`, paced per channel; the outbox key holds a content version and hash, and nothing is queued when
the content is unchanged, so a burst of notifications that changes nothing costs no Slack call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re

from slack_sdk.errors import SlackApiError

from bot.graph.errors import GraphError
from bot.services import alerts, subscriptions, sync, webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.events import Event, Kind
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from bot.ui.registration import registration_card
from storage import audit, mirror, queues, routing
from storage import cards as card_store

log = logging.getLogger(__name__)

_NOTIFIED = re.compile(r"^solutions/virtualevents/(?:webinars|events)/(?P<webinar>[^/]+)(?P<below>/.*)?$", re.I)
# Events after which presenters or the registration page may have changed too: fetch them again.
DETAIL_KINDS = {Kind.RENAMED, Kind.RESCHEDULED, Kind.PUBLISHED, Kind.WEBINAR_CANCELLED}
_POST_PROBLEMS = {
    "not_in_channel": "I'm not in <#{channel}>. Invite me with `/invite @webinar-bot`, then share again.",
    "channel_not_found": "I can't see <#{channel}>. Invite me with `/invite @webinar-bot`, then share again.",
    "is_archived": "<#{channel}> is archived; pick another channel.",
}


async def share(runtime: Runtime, *, webinar_ref: str, channel_id: str, slack_user: str) -> dict:
    """`/webinar share`: organizers and co-organizers post a card; the webinar is then watched for changes."""
    webinar = await webinars.resolve(runtime, webinar_ref, slack_user)
    if webinars.role_of(webinar, webinars.entra_id_of(runtime, slack_user)) is None:
        raise NotAllowed("Only the organizer or a co-organizer of this webinar can share its registration card.")
    webinar = await post_card(runtime, webinar["id"], channel_id)
    await _watch(runtime, webinar["id"])
    audit.record(runtime.db, slack_user, "share", webinar["id"], channel_id)
    return webinar


async def post_card(runtime: Runtime, webinar_id: str, channel_id: str) -> dict:
    """Post a card for a published webinar in `channel_id` and remember it; returns the webinar row."""
    webinar = await _baseline(runtime, webinar_id)
    if webinar["status"] == "draft":
        raise UserFacingError(f"*{escape(webinar['title'])}* is still a draft: publish it first "
                              f"(`/webinar publish {webinar['handle']}`), then share it.")
    if webinar["status"] != "published":
        raise UserFacingError(f"*{escape(webinar['title'])}* was cancelled; there is nothing to register for.")
    await fetch_details(runtime, webinar_id)
    message, _ = _update_cards(runtime, webinar)  # older cards catch up, so every card shows the same content
    try:
        response = await runtime.slack.chat_postMessage(channel=channel_id, **message)
    except SlackApiError as error:
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if code in _POST_PROBLEMS:
            raise UserFacingError(_POST_PROBLEMS[code].format(channel=channel_id)) from None
        raise
    routing.save_card(runtime.db, webinar_id, response["channel"], response["ts"])
    return webinar


async def refresh_cards(runtime: Runtime, webinar_id: str, *, refetch: bool = False) -> int:
    """Queue a `chat.update` for every card of the webinar whose content changed; returns how many."""
    cards = routing.cards_for(runtime.db, webinar_id)
    webinar = mirror.get_webinar(runtime.db, webinar_id)
    if not cards or webinar is None:
        return 0
    if refetch:
        await fetch_details(runtime, webinar_id)
    return _update_cards(runtime, webinar)[1]


async def refresh_after_events(runtime: Runtime, events: list[Event], notification: dict | None = None) -> None:
    """The notification pipeline's hook: counts or details may have changed for these webinars.

    The notification itself counts too, even without events: a change the bot made and mirrored itself (an
    organizer cancelling from Slack) gives no event when Graph's notification arrives, yet cards must show it.
    Unchanged content costs nothing (see `_update_cards`)."""
    refetch: dict[str, bool] = {}
    for event in events:
        refetch[event.webinar_id] = refetch.get(event.webinar_id, False) or event.kind in DETAIL_KINDS
    if notification and (match := _NOTIFIED.match(sync.resource_path(notification))):
        webinar_id, below = match["webinar"], match["below"]
        refetch[webinar_id] = refetch.get(webinar_id, False) or not below  # the webinar itself changed
    for webinar_id, details in refetch.items():
        await refresh_cards(runtime, webinar_id, refetch=details)


async def fetch_details(runtime: Runtime, webinar_id: str) -> None:
    """Presenters and the registration page, app-only; on a Graph error the last known details stay."""
    try:
        presenters = [p.display_name async for p in runtime.graph.list_presenters(webinar_id)]
        configuration = await runtime.graph.get_registration_configuration(webinar_id)
    except GraphError as error:
        log.warning("card details not refreshed: %s", error)
        return
    card_store.save_details(runtime.db, webinar_id, presenters, configuration.registration_web_url)


def render(runtime: Runtime, webinar: dict) -> dict:
    details = card_store.get_details(runtime.db, webinar["id"]) or {}
    return registration_card(webinar, presenters=details.get("presenters") or [],
                             counts=mirror.registration_counts(runtime.db, webinar["id"]),
                             registration_url=details.get("registration_url"))


def content_hash(message: dict) -> str:
    return hashlib.sha256(json.dumps(message, sort_keys=True).encode()).hexdigest()


def _update_cards(runtime: Runtime, webinar: dict) -> tuple[dict, int]:
    """Render; when the content changed, queue one update per card: (message, updates queued). No await in
    here, so two refreshes of the same webinar can't interleave between bumping the version and queueing."""
    message = render(runtime, webinar)
    digest = content_hash(message)
    version = card_store.bump_version(runtime.db, webinar["id"], digest)
    if version is None:
        return message, 0
    queued = 0
    for card in routing.cards_for(runtime.db, webinar["id"]):
        key = f"card:{webinar['id']}:{card['channel_id']}:v{version}:{digest[:16]}"
        payload = {"channel": card["channel_id"], "ts": card["ts"], "text": message["text"],
                   "blocks": message["blocks"]}
        queued += queues.enqueue(runtime.db, key, card["channel_id"], "chat.update", payload)
    if queued:
        runtime.outbox_wakeup.set()
    return message, queued


async def _baseline(runtime: Runtime, webinar_id: str) -> dict:
    """Fresh webinar and registrations from Graph, so status and counts are right; what changed is routed as
    the notification pipeline would (same event keys, so nothing is posted twice)."""
    try:
        events = await sync.resync(runtime, webinar_id)
    except GraphError as error:  # listing registrations may be refused (v1.0 wants an RSC grant): use the mirror
        log.warning("registrations not resynced for the card: %s", error)
        events = await sync.sync_webinar(runtime, webinar_id)
    alerts.route_events(runtime, events)
    return mirror.get_webinar(runtime.db, webinar_id)


async def _watch(runtime: Runtime, webinar_id: str) -> None:
    """Subscribe to registrations and webinar changes, so the card follows them without a channel following."""
    try:
        await subscriptions.ensure(runtime, webinar_id, {"registrations", "changes"})
    except GraphError as error:
        log.warning("card will not follow changes: %s", error)
