"""Buttons inside the presenters modal: add a colleague or a guest (a form is pushed), edit details, remove."""

from __future__ import annotations

from bot.ids import OrgAction, OrgView
from bot.services import presenters
from bot.ui import private_metadata
from bot.ui.presenters import PresenterMeta, add_view, details_view
from bot.ui.private_metadata import WebinarMeta
from bot.ui.webinar_forms import notice_modal
from commands import presenters as screens
from commands.modals import explain, open_then_fill


def _click(body: dict, context: dict):
    meta = private_metadata.load(WebinarMeta, body["view"]["private_metadata"])
    return context["runtime"], body["user"]["id"], meta.webinar_id, body["actions"][0]["value"]


async def add_colleague_clicked(ack, body, context):
    await ack()
    runtime, _, webinar_id, _ = _click(body, context)
    await runtime.slack.views_push(trigger_id=body["trigger_id"], view=add_view(webinar_id, "colleague"))


async def add_guest_clicked(ack, body, context):
    await ack()
    runtime, _, webinar_id, _ = _click(body, context)
    await runtime.slack.views_push(trigger_id=body["trigger_id"], view=add_view(webinar_id, "guest"))


async def details_clicked(ack, body, context):
    """Push a loading view at once (the trigger lasts 3 s), then the form prefilled from Graph."""
    await ack()
    runtime, user, webinar_id, presenter_id = _click(body, context)
    loading = notice_modal("Presenter details", "Loading…", callback_id=OrgView.PRESENTER_DETAILS)

    async def build() -> dict:
        presenter = await presenters.get(runtime, user, webinar_id, presenter_id)
        meta = PresenterMeta(webinar_id, presenter_id=presenter.id, name=presenter.display_name[:100])
        return details_view(meta, presenters.Details.of(presenter))

    await open_then_fill(runtime, body["trigger_id"], loading, build, push=True)


async def remove_clicked(ack, body, context):
    """Reached through the button's confirm dialog; the list is redrawn with the outcome."""
    await ack()
    runtime, user, webinar_id, presenter_id = _click(body, context)
    try:
        await presenters.remove(runtime, user, webinar_id, presenter_id, origin="slack:modal")
        notice = ":white_check_mark: Presenter removed."
    except Exception as error:  # noqa: BLE001 -- explained in the modal
        notice = f":warning: {explain(error, runtime.settings.slack_command)}"
    await screens.refresh(runtime, user, webinar_id, body["view"]["id"], notice)


def register(app) -> None:
    app.action(OrgAction.PRESENTER_ADD_COLLEAGUE)(add_colleague_clicked)
    app.action(OrgAction.PRESENTER_ADD_GUEST)(add_guest_clicked)
    app.action(OrgAction.PRESENTER_DETAILS)(details_clicked)
    app.action(OrgAction.PRESENTER_REMOVE)(remove_clicked)
