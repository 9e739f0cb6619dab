"""Every organizer view and message passes Block Kit validation, respects Slack's limits, and escapes names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.graph.models import Presenter, Question, Webinar
from bot.ids import OrgBlock
from bot.services.listing import Details, Listed
from bot.services.organize import WebinarForm
from bot.services.presenters import Details as PresenterDetails
from bot.ui.home import home_view
from bot.ui.picker import Choice, PickerMeta, choice_label, loading_view, message_view, picker_view
from bot.ui.presenters import PresenterMeta, add_view, details_view, presenters_view, read_details
from bot.ui.questions import add_view as add_questions_view
from bot.ui.questions import questions_view, read_add_form
from bot.ui.validate import validate_message, validate_view
from bot.ui.webinar_cards import cancel_prompt, details_message, dm_card, list_message, share_modal
from bot.ui.webinar_forms import FormMeta, field_value, form_errors, read_webinar_form, webinar_modal

NASTY = "<!channel> <@U123> & <b> *bold*"
START = datetime(2030, 3, 4, 17, 0, tzinfo=UTC)


def row(handle="w3", status="draft", title=NASTY, hours=0) -> dict:
    start = START + timedelta(hours=hours)
    return {"id": f"{handle}-id@tenant", "handle": handle, "title": title, "status": status,
            "start_utc": start.isoformat(), "end_utc": (start + timedelta(hours=1)).isoformat(),
            "raw": json.dumps({"createdBy": {"user": {"displayName": NASTY}}})}


def assert_safe(payload: dict) -> None:
    """No mention or markup survives in mrkdwn (plain_text is shown literally by Slack, so it may hold anything)."""
    texts = [payload.get("text") or ""]

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(payload.get("blocks", []))
    for text in texts:
        assert "<!channel>" not in text and "<@U123>" not in text and "<b>" not in text


def test_create_and_edit_modals_round_trip_their_values():
    filled = WebinarForm(title=NASTY, description="x" * 3000, start=START, end=START + timedelta(hours=1),
                         audience="everyone", co_organizers=("U0KENNETH",), attendee_emails=False,
                         predefined_questions=("street",), custom_question="Why?", card_channel="C0WEBINARS",
                         reminder_leads=(1440, 90), follow_ups=("missed_you",))
    meta = FormMeta(time_zone="America/Los_Angeles", kept=("e" * 36,) * 5)
    for view in (webinar_modal(meta), webinar_modal(meta, filled, error=NASTY),
                 webinar_modal(meta, filled, editing=True, kept_names=(NASTY,))):
        validate_view(view)
        assert len(view["title"]["text"]) <= 24
    view = webinar_modal(meta, filled)
    state = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = dict(block["element"])
        kind = element["type"]
        value = {"plain_text_input": {"value": element.get("initial_value")},
                 "datetimepicker": {"selected_date_time": element.get("initial_date_time")},
                 "static_select": {"selected_option": element.get("initial_option")},
                 "multi_static_select": {"selected_options": element.get("initial_options", [])},
                 "checkboxes": {"selected_options": element.get("initial_options", [])},
                 "multi_users_select": {"selected_users": element.get("initial_users", [])},
                 "conversations_select": {"selected_conversation": element.get("initial_conversation")}}[kind]
        state[block["block_id"]] = {block["block_id"]: {"type": kind, **value}}
    assert read_webinar_form(state) == filled


def test_the_edit_modal_leaves_out_what_cannot_change():
    view = webinar_modal(FormMeta(webinar_id="w"), editing=True, audience_note="fixed")
    ids = {b.get("block_id") for b in view["blocks"]}
    assert OrgBlock.AUDIENCE not in ids and OrgBlock.PREDEFINED not in ids and OrgBlock.CARD_CHANNEL not in ids


def test_errors_map_to_input_blocks():
    assert form_errors({"title": "a", "end": "b", "unknown": "c"}) == {OrgBlock.TITLE: "a", OrgBlock.END: "b"}
    assert field_value({}, OrgBlock.TITLE) is None


@pytest.mark.parametrize("status", ["draft", "published", "canceled"])
def test_dm_card_for_every_status(status):
    card = dm_card(row(status=status), note="note", counts={"registered": 3, "waitlisted": 1})
    validate_message(card)
    assert_safe(card)
    actions = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert ("org-publish" in actions) == (status == "draft")
    assert ("org-share" in actions) == (status != "canceled")  # on a draft it explains: publish first
    assert ("org-cancel" in actions) == (status != "canceled")


def test_cancel_prompt_and_confirm_fit_slacks_limits():
    prompt = cancel_prompt(row(title="t" * 200))
    validate_message(prompt)
    confirm = prompt["blocks"][1]["elements"][0]["confirm"]
    assert len(confirm["text"]["text"]) <= 300 and "cannot be undone" in confirm["text"]["text"]
    assert_safe(cancel_prompt(row()))


def test_long_lists_stay_under_fifty_blocks():
    items = [Listed(row(f"w{n}", "published", hours=n), "organizer", {"registered": n}) for n in range(70)]
    message = list_message(items)
    validate_message(message)
    assert "30 more not shown" in json.dumps(message)
    assert_safe(message)
    validate_message(list_message([], scope="all"))


def webinar_model() -> Webinar:
    return Webinar.from_graph({"id": "w3-id@tenant", "displayName": NASTY, "description": NASTY * 200,
                               "coOrganizers": [{"id": "k", "displayName": NASTY}], "audience": "everyone"})


def test_details_message_with_everything_and_with_nothing():
    presenters = [Presenter.from_graph({"id": str(n), "identity": {"displayName": NASTY, "email": "g@x.example",
                                                                   "@odata.type": "#microsoft.graph.communicationsGuestIdentity"}})
                  for n in range(60)]
    questions = [Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationCustomQuestion",
                                      "id": str(n), "displayName": NASTY, "answerInputType": "text",
                                      "isRequired": True}) for n in range(60)]
    full = Details(row(status="published"), webinar_model(), "organizer", "https://events.teams.microsoft.com/e/1",
                   {"registered": 5}, presenters, questions,
                   [{"channel_id": f"C{n}", "kinds": "registrations,changes"} for n in range(40)])
    for details in (full, Details(row(), webinar_model(), None, None, {}, None, None, [])):
        message = details_message(details)
        validate_message(message)
        assert_safe(message)
    validate_view(share_modal(row()))


def test_home_view_signed_in_signed_out_and_crowded():
    items = [Listed(row(f"w{n}", "published" if n % 2 else "draft", hours=n), "organizer", {"registered": 2})
             for n in range(60)]
    items.append(Listed(row("w99", "canceled"), "organizer", {}))
    now = START - timedelta(days=1)
    for view in (home_view(items, now=now), home_view([], now=now), home_view([], signed_in=False),
                 home_view([], signed_in=False, sign_in_url="https://login.example/authorize?x=1")):
        validate_view(view)
        assert_safe(view)
    assert "login" in json.dumps(home_view([], signed_in=False))


def test_picker_views():
    meta = PickerMeta("publish", channel="C1", words=("a",) * 10, response_url="https://hooks.example/x" * 5)
    choices = [Choice(f"{n}@tenant", choice_label(NASTY * 5, "Mar 4, 17:00", f"w{n}")) for n in range(150)]
    for view in (loading_view(meta), picker_view(meta, choices), picker_view(meta, choices[:1]),
                 message_view(meta, "none")):
        validate_view(view)
    assert all(len(c.label) <= 75 and c.label.endswith(f"w{i}") for i, c in enumerate(choices))


def test_presenter_and_question_views():
    presenters = [Presenter.from_graph({"id": f"p{n}", "email": "a@b.example", "identity": {"displayName": NASTY},
                                        "presenterDetails": {"company": NASTY, "jobTitle": "CTO"}})
                  for n in range(60)]
    for can_change in (True, False):
        view = presenters_view(row(), presenters, can_change=can_change, notice="ok")
        validate_view(view)
        assert_safe(view)
    for view in (add_view("w", "colleague"), add_view("w", "guest"),
                 details_view(PresenterMeta("w", presenter_id="p", name=NASTY),
                              PresenterDetails(bio="b" * 3000, linkedin="https://l.example"))):
        validate_view(view)
    assert read_details({}) == PresenterDetails()

    questions = [Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationPredefinedQuestion",
                                      "id": f"q{n}", "label": "city", "displayName": NASTY}) for n in range(90)]
    for can_change in (True, False):
        view = questions_view(row(), questions, can_change=can_change)
        validate_view(view)
        assert_safe(view)
    validate_view(add_questions_view("w", set()))
    everything = {"street", "city", "state", "postalCode", "countryOrRegion", "industry", "jobTitle", "organization"}
    assert OrgBlock.PREDEFINED not in json.dumps(add_questions_view("w", everything))
    assert read_add_form({}) == ([], None)
