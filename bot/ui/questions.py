"""The registration questions modal (the list, with delete) and the "add questions" form pushed on top of it."""

from __future__ import annotations

from bot.graph.models import Question
from bot.ids import OrgAction, OrgBlock, OrgView
from bot.services.questions import (
    CHOICE_MAX,
    CHOICES_MAX,
    INPUT_TYPES,
    LABELS,
    TEXT_MAX,
    CustomQuestion,
    parse_choices,
)
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape, plain
from bot.ui.private_metadata import WebinarMeta
from bot.ui.webinar_cards import button, question_label
from bot.ui.webinar_forms import context, field_value, input_block, option, section, text

MAX_SHOWN = 80
REQUIRED = "required"
FIELD_BLOCKS = {"text": OrgBlock.QUESTION_TEXT, "choices": OrgBlock.QUESTION_CHOICES}


def questions_view(webinar: dict, questions: list[Question], *, can_change: bool,
                   notice: str | None = None) -> dict:
    blocks: list[dict] = [section(f"*{escape(webinar['title'])}*  `{webinar['handle']}`")]
    if notice:
        blocks.append(section(notice))
    if can_change:
        blocks.append({"type": "actions", "elements": [
            button("Add questions", OrgAction.QUESTION_ADD, webinar["id"], style="primary")]})
    blocks.append(context("Everyone registering gives their first name, last name and e-mail; "
                          "these questions come after."))
    if not questions:
        blocks.append(section("No extra questions."))
    for question in questions[:MAX_SHOWN]:
        line = escape(question_label(question.display_name, question.label, question.kind,
                                     question.answer_input_type))
        if question.answer_choices:
            line += "\n" + escape(plain(", ".join(question.answer_choices), 500))
        if question.is_required:
            line += "\n_required_"
        block = section(plain(line, 2900))
        if can_change:
            block["accessory"] = button("Delete", OrgAction.QUESTION_DELETE, question.id, style="danger", confirm={
                "title": text("Delete this question?"),
                "text": {"type": "mrkdwn", "text": "Answers already given to it are no longer shown in Teams."},
                "confirm": text("Delete"), "deny": text("Keep"), "style": "danger"})
        blocks.append(block)
    return {"type": "modal", "callback_id": OrgView.QUESTIONS, "title": text("Registration questions"),
            "close": text("Done"), "blocks": blocks,
            "private_metadata": private_metadata.dump(WebinarMeta(webinar["id"]))}


def add_view(webinar_id: str, existing_labels: set[str]) -> dict:
    blocks: list[dict] = []
    free = [option(label, value) for value, label in LABELS.items() if value not in existing_labels]
    if free:
        blocks.append(input_block(OrgBlock.PREDEFINED, "Standard fields",
                                  {"type": "multi_static_select", "placeholder": text("Choose fields"),
                                   "options": free}, optional=True))
    types = [option(label, value) for value, label in INPUT_TYPES.items()]
    blocks += [
        {"type": "divider"},
        section("*A question of your own*"),
        input_block(OrgBlock.QUESTION_TEXT, "Question", {"type": "plain_text_input", "max_length": TEXT_MAX},
                    optional=True, hint=f"Up to {TEXT_MAX} characters."),
        input_block(OrgBlock.QUESTION_TYPE, "Answer", {"type": "static_select", "options": types,
                                                       "initial_option": types[0]}),
        input_block(OrgBlock.QUESTION_CHOICES, "Choices",
                    {"type": "plain_text_input", "multiline": True}, optional=True,
                    hint=f"Only for “One choice” and “Several choices”: 2 to {CHOICES_MAX} choices, one per "
                         f"line, up to {CHOICE_MAX} characters each."),
        input_block(OrgBlock.QUESTION_REQUIRED, "Required",
                    {"type": "checkboxes", "options": [option("Registrants must answer", REQUIRED)]},
                    optional=True),
    ]
    return {"type": "modal", "callback_id": OrgView.QUESTION_ADD, "title": text("Add questions"),
            "submit": text("Add"), "close": text("Back"), "blocks": blocks,
            "private_metadata": private_metadata.dump(WebinarMeta(webinar_id))}


def read_add_form(values: dict) -> tuple[list[str], CustomQuestion | None]:
    """(predefined labels, custom question or None when neither question nor choices were written)."""
    labels = [label for label in field_value(values, OrgBlock.PREDEFINED) or [] if label in LABELS]
    question_text = field_value(values, OrgBlock.QUESTION_TEXT) or ""
    choices = parse_choices(field_value(values, OrgBlock.QUESTION_CHOICES) or "")
    if not question_text.strip() and not choices:
        return labels, None
    return labels, CustomQuestion(question_text, field_value(values, OrgBlock.QUESTION_TYPE) or "text", choices,
                                  REQUIRED in (field_value(values, OrgBlock.QUESTION_REQUIRED) or []))
