"""Registration questions: list, add (predefined or custom) and delete, keeping the `questions` mirror in step.

Graph lets the organizer or a co-organizer change questions, with their delegated token only (REFERENCE §2.2).
The mirror copy is what the registration modal renders from, so every change here is written through at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.graph import bodies
from bot.graph.errors import NotFound
from bot.graph.models import Question
from bot.services import webinars
from bot.services.errors import UserFacingError
from bot.services.organize import ORGANIZERS, audited, graph_refusal_as, not_allowed_text, require
from bot.services.runtime import Runtime
from bot.ui.mrkdwn import escape
from storage import mirror

# Graph's predefined labels with the names Teams shows (there is no "address" label: it is `street`).
LABELS = {
    "street": "Address", "city": "City", "state": "State", "postalCode": "Postal code",
    "countryOrRegion": "Country or region", "industry": "Industry", "jobTitle": "Job title",
    "organization": "Organization",
}
INPUT_TYPES = {
    "text": "Short text", "multilineText": "Long text", "singleChoice": "One choice",
    "multiChoice": "Several choices", "boolean": "Yes / no",
}
CHOICE_TYPES = ("singleChoice", "multiChoice")
TEXT_MAX = 200
CHOICES_MAX = 10        # what a registration form can show as radio buttons / checkboxes
CHOICE_MAX = 75         # Slack's option text limit


@dataclass(frozen=True)
class CustomQuestion:
    text: str
    input_type: str = "text"
    choices: tuple[str, ...] = ()
    required: bool = False


def parse_choices(text: str) -> tuple[str, ...]:
    """One choice per line; blank lines dropped."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def check_custom(question: CustomQuestion) -> dict[str, str]:
    """Field -> problem: `text`, `choices`."""
    errors = {}
    text = question.text.strip()
    if not text:
        errors["text"] = "Write the question."
    elif len(text) > TEXT_MAX:
        errors["text"] = f"Keep the question to {TEXT_MAX} characters."
    choices = question.choices
    if question.input_type in CHOICE_TYPES:
        if len(choices) < 2:
            errors["choices"] = "Give at least two choices, one per line."
        elif len(choices) > CHOICES_MAX:
            errors["choices"] = f"At most {CHOICES_MAX} choices."
        elif any(len(choice) > CHOICE_MAX for choice in choices):
            errors["choices"] = f"Keep each choice to {CHOICE_MAX} characters."
        elif len({c.casefold() for c in choices}) != len(choices):
            errors["choices"] = "Each choice must be different."
    elif choices:
        errors["choices"] = f"A “{INPUT_TYPES[question.input_type]}” question has no choices; clear this box."
    return errors


async def list_questions(runtime: Runtime, slack_user: str, ref: str) -> tuple[dict, str, list[Question]]:
    """(mirror row, caller's role, questions); organizers and co-organizers only."""
    row = await webinars.resolve(runtime, ref, slack_user)
    found_role = require(runtime, row, slack_user, ORGANIZERS, "manage the registration questions of")
    with graph_refusal_as(not_allowed_text(row, ORGANIZERS, "manage the registration questions of")):
        found = [q async for q in runtime.graph.list_questions(row["id"], user=slack_user)]
    mirror_questions(runtime, row["id"], found)
    return row, found_role, found


def mirror_questions(runtime: Runtime, webinar_id: str, found: list[Question]) -> None:
    mirror.replace_questions(runtime.db, webinar_id, [_row(webinar_id, q) for q in found if q.id])


async def add_predefined(runtime: Runtime, slack_user: str, webinar_id: str, labels: list[str], *,
                         origin: str = "slack:modal") -> list[Question]:
    row = await _writable(runtime, slack_user, webinar_id)
    added = []
    for label in labels:
        with audited(runtime, slack_user, "question.add", row["id"], origin) as entry, \
                graph_refusal_as(not_allowed_text(row, ORGANIZERS, "change the questions of")):
            entry["detail"] = f"predefined {label}"
            question = await runtime.graph.create_question(row["id"], bodies.predefined_question_body(label),
                                                           user=slack_user)
        mirror.upsert_question(runtime.db, _row(row["id"], question))
        added.append(question)
    return added


async def add_custom(runtime: Runtime, slack_user: str, webinar_id: str, question: CustomQuestion, *,
                     origin: str = "slack:modal") -> Question:
    problems = check_custom(question)
    if problems:
        raise UserFacingError(" ".join(problems.values()))
    row = await _writable(runtime, slack_user, webinar_id)
    body = bodies.custom_question_body(question.text.strip(), question.input_type, list(question.choices),
                                       question.required)
    with audited(runtime, slack_user, "question.add", row["id"], origin) as entry, \
            graph_refusal_as(not_allowed_text(row, ORGANIZERS, "change the questions of")):
        entry["detail"] = f"custom {question.input_type}"
        created = await runtime.graph.create_question(row["id"], body, user=slack_user)
    mirror.upsert_question(runtime.db, _row(row["id"], created))
    return created


async def delete(runtime: Runtime, slack_user: str, webinar_id: str, question_id: str, *,
                 origin: str = "slack:modal") -> None:
    row = await _writable(runtime, slack_user, webinar_id)
    with audited(runtime, slack_user, "question.delete", row["id"], origin) as entry, \
            graph_refusal_as(not_allowed_text(row, ORGANIZERS, "change the questions of")):
        entry["detail"] = question_id
        try:
            await runtime.graph.delete_question(row["id"], question_id, user=slack_user)
        except NotFound:
            entry["detail"] = f"{question_id} (already gone)"
    mirror.remove_question(runtime.db, row["id"], question_id)


async def _writable(runtime: Runtime, slack_user: str, webinar_id: str) -> dict:
    row = await webinars.resolve(runtime, webinar_id, slack_user)
    require(runtime, row, slack_user, ORGANIZERS, "change the questions of")
    if row["status"] == "canceled":
        raise UserFacingError(f"*{escape(row['title'])}* was cancelled; its questions can't change any more.")
    return row


def _row(webinar_id: str, question: Question) -> dict:
    return mirror.question_row(webinar_id, id=question.id, kind=question.kind,
                               display_name=question.display_name or LABELS.get(question.label or "", ""),
                               answer_type=question.answer_input_type, label=question.label,
                               choices=question.answer_choices, is_required=question.is_required)



def labels_in_use(runtime: Runtime, webinar_id: str) -> set[str]:
    """Predefined labels the webinar already asks (from the mirror, which every list and change refreshes)."""
    return {row["label"] for row in mirror.questions_of(runtime.db, webinar_id) if row["label"]}
