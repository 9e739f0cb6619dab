"""The Graph stand-in over real HTTP.

Every exchange a test makes is checked against Microsoft's contract when the test ends (the ``standin``
fixture validates ``standin.requests`` with ``validate_exchange``); create bodies the tests send are also
checked with the strict schemas, so the stand-in is exercised with bodies real Graph would accept.
"""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.sandbox.directory import APP_TOKEN, CO_ORGANIZER, ORGANIZER, PEOPLE, TENANT_ID, user_token
from bot.sandbox.graph_standin import GraphStandin, create_graph_standin
from bot.sandbox.serve import BackgroundServer
from tests.sandbox.graph_contract import contract_problems, covers, example, strict_errors, validate_exchange

ATTENDEE, OTHER = PEOPLE[2], PEOPLE[3]
WEBINARS = "/solutions/virtualEvents/webinars"
SUBSCRIPTION_CREATE = "microsoft.graph.subscription-create"
REGISTRATION_CREATE = "microsoft.graph.virtualEventRegistration-create"


# ---- servers and fixtures ----------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint as the bot runs one: echoes validation tokens, keeps notifications, answers 202.

    ``/still-encoded`` fails the handshake the way a careless endpoint does; ``failures`` makes the next
    notifications answer 500 so retries can be observed.
    """

    def __init__(self) -> None:
        self.url = ""
        self.received: list[tuple[str, dict]] = []
        self.failures = 0
        self.app = Starlette(routes=[Route("/{kind}", self.endpoint, methods=["POST"])])

    async def endpoint(self, request: Request) -> Response:
        kind = request.path_params["kind"]
        if "validationToken" in request.query_params:
            if kind == "still-encoded":
                return PlainTextResponse(request.url.query.split("validationToken=", 1)[1])
            return PlainTextResponse(request.query_params["validationToken"])
        self.received.append((kind, await request.json()))
        if self.failures:
            self.failures -= 1
            return Response(status_code=500)
        return Response(status_code=202)

    def bodies(self, kind: str = "hook") -> list[dict]:
        return [body for received_kind, body in self.received if received_kind == kind]


@pytest.fixture(scope="module")
def graph_server():
    with BackgroundServer(create_graph_standin(GraphStandin())) as server:
        yield server


@pytest.fixture(scope="module")
def webhook():
    receiver = Receiver()
    with BackgroundServer(receiver.app) as server:
        receiver.url = server.url
        yield receiver


@pytest.fixture
def receiver(webhook):
    webhook.received.clear()
    webhook.failures = 0
    return webhook


@pytest.fixture
def standin(graph_server):
    """A fresh tenant; afterwards every exchange the test caused must match the Graph contract."""
    standin = graph_server.app.state.standin
    standin.reset()
    standin.page_size = 100
    yield standin
    assert standin.wait_idle(5), "notifications still pending"
    assert_contract(standin.requests)


def assert_contract(exchanges: list[dict]) -> None:
    problems = contract_problems(exchanges)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def clients(graph_server):
    def client(token: str | None, base: str = "/v1.0") -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=graph_server.url + base, headers=headers, timeout=15)

    made = {"organizer": client(user_token(ORGANIZER.entra_id)),
            "co_organizer": client(user_token(CO_ORGANIZER.entra_id)),
            "attendee": client(user_token(ATTENDEE.entra_id)), "other": client(user_token(OTHER.entra_id)),
            "app": client(APP_TOKEN), "anonymous": client(None), "sandbox": client(None, "/_sandbox")}
    yield SimpleNamespace(url=graph_server.url, **made)
    for made_client in made.values():
        made_client.close()


@pytest.fixture
def graph(clients, standin):
    return clients


# ---- helpers -----------------------------------------------------------------------------------------------


def create(client: httpx.Client, path: str, body: dict, def_name: str, status: int = 201) -> httpx.Response:
    """POST a create body that real Graph would accept (strict schema) and expect ``status``."""
    assert strict_errors(def_name, body) == []
    response = client.post(path, json=body)
    assert response.status_code == status, response.text
    return response


def new_webinar(graph, **changes) -> dict:
    body = {**example("create_webinar_request.json"), **changes}
    return create(graph.organizer, WEBINARS, body, "microsoft.graph.virtualEventWebinar-create").json()


def published_webinar(graph, **changes) -> str:
    webinar_id = new_webinar(graph, **changes)["id"]
    assert graph.organizer.post(f"{WEBINARS}/{webinar_id}/publish").status_code == 204
    return webinar_id


def register(graph, webinar_id: str, email: str, status: int = 204, **extra) -> httpx.Response:
    """An anonymous registration with the app token (answers 204 without body when it works)."""
    body = {"firstName": "Pat", "lastName": "Doe", "email": email,
            "preferredTimezone": "Pacific Standard Time", "preferredLanguage": "en-us", **extra}
    return create(graph.app, f"{WEBINARS}/{webinar_id}/registrations", body, REGISTRATION_CREATE, status)


def register_myself(client: httpx.Client, webinar_id: str, status: int = 201, **extra) -> httpx.Response:
    body = {"preferredTimezone": "W. Europe Standard Time", "preferredLanguage": "en-us", **extra}
    return create(client, f"{WEBINARS}/{webinar_id}/registrations", body, REGISTRATION_CREATE, status)


def registration(graph, webinar_id: str, email: str) -> dict:
    """Look a registration up by the email alternate key, doubling quotes as OData wants."""
    quoted = email.replace("'", "''")
    response = graph.app.get(f"{WEBINARS}/{webinar_id}/registrations(email='{quoted}')")
    assert response.status_code == 200, response.text
    return response.json()


def configure(graph, webinar_id: str, **settings) -> None:
    response = graph.sandbox.post(f"/webinars/{webinar_id}/registration-configuration", json=settings)
    assert response.status_code == 200, response.text


def in_minutes(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def subscription_body(receiver: Receiver, resource: str, change_type: str = "created,updated",
                      minutes: float = 120, **changes) -> dict:
    body = {"changeType": change_type, "notificationUrl": f"{receiver.url}/hook",
            "lifecycleNotificationUrl": f"{receiver.url}/lifecycle", "resource": resource,
            "expirationDateTime": in_minutes(minutes), "clientState": "secret client state", **changes}
    assert strict_errors(SUBSCRIPTION_CREATE, body) == []
    return body


def subscribe(graph, receiver: Receiver, resource: str, change_type: str = "created,updated") -> dict:
    response = graph.app.post("/subscriptions", json=subscription_body(receiver, resource, change_type))
    assert response.status_code == 201, response.text
    return response.json()


def assert_notification_shape(body: dict, example_name: str) -> None:
    """Valid changeNotificationCollection, and each item has exactly the keys of the docs' example."""
    assert strict_errors("microsoft.graph.changeNotificationCollection", body, check_formats=False) == []
    template = example(example_name)["value"][0]
    for item in body["value"]:
        assert item.keys() == template.keys()
        if "resourceData" in template:
            assert item["resourceData"].keys() == template["resourceData"].keys()


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


# ---- webinars ----------------------------------------------------------------------------------------------


def test_create_webinar_is_a_draft_with_one_session(graph):
    webinar = new_webinar(graph)

    assert re.fullmatch(rf"[0-9a-f]{{8}}-[0-9a-f-]{{27}}@{TENANT_ID}", webinar["id"])
    assert webinar["status"] == "draft"
    assert webinar["createdBy"]["user"] == {"id": ORGANIZER.entra_id, "displayName": ORGANIZER.display_name,
                                            "tenantId": TENANT_ID}
    assert webinar["coOrganizers"] == [{"id": CO_ORGANIZER.entra_id, "displayName": CO_ORGANIZER.display_name,
                                        "tenantId": TENANT_ID}]
    assert webinar["@odata.context"].endswith("$metadata#solutions/virtualEvents/webinars/$entity")
    assert strict_errors("microsoft.graph.virtualEventWebinar", webinar) == []
    sessions = graph.organizer.get(f"{WEBINARS}/{webinar['id']}/sessions").json()["value"]
    assert len(sessions) == 1
    assert sessions[0]["subject"] == webinar["displayName"]
    assert (sessions[0]["startDateTime"], sessions[0]["endDateTime"]) == (webinar["startDateTime"],
                                                                          webinar["endDateTime"])


def test_create_webinar_refuses_unknown_fields_bad_enums_and_app_tokens(graph):
    body = example("create_webinar_request.json")

    misspelt = graph.organizer.post(WEBINARS, json={**body, "audiance": "organization"})
    bad_enum = graph.organizer.post(WEBINARS, json={**body, "audience": "public"})
    nameless = graph.organizer.post(WEBINARS, json={k: v for k, v in body.items() if k != "displayName"})
    as_app = graph.app.post(WEBINARS, json=body)

    assert (misspelt.status_code, error_code(misspelt)) == (400, "invalidRequest")
    assert "audiance" in misspelt.json()["error"]["message"]
    assert (bad_enum.status_code, error_code(bad_enum)) == (400, "invalidRequest")
    assert nameless.status_code == 400
    assert as_app.status_code == 403


def test_every_role_may_read_a_webinar_and_unknown_ids_are_404(graph):
    webinar_id = new_webinar(graph)["id"]

    for client in (graph.attendee, graph.app, graph.co_organizer):
        assert client.get(f"{WEBINARS}/{webinar_id}").json()["id"] == webinar_id
    missing = graph.app.get(f"{WEBINARS}/00000000-0000-0000-0000-000000000000@{TENANT_ID}")
    assert (missing.status_code, error_code(missing)) == (404, "itemNotFound")


def test_only_the_organizer_publishes_and_cancels(graph):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}"

    denied = graph.co_organizer.post(f"{url}/publish")
    assert denied.status_code == 403
    forbidden = example("error_403_forbidden.json")["error"]
    assert denied.json()["error"].keys() == forbidden.keys()
    assert denied.json()["error"]["innerError"].keys() == forbidden["innerError"].keys()
    assert graph.app.post(f"{url}/publish").status_code == 403
    assert graph.organizer.post(f"{url}/publish").status_code == 204
    assert graph.app.get(url).json()["status"] == "published"

    assert graph.co_organizer.post(f"{url}/cancel").status_code == 403
    assert graph.organizer.post(f"{url}/cancel").status_code == 204
    assert graph.attendee.get(url).json()["status"] == "canceled"
    assert graph.organizer.patch(url, json={"displayName": "Back again"}).status_code == 400
    assert graph.organizer.post(f"{url}/publish").status_code == 400


def test_co_organizer_updates_and_the_session_follows(graph):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}"
    change = {"displayName": "Renamed",
              "startDateTime": {"dateTime": "2030-05-01T09:00:00", "timeZone": "UTC"},
              "endDateTime": {"dateTime": "2030-05-01T10:30:00", "timeZone": "UTC"},
              "description": {"contentType": "html", "content": "<p>New</p>"}}
    assert strict_errors("microsoft.graph.virtualEventWebinar-update", change) == []

    updated = graph.co_organizer.patch(url, json=change)

    assert updated.status_code == 200
    assert {k: updated.json()[k] for k in change} == change
    session = graph.organizer.get(f"{url}/sessions").json()["value"][0]
    assert (session["subject"], session["startDateTime"], session["endDateTime"]) == (
        "Renamed", change["startDateTime"], change["endDateTime"])
    assert graph.attendee.patch(url, json={"displayName": "Mine"}).status_code == 403
    assert graph.app.patch(url, json={"displayName": "Mine"}).status_code == 403
    assert graph.organizer.patch(url, json={"audience": "everyone"}).status_code == 400
    backwards = {"endDateTime": {"dateTime": "2030-05-01T08:00:00", "timeZone": "UTC"}}
    assert graph.organizer.patch(url, json=backwards).status_code == 400


def test_tenant_list_is_app_only_and_counts(graph):
    ids = {new_webinar(graph)["id"] for _ in range(3)}

    assert graph.organizer.get(WEBINARS).status_code == 403
    counted = graph.app.get(WEBINARS, params={"$count": "true"}).json()
    plain = graph.app.get(WEBINARS).json()

    assert counted["@odata.count"] == 3
    assert {w["id"] for w in counted["value"]} == ids
    assert "@odata.count" not in plain


def test_webinars_by_role_accept_odata_function_syntax(graph):
    webinar_id = new_webinar(graph)["id"]

    def ids(client: httpx.Client, path: str) -> list[str]:
        response = client.get(f"{WEBINARS}/{path}")
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()["value"]]

    assert ids(graph.organizer, "getByUserRole(role='organizer')") == [webinar_id]
    assert ids(graph.organizer, "getByUserRole( role = 'organizer' )") == [webinar_id]
    assert ids(graph.co_organizer, "getByUserRole(role='coOrganizer')") == [webinar_id]
    assert ids(graph.co_organizer, "getByUserRole(role='organizer')") == []
    co_organizer_role = f"getByUserIdAndRole(userId='{CO_ORGANIZER.entra_id}', role='coOrganizer')"
    assert ids(graph.app, co_organizer_role) == [webinar_id]
    assert ids(graph.app, f"getByUserIdAndRole(userId='{ORGANIZER.entra_id}',role='coOrganizer')") == []
    assert graph.app.get(f"{WEBINARS}/getByUserRole(role='organizer')").status_code == 403
    assert graph.organizer.get(
        f"{WEBINARS}/getByUserIdAndRole(userId='{ORGANIZER.entra_id}',role='organizer')").status_code == 403
    assert graph.organizer.get(f"{WEBINARS}/getByUserRole(role='presenter')").status_code == 400


# ---- registrations -----------------------------------------------------------------------------------------


def test_delegated_registration_answers_201_and_application_registration_204(graph):
    webinar_id = published_webinar(graph)
    external = {"referrer": "Slack", "registrationId": "U0ADELE"}

    mine = register_myself(graph.attendee, webinar_id, externalRegistrationInformation=external).json()
    anonymous = register(graph, webinar_id, "o'brien@fabrikam.example")

    assert (mine["userId"], mine["email"], mine["firstName"]) == (ATTENDEE.entra_id, ATTENDEE.email, "Adele")
    assert mine["status"] == "registered" and mine["externalRegistrationInformation"] == external
    assert mine["registrationDateTime"].endswith("Z") and mine["cancelationDateTime"] is None
    assert strict_errors("microsoft.graph.virtualEventRegistration", mine) == []
    assert anonymous.content == b""
    found = registration(graph, webinar_id, "o'brien@fabrikam.example")
    assert (found["userId"], found["firstName"], found["status"]) == (None, "Pat", "registered")
    by_user = graph.app.get(f"{WEBINARS}/{webinar_id}/registrations(userId='{ATTENDEE.entra_id}')").json()
    assert by_user["id"] == mine["id"]
    assert graph.attendee.get(f"{WEBINARS}/{webinar_id}/registrations/{mine['id']}").status_code == 200
    assert graph.other.get(f"{WEBINARS}/{webinar_id}/registrations/{mine['id']}").status_code == 403


def test_registration_needs_timezone_language_and_for_apps_a_name(graph):
    webinar_id = published_webinar(graph)
    url = f"{WEBINARS}/{webinar_id}/registrations"

    no_timezone = graph.attendee.post(url, json={"preferredLanguage": "en-us"})
    no_name = graph.app.post(url, json={"email": "x@fabrikam.example", "preferredTimezone": "UTC",
                                        "preferredLanguage": "en-us"})

    assert (no_timezone.status_code, no_name.status_code) == (400, 400)
    assert "preferredTimezone" in no_timezone.json()["error"]["message"]


def test_only_a_published_webinar_takes_registrations(graph):
    draft = new_webinar(graph)["id"]
    canceled = published_webinar(graph)
    graph.organizer.post(f"{WEBINARS}/{canceled}/cancel")

    for webinar_id, status in ((draft, "draft"), (canceled, "canceled")):
        refused = register(graph, webinar_id, "early@fabrikam.example", status=400)
        assert error_code(refused) == "invalidRequest" and status in refused.json()["error"]["message"]


def test_a_second_live_registration_for_an_email_conflicts(graph):
    webinar_id = published_webinar(graph)
    register(graph, webinar_id, "dup@fabrikam.example")

    assert error_code(register(graph, webinar_id, "DUP@fabrikam.example", status=409)) == "Conflict"
    canceled = graph.app.post(f"{WEBINARS}/{webinar_id}/registrations(email='dup@fabrikam.example')/cancel")
    assert canceled.status_code == 204
    register(graph, webinar_id, "dup@fabrikam.example")
    statuses = [r["status"] for r in graph.app.get(f"{WEBINARS}/{webinar_id}/registrations").json()["value"]]
    assert statuses == ["canceled", "registered"]
    assert registration(graph, webinar_id, "dup@fabrikam.example")["status"] == "registered"


def test_manual_approval_waits_for_the_organizer(graph):
    webinar_id = published_webinar(graph)
    configure(graph, webinar_id, isManualApprovalEnabled=True)
    register(graph, webinar_id, "wait@fabrikam.example")
    pending = registration(graph, webinar_id, "wait@fabrikam.example")
    assert pending["status"] == "pendingApproval"

    approved = graph.sandbox.post(f"/webinars/{webinar_id}/registrations/{pending['id']}/status",
                                  json={"status": "registered"})

    assert approved.status_code == 200
    assert registration(graph, webinar_id, "wait@fabrikam.example")["status"] == "registered"
    invalid = graph.sandbox.post(f"/webinars/{webinar_id}/registrations/{pending['id']}/status",
                                 json={"status": "approved"})
    assert invalid.status_code == 400


def test_capacity_fills_the_waitlist_and_a_cancellation_promotes(graph):
    webinar_id = published_webinar(graph)
    configure(graph, webinar_id, capacity=2, isWaitlistEnabled=True)
    emails = [f"seat{n}@fabrikam.example" for n in range(4)]
    for email in emails:
        register(graph, webinar_id, email)

    before = [registration(graph, webinar_id, email)["status"] for email in emails]
    graph.app.post(f"{WEBINARS}/{webinar_id}/registrations(email='{emails[0]}')/cancel")
    after = [registration(graph, webinar_id, email)["status"] for email in emails]

    assert before == ["registered", "registered", "waitlisted", "waitlisted"]
    assert after == ["canceled", "registered", "registered", "waitlisted"]
    canceled = registration(graph, webinar_id, emails[0])
    assert canceled["cancelationDateTime"].endswith("Z")
    configuration = graph.app.get(f"{WEBINARS}/{webinar_id}/registrationConfiguration").json()
    assert configuration["@odata.type"] == "#microsoft.graph.virtualEventWebinarRegistrationConfiguration"
    assert (configuration["capacity"], configuration["isWaitlistEnabled"]) == (2, True)
    assert configuration["registrationWebUrl"] == f"https://events.teams.microsoft.com/event/{webinar_id}"


def test_a_full_webinar_without_waitlist_refuses(graph):
    webinar_id = published_webinar(graph)
    configure(graph, webinar_id, capacity=1)
    register(graph, webinar_id, "first@fabrikam.example")

    refused = register(graph, webinar_id, "second@fabrikam.example", status=400)

    assert "full" in refused.json()["error"]["message"]


def test_listing_registrations_needs_the_application(graph):
    webinar_id = published_webinar(graph)

    assert graph.organizer.get(f"{WEBINARS}/{webinar_id}/registrations").status_code == 403
    assert graph.app.get(f"{WEBINARS}/{webinar_id}/registrations").json()["value"] == []


def test_each_registrant_gets_a_personal_join_url(graph):
    webinar_id = published_webinar(graph)
    mine = register_myself(graph.attendee, webinar_id).json()
    register(graph, webinar_id, "guest@fabrikam.example")

    own = graph.attendee.get(f"{WEBINARS}/{webinar_id}/registrations/{mine['id']}/sessions").json()["value"]
    guest = graph.app.get(
        f"{WEBINARS}/{webinar_id}/registrations(email='guest@fabrikam.example')/sessions").json()["value"]
    session = graph.app.get(f"{WEBINARS}/{webinar_id}/sessions").json()["value"][0]

    assert own[0]["id"] == guest[0]["id"] == session["id"]
    assert own[0]["joinWebUrl"] != guest[0]["joinWebUrl"]
    for summary in (own[0], guest[0]):
        assert summary["joinWebUrl"].startswith(session["joinWebUrl"] + "&registrantToken=")
        assert summary.keys() == {"@odata.type", "id", "subject", "joinWebUrl", "startDateTime",
                                  "endDateTime"}
        assert strict_errors("microsoft.graph.virtualEventSession", summary) == []
    one = graph.app.get(f"{WEBINARS}/{webinar_id}/sessions/{session['id']}")
    assert one.json()["joinWebUrl"] == session["joinWebUrl"]


# ---- registration questions --------------------------------------------------------------------------------


def test_custom_and_predefined_questions(graph):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}/registrationConfiguration/questions"
    base = "microsoft.graph.virtualEventRegistrationQuestionBase-create"
    job_title = {"@odata.type": "#microsoft.graph.virtualEventRegistrationPredefinedQuestion",
                 "label": "jobTitle", "isRequired": True}

    custom = create(graph.organizer, url, example("create_question_custom_request.json"), base).json()
    street = create(graph.organizer, url, example("create_question_predefined_request.json"), base).json()
    job = create(graph.co_organizer, url, job_title, base).json()

    def without_id(question: dict) -> dict:
        return {k: v for k, v in question.items() if k not in ("id", "@odata.context")}

    assert without_id(custom) == without_id(example("create_question_custom_response.json"))
    assert without_id(street) == without_id(example("create_question_predefined_response.json"))
    assert (job["displayName"], job["isRequired"]) == ("Job title", True)
    listed = graph.app.get(url).json()["value"]
    assert [q["id"] for q in listed] == [custom["id"], street["id"], job["id"]]
    assert graph.app.post(url, json=job_title).status_code == 403
    assert graph.organizer.post(url, json={"label": "street"}).status_code == 400
    assert graph.organizer.post(url, json={**job_title, "label": "address"}).status_code == 400
    assert graph.organizer.delete(f"{url}/{street['id']}").status_code == 204
    assert graph.organizer.delete(f"{url}/{street['id']}").status_code == 404
    assert len(graph.organizer.get(url).json()["value"]) == 2


def test_answers_must_fit_the_questions(graph):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}/registrationConfiguration/questions"
    custom = "#microsoft.graph.virtualEventRegistrationCustomQuestion"
    predefined = "#microsoft.graph.virtualEventRegistrationPredefinedQuestion"
    reason = graph.organizer.post(url, json={"@odata.type": custom, "displayName": "Why?", "isRequired": True,
                                             "answerInputType": "singleChoice",
                                             "answerChoices": ["Learn", "Meet"]})
    again = graph.organizer.post(url, json={"@odata.type": custom, "displayName": "Again?",
                                            "isRequired": True, "answerInputType": "boolean"})
    city = graph.organizer.post(url, json={"@odata.type": predefined, "label": "city"})
    reason, again, city = reason.json()["id"], again.json()["id"], city.json()["id"]
    graph.organizer.post(f"{WEBINARS}/{webinar_id}/publish")

    def answers(**values) -> list[dict]:
        return [{"questionId": qid, **value} for qid, value in values.items()]

    missing = register(graph, webinar_id, "a@fabrikam.example", status=400,
                       registrationQuestionAnswers=answers(**{reason: {"value": "Learn"}}))
    wrong = register(graph, webinar_id, "a@fabrikam.example", status=400, registrationQuestionAnswers=answers(
        **{reason: {"value": "Sleep"}, again: {"booleanValue": True}}))
    unknown = register(graph, webinar_id, "a@fabrikam.example", status=400,
                       registrationQuestionAnswers=answers(**{reason: {"value": "Learn"},
                                                              again: {"booleanValue": True},
                                                              "nope": {"value": "x"}}))
    register(graph, webinar_id, "a@fabrikam.example", registrationQuestionAnswers=answers(
        **{reason: {"multiChoiceValues": ["Meet"]}, again: {"booleanValue": False}, city: {"value": "Oslo"}}))

    assert "Again?" in missing.json()["error"]["message"]
    assert "Sleep" in wrong.json()["error"]["message"]
    assert "nope" in unknown.json()["error"]["message"]
    stored = {a["questionId"]: a for a in registration(graph, webinar_id, "a@fabrikam.example")
              ["registrationQuestionAnswers"]}
    assert stored[reason]["displayName"] == "Why?" and stored[reason]["multiChoiceValues"] == ["Meet"]
    assert stored[again]["booleanValue"] is False
    assert (stored[city]["displayName"], stored[city]["value"]) == ("City", "Oslo")


# ---- presenters --------------------------------------------------------------------------------------------


def test_presenters_from_the_tenant_and_guests(graph):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}/presenters"
    presenter = "microsoft.graph.virtualEventPresenter-create"

    internal_body = example("create_presenter_internal_request.json")
    internal = create(graph.organizer, url, internal_body, presenter).json()
    guest = create(graph.organizer, url, example("create_presenter_external_request.json"), presenter).json()

    internal_doc = example("create_presenter_internal_response.json")
    assert internal.keys() - {"@odata.context"} == internal_doc.keys()
    assert internal["id"] == internal["identity"]["id"] == CO_ORGANIZER.entra_id
    assert internal["identity"] == {"@odata.type": "#microsoft.graph.communicationsUserIdentity",
                                    "id": CO_ORGANIZER.entra_id, "displayName": "Kenneth Brown",
                                    "tenantId": TENANT_ID}
    assert internal["email"] == CO_ORGANIZER.email and internal["presenterDetails"] is None
    guest_doc = example("create_presenter_external_response.json")
    assert {k: v for k, v in guest.items() if k not in ("id", "identity", "@odata.context")} == {
        k: v for k, v in guest_doc.items() if k not in ("id", "identity")}
    assert guest["identity"] == {**guest_doc["identity"], "id": guest["id"]}
    assert len(graph.attendee.get(url).json()["value"]) == 2

    details = {"presenterDetails": {"company": "Fabrikam", "jobTitle": "CTO",
                                    "bio": {"contentType": "text", "content": "Speaks often."}}}
    assert strict_errors("microsoft.graph.virtualEventPresenter-update", details) == []
    updated = graph.organizer.patch(f"{url}/{guest['id']}", json=details)
    assert updated.status_code == 200 and updated.json()["presenterDetails"]["company"] == "Fabrikam"
    assert graph.co_organizer.patch(f"{url}/{guest['id']}", json=details).status_code == 403
    assert graph.organizer.post(url, json=internal_body).status_code == 409
    assert graph.organizer.delete(f"{url}/{guest['id']}").status_code == 204
    assert graph.organizer.get(f"{url}/{guest['id']}").status_code == 404
    assert graph.organizer.get(f"{url}/{internal['id']}").json()["email"] == CO_ORGANIZER.email


# ---- paging ------------------------------------------------------------------------------------------------


def test_collections_page_with_absolute_next_links(graph, standin):
    standin.page_size = 3
    webinar_id = published_webinar(graph)
    for n in range(10):
        register(graph, webinar_id, f"page{n}@fabrikam.example")

    pages, body = [], graph.app.get(f"{WEBINARS}/{webinar_id}/registrations").json()
    while True:
        pages.append([r["email"] for r in body["value"]])
        if "@odata.nextLink" not in body:
            break
        assert body["@odata.nextLink"].startswith(f"{graph.url}/v1.0{WEBINARS}/{webinar_id}/registrations?")
        body = graph.app.get(body["@odata.nextLink"]).json()

    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert sum(pages, []) == [f"page{n}@fabrikam.example" for n in range(10)]


def test_next_links_keep_the_count(graph, standin):
    standin.page_size = 2
    for _ in range(3):
        new_webinar(graph)

    first = graph.app.get(WEBINARS, params={"$count": "true"}).json()
    second = graph.app.get(first["@odata.nextLink"]).json()

    assert (first["@odata.count"], second["@odata.count"]) == (3, 3)
    assert (len(first["value"]), len(second["value"])) == (2, 1) and "@odata.nextLink" not in second


# ---- subscriptions -----------------------------------------------------------------------------------------


def test_subscription_is_created_after_the_validation_handshake(graph, standin, receiver):
    webinar_id = new_webinar(graph)["id"]
    resource = f"solutions/virtualEvents/webinars/{webinar_id}/registrations"

    subscription = subscribe(graph, receiver, resource, "created, updated")

    assert strict_errors("microsoft.graph.subscription", subscription) == []
    assert subscription["changeType"] == "created,updated" and subscription["resource"] == resource
    assert subscription["clientState"] == "secret client state" and subscription["applicationId"]
    handshakes = [d for d in standin.deliveries if d["kind"] == "validation"]
    assert [(d["status"], d["error"]) for d in handshakes] == [(200, None), (200, None)]  # hook, lifecycle
    assert "validationToken=Validation%3A+Testing+client" in handshakes[0]["url"]
    assert graph.app.get(f"/subscriptions/{subscription['id']}").json()["id"] == subscription["id"]
    assert [s["id"] for s in graph.app.get("/subscriptions").json()["value"]] == [subscription["id"]]


def test_failed_handshake_creates_no_subscription(graph, receiver):
    webinar_id = new_webinar(graph)["id"]
    resource = f"solutions/virtualEvents/webinars/{webinar_id}/registrations"
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    encoded = graph.app.post("/subscriptions", json=subscription_body(
        receiver, resource, notificationUrl=f"{receiver.url}/still-encoded"))
    unreachable = graph.app.post("/subscriptions", json=subscription_body(
        receiver, resource, notificationUrl=f"http://127.0.0.1:{closed_port}/hook"))

    assert encoded.status_code == unreachable.status_code == 400
    assert "validation" in encoded.json()["error"]["message"]
    assert graph.app.get("/subscriptions").json()["value"] == []


def test_subscription_requests_follow_graphs_rules(graph, receiver):
    webinar_id = new_webinar(graph)["id"]
    resource = f"solutions/virtualEvents/webinars/{webinar_id}/registrations"

    def attempt(client: httpx.Client = graph.app, **changes) -> httpx.Response:
        body = subscription_body(receiver, changes.pop("resource", resource), **changes)
        for key in [k for k, v in body.items() if v is None]:
            del body[key]
        return client.post("/subscriptions", json=body)

    assert attempt(minutes=24 * 60 + 10).status_code == 400
    assert attempt(minutes=90, lifecycleNotificationUrl=None).status_code == 400
    assert attempt(clientState="x" * 129).status_code == 400
    assert attempt(resource="me/events").status_code == 400
    unknown_webinar = f"solutions/virtualEvents/webinars/nope@{TENANT_ID}/registrations"
    assert attempt(resource=unknown_webinar).status_code == 404
    webinar_resource = f"solutions/virtualEvents/webinars/{webinar_id}"
    assert attempt(resource=webinar_resource, change_type="created").status_code == 400
    assert attempt(graph.attendee).status_code == 403

    short = attempt(minutes=5, lifecycleNotificationUrl=None)
    assert short.status_code == 201
    ahead = datetime.fromisoformat(short.json()["expirationDateTime"]) - datetime.now(UTC)
    assert timedelta(minutes=44) < ahead <= timedelta(minutes=45)
    duplicate = attempt()
    assert duplicate.status_code == 409
    assert f"Subscription Id {short.json()['id']} already exists for the requested combination" in (
        duplicate.json()["error"]["message"])
    tolerant = attempt(resource=f"/Solutions/VirtualEvents/Webinars/{webinar_id}/", change_type="updated")
    assert tolerant.status_code == 201


def test_subscription_renewal_reauthorization_and_deletion(graph, receiver):
    webinar_id = new_webinar(graph)["id"]
    subscription = subscribe(graph, receiver, f"solutions/virtualEvents/webinars/{webinar_id}", "updated")
    url = f"/subscriptions/{subscription['id']}"
    renewal = {"expirationDateTime": in_minutes(600)}
    assert strict_errors("microsoft.graph.subscription-update", renewal) == []

    renewed = graph.app.patch(url, json=renewal)

    assert renewed.status_code == 200
    assert renewed.json()["expirationDateTime"] > subscription["expirationDateTime"]
    assert graph.app.patch(url, json={"expirationDateTime": in_minutes(3000)}).status_code == 400
    assert graph.app.patch(url, json={"lifecycleNotificationUrl": f"{receiver.url}/other"}).status_code == 400
    assert graph.app.post(f"{url}/reauthorize").status_code == 204
    assert graph.app.delete(url).status_code == 204
    assert graph.app.get(url).status_code == 404


# ---- notifications -----------------------------------------------------------------------------------------


def test_registration_notifications_are_batched_and_shaped_like_graphs(graph, standin, receiver, monkeypatch):
    monkeypatch.setattr(standin.outbox, "batch_window", 0.3)  # wide enough to batch two requests reliably
    webinar_id = published_webinar(graph)
    resource = f"solutions/virtualEvents/webinars/{webinar_id}/registrations"
    subscription = subscribe(graph, receiver, resource)

    register(graph, webinar_id, "one@fabrikam.example")
    register(graph, webinar_id, "two@fabrikam.example")
    assert standin.wait_idle(5)
    graph.app.post(f"{WEBINARS}/{webinar_id}/registrations(email='one@fabrikam.example')/cancel")
    assert standin.wait_idle(5)

    created, updated = receiver.bodies()
    assert_notification_shape(created, "notification_registration_created.json")
    assert_notification_shape(updated, "notification_registration_updated.json")
    ids = [registration(graph, webinar_id, f"{n}@fabrikam.example")["id"] for n in ("one", "two")]
    assert [item["resourceData"]["id"] for item in created["value"]] == [f"{resource}/{i}" for i in ids]
    for item in created["value"]:
        assert (item["subscriptionId"], item["clientState"], item["changeType"]) == (
            subscription["id"], "secret client state", "created")
        assert (item["tenantId"], item["resource"]) == (TENANT_ID, resource)
        assert item["resourceData"]["@odata.id"] == item["resourceData"]["id"]
        assert item["subscriptionExpirationDateTime"] == subscription["expirationDateTime"]
    assert [(i["changeType"], i["resourceData"]["id"]) for i in updated["value"]] == [
        ("updated", f"{resource}/{ids[0]}")]


def test_failed_deliveries_are_retried(graph, standin, receiver, monkeypatch):
    monkeypatch.setattr(standin.outbox, "retry_backoff", 0.01)
    webinar_id = published_webinar(graph)
    subscribe(graph, receiver, f"solutions/virtualEvents/webinars/{webinar_id}/registrations")
    receiver.failures = 2

    register(graph, webinar_id, "retry@fabrikam.example")
    assert standin.wait_idle(5)

    attempts = [(d["attempt"], d["status"]) for d in standin.deliveries if d["kind"] == "change"]
    assert attempts == [(1, 500), (2, 500), (3, 202)]
    assert len({str(body) for body in receiver.bodies()}) == 1


def test_webinar_and_session_changes_notify(graph, standin, receiver):
    webinar_id = new_webinar(graph)["id"]
    webinar_resource = f"solutions/virtualEvents/webinars/{webinar_id}"
    subscribe(graph, receiver, webinar_resource, "updated")
    subscribe(graph, receiver, f"{webinar_resource}/sessions", "updated")

    graph.organizer.patch(f"{WEBINARS}/{webinar_id}", json={
        "startDateTime": {"dateTime": "2031-01-01T10:00:00", "timeZone": "UTC"},
        "endDateTime": {"dateTime": "2031-01-01T11:00:00", "timeZone": "UTC"}})
    assert standin.wait_idle(5)

    (body,) = receiver.bodies()  # one POST carries both subscriptions' notifications
    webinar_item, session_item = body["value"]
    assert_notification_shape({"value": [webinar_item]}, "notification_webinar_updated.json")
    assert webinar_item["resource"] == webinar_item["resourceData"]["id"] == f"{webinar_resource}/"
    assert webinar_item["resourceData"]["@odata.type"] == "#microsoft.graph.virtualEvent"
    session_id = graph.organizer.get(f"{WEBINARS}/{webinar_id}/sessions").json()["value"][0]["id"]
    assert session_item["resourceData"]["id"] == f"{webinar_resource}/sessions/{session_id}"
    assert session_item["resourceData"]["@odata.type"] == "#microsoft.graph.virtualEventSession"


def test_lifecycle_notifications(graph, standin, receiver):
    webinar_id = new_webinar(graph)["id"]
    subscription = subscribe(graph, receiver, f"solutions/virtualEvents/webinars/{webinar_id}", "updated")
    url = f"/subscriptions/{subscription['id']}/lifecycle"

    assert graph.sandbox.post(url, json={"event": "reauthorizationRequired"}).status_code == 202
    assert standin.wait_idle(5)
    assert graph.sandbox.post(url, json={"event": "subscriptionRemoved"}).status_code == 202
    assert standin.wait_idle(5)

    first, second = receiver.bodies("lifecycle")
    assert_notification_shape(first, "lifecycle_notification_reauthorization_required.json")
    assert strict_errors("microsoft.graph.changeNotificationCollection", second) == []
    assert [i["lifecycleEvent"] for i in first["value"] + second["value"]] == [
        "reauthorizationRequired", "subscriptionRemoved"]
    assert first["value"][0]["subscriptionId"] == subscription["id"]
    assert graph.app.get(f"/subscriptions/{subscription['id']}").status_code == 404
    assert graph.sandbox.post(url, json={"event": "missed"}).status_code == 404


# ---- attendance --------------------------------------------------------------------------------------------


def test_attendance_report_after_the_session_ends(graph, standin, receiver):
    webinar_id = published_webinar(graph)
    external = {"referrer": "Slack", "registrationId": "r-1"}
    mine = register_myself(graph.attendee, webinar_id, externalRegistrationInformation=external).json()
    register(graph, webinar_id, "anon@fabrikam.example")
    register(graph, webinar_id, "absent@fabrikam.example")
    webinar_resource = f"solutions/virtualEvents/webinars/{webinar_id}"
    subscribe(graph, receiver, f"{webinar_resource}/getAttendanceReports", "created")

    ended = graph.sandbox.post(f"/webinars/{webinar_id}/end-session", json={
        "attendees": [ATTENDEE.email, "anon@fabrikam.example"], "durations": {ATTENDEE.email: 1800}})
    assert ended.status_code == 201
    assert standin.wait_idle(5)

    session_id, report_id = ended.json()["sessionId"], ended.json()["id"]
    reports_url = f"{WEBINARS}/{webinar_id}/sessions/{session_id}/attendanceReports"
    (report,) = graph.organizer.get(reports_url).json()["value"]
    assert report["id"] == report_id and "attendanceRecords" not in report
    assert strict_errors("microsoft.graph.meetingAttendanceReport", report) == []
    expanded = graph.organizer.get(f"{reports_url}/{report_id}",
                                   params={"$expand": "attendanceRecords"}).json()
    records = graph.app.get(f"{reports_url}/{report_id}/attendanceRecords").json()["value"]
    assert expanded["attendanceRecords"] == records and expanded["totalParticipantCount"] == 3
    by_email = {r["emailAddress"]: r for r in records}
    organizer, attendee = by_email[ORGANIZER.email], by_email[ATTENDEE.email]
    assert (organizer["role"], organizer["registrationId"]) == ("Organizer", None)
    assert (attendee["role"], attendee["registrationId"]) == ("Attendee", mine["id"])
    assert attendee["totalAttendanceInSeconds"] == 1800
    assert attendee["externalRegistrationInformation"] == external
    assert by_email["anon@fabrikam.example"]["registrationId"] == registration(
        graph, webinar_id, "anon@fabrikam.example")["id"]
    assert "absent@fabrikam.example" not in by_email
    for record in records:
        assert strict_errors("microsoft.graph.attendanceRecord", record) == []
    assert graph.attendee.get(reports_url).status_code == 403

    (notification,) = receiver.bodies()
    assert_notification_shape(notification, "notification_attendance_report_created.json")
    data = notification["value"][0]["resourceData"]
    assert data["id"] == report_id
    assert data["@odata.id"] == f"{webinar_resource}/sessions/{session_id}/attendanceReports/{report_id}"
    assert notification["value"][0]["resource"].endswith("/getAttendanceReports")


# ---- faults, authentication, routing -----------------------------------------------------------------------


def test_throttling_answers_429_with_a_fractional_retry_after(graph, standin):
    webinar_id = new_webinar(graph)["id"]
    url = f"{WEBINARS}/{webinar_id}"
    standin.faults.throttle(count=2, retry_after="2.128")

    throttled = [graph.app.get(url) for _ in range(2)]
    recovered = graph.app.get(url)

    documented = example("error_429_throttled.json")["error"]
    for response in throttled:
        assert (response.status_code, response.headers["Retry-After"]) == (429, "2.128")
        error = response.json()["error"]
        assert error.keys() == documented.keys()
        assert error["innerError"].keys() == documented["innerError"].keys()
        assert (error["code"], error["message"]) == (documented["code"], documented["message"])
    assert recovered.status_code == 200
    assert graph.sandbox.post("/faults", json={"throttle": 1, "retry_after": "0.5"}).status_code == 204
    assert graph.app.get(url).headers["Retry-After"] == "0.5"


def test_unavailability_and_latency(graph, standin):
    webinar_id = published_webinar(graph)
    standin.faults.unavailable(count=1, retry_after="1", path="/registrations$")

    untouched = graph.app.get(f"{WEBINARS}/{webinar_id}")
    unavailable = graph.app.get(f"{WEBINARS}/{webinar_id}/registrations")
    graph.sandbox.post("/faults", json={"latency": 0.2})
    started = time.monotonic()
    slow = graph.app.get(f"{WEBINARS}/{webinar_id}/registrations")
    elapsed = time.monotonic() - started

    assert untouched.status_code == 200
    assert (unavailable.status_code, unavailable.headers["Retry-After"]) == (503, "1")
    assert strict_errors("error", unavailable.json()) == []
    assert slow.status_code == 200 and elapsed >= 0.2


def test_tokens_are_required_and_correlation_ids_echoed(graph):
    webinar_id = new_webinar(graph)["id"]

    missing = graph.anonymous.get(f"{WEBINARS}/{webinar_id}")
    forged = graph.anonymous.get(f"{WEBINARS}/{webinar_id}", headers={
        "Authorization": "Bearer sandbox-user.nobody", "client-request-id": "my-correlation-id"})

    for response in (missing, forged):
        assert (response.status_code, error_code(response)) == (401, "InvalidAuthenticationToken")
        assert response.headers["request-id"] == response.json()["error"]["innerError"]["request-id"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert forged.headers["client-request-id"] == "my-correlation-id"
    assert forged.json()["error"]["innerError"]["client-request-id"] == "my-correlation-id"


def test_unknown_routes_and_methods(graph):
    webinar_id = new_webinar(graph)["id"]

    typo = graph.app.get("/solutions/virtualEvents/webinar")
    nested = graph.app.get(f"{WEBINARS}/{webinar_id}/attendees")
    wrong_method = graph.app.put(f"{WEBINARS}/{webinar_id}", json={})
    beta = httpx.get(f"{graph.url}/beta{WEBINARS}")

    assert (typo.status_code, error_code(typo)) == (400, "BadRequest")
    assert typo.json()["error"]["message"] == "Resource not found for the segment 'webinar'."
    assert nested.json()["error"]["message"] == "Resource not found for the segment 'attendees'."
    assert wrong_method.status_code == 405
    assert (beta.status_code, beta.json()["error"]["code"]) == (400, "BadRequest")


def test_users_resolve_by_id_mail_and_me(graph):
    by_id = graph.app.get(f"/users/{ATTENDEE.entra_id}").json()
    by_upn = graph.attendee.get(f"/users/{ATTENDEE.email}").json()
    by_mail = graph.app.get("/users", params={"$filter": f"mail eq '{ATTENDEE.email}'"}).json()["value"]
    me = graph.attendee.get("/me").json()
    unknown = graph.app.get("/users/nobody@contoso.example")

    assert by_id["mail"] == ATTENDEE.email and by_upn["id"] == me["id"] == ATTENDEE.entra_id
    assert [u["id"] for u in by_mail] == [ATTENDEE.entra_id]
    assert (unknown.status_code, error_code(unknown)) == (404, "Request_ResourceNotFound")
    assert graph.app.get("/users", params={"$filter": "startswith(mail,'a')"}).status_code == 400


def test_sandbox_state_and_reset(graph, standin):
    new_webinar(graph)

    before = graph.sandbox.get("/state").json()
    assert graph.sandbox.post("/reset").status_code == 204
    after = graph.sandbox.get("/state").json()

    assert (before["webinars"], before["requests"]) == (1, 1)
    assert (after["webinars"], after["requests"], after["subscriptions"]) == (0, 0, 0)


# ---- the contract helpers themselves -----------------------------------------------------------------------


def test_contract_helpers_catch_departures():
    webinars = f"/v1.0{WEBINARS}"
    validate_exchange("POST", webinars, example("create_webinar_request.json"), 201,
                      example("create_webinar_response.json"))
    validate_exchange("GET", f"{webinars}/getByUserIdAndRole(userId='x', role='organizer')", None, 200,
                      {"value": [example("create_webinar_response.json")]})

    with pytest.raises(AssertionError, match="public"):
        public = {**example("create_webinar_request.json"), "audience": "public"}
        validate_exchange("POST", webinars, public, 201, example("create_webinar_response.json"))
    with pytest.raises(AssertionError, match="bogus"):  # would pass if the function matched {webinar-id}
        validate_exchange("GET", f"{webinars}/getByUserIdAndRole(userId='x',role='organizer')", None, 200,
                          {"value": [{"status": "bogus"}]})
    assert not covers("GET", "/v1.0/users/x")
    assert covers("POST", f"{webinars}/x@y/registrations(email='a')/cancel")

