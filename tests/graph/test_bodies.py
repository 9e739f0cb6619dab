"""Request-body builders: output validates against strict-schemas.json; bad input raises a clear ValueError."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from bot.graph import bodies
from bot.graph.models import Question

GRAPH = Path(__file__).resolve().parents[3] / "shared" / "graph"
START = datetime(2024, 3, 30, 17, 0, tzinfo=UTC)
END = datetime(2024, 3, 31, 0, 0, tzinfo=UTC)
TENANT = "77229959-e479-4a73-b6e0-ddac27be315c"
KENNETH = "7b7e1acd-a3e0-4533-8c1d-c1a4ca0b2e2b"


def example(name: str) -> dict:
    return json.loads((GRAPH / "examples" / name).read_text())


@cache
def _validator(def_name: str) -> Draft202012Validator:
    bundle = json.loads((GRAPH / "strict-schemas.json").read_text())
    assert def_name in bundle["$defs"], def_name
    schema = {"$defs": bundle["$defs"], "$ref": f"#/$defs/{def_name}"}
    return Draft202012Validator(schema, format_checker=FormatChecker())


def strict_errors(def_name: str, instance: object) -> list[str]:
    return [error.message for error in _validator(f"microsoft.graph.{def_name}").iter_errors(instance)]


def assert_valid(def_name: str, instance: object) -> None:
    assert strict_errors(def_name, instance) == []


def test_the_strict_checker_does_catch_mistakes():
    body = bodies.subscription_body("r", "created", "https://x.example/n", "https://x.example/l", END, "s")
    assert strict_errors("subscription-create", body) == []
    misspelt = dict(body, notificationURL=body["notificationUrl"])
    del misspelt["notificationUrl"]
    assert any("notificationURL" in error for error in strict_errors("subscription-create", misspelt))
    assert strict_errors("subscription-create", body | {"expirationDateTime": "tomorrow"})  # format checked


# ----------------------------------------------------------------------------------------------------------------
# Webinars


def test_webinar_create_body_reproduces_the_documented_request():
    body = bodies.webinar_create_body(
        "The Impact of Tech on Our Lives",
        "Discusses how technology has changed the way we communicate.",
        START,
        END,
        time_zone="Pacific Standard Time",
        audience="organization",
        co_organizers=[(KENNETH, TENANT)],
        attendee_emails=False,
    )
    assert body == example("create_webinar_request.json")
    assert_valid("virtualEventWebinar-create", body)


def test_webinar_create_body_defaults_and_iana_zone():
    body = bodies.webinar_create_body("Title", "", START, END, time_zone="Europe/Berlin")
    assert body["startDateTime"] == {"dateTime": "2024-03-30T18:00:00", "timeZone": "W. Europe Standard Time"}
    assert body["settings"] == {"isAttendeeEmailNotificationEnabled": True}
    assert (body["audience"], body["coOrganizers"], body["isRegistrationRequired"]) == (
        "organization",
        [],
        True,
    )
    assert body["description"] == {"contentType": "text", "content": ""}
    assert_valid("virtualEventWebinar-create", body)
    utc = bodies.webinar_create_body("T", "d", START, END, audience="everyone", registration_required=False)
    assert utc["endDateTime"] == {"dateTime": "2024-03-31T00:00:00", "timeZone": "UTC"}
    assert_valid("virtualEventWebinar-create", utc)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"display_name": "  "}, "display_name must not be empty"),
        ({"start_utc": datetime(2024, 1, 1)}, "timezone-aware"),
        ({"end_utc": START}, "end_utc must be after start_utc"),
        ({"time_zone": "Mars Standard Time"}, "not a known Windows or IANA time zone"),
        ({"audience": "public"}, "audience must be one of everyone, organization"),
        ({"co_organizers": [(KENNETH,)]}, "(entra_user_id, tenant_id) pair"),
        ({"co_organizers": [("", TENANT)]}, "co-organizer id must not be empty"),
        ({"attendee_emails": "yes"}, "attendee_emails must be True or False"),
    ],
)
def test_webinar_create_body_rejects_bad_input(changes, message):
    arguments = {"display_name": "T", "description": "d", "start_utc": START, "end_utc": END} | changes
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bodies.webinar_create_body(**arguments)


def test_webinar_update_body():
    body = bodies.webinar_update_body(
        display_name="New",
        description="Desc",
        start_utc=START,
        end_utc=END,
        time_zone="Tokyo Standard Time",
        co_organizers=[(KENNETH, TENANT)],
        attendee_emails=False,
    )
    assert body["startDateTime"] == {"dateTime": "2024-03-31T02:00:00", "timeZone": "Tokyo Standard Time"}
    assert_valid("virtualEventWebinar-update", body)
    only_end = bodies.webinar_update_body(end_utc=END + timedelta(hours=1))
    assert only_end == {"endDateTime": {"dateTime": "2024-03-31T01:00:00", "timeZone": "UTC"}}
    assert_valid("virtualEventWebinar-update", only_end)
    assert bodies.webinar_update_body(display_name="x") == {"displayName": "x"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "at least one change"),
        ({"time_zone": "UTC"}, "at least one change"),
        ({"audience": "everyone"}, "cannot update audience"),
        ({"displayName": "camelCase"}, "cannot update displayName"),
        ({"start_utc": END, "end_utc": START}, "end_utc must be after start_utc"),
    ],
)
def test_webinar_update_body_rejects(changes, message):
    with pytest.raises(ValueError, match=message):
        bodies.webinar_update_body(**changes)


def test_external_event_information_body():
    body = bodies.external_event_information_body("evt-1")
    assert_valid("virtualEventExternalInformation-create", body)
    with pytest.raises(ValueError, match="at most 256"):
        bodies.external_event_information_body("x" * 257)


# ----------------------------------------------------------------------------------------------------------------
# Questions


def test_custom_question_body_matches_the_documented_request():
    body = bodies.custom_question_body(
        "What's your job position?",
        "multiChoice",
        ["Software Engineer", "Engineer Manager", "Product Manager"],
    )
    assert body == example("create_question_custom_request.json") | {"isRequired": False}
    assert_valid("virtualEventRegistrationCustomQuestion-create", body)
    assert_valid("virtualEventRegistrationQuestionBase-create", body)


@pytest.mark.parametrize("input_type", ["text", "multilineText", "boolean"])
def test_custom_question_without_choices(input_type):
    body = bodies.custom_question_body("Q?", input_type, required=True)
    assert body["answerChoices"] == [] and body["isRequired"] is True
    assert_valid("virtualEventRegistrationCustomQuestion-create", body)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("Q", "rating"), "input_type must be one of"),
        (("Q", "singleChoice", []), "needs at least one choice"),
        (("Q", "text", ["a"]), "takes no choices"),
        (("Q", "multiChoice", ["a", "a"]), "distinct"),
        (("Q", "multiChoice", "ab"), "list of strings"),
        (("", "text"), "display_name must not be empty"),
    ],
)
def test_custom_question_rejects(arguments, message):
    with pytest.raises(ValueError, match=message):
        bodies.custom_question_body(*arguments)


def test_predefined_question_body():
    body = bodies.predefined_question_body("street")
    assert body == example("create_question_predefined_request.json")
    assert_valid("virtualEventRegistrationPredefinedQuestion-create", body)
    with pytest.raises(ValueError, match="'street'"):
        bodies.predefined_question_body("address")
    with pytest.raises(ValueError, match="label must be one of"):
        bodies.predefined_question_body("shoeSize")


# ----------------------------------------------------------------------------------------------------------------
# Answers and registrations

JOB_TITLE, AREA, REASON, FUTURE = (
    Question.from_graph(q) for q in example("list_questions_response.json")["value"]
)
CITIES = Question.from_graph(
    {
        "@odata.type": "#microsoft.graph.virtualEventRegistrationCustomQuestion",
        "id": "80fefcf1-caf7-4cd3-b8d7-159e17c47f20",
        "displayName": "Which cities have you worked in?",
        "answerInputType": "multiChoice",
        "answerChoices": ["London", "New York City", "Cancun"],
    }
)


def test_answers_map_to_the_documented_fields():
    assert bodies.answer(JOB_TITLE, "Engineer") == {
        "questionId": JOB_TITLE.id,
        "value": "Engineer",
        "booleanValue": None,
        "multiChoiceValues": [],
    }
    assert bodies.answer(AREA, "  Sales ")["value"] == "Sales"
    assert (
        bodies.answer(REASON, "To gain knowledge on the topic")["value"] == "To gain knowledge on the topic"
    )
    assert bodies.answer(FUTURE, True)["booleanValue"] is True
    assert bodies.answer(FUTURE, "no")["booleanValue"] is False
    multi = bodies.answer(CITIES, ["London", "New York City"])
    assert multi == example("create_registration_application_request.json")["registrationQuestionAnswers"][2]
    assert bodies.answer(CITIES, "London")["multiChoiceValues"] == ["London"]
    for item in (bodies.answer(FUTURE, False), multi, bodies.answer(JOB_TITLE, "x")):
        assert_valid("virtualEventRegistrationQuestionAnswer-create", item)


def test_answer_validation():
    assert bodies.answer(AREA, "") is None  # optional and blank: left out
    assert bodies.answer(CITIES, []) is None
    with pytest.raises(ValueError, match="requires an answer"):
        bodies.answer(JOB_TITLE, "  ")
    with pytest.raises(ValueError, match="is not a choice"):
        bodies.answer(REASON, "Free lunch")
    with pytest.raises(ValueError, match="is not a choice"):
        bodies.answer(CITIES, ["London", "Paris"])
    with pytest.raises(ValueError, match="needs yes or no"):
        bodies.answer(FUTURE, "maybe")
    future_kind = Question.from_graph({"@odata.type": "#microsoft.graph.virtualEventRegistrationCustomQuestion",
                                       "id": "q", "answerInputType": "rating"})  # fmt: skip
    with pytest.raises(ValueError, match="cannot answer"):
        bodies.answer(future_kind, "5")


def test_registration_body_delegated_matches_shape_and_validates():
    answers = [bodies.answer(FUTURE, True), bodies.answer(AREA, None), bodies.answer(CITIES, ["Cancun"])]
    body = bodies.registration_body_delegated(
        "Pacific Standard Time", "en-US", answers, external_id="myExternalRegistrationId", referrer="Fabrikam"
    )
    assert set(body) == set(example("create_registration_delegated_request.json"))
    assert body["preferredLanguage"] == "en-us"
    assert len(body["registrationQuestionAnswers"]) == 2  # the blank optional answer is left out
    assert body["externalRegistrationInformation"] == {
        "registrationId": "myExternalRegistrationId",
        "referrer": "Fabrikam",
    }
    assert_valid("virtualEventRegistration-create", body)
    bare = bodies.registration_body_delegated("America/Los_Angeles", "de")
    assert bare == {
        "preferredTimezone": "Pacific Standard Time",
        "preferredLanguage": "de",
        "registrationQuestionAnswers": [],
    }
    assert_valid("virtualEventRegistration-create", bare)


def test_registration_body_anonymous():
    body = bodies.registration_body_anonymous(
        "Diane",
        "Demoss",
        "DianeDemoss@contoso.com",
        "Asia/Tokyo",
        "ja_JP",
        [bodies.answer(JOB_TITLE, "CTO")],
        "ext-1",
    )
    assert (body["firstName"], body["lastName"], body["email"]) == (
        "Diane",
        "Demoss",
        "DianeDemoss@contoso.com",
    )
    assert (body["preferredTimezone"], body["preferredLanguage"]) == ("Tokyo Standard Time", "ja-jp")
    assert body["externalRegistrationInformation"] == {"registrationId": "ext-1"}
    assert_valid("virtualEventRegistration-create", body)
    assert set(example("create_registration_application_request.json")) == set(body) | {
        "externalRegistrationInformation"
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "not an e-mail address"),
        ({"first": ""}, "first must not be empty"),
        ({"tz": "Somewhere/Else"}, "not a known Windows or IANA time zone"),
        ({"language": "english please"}, "language tag"),
        ({"external_id": "x" * 257}, "at most 256"),
        ({"answers": [{"value": "no question id"}]}, "answer\\(question, value\\)"),
        ({"answers": [bodies.answer(AREA, "a"), bodies.answer(AREA, "b")]}, "answered once"),
    ],
)
def test_registration_body_anonymous_rejects(changes, message):
    arguments = {
        "first": "A",
        "last": "B",
        "email": "a@b.example",
        "tz": "UTC",
        "language": "en-us",
    } | changes
    with pytest.raises(ValueError, match=message):
        bodies.registration_body_anonymous(**arguments)


def test_external_id_of_exactly_256_is_fine():
    body = bodies.registration_body_delegated("UTC", "en", external_id="x" * 256)
    assert len(body["externalRegistrationInformation"]["registrationId"]) == 256


# ----------------------------------------------------------------------------------------------------------------
# Presenters


def test_presenter_bodies_match_the_documented_requests():
    user = bodies.presenter_user_body(KENNETH)
    guest = bodies.presenter_guest_body("Guest Speaker", "guest.speaker@fabrikam.com")
    assert user == example("create_presenter_internal_request.json")
    assert guest == example("create_presenter_external_request.json")
    assert_valid("virtualEventPresenter-create", user)
    assert_valid("virtualEventPresenter-create", guest)
    # identity is polymorphic (open) in the bundle: check each shape against its concrete type too
    assert_valid("communicationsUserIdentity-create", user["identity"])
    assert_valid("communicationsGuestIdentity-create", guest["identity"])


def test_presenter_details():
    details = bodies.presenter_details_body(
        bio="Writes about Teams.",
        company="Contoso",
        job_title="Architect",
        linkedin_url="https://www.linkedin.com/in/someone",
        website_url="https://someone.example",
        twitter_url="https://twitter.com/someone",
    )
    assert details["bio"] == {"contentType": "text", "content": "Writes about Teams."}
    assert_valid("virtualEventPresenterDetails-create", details)
    with_details = bodies.presenter_guest_body("G", "g@fabrikam.com", details)
    assert_valid("virtualEventPresenter-create", with_details)
    update = bodies.presenter_update_body(bodies.presenter_details_body(company="Fabrikam"))
    assert update == {"presenterDetails": {"company": "Fabrikam"}}
    assert_valid("virtualEventPresenter-update", update)
    assert bodies.presenter_details_body() == {}


def test_presenter_validation():
    with pytest.raises(ValueError, match="linkedin_url must be an https:// URL"):
        bodies.presenter_details_body(linkedin_url="javascript:alert(1)")
    with pytest.raises(ValueError, match="not an e-mail address"):
        bodies.presenter_guest_body("G", "nope")
    with pytest.raises(ValueError, match="entra_id must not be empty"):
        bodies.presenter_user_body(" ")


# ----------------------------------------------------------------------------------------------------------------
# Subscriptions


def test_subscription_body_matches_the_documented_request():
    body = bodies.subscription_body(
        "/solutions/virtualEvents/webinars/{webinarId}/registrations",
        ["created", "updated"],
        "https://webhook.contoso.com/api",
        "https://webhook.contoso.com/api",
        datetime(2021, 2, 1, 11, tzinfo=UTC),
        "secretClientState",
    )
    documented = example("subscription_create_registrations_request.json")
    assert body == documented | {
        "changeType": "created,updated",
        "expirationDateTime": "2021-02-01T11:00:00.000000Z",
    }
    assert_valid("subscription-create", body)


def test_subscription_body_variants():
    local = bodies.subscription_body(
        "solutions/virtualEvents/webinars/w/getAttendanceReports",
        "created, updated",
        "http://127.0.0.1:8080/graph/notifications",
        "http://localhost:8080/graph/lifecycle",
        datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2))),
        "s" * 128,
    )
    assert local["changeType"] == "created,updated"
    assert local["expirationDateTime"] == "2024-05-01T10:00:00.000000Z"
    assert_valid("subscription-create", local)
    renew = bodies.subscription_renew_body(datetime(2024, 5, 2, tzinfo=UTC))
    assert renew == {"expirationDateTime": "2024-05-02T00:00:00.000000Z"}
    assert_valid("subscription-update", renew)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"client_state": "s" * 129}, "client_state must be at most 128"),
        ({"client_state": ""}, "client_state must not be empty"),
        ({"change_type": "created,archived"}, "change_type must be one of"),
        ({"change_type": []}, "at least one"),
        ({"notification_url": "http://public.example/hook"}, "https://"),
        ({"lifecycle_url": ""}, "lifecycle_url must not be empty"),
        ({"resource": "https://graph.microsoft.com/v1.0/subscriptions"}, "without the Graph base URL"),
        ({"expiration": datetime(2024, 1, 1)}, "timezone-aware"),
    ],
)
def test_subscription_body_rejects(changes, message):
    arguments = {
        "resource": "solutions/virtualEvents/webinars/w/registrations",
        "change_type": "created",
        "notification_url": "https://x.example/n",
        "lifecycle_url": "https://x.example/l",
        "expiration": END,
        "client_state": "secret",
    } | changes
    with pytest.raises(ValueError, match=message):
        bodies.subscription_body(**arguments)
