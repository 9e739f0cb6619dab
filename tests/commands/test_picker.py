"""`pick_webinar` for attendees' subcommands (`scope="published"`): upcoming published webinars from the mirror."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.sandbox.stack import sandbox_settings
from bot.services.runtime import Runtime
from bot.ui import private_metadata
from bot.ui.picker import PickerMeta
from bot.ui.validate import validate_view
from commands.parser import Command
from commands.picker import pick_webinar
from storage import mirror, open_database


class RecordingSlack:
    def __init__(self):
        self.views = []

    async def views_open(self, trigger_id, view):
        self.views.append(view)
        return {"view": {"id": "V1", "hash": "h1", **view}}

    async def views_update(self, view_id, hash, view):
        assert (view_id, hash) == ("V1", "h1")
        self.views.append(view)
        return {"view": view}

    async def users_info(self, user, include_locale=False):
        return {"user": {"id": user, "tz": "Asia/Tokyo", "profile": {}}}


async def test_attendees_pick_among_upcoming_published_webinars(tmp_path):
    settings = sandbox_settings("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:8",
                                str(tmp_path / "t.db"))
    runtime = Runtime(settings=settings, db=open_database(settings.db_path), graph=None, slack=RecordingSlack(),
                      tokens=SimpleNamespace())
    now = datetime.now(UTC)
    for name, status, days in (("soon", "published", 1), ("draft", "draft", 1), ("over", "published", -2),
                               ("gone", "canceled", 3)):
        start = now + timedelta(days=days)
        mirror.save_webinar(runtime.db, id=f"{name}@t", title=name, status=status,
                            start_utc=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                            end_utc=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            organizer_entra_id=None, raw={})
    command = {"user_id": "U0ADELE", "channel_id": "C1", "trigger_id": "1.2.abc", "response_url": "https://r.example"}
    await pick_webinar(Command("register", words=["now"]), command, runtime, "register", scope="published")
    loading, picker = runtime.slack.views
    for view in (loading, picker):
        validate_view(view)
    options = picker["blocks"][1]["element"]["options"]
    assert [o["value"] for o in options] == ["soon@t"]
    meta = private_metadata.load(PickerMeta, picker["private_metadata"])
    assert (meta.subcommand, meta.words, meta.response_url) == ("register", ("now",), "https://r.example")
