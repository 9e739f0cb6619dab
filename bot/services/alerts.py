"""Route domain events to the channels that follow the webinar, through the durable outbox."""

from __future__ import annotations

from bot.services.events import Event
from bot.services.runtime import Runtime
from bot.ui.alerts import alert_message
from storage import mirror, queues, routing


def route_events(runtime: Runtime, events: list[Event]) -> int:
    """Queue one post per (event, following channel); the event key makes a replay post nothing new.

    Returns how many posts the events mean, whether queued now or by an earlier call for the same events (the
    inbox worker routes inside the mirror's transaction, then `announce` routes again)."""
    queued = new = 0
    for event in events:
        webinar = mirror.get_webinar(runtime.db, event.webinar_id)
        if webinar is None:
            continue
        for route in routing.routes_for(runtime.db, event.webinar_id, event.route):
            message = {"channel": route["channel_id"],
                       **alert_message(event, webinar, show_names=bool(route["show_names"]))}
            card = routing.card_for(runtime.db, event.webinar_id, route["channel_id"])
            if card:
                message["thread_ts"] = card["ts"]
            key = f"alert:{event.key}:{route['channel_id']}"
            # Registration news may be digested with its neighbours; other news is posted as it is.
            method = "alert" if event.route == "registrations" else "chat.postMessage"
            new += queues.enqueue(runtime.db, key, route["channel_id"], method, message)
            queued += 1
    if new:
        runtime.outbox_wakeup.set()
    return queued
