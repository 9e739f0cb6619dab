"""`/webinar create` and `/webinar edit <webinar>`: open the webinar form (the submissions are handled in
`listeners/views/organize.py`). Publish and cancel live in `webinar_lifecycle`, list and show in `webinar_lists`.
"""

from __future__ import annotations

import asyncio

from bot.ids import OrgView
from bot.services import organize
from bot.services.runtime import Runtime
from bot.ui.webinar_forms import FormMeta, notice_modal, webinar_modal
from commands.modals import open_then_fill
from commands.parser import Command


async def create_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    await open_create_modal(runtime, command["user_id"], command["trigger_id"], origin=command.get("channel_id"))


async def open_create_modal(runtime: Runtime, user: str, trigger_id: str, *, origin: str | None = None) -> None:
    """The form opens straight away; only the user's time zone (one quick Slack call) is looked up first, so the
    date pickers can default to tomorrow 10:00 their time."""
    organize.actor_entra_id(runtime, user)  # not signed in: the sign-in answer instead of a form that can't work
    try:
        time_zone = await asyncio.wait_for(organize.time_zone_of(runtime, user), 1.0)
    except TimeoutError:
        time_zone = "UTC"
    meta = FormMeta(time_zone=time_zone, origin=origin)
    await runtime.slack.views_open(trigger_id=trigger_id, view=webinar_modal(meta))


async def edit_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    await open_edit_modal(runtime, command["user_id"], command["trigger_id"], cmd.webinar)


async def open_edit_modal(runtime: Runtime, user: str, trigger_id: str, ref: str) -> None:
    """Loading view first, then the form prefilled from a fresh Graph GET (never from a stale mirror)."""
    loading = notice_modal("Edit webinar", "Loading the webinar from Microsoft Teams…", callback_id=OrgView.EDIT)

    async def build() -> dict:
        state = await organize.load_for_edit(runtime, user, ref)
        time_zone = await organize.time_zone_of(runtime, user)
        meta = FormMeta(webinar_id=state.webinar["id"], time_zone=time_zone,
                        kept=tuple(entra_id for entra_id, _, _ in state.kept_co_organizers))
        audience = "everyone (public)" if state.current.audience == "everyone" else "people in your organization"
        return webinar_modal(meta, state.form, editing=True, kept_names=tuple(n for *_, n in state.kept_co_organizers),
                             audience_note=f"Who can register: {audience}. Teams doesn't allow changing this.")

    await open_then_fill(runtime, trigger_id, loading, build)
