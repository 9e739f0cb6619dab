"""The organizers' DM cards (created by `/webinar create`) keep showing current registration counts."""

from __future__ import annotations

import time

from bot.services.events import Event
from bot.services.runtime import Runtime
from bot.ui.webinar_cards import dm_card
from storage import mirror, organizer, queues


def after_events(runtime: Runtime, events: list[Event]) -> int:
    """Queue an update of every DM card of a webinar whose registrations changed; returns how many."""
    webinar_ids = {e.webinar_id for e in events if e.route == "registrations"}
    return sum(queue_updates(runtime, webinar_id) for webinar_id in webinar_ids)


def queue_updates(runtime: Runtime, webinar_id: str) -> int:
    """Through the outbox, whose updates of one message coalesce: a registration rush edits each card about
    once a second, with the newest counts."""
    row = mirror.get_webinar(runtime.db, webinar_id)
    cards = organizer.dm_cards(runtime.db, webinar_id) if row else []
    counts = mirror.registration_counts(runtime.db, webinar_id)
    for card in cards:
        payload = {"channel": card["channel_id"], "ts": card["ts"], **dm_card(row, counts=counts)}
        queues.enqueue(runtime.db, f"dm-card:{card['channel_id']}:{card['ts']}:{time.time_ns()}",
                       card["channel_id"], "chat.update", payload)
    if cards:
        runtime.outbox_wakeup.set()
    return len(cards)
