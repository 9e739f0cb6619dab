"""Find webinars by handle or id, keep the local mirror current, and tell who is who on a webinar."""

from __future__ import annotations

import json

from bot.graph.errors import GraphError, NotFound
from bot.graph.models import Webinar
from bot.refs import looks_like_webinar
from bot.services.errors import UnknownWebinar
from bot.services.runtime import Runtime
from storage import mirror, users


def iso(dt) -> str | None:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None


def save(runtime: Runtime, webinar: Webinar, organizer_slack_id: str | None = None) -> dict:
    """Store the webinar in the mirror; returns the row as it was before (empty when new)."""
    return mirror.save_webinar(
        runtime.db, id=webinar.id, title=webinar.display_name, status=webinar.status,
        start_utc=iso(webinar.start.to_utc() if webinar.start else None),
        end_utc=iso(webinar.end.to_utc() if webinar.end else None),
        organizer_entra_id=webinar.organizer_id, raw=webinar.raw, organizer_slack_id=organizer_slack_id,
    )


async def resolve(runtime: Runtime, ref: str, slack_user: str | None = None) -> dict:
    """The mirror row for a handle or Graph id; an id not yet mirrored is fetched from Graph first."""
    row = mirror.get_webinar(runtime.db, ref)
    if row:
        return row
    if "@" not in ref or not looks_like_webinar(ref):  # an unknown handle, or not an id at all
        raise UnknownWebinar(ref)
    try:
        webinar = await runtime.graph.get_webinar(ref, user=slack_user)
    except NotFound:
        raise UnknownWebinar(ref) from None
    except GraphError as error:
        if error.status == 400:
            raise UnknownWebinar(ref) from None
        raise
    save(runtime, webinar)
    return mirror.get_webinar(runtime.db, webinar.id)


def row(runtime: Runtime, webinar_id: str) -> dict | None:
    return mirror.get_webinar(runtime.db, webinar_id)


def entra_id_of(runtime: Runtime, slack_user: str) -> str | None:
    link = users.get_link(runtime.db, slack_user)
    return link["entra_user_id"] if link else None


def role_of(row: dict, entra_id: str | None) -> str | None:
    """'organizer', 'coOrganizer' or None, from the mirrored Graph body."""
    if not entra_id:
        return None
    if row.get("organizer_entra_id") == entra_id:
        return "organizer"
    raw = json.loads(row["raw"])
    if any((c or {}).get("id") == entra_id for c in raw.get("coOrganizers") or []):
        return "coOrganizer"
    return None
