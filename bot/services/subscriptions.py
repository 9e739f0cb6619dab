"""Graph subscriptions for followed webinars: create, renew, answer lifecycle events, delete.

Virtual-event subscriptions live at most a day, so they are created for 23 hours and renewed when less than
a third of that remains. Each gets its own random clientState, checked on every notification.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.graph import bodies
from bot.graph.errors import Conflict, NotFound
from bot.services import sync
from bot.services.events import Event
from bot.services.runtime import Runtime
from bot.services.webinars import iso
from storage import subscriptions

log = logging.getLogger(__name__)

LIFETIME = timedelta(hours=23)
RENEW_WHEN_LEFT = timedelta(hours=8)


def resources_for(webinar_id: str, kinds: set[str]) -> list[tuple[str, str]]:
    """(resource, changeType) pairs the given route kinds need.

    Registrations and the webinar itself are always watched: whatever a channel hears, the mirror behind it
    (counts on cards, who attended, reminder times) must stay current."""
    base = f"solutions/virtualEvents/webinars/{webinar_id}"
    wanted = [(f"{base}/registrations", "created,updated"), (base, "updated")]
    if "attendance" in kinds:
        wanted.append((f"{base}/getAttendanceReports", "created"))
    return wanted


async def ensure(runtime: Runtime, webinar_id: str, kinds: set[str]) -> int:
    """Create the subscriptions these kinds need and the webinar lacks; returns how many were created."""
    if runtime.settings.graph_notifications == "poll":
        return 0
    have = {s["resource"].lower() for s in subscriptions.subscriptions_for(runtime.db, webinar_id)}
    created = 0
    for resource, change_type in resources_for(webinar_id, kinds):
        if resource.lower() not in have:
            await create(runtime, webinar_id, resource, change_type)
            created += 1
    return created


async def create(runtime: Runtime, webinar_id: str, resource: str, change_type: str) -> dict:
    client_state = secrets.token_urlsafe(48)
    body = bodies.subscription_body(
        resource=resource, change_type=change_type, notification_url=runtime.settings.notification_url,
        lifecycle_url=runtime.settings.lifecycle_url, expiration=datetime.now(UTC) + LIFETIME,
        client_state=client_state,
    )
    try:
        subscription = await runtime.graph.create_subscription(body)
    except Conflict:
        # One we lost track of (database restored from backup?): its clientState is unknown, so replace it.
        await _delete_orphans(runtime, resource)
        subscription = await runtime.graph.create_subscription(body)
    subscriptions.save_subscription(runtime.db, id=subscription.id, webinar_id=webinar_id, resource=resource,
                                    change_type=change_type, client_state=client_state,
                                    expires_at=iso(subscription.expiration_date_time))
    log.info("subscribed", extra={"fields": {"resource": resource, "subscription": subscription.id}})
    return subscriptions.get_subscription(runtime.db, subscription.id)


async def _delete_orphans(runtime: Runtime, resource: str) -> None:
    async for existing in runtime.graph.list_subscriptions():
        if existing.resource.strip("/").lower() == resource.lower():
            await runtime.graph.delete_subscription(existing.id)


async def remove_all(runtime: Runtime, webinar_id: str) -> None:
    for row in subscriptions.subscriptions_for(runtime.db, webinar_id):
        with contextlib.suppress(NotFound):
            await runtime.graph.delete_subscription(row["id"])
        subscriptions.delete_subscription(runtime.db, row["id"])


async def renew(runtime: Runtime, row: dict) -> None:
    subscription = await runtime.graph.renew_subscription(row["id"], datetime.now(UTC) + LIFETIME)
    subscriptions.set_expiry(runtime.db, row["id"], iso(subscription.expiration_date_time))


async def renew_due(runtime: Runtime) -> int:
    """Renew every subscription that would expire within RENEW_WHEN_LEFT; recreate those Graph forgot."""
    due = subscriptions.expiring_before(runtime.db, iso(datetime.now(UTC) + RENEW_WHEN_LEFT))
    for row in due:
        try:
            await renew(runtime, row)
        except NotFound:
            subscriptions.delete_subscription(runtime.db, row["id"])
            await create(runtime, row["webinar_id"], row["resource"], row["change_type"])
    return len(due)


async def handle_lifecycle(runtime: Runtime, item: dict) -> list[Event]:
    """reauthorizationRequired -> renew (PATCH reauthorizes too); removed -> recreate + resync; missed -> resync."""
    row = subscriptions.get_subscription(runtime.db, item["subscriptionId"])
    if row is None:
        return []
    event = item["lifecycleEvent"]
    if event == "reauthorizationRequired":
        try:
            await renew(runtime, row)
        except NotFound:
            event = "subscriptionRemoved"
    if event == "subscriptionRemoved":
        subscriptions.delete_subscription(runtime.db, row["id"])
        await create(runtime, row["webinar_id"], row["resource"], row["change_type"])
    if event in ("subscriptionRemoved", "missed"):
        return await sync.resync(runtime, row["webinar_id"])
    return []
