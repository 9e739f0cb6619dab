"""Presenters and registration questions, managed in modals, end to end through the stand-ins."""

from __future__ import annotations

import pytest

from bot.ids import OrgAction, OrgBlock, OrgView
from bot.sandbox.stack import SandboxStack
from storage import mirror, open_database
from tests.organizer_support import (
    ADELE,
    DIANE,
    KENNETH,
    NASTY,
    click,
    has_input,
    later,
    make_webinar,
    merge,
    modal,
    multi,
    plain,
    select,
    slash,
    submit,
    text_of,
    user,
)


@pytest.fixture
def stack():
    with SandboxStack() as running:
        yield running


def buttons(view: dict) -> dict[str, list[str]]:
    """action_id -> values of the buttons in a view."""
    found: dict[str, list[str]] = {}
    for block in view["blocks"]:
        for element in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else []):
            if element.get("type") == "button":
                found.setdefault(element["action_id"], []).append(element["value"])
    return found


def open_list(stack, what: str, webinar_id: str, who: str = DIANE) -> dict:
    slash(stack, f"{what} {webinar_id}", user=who)
    callback = OrgView.PRESENTERS if what == "presenters" else OrgView.QUESTIONS
    return modal(stack, callback, ready=lambda v: "Loading" not in text_of(v))


def test_presenters_added_edited_and_removed(stack):
    webinar_id = make_webinar(stack)
    root = open_list(stack, "presenters", webinar_id)
    assert "No presenters yet" in text_of(root)

    click(stack, OrgAction.PRESENTER_ADD_COLLEAGUE, webinar_id, view=root)
    form = modal(stack, OrgView.PRESENTER_ADD)
    assert stack.slack.view_stack(form["id"]) == [root["id"], form["id"]]
    assert submit(stack, form, user(OrgBlock.PRESENTER_USER, ADELE)) == {}
    root = later(stack, root, lambda v: "Added" in text_of(v))
    assert "Adele Vance" in text_of(root)
    stack.slack.close_view(form["id"])

    click(stack, OrgAction.PRESENTER_ADD_GUEST, webinar_id, view=root)
    guest = modal(stack, OrgView.PRESENTER_ADD, ready=lambda v: v["id"] != form["id"])
    ack = submit(stack, guest, merge(plain(OrgBlock.GUEST_NAME, NASTY), plain(OrgBlock.GUEST_EMAIL, "nope")))
    assert "e-mail address" in ack["errors"][OrgBlock.GUEST_EMAIL]
    submit(stack, guest, merge(plain(OrgBlock.GUEST_NAME, NASTY), plain(OrgBlock.GUEST_EMAIL, "g@fabrikam.example")))
    root = later(stack, root, lambda v: "g@fabrikam.example" in text_of(v))
    assert "&lt;!channel&gt;" in text_of(root) and "<!channel>" not in text_of(root)
    stack.slack.close_view(guest["id"])

    guest_id = next(p.id for p in stack.graph.webinars[webinar_id.lower()].presenters.values()
                    if p.email == "g@fabrikam.example")
    click(stack, OrgAction.PRESENTER_DETAILS, guest_id, view=root)
    details = modal(stack, OrgView.PRESENTER_DETAILS, ready=has_input)
    bad = merge(plain(OrgBlock.BIO, "Speaks a lot."), plain(OrgBlock.LINKEDIN, "http://linkedin.com/in/x"),
                plain(OrgBlock.TWITTER, "javascript:alert(1)"))
    ack = submit(stack, details, bad)
    assert set(ack["errors"]) == {OrgBlock.LINKEDIN, OrgBlock.TWITTER}
    good = merge(plain(OrgBlock.BIO, "Speaks a lot."), plain(OrgBlock.COMPANY, "Fabrikam"),
                 plain(OrgBlock.JOB_TITLE, "CTO"), plain(OrgBlock.LINKEDIN, "https://www.linkedin.com/in/x"))
    assert submit(stack, details, good) == {}
    root = later(stack, root, lambda v: "Saved the details" in text_of(v))
    assert "CTO · Fabrikam" in text_of(root)
    presenter = stack.graph.webinars[webinar_id.lower()].presenters[guest_id]
    assert presenter.details["linkedInProfileWebUrl"] == "https://www.linkedin.com/in/x"

    click(stack, OrgAction.PRESENTER_REMOVE, guest_id, view=root)
    root = later(stack, root, lambda v: "Presenter removed" in text_of(v))
    assert guest_id not in stack.graph.webinars[webinar_id.lower()].presenters
    assert buttons(root)[OrgAction.PRESENTER_REMOVE] == [directory_id(ADELE)]


def directory_id(slack_id: str) -> str:
    from bot.sandbox import directory
    return directory.person_by_slack_id(slack_id).entra_id


def test_colleagues_without_microsoft_accounts_and_co_organizers_are_refused(stack):
    webinar_id = make_webinar(stack)
    root = open_list(stack, "presenters", webinar_id, who=KENNETH)
    assert OrgAction.PRESENTER_ADD_COLLEAGUE not in buttons(root)
    assert "Only the organizer" in text_of(root)
    # A forged click from the co-organizer's read-only list: the server checks the role, not the buttons.
    click(stack, OrgAction.PRESENTER_REMOVE, directory_id(ADELE), view=root, user=KENNETH)
    later(stack, root, lambda v: "Only the organizer can change the presenters" in text_of(v))

    root = open_list(stack, "presenters", webinar_id)
    click(stack, OrgAction.PRESENTER_ADD_COLLEAGUE, webinar_id, view=root)
    form = modal(stack, OrgView.PRESENTER_ADD)
    from bot.sandbox import directory
    ack = submit(stack, form, user(OrgBlock.PRESENTER_USER, directory.BOT_USER_ID))
    assert "No Microsoft 365 account" in ack["errors"][OrgBlock.PRESENTER_USER]


def test_questions_added_listed_and_deleted_with_the_mirror_in_step(stack):
    webinar_id = make_webinar(stack, publish=True)
    db = open_database(stack.db_path)
    root = open_list(stack, "questions", webinar_id, who=KENNETH)  # co-organizers may manage questions
    assert "No extra questions" in text_of(root)
    click(stack, OrgAction.QUESTION_ADD, webinar_id, view=root, user=KENNETH)
    form = modal(stack, OrgView.QUESTION_ADD)
    assert submit(stack, form, {}, user=KENNETH)["errors"] == {
        OrgBlock.PREDEFINED: "Choose a standard field or write a question."}
    one_choice = merge(plain(OrgBlock.QUESTION_TEXT, "Team?"), select(OrgBlock.QUESTION_TYPE, "singleChoice"),
                       plain(OrgBlock.QUESTION_CHOICES, "Sales"))
    assert "at least two" in submit(stack, form, one_choice, user=KENNETH)["errors"][OrgBlock.QUESTION_CHOICES]
    text_with_choices = merge(plain(OrgBlock.QUESTION_TEXT, "Why?"), select(OrgBlock.QUESTION_TYPE, "text"),
                              plain(OrgBlock.QUESTION_CHOICES, "a\nb"))
    assert "has no choices" in submit(stack, form, text_with_choices, user=KENNETH)["errors"][
        OrgBlock.QUESTION_CHOICES]
    values = merge(multi(OrgBlock.PREDEFINED, ["street", "industry"]),
                   plain(OrgBlock.QUESTION_TEXT, "Team <b>?"), select(OrgBlock.QUESTION_TYPE, "multiChoice"),
                   plain(OrgBlock.QUESTION_CHOICES, "Sales\n\nSupport\n"),
                   multi(OrgBlock.QUESTION_REQUIRED, ["required"], "checkboxes"))
    assert submit(stack, form, values, user=KENNETH) == {}
    root = later(stack, root, lambda v: "Added 3 questions" in text_of(v))
    assert "Address" in text_of(root) and "Team &lt;b&gt;?" in text_of(root)
    graph_questions = stack.graph.webinars[webinar_id.lower()].questions
    custom = next(q for q in graph_questions.values() if q.display_name == "Team <b>?")
    assert custom.answer_choices == ["Sales", "Support"] and custom.is_required
    assert {row["display_name"] for row in mirror.questions_of(db, webinar_id)} == {"Address", "Industry",
                                                                                    "Team <b>?"}
    stack.slack.close_view(form["id"])

    click(stack, OrgAction.QUESTION_ADD, webinar_id, view=root, user=KENNETH)
    again = modal(stack, OrgView.QUESTION_ADD, ready=lambda v: v["id"] != form["id"])
    offered = next(b for b in again["blocks"] if b.get("block_id") == OrgBlock.PREDEFINED)["element"]["options"]
    assert "street" not in {o["value"] for o in offered}, "standard fields already asked are not offered again"
    stack.slack.close_view(again["id"])

    click(stack, OrgAction.QUESTION_DELETE, custom.id, view=root, user=KENNETH)
    later(stack, root, lambda v: "Question deleted" in text_of(v))
    assert custom.id not in graph_questions
    assert len(mirror.questions_of(db, webinar_id)) == 2


def test_people_without_a_role_cannot_manage_questions(stack):
    webinar_id = make_webinar(stack)
    root = open_list(stack, "questions", webinar_id, who=ADELE)
    assert "Only the organizer or a co-organizer" in text_of(root) and not buttons(root)
