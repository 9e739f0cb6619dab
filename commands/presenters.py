"""`/webinar presenters <webinar>`: the presenters modal. Its buttons and forms are handled in
`listeners/actions/presenters.py` and `listeners/views/presenters.py`, which reuse the helpers here."""

from __future__ import annotations

from bot.ids import OrgView
from bot.services import presenters
from bot.services.runtime import Runtime
from bot.ui.presenters import presenters_view
from bot.ui.webinar_forms import notice_modal
from commands.modals import failure_view, open_then_fill, update_quietly
from commands.parser import Command

LOADING = notice_modal("Presenters", "Loading presenters from Microsoft Teams…", callback_id=OrgView.PRESENTERS)


async def presenters_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    await open_presenters_modal(runtime, command["user_id"], command["trigger_id"], cmd.webinar)


async def open_presenters_modal(runtime: Runtime, user: str, trigger_id: str, ref: str) -> None:
    await open_then_fill(runtime, trigger_id, LOADING, lambda: list_view(runtime, user, ref))


async def list_view(runtime: Runtime, user: str, ref: str, notice: str | None = None) -> dict:
    row, role, found = await presenters.list_presenters(runtime, user, ref)
    return presenters_view(row, found, can_change=role == "organizer" and row["status"] != "canceled",
                           notice=notice)


async def refresh(runtime: Runtime, user: str, webinar_id: str, view_id: str, notice: str | None) -> None:
    """Show the list again (after an add, edit or removal), with a line saying what happened."""
    try:
        view = await list_view(runtime, user, webinar_id, notice)
    except Exception as error:  # noqa: BLE001 -- shown in the modal
        view = failure_view(LOADING, error, runtime)
    await update_quietly(runtime, view_id, view)
