"""Organizer buttons: on the DM card, the Home tab, `list`/`show` messages and the cancel prompt.

Each click is acked first, then handled by the same code as the slash command; the role is checked again by the
service, whatever button the person was shown. Answers go to the conversation of the click (response_url) or,
from the Home tab, by DM.
"""

from __future__ import annotations

from bot.ids import OrgAction, OrgView
from bot.services import listing
from bot.ui import private_metadata
from bot.ui.private_metadata import WebinarMeta
from bot.ui.webinar_cards import details_blocks, details_message
from bot.ui.webinar_forms import notice_modal, text
from commands import webinar_lifecycle
from commands.modals import open_then_fill
from commands.organize import open_create_modal, open_edit_modal
from commands.presenters import open_presenters_modal
from commands.questions import open_questions_modal
from commands.respond import responder
from commands.safety import user_errors
from listeners.events.app_home import publish_home


def origin_of(body: dict) -> str:
    container = body.get("container") or {}
    if container.get("type") == "view":
        return "slack:home" if (body.get("view") or {}).get("type") == "home" else "slack:modal"
    return "slack:message"


def _context(body: dict, context: dict):
    runtime = context["runtime"]
    user = body["user"]["id"]
    respond = responder(runtime, user, body.get("response_url"))
    return runtime, user, respond, body["actions"][0].get("value", "")


async def publish_clicked(ack, body, context):
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    async with user_errors(respond, runtime, user):
        text_ = await webinar_lifecycle.publish_and_tell(runtime, user, webinar_id, origin=origin_of(body))
        await respond(response_type="ephemeral", text=text_, replace_original=False)


async def cancel_clicked(ack, body, context):
    """Only reachable through the button's confirm dialog ("This cannot be undone")."""
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    prompt = (body.get("container") or {}).get("is_ephemeral", False)   # the `/webinar cancel` question
    async with user_errors(respond, runtime, user):
        text_ = await webinar_lifecycle.cancel_and_tell(runtime, user, webinar_id, origin=origin_of(body))
        await respond(response_type="ephemeral", text=text_, replace_original=prompt)


async def edit_clicked(ack, body, context):
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    async with user_errors(respond, runtime, user):
        await open_edit_modal(runtime, user, body["trigger_id"], webinar_id)


async def share_clicked(ack, body, context):
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    async with user_errors(respond, runtime, user):
        await webinar_lifecycle.open_share(runtime, user, body["trigger_id"], webinar_id, respond)


async def show_clicked(ack, body, context):
    """From a message: the details as a message. From the Home tab: the details in a modal."""
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    if origin_of(body) == "slack:message":
        async with user_errors(respond, runtime, user):
            details = await listing.show(runtime, user, webinar_id)
            await respond(response_type="ephemeral", replace_original=False, **details_message(details))
        return
    loading = notice_modal("Webinar details", "Loading…", callback_id=OrgView.SHOW)

    async def build() -> dict:
        details = await listing.show(runtime, user, webinar_id)
        return {"type": "modal", "callback_id": OrgView.SHOW, "title": text("Webinar details"),
                "close": text("Close"), "blocks": details_blocks(details, actions=False),
                "private_metadata": private_metadata.dump(WebinarMeta(webinar_id))}

    async with user_errors(respond, runtime, user):
        await open_then_fill(runtime, body["trigger_id"], loading, build)


async def presenters_clicked(ack, body, context):
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    async with user_errors(respond, runtime, user):
        await open_presenters_modal(runtime, user, body["trigger_id"], webinar_id)


async def questions_clicked(ack, body, context):
    await ack()
    runtime, user, respond, webinar_id = _context(body, context)
    async with user_errors(respond, runtime, user):
        await open_questions_modal(runtime, user, body["trigger_id"], webinar_id)


async def create_clicked(ack, body, context):
    await ack()
    runtime, user, respond, _ = _context(body, context)
    async with user_errors(respond, runtime, user):
        await open_create_modal(runtime, user, body["trigger_id"])


async def refresh_home_clicked(ack, body, context):
    """Home shows the mirror; this asks Graph for the user's webinars first (and so picks up new ones)."""
    await ack()
    runtime, user, respond, _ = _context(body, context)
    async with user_errors(respond, runtime, user):
        await listing.list_mine(runtime, user)
        await publish_home(runtime, user)


def register(app) -> None:
    app.action(OrgAction.PUBLISH)(publish_clicked)
    app.action(OrgAction.CANCEL)(cancel_clicked)
    app.action(OrgAction.EDIT)(edit_clicked)
    app.action(OrgAction.SHARE)(share_clicked)
    app.action(OrgAction.SHOW)(show_clicked)
    app.action(OrgAction.PRESENTERS)(presenters_clicked)
    app.action(OrgAction.QUESTIONS)(questions_clicked)
    app.action(OrgAction.CREATE)(create_clicked)
    app.action(OrgAction.REFRESH_HOME)(refresh_home_clicked)
