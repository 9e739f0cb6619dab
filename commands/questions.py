"""`/webinar questions <webinar>`: the registration questions modal. Its buttons and the add form are handled in
`listeners/actions/questions.py` and `listeners/views/questions.py`, which reuse the helpers here."""

from __future__ import annotations

from bot.ids import OrgView
from bot.services import questions
from bot.services.runtime import Runtime
from bot.ui.questions import questions_view
from bot.ui.webinar_forms import notice_modal
from commands.modals import failure_view, open_then_fill, update_quietly
from commands.parser import Command

LOADING = notice_modal("Registration questions", "Loading the questions from Microsoft Teams…",
                       callback_id=OrgView.QUESTIONS)


async def questions_command(cmd: Command, command: dict, respond, runtime: Runtime) -> None:
    await open_questions_modal(runtime, command["user_id"], command["trigger_id"], cmd.webinar)


async def open_questions_modal(runtime: Runtime, user: str, trigger_id: str, ref: str) -> None:
    await open_then_fill(runtime, trigger_id, LOADING, lambda: list_view(runtime, user, ref))


async def list_view(runtime: Runtime, user: str, ref: str, notice: str | None = None) -> dict:
    row, _, found = await questions.list_questions(runtime, user, ref)
    return questions_view(row, found, can_change=row["status"] != "canceled", notice=notice)


async def refresh(runtime: Runtime, user: str, webinar_id: str, view_id: str, notice: str | None) -> None:
    try:
        view = await list_view(runtime, user, webinar_id, notice)
    except Exception as error:  # noqa: BLE001 -- shown in the modal
        view = failure_view(LOADING, error, runtime)
    await update_quietly(runtime, view_id, view)
