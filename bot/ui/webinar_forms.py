"""The create and edit modals, plus the small notice modals shown while Graph works.

Pure builders and readers: `webinar_modal` renders a `WebinarForm` (empty, prefilled from Graph, or as the user
submitted it after a failure), `read_webinar_form` turns the submitted state back into one. Date pickers show
and return epoch seconds; Slack draws them in the viewer's own time zone, so no conversion happens here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.ids import Notice, OrgBlock, OrgView
from bot.services.organize import CUSTOM_QUESTION_MAX, DESCRIPTION_MAX, TITLE_MAX, WebinarForm
from bot.services.questions import LABELS
from bot.services.reminders import DEFAULT_LEADS
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape, plain
from bot.ui.notices import FOLLOW_UP_LABELS, communication_blocks, read_leads

AUDIENCES = {"organization": "People in my organization", "everyone": "Everyone (public)"}
ATTENDEE_EMAILS = "teams-emails"
FIELD_BLOCKS = {  # service field names -> the input block that shows the problem
    "title": OrgBlock.TITLE, "description": OrgBlock.DESCRIPTION, "start": OrgBlock.START, "end": OrgBlock.END,
    "co_organizers": OrgBlock.CO_ORGANIZERS, "custom_question": OrgBlock.CUSTOM_QUESTION,
}


@dataclass(frozen=True)
class FormMeta:
    """What the create/edit modal carries: which webinar (edit), the organizer's zone, co-organizers kept as is."""
    webinar_id: str | None = None
    time_zone: str = "UTC"
    kept: tuple[str, ...] = ()          # Entra ids of co-organizers with no Slack account: sent back unchanged
    origin: str | None = None           # channel the command came from


def text(value: str) -> dict:
    return {"type": "plain_text", "text": value, "emoji": True}


def mrkdwn(value: str) -> dict:
    return {"type": "mrkdwn", "text": value}


def section(value: str) -> dict:
    return {"type": "section", "text": mrkdwn(value)}


def context(value: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(value)]}


def option(label: str, value: str, description: str | None = None) -> dict:
    result = {"text": text(plain(label, 75)), "value": value}
    if description:
        result["description"] = text(plain(description, 75))
    return result


def input_block(block_id: str, label: str, element: dict, *, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": text(label),
             "element": {**element, "action_id": block_id}, "optional": optional}
    if hint:
        block["hint"] = text(hint)
    return block


def notice_modal(title: str, body: str, *, close: str = "Close", callback_id: str | None = None,
                 meta: str = "") -> dict:
    """A modal that only says something (loading, done, failed)."""
    view = {"type": "modal", "title": text(plain(title, 24)), "close": text(close),
            "blocks": [section(body)], "private_metadata": meta}
    if callback_id:
        view["callback_id"] = callback_id
    return view


def default_times(time_zone: str, now: datetime | None = None) -> tuple[int, int]:
    """Tomorrow 10:00-11:00 in the organizer's zone, as epoch seconds for the date-time pickers."""
    zone = zone_info(time_zone)
    local = (now or datetime.now(UTC)).astimezone(zone) + timedelta(days=1)
    start = local.replace(hour=10, minute=0, second=0, microsecond=0)
    return int(start.timestamp()), int((start + timedelta(hours=1)).timestamp())


def zone_info(time_zone: str):
    """The ZoneInfo for an IANA name; UTC for anything unknown."""
    try:
        return ZoneInfo(time_zone)
    except (ValueError, KeyError, OSError):
        return UTC


def webinar_modal(meta: FormMeta, form: WebinarForm | None = None, *, editing: bool = False,
                  error: str | None = None, audience_note: str | None = None,
                  kept_names: tuple[str, ...] = ()) -> dict:
    """The create modal (`editing=False`) or the edit modal, prefilled from `form` when given."""
    start, end = default_times(meta.time_zone)
    if form and form.start:
        start = int(form.start.timestamp())
    if form and form.end:
        end = int(form.end.timestamp())
    blocks: list[dict] = []
    if error:
        blocks.append(section(f":warning: {error}"))
    title = {"type": "plain_text_input", "max_length": TITLE_MAX,
             "placeholder": text("e.g. Product launch Q3")}
    description = {"type": "plain_text_input", "multiline": True, "max_length": DESCRIPTION_MAX}
    if form:
        title["initial_value"] = form.title
        if form.description:
            description["initial_value"] = form.description[:DESCRIPTION_MAX]
    zone_hint = f"In your Slack time zone ({meta.time_zone})." if meta.time_zone != "UTC" else None
    blocks += [
        input_block(OrgBlock.TITLE, "Title", title, hint=f"Up to {TITLE_MAX} characters."),
        input_block(OrgBlock.DESCRIPTION, "Description", description, optional=True,
                    hint=f"Shown on the registration page. Up to {DESCRIPTION_MAX} characters."),
        input_block(OrgBlock.START, "Starts", {"type": "datetimepicker", "initial_date_time": start},
                    hint=zone_hint),
        input_block(OrgBlock.END, "Ends", {"type": "datetimepicker", "initial_date_time": end}),
    ]
    if editing:
        blocks.append(context(audience_note or "The audience can't be changed after creation."))
    else:
        audience = form.audience if form else "organization"
        blocks.append(input_block(OrgBlock.AUDIENCE, "Who can register", {
            "type": "static_select", "options": [option(label, value) for value, label in AUDIENCES.items()],
            "initial_option": option(AUDIENCES[audience], audience)}))
    people = {"type": "multi_users_select", "placeholder": text("Choose colleagues"), "max_selected_items": 10}
    if form and form.co_organizers:
        people["initial_users"] = list(form.co_organizers)
    blocks.append(input_block(OrgBlock.CO_ORGANIZERS, "Co-organizers", people, optional=True,
                              hint="They can edit the webinar and its questions. Each needs a Microsoft 365 "
                                   "account in your organization (matched by e-mail)."))
    if kept_names:
        blocks.append(context("Also co-organizing (not on Slack, kept as they are): "
                              + ", ".join(escape(name) for name in kept_names)))
    emails = option("Teams sends attendee e-mails", ATTENDEE_EMAILS,
                    "Off: webinar-bot's Slack messages and e-mails replace them")
    checkboxes = {"type": "checkboxes", "options": [emails]}
    if form is None or form.attendee_emails:
        checkboxes["initial_options"] = [emails]
    blocks.append(input_block(OrgBlock.OPTIONS, "Notifications", checkboxes, optional=True))
    blocks += communication_blocks(_or_default(form and form.reminder_leads, DEFAULT_LEADS),
                                   _or_default(form and form.follow_ups, tuple(FOLLOW_UP_LABELS)))
    if not editing:
        blocks += _create_only_blocks(form)
    view = {
        "type": "modal", "callback_id": OrgView.EDIT if editing else OrgView.CREATE,
        "title": text("Edit webinar" if editing else "New webinar"),
        "submit": text("Save changes" if editing else "Create draft"), "close": text("Cancel"),
        "private_metadata": private_metadata.dump(meta), "blocks": blocks,
    }
    return view


def _or_default(value, default):
    return default if value is None else value


def _create_only_blocks(form: WebinarForm | None) -> list[dict]:
    predefined = {"type": "multi_static_select", "placeholder": text("Choose fields"),
                  "options": [option(label, value) for value, label in LABELS.items()]}
    if form and form.predefined_questions:
        predefined["initial_options"] = [option(LABELS[v], v) for v in form.predefined_questions if v in LABELS]
    custom = {"type": "plain_text_input", "max_length": CUSTOM_QUESTION_MAX,
              "placeholder": text("e.g. What would you like us to cover?")}
    if form and form.custom_question:
        custom["initial_value"] = form.custom_question
    channel = {"type": "conversations_select", "placeholder": text("Choose a channel"),
               "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if form and form.card_channel:
        channel["initial_conversation"] = form.card_channel
    return [
        {"type": "divider"},
        input_block(OrgBlock.PREDEFINED, "Registration questions", predefined, optional=True,
                    hint="Registrants always give their name and e-mail. Add other kinds of questions later "
                         "with /webinar questions."),
        input_block(OrgBlock.CUSTOM_QUESTION, "One more question (short text answer)", custom, optional=True,
                    hint=f"Up to {CUSTOM_QUESTION_MAX} characters."),
        input_block(OrgBlock.CARD_CHANNEL, "Post a registration card to", channel, optional=True,
                    hint="Posted once you publish the webinar: people register there with one click."),
    ]


# --------------------------------------------------------------------------------------------------------------
# Reading submitted state


def field_value(values: dict, block_id: str):
    """The value of the input in `block_id`, whatever its element type (None when empty or absent)."""
    element = (values.get(block_id) or {}).get(block_id) or {}
    kind = element.get("type")
    if kind in ("plain_text_input", "email_text_input", "url_text_input"):
        return element.get("value")
    if kind == "datetimepicker":
        return element.get("selected_date_time")
    if kind in ("static_select", "radio_buttons", "external_select"):
        return (element.get("selected_option") or {}).get("value")
    if kind in ("multi_static_select", "checkboxes"):
        return [o["value"] for o in element.get("selected_options") or []]
    if kind == "multi_users_select":
        return element.get("selected_users") or []
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    return None


def read_webinar_form(values: dict) -> WebinarForm:
    def when(block_id: str) -> datetime | None:
        epoch = field_value(values, block_id)
        return datetime.fromtimestamp(int(epoch), UTC) if epoch is not None else None

    return WebinarForm(
        title=field_value(values, OrgBlock.TITLE) or "",
        description=field_value(values, OrgBlock.DESCRIPTION) or "",
        start=when(OrgBlock.START), end=when(OrgBlock.END),
        audience=field_value(values, OrgBlock.AUDIENCE) or "organization",
        co_organizers=tuple(field_value(values, OrgBlock.CO_ORGANIZERS) or ()),
        attendee_emails=ATTENDEE_EMAILS in (field_value(values, OrgBlock.OPTIONS) or []),
        predefined_questions=tuple(field_value(values, OrgBlock.PREDEFINED) or ()),
        custom_question=field_value(values, OrgBlock.CUSTOM_QUESTION) or "",
        card_channel=field_value(values, OrgBlock.CARD_CHANNEL),
        reminder_leads=read_leads(field_value(values, Notice.REMINDERS)),
        follow_ups=_tuple_or_none(field_value(values, Notice.FOLLOW_UPS)),
    )


def _tuple_or_none(values: list | None) -> tuple | None:
    return None if values is None else tuple(values)


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service field names -> block ids, for `ack(response_action="errors", errors=...)`."""
    return {FIELD_BLOCKS[name]: message for name, message in errors.items() if name in FIELD_BLOCKS}
