"""Registering from Slack through the real HTTP stack: share a card, click Register, fill the modal, get the DM."""

from __future__ import annotations

import json

import pytest

from bot.ids import Reg
from bot.sandbox.stack import SandboxStack
from bot.ui.validate import validate_message, validate_view
from storage import mirror, open_database, routing, users
from tests.registration_support import (
    ADELE,
    CHANNEL,
    DIANE,
    KENNETH,
    MEGAN,
    QUESTIONS,
    click,
    configure,
    create_webinar,
    graph_call,
    registration_requests,
    submit,
)
from tests.sandbox.graph_contract import strict_errors, validate_exchange


@pytest.fixture(scope="module")
def stack():
    with SandboxStack() as running:
        yield running


def reply(stack, before: int) -> dict:
    return stack.slack.wait_for(lambda: stack.slack.responses[before:], 10)[0]


def modal(stack, view_id: str | None = None, *, settled=True) -> dict:
    """The latest register-flow view (or `view_id`), once it is no longer the loading screen."""
    def find():
        views = [v for v in stack.slack.views.values() if view_id in (None, v["id"])]
        latest = views[-1] if views else None
        if latest and settled and "Getting the registration form" in str(latest["blocks"]):
            return None
        return latest
    view = stack.slack.wait_for(find, 10)
    validate_view({k: view[k] for k in ("type", "title", "blocks", "close", "submit", "callback_id",
                                        "private_metadata") if view.get(k) is not None})
    return view


def open_form(stack, user: str, webinar_id: str) -> dict:
    count = len(stack.slack.views)
    assert stack.slash(f"register {webinar_id}", user=user).status_code == 200
    stack.slack.wait_for(lambda: len(stack.slack.views) > count, 10)
    return modal(stack, list(stack.slack.views)[-1])


def questions_by_name(stack, webinar_id: str) -> dict[str, str]:
    async def fetch(graph):
        return {q.display_name: q.id async for q in graph.list_questions(webinar_id)}
    return graph_call(stack, fetch)


def contact(view: dict) -> dict:
    return {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]
            if b["block_id"] in (Reg.FIRST_NAME, Reg.LAST_NAME, Reg.EMAIL)}


def dm(stack, user: str, about: str, count: int = 1) -> list[dict]:
    """The DM messages (and uploads) mentioning `about`, once there are `count` of them."""
    def find():
        found = [m for m in stack.slack.messages("D" + user[1:])
                 if about in m["text"] or any(about in f["title"] for f in m.get("files", []))]
        return found if len(found) >= count else None
    return stack.slack.wait_for(find, 10)


def test_every_question_type_round_trips_into_graph_and_the_registrant_gets_a_dm(stack):
    webinar_id = create_webinar(stack, questions=[q[0] for q in QUESTIONS])
    view = open_form(stack, ADELE, webinar_id)
    assert view["callback_id"] == Reg.MODAL
    assert contact(view) == {Reg.FIRST_NAME: "Adele", Reg.LAST_NAME: "Vance", Reg.EMAIL: "adele@contoso.example"}
    kinds = {b["label"]["text"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {"First name": "plain_text_input", "Last name": "plain_text_input", "E-mail": "email_text_input",
                     "Why are you coming?": "plain_text_input", "Anything else?": "plain_text_input",
                     "Team": "radio_buttons", "City": "static_select", "Topics": "checkboxes",
                     "First webinar?": "radio_buttons", "Job title": "plain_text_input"}

    ids = questions_by_name(stack, webinar_id)
    names = [q[0].get("displayName", "Job title") for q in QUESTIONS]
    answers = {**contact(view), **{f"{Reg.QUESTION}{ids[name]}": q[1] for name, q in zip(names, QUESTIONS, strict=True)}}
    response = submit(stack, ADELE, view, answers)
    assert response.status_code == 200 and response.json()["response_action"] == "update"

    messages = dm(stack, ADELE, "Launch", 2)
    assert "You're registered for *Launch &lt;review&gt; &amp;" in messages[0]["text"]
    validate_message(messages[0])
    join = next(e for b in messages[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == Reg.JOIN)
    assert "registrantToken=" in join["url"]
    assert messages[1]["files"][0]["name"].endswith(".ics")

    request = registration_requests(stack)[-1]
    assert request["status"] == 201  # Adele is signed in: delegated, Graph answers with the registration
    sent = request["request_body"]
    assert strict_errors("microsoft.graph.virtualEventRegistration-create", sent) == []
    validate_exchange("POST", request["path"], sent, request["status"], request["response_body"])
    assert sent["preferredTimezone"] == "GMT Standard Time" and sent["preferredLanguage"] == "en-gb"
    assert sent["externalRegistrationInformation"]["registrationId"].startswith("slack-")
    expected = [{"questionId": ids[name], "value": None, "booleanValue": None, "multiChoiceValues": [], **q[2]}
                for name, q in zip(names, QUESTIONS, strict=True)]
    assert sent["registrationQuestionAnswers"] == expected

    result = modal(stack, view["id"])
    assert "You're registered" in str(result["blocks"]) and "direct message" in str(result["blocks"])
    db = open_database(stack.db_path)
    row = next(r for r in mirror.registrations_for(db, webinar_id))
    assert (row["slack_user_id"], row["status"]) == (ADELE, "registered")


def test_required_answers_are_enforced_inline(stack):
    webinar_id = create_webinar(stack, questions=[q[0] for q in QUESTIONS])
    view = open_form(stack, MEGAN, webinar_id)
    ids = questions_by_name(stack, webinar_id)
    before = len(registration_requests(stack))
    answers = {**contact(view), Reg.EMAIL: "not an address", f"{Reg.QUESTION}{ids['Why are you coming?']}": "   "}
    response = submit(stack, MEGAN, view, answers)
    errors = response.json()["errors"]
    assert response.json()["response_action"] == "errors"
    assert set(errors) == {Reg.EMAIL, *(f"{Reg.QUESTION}{ids[n]}" for n in
                                        ("Why are you coming?", "Team", "First webinar?", "Job title"))}
    assert len(registration_requests(stack)) == before  # nothing reached Graph


def test_share_posts_a_card_that_counts_registrations_and_marks_cancellation(stack):
    webinar_id = create_webinar(stack, "Card test")
    before = len(stack.slack.responses)
    stack.slash(f"share {webinar_id} <#{CHANNEL}|webinars>", user=DIANE)
    assert "Posted a registration card" in reply(stack, before)["text"]
    card = stack.slack.wait_for(lambda: [m for m in stack.slack.messages(CHANNEL) if m["text"].endswith("Card test")])
    validate_message(card[-1])
    assert "0 registered" in str(card[-1]["blocks"])
    page = [e for b in card[-1]["blocks"] if b["type"] == "actions" for e in b["elements"] if "url" in e]
    assert page[0]["url"] == f"https://events.teams.microsoft.com/event/{webinar_id}"

    count = len(stack.slack.views)
    click(stack, MEGAN, Reg.REGISTER, webinar_id, message_ts=card[-1]["ts"])
    stack.slack.wait_for(lambda: len(stack.slack.views) > count, 10)
    view = modal(stack, list(stack.slack.views)[-1])
    submit(stack, MEGAN, view, contact(view))
    dm(stack, MEGAN, "Card test")

    def card_text():
        message = next(m for m in stack.slack.messages(CHANNEL) if m["ts"] == card[-1]["ts"])
        return str(message["blocks"])
    stack.slack.wait_for(lambda: "1 registered" in card_text(), 10)

    graph_call(stack, lambda graph: graph.cancel_webinar(webinar_id, user=DIANE))
    stack.slack.wait_for(lambda: "Cancelled: Card test" in card_text(), 10)
    assert Reg.REGISTER.value not in card_text()


def test_a_draft_cannot_be_shared_and_only_organizers_share(stack):
    draft = create_webinar(stack, "Draft", publish=False)
    before = len(stack.slack.responses)
    stack.slash(f"share {draft}", user=DIANE)
    assert "publish it first" in reply(stack, before)["text"]
    published = create_webinar(stack, "Published")
    before = len(stack.slack.responses)
    stack.slash(f"share {published}", user=ADELE)
    assert "Only the organizer or a co-organizer" in reply(stack, before)["text"]


def test_organizers_are_told_they_need_not_register(stack):
    webinar_id = create_webinar(stack, "Organized")
    for user, word in ((DIANE, "You organize"), (KENNETH, "You co-organize")):
        view = open_form(stack, user, webinar_id)
        assert word in str(view["blocks"]) and "don't need to register" in str(view["blocks"])
        assert not view.get("submit")


def test_registering_twice_shows_the_existing_registration_and_cancel_works(stack):
    webinar_id = create_webinar(stack, "Twice")
    view = open_form(stack, MEGAN, webinar_id)
    stack.slack.rate_limit_next("chat.postMessage", retry_after=1)  # the DM waits out Slack's pacing
    submit(stack, MEGAN, view, contact(view))
    dm(stack, MEGAN, "Twice")
    posts = len(registration_requests(stack))

    again = open_form(stack, MEGAN, webinar_id)
    assert "You're registered for *Twice*" in str(again["blocks"]) and not again.get("submit")
    assert len(registration_requests(stack)) == posts

    messages = stack.slack.messages("D0MEGAN")
    confirmation = next(m for m in reversed(messages) if "Twice" in m["text"] and m.get("blocks"))
    click(stack, MEGAN, Reg.CANCEL_MINE, webinar_id, channel="D0MEGAN", message_ts=confirmation["ts"])
    stack.slack.wait_for(lambda: "is cancelled" in next(m for m in stack.slack.messages("D0MEGAN")
                                                         if m["ts"] == confirmation["ts"])["text"], 10)
    cancel = [r for r in stack.graph.requests if r["path"].endswith("/cancel") and r["method"] == "POST"]
    assert cancel[-1]["status"] == 204
    fresh = open_form(stack, MEGAN, webinar_id)
    assert fresh.get("callback_id") == Reg.MODAL  # the form again: registering anew is possible


def test_waitlist_and_pending_approval_are_explained(stack):
    waitlisted = create_webinar(stack, "Small room")
    configure(stack, waitlisted, capacity=1, isWaitlistEnabled=True)
    view = open_form(stack, ADELE, waitlisted)
    submit(stack, ADELE, view, contact(view))
    dm(stack, ADELE, "Small room")
    view = open_form(stack, MEGAN, waitlisted)
    assert "registering puts you on the waitlist" in str(view["blocks"])
    submit(stack, MEGAN, view, contact(view))
    assert "on the waitlist for *Small room*; we'll tell you if a seat opens" in dm(stack, MEGAN, "Small room")[0]["text"]

    approval = create_webinar(stack, "Vetted")
    configure(stack, approval, isManualApprovalEnabled=True)
    view = open_form(stack, MEGAN, approval)
    submit(stack, MEGAN, view, contact(view))
    text = dm(stack, MEGAN, "Vetted")[0]
    assert "the organizer approves registrations" in text["text"]
    assert Reg.JOIN.value not in str(text["blocks"])


def test_full_and_cancelled_webinars_say_so_in_the_modal(stack):
    full = create_webinar(stack, "Full house")
    configure(stack, full, capacity=1)
    view = open_form(stack, ADELE, full)
    submit(stack, ADELE, view, contact(view))
    dm(stack, ADELE, "Full house")
    assert "is full" in str(open_form(stack, MEGAN, full)["blocks"])

    cancelled = create_webinar(stack, "Called off")
    graph_call(stack, lambda graph: graph.cancel_webinar(cancelled, user=DIANE))
    assert "was cancelled" in str(open_form(stack, MEGAN, cancelled)["blocks"])


def test_people_not_signed_in_register_anonymously_with_a_204(stack):
    webinar_id = create_webinar(stack, "Anonymous")
    db = open_database(stack.db_path)
    link = users.get_link(db, MEGAN)
    users.delete_link(db, MEGAN)
    try:
        view = open_form(stack, MEGAN, webinar_id)
        submit(stack, MEGAN, view, {**contact(view), Reg.EMAIL: "megan.o'brien@fabrikam.example"})
        messages = dm(stack, MEGAN, "Anonymous")
    finally:
        users.save_link(db, MEGAN, link["entra_user_id"], link["upn"])
    assert "You're registered" in messages[0]["text"]
    create = registration_requests(stack)[-1]
    assert create["status"] == 204 and create["response_body"] is None
    assert create["request_body"]["email"] == "megan.o'brien@fabrikam.example"
    lookup = next(r for r in reversed(stack.graph.requests) if "registrations(email=" in r["path"])
    assert "o''brien" in lookup["path"].replace("%27", "'") and lookup["status"] == 200
    assert routing.cards_for(db, webinar_id) == []


def test_a_cancellation_the_bot_mirrored_itself_still_reaches_the_card(stack):
    """Organizer actions update the mirror before Graph's notification arrives, so that notification brings no
    event; the card must still turn to Cancelled."""
    webinar_id = create_webinar(stack, "Mirrored first")
    before = len(stack.slack.responses)
    stack.slash(f"share {webinar_id} <#C0GENERAL|general>", user=KENNETH)
    assert "Posted a registration card" in reply(stack, before)["text"]
    db = open_database(stack.db_path)
    row = mirror.get_webinar(db, webinar_id)
    raw = json.loads(row["raw"]) | {"status": "canceled"}
    mirror.save_webinar(db, id=row["id"], title=row["title"], status="canceled", start_utc=row["start_utc"],
                        end_utc=row["end_utc"], organizer_entra_id=row["organizer_entra_id"], raw=raw)
    graph_call(stack, lambda graph: graph.cancel_webinar(webinar_id, user=DIANE))
    stack.slack.wait_for(lambda: [m for m in stack.slack.messages("C0GENERAL")
                                  if m["text"] == "Cancelled: Mirrored first"], 10)


def test_register_without_a_webinar_asks_which_one_then_opens_the_form(stack):
    webinar_id = create_webinar(stack, "Picked")
    before = len(stack.slack.responses)
    stack.slash(f"share {webinar_id} <#C0MARKETING|marketing>", user=DIANE)  # the bot now knows the webinar
    reply(stack, before)
    count = len(stack.slack.views)
    stack.slash("register", user=MEGAN)
    stack.slack.wait_for(lambda: len(stack.slack.views) > count, 10)
    picker_id = list(stack.slack.views)[-1]
    picker = stack.slack.wait_for(lambda: (v := stack.slack.views[picker_id]) and
                                  any(b["type"] == "input" for b in v["blocks"]) and v, 10)
    pick = next(b for b in picker["blocks"] if b["type"] == "input")
    assert webinar_id in [o["value"] for o in pick["element"]["options"]]
    count = len(stack.slack.views)
    assert submit(stack, MEGAN, picker, {pick["block_id"]: webinar_id}).status_code == 200
    stack.slack.wait_for(lambda: len(stack.slack.views) > count, 10)
    form = modal(stack, list(stack.slack.views)[-1])
    assert form["callback_id"] == Reg.MODAL and "Picked" in str(form["blocks"])
