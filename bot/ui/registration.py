"""Block Kit for registering: the channel card, the register modal, its outcomes, and the registrant's DM.

Pure functions: mirror rows, Graph models and service results in, Slack payloads out. The modal is built from the
webinar's own Graph registration questions; `read_submission` and `decode_answers` turn what Slack sends back into
the raw answers `bot.graph.bodies.answer` expects (text in `value`, yes/no as a bool word, choices as lists).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bot.graph.models import Question, Registration, Webinar
from bot.ids import Reg
from bot.ui.mrkdwn import date_token, escape, parse_utc, plain

if TYPE_CHECKING:
    from bot.services.registration import Outcome, RegistrationForm

TITLE = "Register"
EXCERPT = 280
RADIO_MAX = 5            # up to this many choices: radio buttons, above: a menu
CHECKBOXES_MAX = 10      # Slack's limit for checkboxes; more choices use a multi-select menu
OPTIONS_MAX = 100        # Slack's limit for a static menu
PRESENTERS_MAX = 10      # names on the card; the section holds 3000 characters
QUESTIONS_MAX = 90       # a modal holds 100 blocks: the title section, three contact inputs, a note, questions
PREDEFINED_NAMES = {
    "street": "Address", "city": "City", "state": "State or province", "postalCode": "Postal code",
    "countryOrRegion": "Country or region", "industry": "Industry", "jobTitle": "Job title",
    "organization": "Organization",
}
CANCELLABLE = ("registered", "waitlisted", "pendingApproval")
CONTACT_BLOCKS = {"first_name": Reg.FIRST_NAME, "last_name": Reg.LAST_NAME, "email": Reg.EMAIL}
STATUS_LINES = {
    "registered": ":white_check_mark: You're registered for *{title}*.",
    "waitlisted": ":hourglass_flowing_sand: You're on the waitlist for *{title}*; we'll tell you if a seat opens.",
    "pendingApproval": ":raised_hand: You asked to join *{title}*: the organizer approves registrations, "
                       "and we'll tell you when they have decided.",
    "rejectedByOrganizer": ":no_entry_sign: The organizer declined your registration for *{title}*.",
    "canceled": ":wave: Your registration for *{title}* is cancelled.",
}
BLOCKED_LINES = {
    "organizer": "You organize *{title}*, so you don't need to register: you can join from your Teams calendar.",
    "coOrganizer": "You co-organize *{title}*, so you don't need to register: you can join from your Teams "
                   "calendar.",
    "presenter": "You present at *{title}*, so you don't need to register: your presenter invitation has the "
                 "link.",
    "canceled": ":x: *{title}* was cancelled, so it takes no registrations.",
    "draft": "*{title}* isn't published yet, so registration hasn't opened. Please try again later.",
    "full": "*{title}* is full: every place is taken and there is no waitlist.",
    "unsupported": "*{title}* asks a question Slack can't show. Please register on the registration page.",
}


# --------------------------------------------------------------------------------------------------------------
# private_metadata


@dataclass(frozen=True)
class RegisterMetadata:
    """What the register modal remembers: ids only."""

    webinar_id: str
    channel_id: str | None = None

    def dumps(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> RegisterMetadata:
        data = json.loads(text or "{}")
        return cls(webinar_id=data["webinar_id"], channel_id=data.get("channel_id"))


# --------------------------------------------------------------------------------------------------------------
# Small pieces


def _section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if accessory:
        block["accessory"] = accessory
    return block


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _text(text: str, limit: int = 75) -> dict:
    return {"type": "plain_text", "text": plain(text, limit), "emoji": True}


def _option(label: str, value: str) -> dict:
    return {"text": _text(label), "value": value}


def when(webinar: dict) -> str:
    """Start and end in each viewer's own time zone."""
    start, end = parse_utc(webinar.get("start_utc")), parse_utc(webinar.get("end_utc"))
    text = date_token(start, "{date_long_pretty} at {time}")
    return f"{text} – {date_token(end, '{time}')}" if start and end else text


def excerpt(webinar: dict, limit: int = EXCERPT) -> str:
    """The description as plain text (HTML tags dropped), cut to `limit` characters, escaped for mrkdwn."""
    model = Webinar.from_graph(json.loads(webinar.get("raw") or "{}"))
    text = model.description
    if model.description_content_type == "html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\s+", " ", text).strip()
    return escape(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


def counts_line(counts: dict[str, int]) -> str:
    parts = [f"{counts.get('registered', 0)} registered"]
    if counts.get("pendingApproval"):
        parts.append(f"{counts['pendingApproval']} awaiting approval")
    if counts.get("waitlisted"):
        parts.append(f"{counts['waitlisted']} on the waitlist")
    return ":busts_in_silhouette: " + " · ".join(parts)


def status_line(status: str, title: str) -> str:
    line = STATUS_LINES.get(status, "Your registration for *{title}* is " + escape(status) + ".")
    return line.format(title=escape(title))


def _cancel_button(webinar_id: str) -> dict:
    return {"type": "button", "action_id": Reg.CANCEL_MINE, "text": _text("Cancel my registration"),
            "value": webinar_id, "style": "danger",
            "confirm": {"title": _text("Cancel your registration?"),
                        "text": {"type": "mrkdwn", "text": "You'll lose your place. You can register again "
                                                           "later if places are left."},
                        "confirm": _text("Cancel registration"), "deny": _text("Keep it"), "style": "danger"}}


def _join_button(join_url: str) -> dict:
    return {"type": "button", "action_id": Reg.JOIN, "text": _text("Join the webinar"), "url": join_url,
            "style": "primary"}


# --------------------------------------------------------------------------------------------------------------
# The channel card


def registration_card(webinar: dict, *, presenters: list[str], counts: dict[str, int],
                      registration_url: str | None) -> dict:
    """chat.postMessage / chat.update arguments for the card; a cancelled webinar keeps a card without buttons."""
    title, cancelled = webinar["title"], webinar["status"] == "canceled"
    header = f"Cancelled: {title}" if cancelled else title
    blocks: list[dict] = [{"type": "header", "text": _text(header, 150)}]
    body = [f":calendar: {when(webinar)}"]
    if presenters:
        shown = ", ".join(escape(name) for name in presenters[:PRESENTERS_MAX])
        more = f" and {len(presenters) - PRESENTERS_MAX} more" if len(presenters) > PRESENTERS_MAX else ""
        body.append(f":microphone: {shown}{more}")
    description = excerpt(webinar)
    if description:
        body.append(description)
    blocks.append(_section("\n".join(body)))
    if cancelled:
        blocks.append(_section(":x: *This webinar was cancelled.* Registrations are closed."))
    else:
        buttons = [{"type": "button", "action_id": Reg.REGISTER, "text": _text("Register"), "style": "primary",
                    "value": webinar["id"]}]
        if registration_url:
            buttons.append({"type": "button", "action_id": Reg.OPEN_PAGE, "text": _text("Open registration page"),
                            "url": registration_url})
        blocks.append({"type": "actions", "elements": buttons})
    blocks.append(_context(f"{counts_line(counts)} · `{webinar['handle']}`"))
    prefix = "Cancelled: " if cancelled else "Register for "
    return {"text": f"{prefix}{escape(title)}", "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


# --------------------------------------------------------------------------------------------------------------
# Modals


def loading_view(title: str = TITLE) -> dict:
    return {"type": "modal", "title": _text(title, 24), "close": _text("Close", 24),
            "blocks": [_section(":hourglass_flowing_sand: Getting the registration form from Microsoft Teams…")]}


def notice_view(text: str, *, title: str = TITLE, url: str | None = None) -> dict:
    """A modal that only explains (no submit), with the registration page as a way out when `url` is given;
    `text` is mrkdwn the caller has escaped."""
    accessory = {"type": "button", "action_id": Reg.OPEN_PAGE, "text": _text("Open registration page"),
                 "url": url} if url else None
    return {"type": "modal", "title": _text(title, 24), "close": _text("Close", 24),
            "blocks": [_section(text, accessory)]}


def progress_view() -> dict:
    return notice_view(":hourglass_flowing_sand: Registering you with Microsoft Teams…")


def register_modal(form: RegistrationForm, channel_id: str | None = None) -> dict:
    """The form, or an explanation when this person can't (or needn't) register."""
    webinar = form.webinar
    if form.existing is not None:
        return registration_view(webinar, form.existing, form.join_url)
    if form.blocked:
        url = form.registration_url if form.blocked == "unsupported" else None
        return notice_view(BLOCKED_LINES[form.blocked].format(title=escape(webinar["title"])), url=url)
    blocks = [_section(f"*{escape(webinar['title'])}*\n:calendar: {when(webinar)}")]
    if form.waitlist:
        blocks.append(_context(":hourglass_flowing_sand: All places are taken: registering puts you on the "
                               "waitlist, and we'll tell you if a seat opens."))
    contact = form.contact
    blocks += [
        _input(Reg.FIRST_NAME, "First name", _plain_input(contact.first_name)),
        _input(Reg.LAST_NAME, "Last name", _plain_input(contact.last_name)),
        _input(Reg.EMAIL, "E-mail", {"type": "email_text_input", "action_id": Reg.EMAIL,
                                     **({"initial_value": contact.email} if contact.email else {})}),
    ]
    blocks += [block for question in form.questions if (block := question_block(question))]
    return {"type": "modal", "callback_id": Reg.MODAL, "title": _text(TITLE, 24), "submit": _text("Register", 24),
            "close": _text("Cancel", 24), "private_metadata": RegisterMetadata(webinar["id"], channel_id).dumps(),
            "blocks": blocks}


def _plain_input(initial: str | None, *, multiline: bool = False, action_id: str | None = None) -> dict:
    element = {"type": "plain_text_input", "action_id": action_id or "", "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    return element


def _input(block_id: str, label: str, element: dict, *, optional: bool = False) -> dict:
    if element.get("action_id") == "":
        element["action_id"] = block_id
    return {"type": "input", "block_id": block_id, "label": _text(label, 2000), "element": element,
            "optional": optional}


def question_label(question: Question) -> str:
    if question.kind == "predefined":
        return question.display_name or PREDEFINED_NAMES.get(question.label or "", "Answer")
    return question.display_name or "Question"


def question_block(question: Question) -> dict | None:
    """The input for one Graph question; None for a type Slack can't show (the service blocks required ones)."""
    kind = "text" if question.kind == "predefined" else question.answer_input_type
    choices = [_option(choice, choice) for choice in question.answer_choices[:OPTIONS_MAX] if len(choice) <= 150]
    if kind in ("text", "multilineText"):
        element = _plain_input(None, multiline=kind == "multilineText", action_id=Reg.ANSWER)
    elif kind == "singleChoice" and choices:
        element = {"type": "radio_buttons" if len(choices) <= RADIO_MAX else "static_select",
                   "action_id": Reg.ANSWER, "options": choices}
        if element["type"] == "static_select":
            element["placeholder"] = _text("Choose one")
    elif kind == "multiChoice" and choices:
        element = {"type": "checkboxes" if len(choices) <= CHECKBOXES_MAX else "multi_static_select",
                   "action_id": Reg.ANSWER, "options": choices}
        if element["type"] == "multi_static_select":
            element["placeholder"] = _text("Choose any")
    elif kind == "boolean":
        element = {"type": "radio_buttons", "action_id": Reg.ANSWER,
                   "options": [_option("Yes", "true"), _option("No", "false")]}
    else:
        return None
    return _input(f"{Reg.QUESTION}{question.id}", question_label(question), element,
                  optional=not question.is_required)


def registration_view(webinar: dict, registration: Registration, join_url: str | None) -> dict:
    """A person's existing (or just created) registration, with the join link and a way out."""
    text = status_line(registration.status, webinar["title"]) + f"\n:calendar: {when(webinar)}"
    blocks = [_section(text)]
    buttons = [_join_button(join_url)] if join_url and registration.status == "registered" else []
    if registration.status in CANCELLABLE:
        buttons.append(_cancel_button(webinar["id"]))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    blocks.append(_context(f"Registered as {escape(registration.display_name)} "
                           f"({escape(registration.email or 'no e-mail')})"))
    return {"type": "modal", "title": _text(TITLE, 24), "close": _text("Close", 24), "blocks": blocks}


def result_view(outcome: Outcome) -> dict:
    view = registration_view(outcome.webinar, outcome.registration, outcome.join_url)
    note = ("You were already registered; here is your registration." if outcome.already
            else "I've sent you the details in a direct message.")
    view["blocks"].insert(1, _context(note))
    return view


# --------------------------------------------------------------------------------------------------------------
# The registrant's DM


def confirmation_message(webinar: dict, registration: Registration, join_url: str | None) -> dict:
    blocks = [_section(status_line(registration.status, webinar["title"]) + f"\n:calendar: {when(webinar)}")]
    buttons = []
    if join_url and registration.status == "registered":
        buttons.append(_join_button(join_url))
        blocks.append(_context("This join link is personal to you: please don't share it."))
    if registration.status in CANCELLABLE:
        buttons.append(_cancel_button(webinar["id"]))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return {"text": status_line(registration.status, webinar["title"]), "blocks": blocks, "unfurl_links": False}


def cancelled_message(webinar: dict) -> dict:
    line = status_line("canceled", webinar["title"])
    return {"text": line, "blocks": [_section(line), _context("Changed your mind? Register again from the card, "
                                                              f"or with `/webinar register {webinar['handle']}`.")]}


# --------------------------------------------------------------------------------------------------------------
# Reading a submission


@dataclass(frozen=True)
class Submission:
    first_name: str
    last_name: str
    email: str
    missing: dict[str, str]      # block_id -> error, for required inputs left blank


def _element_value(element: dict) -> Any:
    """A submitted element's value: a string, a list of option values, or None."""
    if "selected_options" in element:
        return [option["value"] for option in element.get("selected_options") or []]
    if "selected_option" in element:
        return (element.get("selected_option") or {}).get("value")
    value = element.get("value")
    return value.strip() if isinstance(value, str) else value


def _state(view: dict) -> dict[str, Any]:
    """block_id -> value of its single element."""
    values = (view.get("state") or {}).get("values") or {}
    return {block_id: _element_value(next(iter(actions.values()), {})) for block_id, actions in values.items()}


def read_submission(view: dict) -> Submission:
    """Contact details, and the required inputs that came back blank (whitespace counts as blank)."""
    state = _state(view)
    missing = {}
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and not block.get("optional") and not state.get(block.get("block_id")):
            missing[block["block_id"]] = "Please answer this question."
    return Submission(first_name=state.get(Reg.FIRST_NAME) or "", last_name=state.get(Reg.LAST_NAME) or "",
                      email=state.get(Reg.EMAIL) or "", missing=missing)


def decode_answers(view: dict, questions: tuple[Question, ...]) -> dict[str, Any]:
    """question id -> raw answer for `bodies.answer`, for the questions the modal showed."""
    state = _state(view)
    return {question.id: state.get(f"{Reg.QUESTION}{question.id}") for question in questions
            if f"{Reg.QUESTION}{question.id}" in state}


def error_block(question_id: str) -> str:
    return f"{Reg.QUESTION}{question_id}"
