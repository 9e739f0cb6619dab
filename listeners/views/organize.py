"""Submissions of the create and edit forms, the webinar picker and the share modal.

Checks that need no one else run before the ack, so problems show under their field (`response_action:
errors`); so does the co-organizer lookup (Slack profile e-mail -> Microsoft 365), bounded to stay inside Slack's
3 seconds. Then the modal turns into a "working" view, Graph is called, and the modal shows the outcome. If Graph
fails, the form comes back filled in as submitted, with the reason on top, so nothing typed is lost.
"""

from __future__ import annotations

import asyncio

from bot.ids import OrgBlock, OrgView
from bot.services import organize, webinars
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape, parse_utc
from bot.ui.picker import PickerMeta
from bot.ui.private_metadata import WebinarMeta
from bot.ui.webinar_forms import (
    FormMeta,
    field_value,
    form_errors,
    notice_modal,
    read_webinar_form,
    webinar_modal,
)
from commands import webinar_lifecycle
from commands.modals import explain, update_quietly
from commands.picker import run_picked
from listeners.events.app_home import publish_home

LOOKUP_SECONDS = 2.0


async def _co_organizers(runtime, form, organizer_entra_id, kept=()) -> tuple[list, str | None]:
    if not form.co_organizers:
        return list(kept), None
    try:
        pairs, problem = await asyncio.wait_for(organize.co_organizer_ids(
            runtime, form.co_organizers, organizer_entra_id=organizer_entra_id), LOOKUP_SECONDS)
    except TimeoutError:
        return [], "Checking the co-organizers took too long. Please submit again."
    return pairs + [pair for pair in kept if pair not in pairs], problem


async def create_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    meta = private_metadata.load(FormMeta, view["private_metadata"])
    form = read_webinar_form(view["state"]["values"])
    try:
        organizer_entra_id = organize.actor_entra_id(runtime, user)
    except Exception as error:  # noqa: BLE001 -- signed out while the form was open
        await ack(response_action="update", view=notice_modal("New webinar", explain(error)))
        return
    errors = organize.check_form(form)
    co_organizers, problem = await _co_organizers(runtime, form, organizer_entra_id)
    if problem:
        errors["co_organizers"] = problem
    if errors:
        await ack(response_action="errors", errors=form_errors(errors))
        return
    await ack(response_action="update", view=notice_modal("New webinar", "Creating your webinar in Teams…"))
    try:
        created = await organize.create(runtime, user, form, co_organizers=co_organizers,
                                        time_zone=meta.time_zone)
    except Exception as error:  # noqa: BLE001 -- the form comes back with the reason
        await update_quietly(runtime, view["id"], webinar_modal(meta, form, error=explain(error)))
        return
    row = created.webinar
    note = None
    if created.question_problems:
        note = (f"Some questions couldn't be added ({escape(', '.join(created.question_problems))}): "
                f"try again with `{runtime.settings.slack_command} questions {row['handle']}`.")
    sent = await webinar_lifecycle.send_dm_card(runtime, user, row, note)
    slash = runtime.settings.slack_command
    done = (f":white_check_mark: *{escape(row['title'])}* is saved as a draft, handle `{row['handle']}`.\n"
            + ("I sent you a card in our DM: publish it from there when you're ready." if sent else
               f"Publish it when you're ready with `{slash} publish {row['handle']}`."))
    if created.card_channel:
        done += f"\nOnce it is published, a registration card goes to <#{created.card_channel}>."
    if note:
        done += f"\n:warning: {note}"
    await update_quietly(runtime, view["id"], notice_modal("Webinar created", done, close="Done"))
    await publish_home(runtime, user)


async def edit_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    meta = private_metadata.load(FormMeta, view["private_metadata"])
    form = read_webinar_form(view["state"]["values"])
    try:
        row = await webinars.resolve(runtime, meta.webinar_id or "", user)
    except Exception as error:  # noqa: BLE001
        await ack(response_action="update", view=notice_modal("Edit webinar", explain(error)))
        return
    errors = organize.check_form(form, original_start=parse_utc(row["start_utc"]))
    kept = [(entra_id, runtime.settings.ms_tenant_id) for entra_id in meta.kept]
    co_organizers, problem = await _co_organizers(runtime, form, row["organizer_entra_id"], kept)
    if problem:
        errors["co_organizers"] = problem
    if errors:
        await ack(response_action="errors", errors=form_errors(errors))
        return
    await ack(response_action="update", view=notice_modal("Edit webinar", "Saving your changes in Teams…"))
    try:
        updated = await organize.update(runtime, user, row["id"], form, co_organizers=co_organizers,
                                        time_zone=meta.time_zone)
    except Exception as error:  # noqa: BLE001 -- the form comes back with the reason
        await update_quietly(runtime, view["id"], webinar_modal(meta, form, editing=True, error=explain(error)))
        return
    name = f"*{escape(updated.webinar['title'])}* (`{updated.webinar['handle']}`)"
    done = (f":white_check_mark: Saved {name}: {', '.join(updated.changed)} changed." if updated.changed
            else f"Nothing changed in {name}.")
    await update_quietly(runtime, view["id"], notice_modal("Edit webinar", done, close="Done"))
    if updated.changed:
        await webinar_lifecycle.after_change(runtime, updated.webinar, user)


async def picker_submitted(ack, body, view, context):
    chosen = field_value(view["state"]["values"], OrgBlock.PICK)
    if not chosen:
        await ack(response_action="errors", errors={OrgBlock.PICK: "Choose a webinar."})
        return
    await ack()
    meta = private_metadata.load(PickerMeta, view["private_metadata"])
    await run_picked(context["runtime"], meta, chosen, user_id=body["user"]["id"],
                     trigger_id=body.get("trigger_id"))


async def share_submitted(ack, body, view, context):
    runtime, user = context["runtime"], body["user"]["id"]
    channel = field_value(view["state"]["values"], OrgBlock.SHARE_CHANNEL)
    if not channel:
        await ack(response_action="errors", errors={OrgBlock.SHARE_CHANNEL: "Choose a channel."})
        return
    await ack(response_action="update", view=notice_modal("Share webinar", "Posting the registration card…"))
    meta = private_metadata.load(WebinarMeta, view["private_metadata"])
    try:
        row = await webinars.resolve(runtime, meta.webinar_id, user)
        outcome = await webinar_lifecycle.post_registration_card(runtime, row, channel, user)
    except Exception as error:  # noqa: BLE001
        outcome = explain(error)
    await update_quietly(runtime, view["id"], notice_modal("Share webinar", outcome, close="Done"))


def register(app) -> None:
    app.view_submission(OrgView.CREATE)(create_submitted)
    app.view_submission(OrgView.EDIT)(edit_submitted)
    app.view_submission(OrgView.PICKER)(picker_submitted)
    app.view_submission(OrgView.SHARE)(share_submitted)
