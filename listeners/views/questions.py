"""Submission of the "add questions" form pushed on the questions modal."""

from __future__ import annotations

from bot.ids import OrgBlock, OrgView
from bot.services import questions
from bot.ui import private_metadata
from bot.ui.private_metadata import WebinarMeta
from bot.ui.questions import FIELD_BLOCKS, read_add_form
from commands import questions as screens
from commands.modals import explain


async def add_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    meta = private_metadata.load(WebinarMeta, view["private_metadata"])
    values = view["state"]["values"]
    labels, custom = read_add_form(values)
    if not labels and custom is None:
        offered = any(b.get("block_id") == OrgBlock.PREDEFINED for b in view["blocks"])
        block = OrgBlock.PREDEFINED if offered else OrgBlock.QUESTION_TEXT
        await ack(response_action="errors", errors={block: "Choose a standard field or write a question."})
        return
    problems = questions.check_custom(custom) if custom else {}
    if problems:
        await ack(response_action="errors", errors={FIELD_BLOCKS[k]: v for k, v in problems.items()})
        return
    await ack()
    try:
        added = len(await questions.add_predefined(runtime, user, meta.webinar_id, labels)) if labels else 0
        if custom:
            await questions.add_custom(runtime, user, meta.webinar_id, custom)
            added += 1
        notice = f":white_check_mark: Added {added} question{'s' if added != 1 else ''}."
    except Exception as error:  # noqa: BLE001 -- explained in the list
        notice = f":warning: {explain(error, runtime.settings.slack_command)}"
    await screens.refresh(runtime, user, meta.webinar_id, view.get("previous_view_id") or view.get("root_view_id"), notice)


def register(app) -> None:
    app.view_submission(OrgView.QUESTION_ADD)(add_submitted)
