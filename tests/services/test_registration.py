"""The registration service against the Graph and Slack stand-ins: which path it takes, and what it sends."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.models import Question
from bot.graph.tokens import SandboxTokenSource, SignInRequired
from bot.sandbox import directory
from bot.sandbox.stack import SandboxStack
from bot.services import cards, people
from bot.services import registration as service
from bot.services.errors import UserFacingError
from bot.services.runtime import Runtime
from storage import mirror, open_database
from tests.registration_support import (
    ALEX,
    DIANE,
    MEGAN,
    QUESTIONS,
    create_webinar,
    graph_call,
    registration_requests,
)


class SignedOut(SandboxTokenSource):
    """Everyone's Microsoft sign-in has lapsed: only app-only tokens are handed out."""

    async def token(self, user=None):
        if user is not None:
            raise SignInRequired(user)
        return await super().token()


@pytest.fixture(scope="module")
def stack():
    with SandboxStack() as running:
        yield running


def run(stack, scenario, tokens=None):
    """Run `scenario(runtime)` with a runtime of its own (own token source) on the stack's database."""
    async def main():
        tokens_ = tokens or SandboxTokenSource()
        async with GraphClient(stack.graph_url, tokens_) as graph:
            runtime = Runtime(settings=stack.settings, db=open_database(stack.db_path), graph=graph,
                              slack=AsyncWebClient(token=directory.BOT_TOKEN, base_url=stack.settings.slack_api_url),
                              tokens=tokens_)
            return await scenario(runtime)
    return asyncio.run(main())


def question(kind="text", choices=(), required=False, qid="q1") -> Question:
    return Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationCustomQuestion", "id": qid,
                                "displayName": "Q", "answerInputType": kind, "answerChoices": list(choices),
                                "isRequired": required})


def test_answers_take_the_shapes_the_reference_gives():
    questions = (question("text", qid="t"), question("singleChoice", ["a", "b"], qid="s"),
                 question("multiChoice", ["x", "y"], qid="m"), question("boolean", qid="b"),
                 question("multilineText", qid="o"))
    items = service.answer_items(questions, {"t": "hi", "s": "b", "m": ["y"], "b": "true", "o": None})
    assert items == [
        {"questionId": "t", "value": "hi", "booleanValue": None, "multiChoiceValues": []},
        {"questionId": "s", "value": "b", "booleanValue": None, "multiChoiceValues": []},
        {"questionId": "m", "value": None, "booleanValue": None, "multiChoiceValues": ["y"]},
        {"questionId": "b", "value": None, "booleanValue": True, "multiChoiceValues": []},
    ]
    with pytest.raises(service.AnswerProblems) as problems:
        service.answer_items(questions, {"t": "hi", "s": "c"})
    assert set(problems.value.problems) == {"s"}


def test_contact_problems_name_each_field():
    assert service.contact_problems(service.Contact("A", "B", "a@b.example")) == {}
    assert set(service.contact_problems(service.Contact(" ", "", "nope"))) == {"first_name", "last_name", "email"}


def test_the_path_is_delegated_only_for_a_signed_in_user_with_their_own_address(stack):
    async def scenario(runtime):
        return (service.registration_path(runtime, MEGAN, "MEGAN@contoso.example"),
                service.registration_path(runtime, MEGAN, "megan@gmail.example"),
                service.registration_path(runtime, "U0NOBODY", "someone@contoso.example"))
    assert run(stack, scenario) == (service.DELEGATED, service.ANONYMOUS, service.ANONYMOUS)


def test_a_lapsed_sign_in_falls_back_to_the_anonymous_204_path(stack):
    webinar_id = create_webinar(stack, "Fallback", questions=[q[0] for q in QUESTIONS[:1]])

    async def scenario(runtime):
        questions = await service.questions_for(runtime, webinar_id)
        contact = service.Contact("Megan", "Bowen", "megan@contoso.example")
        return await service.register(runtime, webinar_id, MEGAN, contact, {questions[0].id: "Curious"}, questions)

    outcome = run(stack, scenario, SignedOut())
    assert outcome.path == service.ANONYMOUS and outcome.registration.status == "registered"
    assert outcome.registration.user_id is None  # an anonymous registration: no Entra user behind it
    assert outcome.join_url and "registrantToken=" in outcome.join_url
    create = registration_requests(stack)[-1]
    assert create["status"] == 204 and create["request_body"]["firstName"] == "Megan"
    assert create["request_body"]["preferredTimezone"] == "Eastern Standard Time"
    row = mirror.get_registration(open_database(stack.db_path), outcome.registration.id)
    assert row["slack_user_id"] == MEGAN


def test_a_slack_profile_without_e_mail_leaves_the_field_to_the_person(stack, monkeypatch):
    webinar_id = create_webinar(stack, "No e-mail")
    real = people.slack_profile

    async def without_email(runtime, user_id):
        profile = await real(runtime, user_id)
        return people.SlackProfile(profile.user_id, profile.first_name, profile.last_name, None, profile.tz,
                                   profile.locale)
    monkeypatch.setattr(people, "slack_profile", without_email)

    async def scenario(runtime):
        form = await service.prepare(runtime, webinar_id, MEGAN)
        outcome = await service.register(runtime, webinar_id, MEGAN,
                                         service.Contact("Megan", "Bowen", "megan.b@fabrikam.example"), {}, ())
        return form, outcome
    form, outcome = run(stack, scenario)
    assert form.contact.email == "" and form.blocked is None
    assert outcome.path == service.ANONYMOUS and outcome.registration.email == "megan.b@fabrikam.example"


def test_presenters_are_told_they_need_not_register(stack):
    webinar_id = create_webinar(stack, "Presented")
    person = directory.person_by_slack_id(ALEX)
    graph_call(stack, lambda graph: graph.create_presenter(webinar_id, bodies.presenter_user_body(person.entra_id),
                                                           user=DIANE))

    async def scenario(runtime):
        form = await service.prepare(runtime, webinar_id, ALEX)
        with pytest.raises(service.NotRegistrable) as refusal:
            await service.register(runtime, webinar_id, ALEX, service.Contact("Alex", "Wilber", person.email), {}, ())
        return form, refusal.value.reason
    form, reason = run(stack, scenario)
    assert form.blocked == "presenter" and reason == "presenter"


def test_cancelling_without_a_registration_is_explained(stack):
    webinar_id = create_webinar(stack, "Nothing to cancel")

    async def scenario(runtime):
        with pytest.raises(UserFacingError, match="no registration"):
            await service.cancel_mine(runtime, webinar_id, MEGAN)
    run(stack, scenario)


def test_registering_twice_returns_the_first_registration(stack):
    webinar_id = create_webinar(stack, "Idempotent")

    async def scenario(runtime):
        contact = service.Contact("Megan", "Bowen", "megan@contoso.example")
        first = await service.register(runtime, webinar_id, MEGAN, contact, {}, ())
        second = await service.register(runtime, webinar_id, MEGAN, contact, {}, ())
        return first, second
    first, second = run(stack, scenario)
    assert first.path == service.DELEGATED and not first.already
    assert second.already and second.registration.id == first.registration.id


def test_cards_are_updated_only_when_their_content_changes(stack):
    webinar_id = create_webinar(stack, "Counted")
    db = open_database(stack.db_path)

    def set_registration(status):
        mirror.save_registration(db, {"id": f"fake-{webinar_id}", "webinar_id": webinar_id, "status": status,
                                      "email": "x@example.com"})

    async def scenario(runtime):
        await cards.post_card(runtime, webinar_id, "C0MARKETING")
        queued = [await cards.refresh_cards(runtime, webinar_id)]   # nothing changed
        set_registration("registered")
        queued += [await cards.refresh_cards(runtime, webinar_id), await cards.refresh_cards(runtime, webinar_id)]
        set_registration("canceled")                               # back to the first content: sent again
        queued.append(await cards.refresh_cards(runtime, webinar_id))
        return queued
    assert run(stack, scenario) == [0, 1, 0, 1]
    keys = [row["key"] for row in db["outbox"].rows_where("key like ?", [f"card:{webinar_id}:%"])]
    assert len(keys) == 2 and len(set(keys)) == 2 and all(":C0MARKETING:v" in key for key in keys)
    stack.slack.wait_for(lambda: [m for m in stack.slack.messages("C0MARKETING") if m["text"] ==
                                  "Register for Counted" and m.get("edited") and "0 registered" in str(m["blocks"])])
    # Updates of one card waiting together coalesce into the newest (the outbox sends 1 or 2 calls by timing)
    assert sum(c.method == "chat.update" and c.args["channel"] == "C0MARKETING" for c in stack.slack.calls) in (1, 2)
