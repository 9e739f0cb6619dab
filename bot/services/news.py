"""What follows from domain events, in one place: channel alerts, registration cards kept current, and what
registrants are told (reminders moved, change notices, follow-ups: `notices`).

Every path that learns about a change calls `announce`: the inbox worker (Graph notifications), the poll
scheduler, and the organizer's own actions from Slack (which change the mirror before Graph's notification
arrives, so that notification later finds nothing new: the news must go out from here).
"""

from __future__ import annotations

from bot.graph.models import Webinar
from bot.services import alerts, cards, notices, organizer_cards, sync, webinars
from bot.services.events import Event
from bot.services.runtime import Runtime


async def announce(runtime: Runtime, events: list[Event], notification: dict | None = None) -> None:
    alerts.route_events(runtime, events)
    await cards.refresh_after_events(runtime, events, notification)
    organizer_cards.after_events(runtime, events)
    await notices.after_events(runtime, events)


async def webinar_changed(runtime: Runtime, webinar: Webinar, organizer_slack_id: str | None = None) -> list[Event]:
    """Save a webinar we just changed or read, and announce what differs from the mirror."""
    before = webinars.save(runtime, webinar, organizer_slack_id)
    events = sync.webinar_events(before, webinars.row(runtime, webinar.id)) if before else []
    await announce(runtime, events)
    return events
