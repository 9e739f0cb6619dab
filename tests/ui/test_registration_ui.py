"""Registration builders: every card, modal and message validates; questions map to the right elements."""

from __future__ import annotations

import json

import pytest

from bot.graph.models import Question, Registration
from bot.ids import Reg
from bot.services.registration import Contact, Outcome, RegistrationForm
from bot.ui import registration as ui
from bot.ui.validate import validate_message, validate_view

WID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"
RAW = {"description": {"contentType": "html", "content": "<p>Join <b>us</b> &amp; learn " + "more " * 100 + "</p>"}}
WEBINAR = {"id": WID, "handle": "w3", "title": "Launch <!channel> *now*", "status": "published",
           "start_utc": "2026-03-30T17:00:00Z", "end_utc": "2026-03-30T18:00:00Z", "raw": json.dumps(RAW)}


def custom(qid, kind, choices=(), required=False, name="Question?") -> Question:
    return Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationCustomQuestion", "id": qid,
                                "displayName": name, "answerInputType": kind, "answerChoices": list(choices),
                                "isRequired": required})


def predefined(qid, label, name="") -> Question:
    return Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationPredefinedQuestion",
                                "id": qid, "label": label, "displayName": name, "isRequired": True})


def registration(status="registered") -> Registration:
    return Registration.from_graph({"id": "r1", "status": status, "firstName": "Adele", "lastName": "<Vance>",
                                    "email": "adele@contoso.example"})


QUESTIONS = (
    custom("t", "text", required=True), custom("m", "multilineText"),
    custom("s5", "singleChoice", [f"c{i}" for i in range(5)]), custom("s6", "singleChoice", [f"c{i}" for i in range(6)]),
    custom("m10", "multiChoice", [f"c{i}" for i in range(10)]), custom("m11", "multiChoice", [f"c{i}" for i in range(11)]),
    custom("b", "boolean", required=True), predefined("p", "street"), predefined("j", "jobTitle", "Job title"),
)


def form(**changes) -> RegistrationForm:
    values = dict(webinar=WEBINAR, contact=Contact("Adele", "Vance", "adele@contoso.example"), questions=QUESTIONS)
    values.update(changes)
    return RegistrationForm(**values)


def by_block(view) -> dict:
    return {b.get("block_id"): b for b in view["blocks"]}


def test_the_card_escapes_and_counts_and_links_the_registration_page():
    card = ui.registration_card(WEBINAR, presenters=["Alex <Wilber>"], registration_url="https://events.example/e",
                                counts={"registered": 12, "waitlisted": 3, "pendingApproval": 1})
    validate_message(card)
    text = json.dumps(card, ensure_ascii=False)
    assert "<!channel>" not in card["text"] and "&lt;!channel&gt;" in card["text"]
    assert "Alex &lt;Wilber&gt;" in text and "<b>" not in text and "Join us &amp; learn" in text
    assert "<!date^1774890000^" in text
    assert "12 registered · 1 awaiting approval · 3 on the waitlist" in text
    buttons = card["blocks"][2]["elements"]
    assert [b["action_id"] for b in buttons] == [Reg.REGISTER, Reg.OPEN_PAGE]
    assert buttons[0]["value"] == WID and buttons[1]["url"] == "https://events.example/e"
    assert len(ui.excerpt(WEBINAR)) <= ui.EXCERPT + 20  # entities may lengthen the escaped text a little


def test_a_cancelled_webinar_keeps_a_card_without_buttons():
    card = ui.registration_card({**WEBINAR, "status": "canceled"}, presenters=[], counts={}, registration_url=None)
    validate_message(card)
    assert card["blocks"][0]["text"]["text"].startswith("Cancelled: ")
    assert not any(b["type"] == "actions" for b in card["blocks"])


def test_questions_map_to_block_kit_elements():
    view = ui.register_modal(form(), "C0WEBINARS")
    validate_view(view)
    blocks = by_block(view)
    element = {qid: blocks[f"{Reg.QUESTION}{qid}"]["element"] for qid in ("t", "m", "s5", "s6", "m10", "m11", "b", "p")}
    assert element["t"]["type"] == "plain_text_input" and not element["t"]["multiline"]
    assert element["m"]["multiline"] is True
    assert (element["s5"]["type"], element["s6"]["type"]) == ("radio_buttons", "static_select")
    assert (element["m10"]["type"], element["m11"]["type"]) == ("checkboxes", "multi_static_select")
    assert [o["value"] for o in element["b"]["options"]] == ["true", "false"]
    assert blocks[f"{Reg.QUESTION}p"]["label"]["text"] == "Address"
    assert blocks[f"{Reg.QUESTION}j"]["label"]["text"] == "Job title"
    assert blocks[f"{Reg.QUESTION}t"]["optional"] is False and blocks[f"{Reg.QUESTION}m"]["optional"] is True
    assert blocks[Reg.EMAIL]["element"]["initial_value"] == "adele@contoso.example"
    assert ui.RegisterMetadata.loads(view["private_metadata"]) == ui.RegisterMetadata(WID, "C0WEBINARS")


def test_a_profile_without_e_mail_leaves_the_field_empty_and_unknown_types_are_left_out():
    view = ui.register_modal(form(contact=Contact("Adele", "", ""), questions=(custom("u", "somethingNew"),)))
    validate_view(view)
    assert "initial_value" not in by_block(view)[Reg.EMAIL]["element"]
    assert f"{Reg.QUESTION}u" not in by_block(view)


@pytest.mark.parametrize("reason", sorted(ui.BLOCKED_LINES))
def test_every_refusal_explains_itself_without_a_submit_button(reason):
    view = ui.register_modal(form(blocked=reason, registration_url="https://events.example/e"))
    validate_view(view)
    assert "submit" not in view and "&lt;!channel&gt;" in view["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("status", ["registered", "waitlisted", "pendingApproval", "rejectedByOrganizer", "odd"])
def test_registration_views_and_dms_validate_for_every_status(status):
    reg = registration(status)
    view = ui.register_modal(form(existing=reg, join_url="https://teams.example/join"))
    validate_view(view)
    outcome = Outcome(WEBINAR, reg, "https://teams.example/join", "delegated")
    validate_view(ui.result_view(outcome))
    message = ui.confirmation_message(WEBINAR, reg, "https://teams.example/join")
    validate_message(message)
    has_join = Reg.JOIN.value in json.dumps(message)
    assert has_join == (status == "registered")
    assert "&lt;Vance&gt;" in json.dumps(view)


def test_status_lines_explain_waitlist_and_approval():
    assert "we'll tell you if a seat opens" in ui.status_line("waitlisted", "T")
    assert "the organizer approves registrations" in ui.status_line("pendingApproval", "T")
    assert "declined" in ui.status_line("rejectedByOrganizer", "T")


def test_other_views_and_messages_validate():
    for view in (ui.loading_view(), ui.progress_view(), ui.notice_view("x", url="https://events.example/e")):
        validate_view(view)
    validate_message(ui.cancelled_message(WEBINAR))


def test_reading_a_submission():
    view = ui.register_modal(form())
    values = {Reg.FIRST_NAME: {Reg.FIRST_NAME: {"type": "plain_text_input", "value": " Adele "}},
              Reg.LAST_NAME: {Reg.LAST_NAME: {"type": "plain_text_input", "value": "Vance"}},
              Reg.EMAIL: {Reg.EMAIL: {"type": "email_text_input", "value": "adele@contoso.example"}},
              f"{Reg.QUESTION}t": {Reg.ANSWER: {"type": "plain_text_input", "value": "   "}},
              f"{Reg.QUESTION}m10": {Reg.ANSWER: {"type": "checkboxes", "selected_options": [{"value": "c2"}]}},
              f"{Reg.QUESTION}b": {Reg.ANSWER: {"type": "radio_buttons", "selected_option": {"value": "false"}}},
              f"{Reg.QUESTION}s6": {Reg.ANSWER: {"type": "static_select", "selected_option": None}}}
    submitted = {**view, "state": {"values": values}}
    submission = ui.read_submission(submitted)
    assert (submission.first_name, submission.email) == ("Adele", "adele@contoso.example")
    assert set(submission.missing) == {f"{Reg.QUESTION}t", f"{Reg.QUESTION}p", f"{Reg.QUESTION}j"}
    answers = ui.decode_answers(submitted, QUESTIONS)
    assert answers == {"t": "", "m10": ["c2"], "b": "false", "s6": None}
