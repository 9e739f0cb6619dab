"""Buttons inside the questions modal: add (a form is pushed) and delete."""

from __future__ import annotations

from bot.ids import OrgAction
from bot.services import questions
from bot.ui import private_metadata
from bot.ui.private_metadata import WebinarMeta
from bot.ui.questions import add_view
from commands import questions as screens
from commands.modals import explain


def _click(body: dict, context: dict):
    meta = private_metadata.load(WebinarMeta, body["view"]["private_metadata"])
    return context["runtime"], body["user"]["id"], meta.webinar_id, body["actions"][0]["value"]


async def add_clicked(ack, body, context):
    """The form offers only the standard fields the webinar doesn't ask yet (from the mirror, no Graph call)."""
    await ack()
    runtime, _, webinar_id, _ = _click(body, context)
    existing = questions.labels_in_use(runtime, webinar_id)
    await runtime.slack.views_push(trigger_id=body["trigger_id"], view=add_view(webinar_id, existing))


async def delete_clicked(ack, body, context):
    """Reached through the button's confirm dialog; the list is redrawn with the outcome."""
    await ack()
    runtime, user, webinar_id, question_id = _click(body, context)
    try:
        await questions.delete(runtime, user, webinar_id, question_id)
        notice = ":white_check_mark: Question deleted."
    except Exception as error:  # noqa: BLE001 -- explained in the modal
        notice = f":warning: {explain(error, runtime.settings.slack_command)}"
    await screens.refresh(runtime, user, webinar_id, body["view"]["id"], notice)


def register(app) -> None:
    app.action(OrgAction.QUESTION_ADD)(add_clicked)
    app.action(OrgAction.QUESTION_DELETE)(delete_clicked)
