"""Submissions of the presenter forms pushed on the presenters modal: add (colleague or guest) and details.

Problems that can be found before Graph is asked (a colleague without a Microsoft 365 account, a bad e-mail or
URL) show under their field. Otherwise the form closes at once, back to the list, which is redrawn with the
outcome once Graph has answered.
"""

from __future__ import annotations

from bot.graph.errors import GraphError
from bot.ids import OrgBlock, OrgView
from bot.services import presenters
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape
from bot.ui.presenters import DETAIL_BLOCKS, GUEST_BLOCKS, PresenterMeta, read_details
from bot.ui.webinar_forms import field_value
from commands import presenters as screens
from commands.modals import explain


async def add_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    meta = private_metadata.load(PresenterMeta, view["private_metadata"])
    values = view["state"]["values"]
    if meta.kind == "colleague":
        slack_id = field_value(values, OrgBlock.PRESENTER_USER)
        try:
            entra_id, name = await presenters.colleague_entra_id(runtime, slack_id)
        except GraphError:
            entra_id, name = None, "this person"
        if entra_id is None:
            await ack(response_action="errors", errors={OrgBlock.PRESENTER_USER: (
                f"No Microsoft 365 account matches {name} (looked up by the e-mail on their Slack profile). "
                "Add them as a guest instead.")})
            return
        await ack()
        work = presenters.add_colleague(runtime, user, meta.webinar_id, entra_id)
    else:
        name = field_value(values, OrgBlock.GUEST_NAME) or ""
        email = field_value(values, OrgBlock.GUEST_EMAIL) or ""
        problems = presenters.check_guest(name, email)
        if problems:
            await ack(response_action="errors", errors={GUEST_BLOCKS[k]: v for k, v in problems.items()})
            return
        await ack()
        work = presenters.add_guest(runtime, user, meta.webinar_id, name, email)
    try:
        added = await work
        notice = f":white_check_mark: Added *{escape(added.display_name)}*. Add a bio or links with *Edit details*."
    except Exception as error:  # noqa: BLE001 -- explained in the list
        notice = f":warning: {explain(error, runtime.settings.slack_command)}"
    await screens.refresh(runtime, user, meta.webinar_id, view.get("previous_view_id") or view.get("root_view_id"), notice)


async def details_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    meta = private_metadata.load(PresenterMeta, view["private_metadata"])
    details = read_details(view["state"]["values"])
    problems = presenters.check_details(details)
    if problems:
        await ack(response_action="errors", errors={DETAIL_BLOCKS[k]: v for k, v in problems.items()})
        return
    await ack()
    try:
        await presenters.update_details(runtime, user, meta.webinar_id, meta.presenter_id or "", details)
        notice = f":white_check_mark: Saved the details of *{escape(meta.name or 'the presenter')}*."
    except Exception as error:  # noqa: BLE001 -- explained in the list
        notice = f":warning: {explain(error, runtime.settings.slack_command)}"
    await screens.refresh(runtime, user, meta.webinar_id, view.get("previous_view_id") or view.get("root_view_id"), notice)


def register(app) -> None:
    app.view_submission(OrgView.PRESENTER_ADD)(add_submitted)
    app.view_submission(OrgView.PRESENTER_DETAILS)(details_submitted)
