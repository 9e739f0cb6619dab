"""Models parse every documented example, and stay lenient with what real Graph (and its docs) send."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.graph import timezones
from bot.graph.models import (
    AttendanceRecord,
    AttendanceReport,
    ChangeNotification,
    DateTimeTimeZone,
    DirectoryUser,
    Presenter,
    Question,
    Registration,
    RegistrationConfiguration,
    Session,
    Subscription,
    Webinar,
    parse_datetime,
    parse_notifications,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "graph" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def items(body: dict) -> list:
    return body["value"]


# Which model reads which example. A new example file makes test_every_example_is_covered fail until it is added.
EXAMPLE_PARSERS = {
    "create_webinar_request.json": lambda b: [Webinar.from_graph(b)],
    "create_webinar_response.json": lambda b: [Webinar.from_graph(b)],
    "create_presenter_internal_request.json": lambda b: [Presenter.from_graph(b)],
    "create_presenter_internal_response.json": lambda b: [Presenter.from_graph(b)],
    "create_presenter_external_request.json": lambda b: [Presenter.from_graph(b)],
    "create_presenter_external_response.json": lambda b: [Presenter.from_graph(b)],
    "create_question_custom_request.json": lambda b: [Question.from_graph(b)],
    "create_question_custom_response.json": lambda b: [Question.from_graph(b)],
    "create_question_predefined_request.json": lambda b: [Question.from_graph(b)],
    "create_question_predefined_response.json": lambda b: [Question.from_graph(b)],
    "list_questions_response.json": lambda b: [Question.from_graph(i) for i in items(b)],
    "create_registration_application_request.json": lambda b: [Registration.from_graph(b)],
    "create_registration_delegated_request.json": lambda b: [Registration.from_graph(b)],
    "create_registration_delegated_response.json": lambda b: [Registration.from_graph(b)],
    "list_registrations_response.json": lambda b: [Registration.from_graph(i) for i in items(b)],
    "list_registration_sessions_response.json": lambda b: [Session.from_graph(i) for i in items(b)],
    "get_attendance_report_expanded_response.json": lambda b: [AttendanceReport.from_graph(b)],
    "get_attendance_report_webinar_response.json": lambda b: [AttendanceReport.from_graph(b)],
    "list_attendance_records_webinar_response.json": lambda b: [
        AttendanceRecord.from_graph(i) for i in items(b)
    ],
    "subscription_create_registrations_request.json": lambda b: [Subscription.from_graph(b)],
    "notification_registration_created.json": lambda b: list(parse_notifications(b)),
    "notification_registration_updated.json": lambda b: list(parse_notifications(b)),
    "notification_webinar_updated.json": lambda b: list(parse_notifications(b)),
    "notification_attendance_report_created.json": lambda b: list(parse_notifications(b)),
    "lifecycle_notification_reauthorization_required.json": lambda b: list(parse_notifications(b)),
    "graph_notification_examples.json": lambda b: [
        n
        for case in b.values()
        if isinstance(case, dict) and "body" in case
        for n in parse_notifications(case["body"])
    ],
    "error_403_forbidden.json": lambda b: [b["error"]],  # errors are parsed by errors.py (see test_client)
    "error_429_throttled.json": lambda b: [b["error"]],
}


def test_every_example_is_covered():
    assert {p.name for p in EXAMPLES.glob("*.json")} == set(EXAMPLE_PARSERS)


@pytest.mark.parametrize("name", sorted(EXAMPLE_PARSERS))
def test_every_example_parses(name):
    parsed = EXAMPLE_PARSERS[name](example(name))
    assert parsed and all(item is not None for item in parsed)


# ----------------------------------------------------------------------------------------------------------------
# Webinars


def test_webinar_response():
    webinar = Webinar.from_graph(example("create_webinar_response.json"))
    assert webinar.id == "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"
    assert (webinar.status, webinar.audience, webinar.display_name) == (
        "draft",
        "organization",
        "The Impact of Tech on Our Lives",
    )
    assert webinar.description.startswith("Discusses how technology")
    assert webinar.description_content_type == "text"
    assert webinar.organizer.id == webinar.organizer_id == "b7ef013a-c73c-4ec7-8ccb-e56290f45f68"
    assert webinar.organizer.display_name == "Diane Demoss"
    assert [p.display_name for p in webinar.co_organizers] == ["Kenneth Brown"]
    assert webinar.co_organizer_ids == ("7b7e1acd-a3e0-4533-8c1d-c1a4ca0b2e2b",)
    assert webinar.settings.is_attendee_email_notification_enabled is False
    assert webinar.is_registration_required is True
    assert webinar.start == DateTimeTimeZone(datetime(2024, 3, 30, 10), "Pacific Standard Time")
    # 30 March 2024 is in PDT (UTC-7)
    assert webinar.start.to_utc() == datetime(2024, 3, 30, 17, tzinfo=UTC)
    assert webinar.end.to_utc() == datetime(2024, 3, 31, 0, tzinfo=UTC)
    assert webinar.raw["externalEventInformation"] == []
    hash(webinar)  # frozen and hashable


def test_webinar_leniency():
    body = example("create_webinar_response.json") | {
        "description": "A bare string, as in the old get example",
        "status": "archived",
        "audience": "unknownFutureValue",
        "startDateTime": {"dateTime": "2024-01-10T09:00:00.0000000", "timeZone": "PacificSt"},
        "settings": None,
        "coOrganizers": None,
        "brandNewField": {"x": 1},
    }
    webinar = Webinar.from_graph({"value": body})  # the get example wraps the object in "value"
    assert webinar.description == "A bare string, as in the old get example"
    assert (webinar.status, webinar.audience) == ("unknown", "unknown")
    assert webinar.start.date_time == datetime(2024, 1, 10, 9)
    assert not webinar.start.is_zone_known
    assert webinar.start.to_utc() == datetime(2024, 1, 10, 9, tzinfo=UTC)  # unknown zone -> taken as UTC
    assert webinar.settings.is_attendee_email_notification_enabled is None
    assert webinar.co_organizers == ()
    assert Webinar.from_graph({"description": None}).description == ""


def test_webinar_statuses():
    for status in ("draft", "published", "canceled"):
        assert Webinar.from_graph({"status": status}).status == status
    assert Webinar.from_graph({"status": "Published"}).status == "published"


# ----------------------------------------------------------------------------------------------------------------
# Date and time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-03-07T22:04:17", datetime(2023, 3, 7, 22, 4, 17, tzinfo=UTC)),
        ("2023-03-07T22:04:17Z", datetime(2023, 3, 7, 22, 4, 17, tzinfo=UTC)),
        ("2021-10-05T04:38:23.945Z", datetime(2021, 10, 5, 4, 38, 23, 945000, tzinfo=UTC)),
        ("2023-01-28T00:00:00.0000000Z", datetime(2023, 1, 28, tzinfo=UTC)),
        ("2021-03-16T18:59:52.2782182Z", datetime(2021, 3, 16, 18, 59, 52, 278218, tzinfo=UTC)),
        ("2024-06-01T12:00:00+02:00", datetime(2024, 6, 1, 10, tzinfo=UTC)),
        ("2024-06-01T12:00:00.1234567-01:00", datetime(2024, 6, 1, 13, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected and parsed.tzinfo == UTC


@pytest.mark.parametrize("junk", [None, "", "yesterday", 12, {"dateTime": "x"}, "2024-13-45T00:00:00"])
def test_parse_datetime_junk_is_none(junk):
    assert parse_datetime(junk) is None


def test_date_time_time_zone_round_trip():
    moment = datetime(2024, 7, 1, 8, 0, tzinfo=UTC)
    local = DateTimeTimeZone.from_utc(moment, "W. Europe Standard Time")
    assert local.date_time == datetime(2024, 7, 1, 10, 0)
    assert local.to_utc() == moment
    assert local.to_graph() == {"dateTime": "2024-07-01T10:00:00", "timeZone": "W. Europe Standard Time"}
    with pytest.raises(ValueError):
        DateTimeTimeZone.from_utc(moment, "Atlantis Standard Time")
    with pytest.raises(ValueError):
        DateTimeTimeZone.from_utc(datetime(2024, 1, 1), "UTC")


@pytest.mark.parametrize(
    ("zone", "wall", "utc"),
    [
        ("Pacific Standard Time", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 17)),
        ("Eastern Standard Time", datetime(2024, 7, 15, 9), datetime(2024, 7, 15, 13)),
        ("GMT Standard Time", datetime(2024, 7, 15, 9), datetime(2024, 7, 15, 8)),
        ("Romance Standard Time", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 8)),
        ("Tokyo Standard Time", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 0)),
        ("India Standard Time", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 3, 30)),
        ("AUS Eastern Standard Time", datetime(2024, 1, 15, 9), datetime(2024, 1, 14, 22)),
        ("UTC", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 9)),
        ("utc", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 9)),
        ("Europe/Berlin", datetime(2024, 1, 15, 9), datetime(2024, 1, 15, 8)),  # IANA names work too
    ],
)
def test_to_utc_uses_windows_zone_names(zone, wall, utc):
    assert DateTimeTimeZone(wall, zone).to_utc() == utc.replace(tzinfo=UTC)


def test_date_time_time_zone_offset_inside_date_time_wins():
    parsed = DateTimeTimeZone.from_graph(
        {"dateTime": "2024-01-01T10:00:00+01:00", "timeZone": "Tokyo Standard Time"}
    )
    assert parsed == DateTimeTimeZone(datetime(2024, 1, 1, 9), "UTC")
    assert (
        DateTimeTimeZone.from_graph(None) is None and DateTimeTimeZone.from_graph({"timeZone": "UTC"}) is None
    )


# ----------------------------------------------------------------------------------------------------------------
# Time zone maps


def test_windows_map_is_broad_and_valid():
    assert len(timezones.WINDOWS_TO_IANA) >= 60
    for name in (
        "Pacific Standard Time",
        "Eastern Standard Time",
        "W. Europe Standard Time",
        "GMT Standard Time",
        "Tokyo Standard Time",
        "India Standard Time",
        "UTC",
        "Romance Standard Time",
        "Central Europe Standard Time",
        "AUS Eastern Standard Time",
    ):
        assert name in timezones.WINDOWS_TO_IANA
    for windows, iana in timezones.WINDOWS_TO_IANA.items():
        assert isinstance(timezones.zone_for(windows), ZoneInfo), windows
        assert timezones.windows_to_iana(windows) == iana


@pytest.mark.parametrize(
    ("iana", "windows"),
    [
        ("America/Los_Angeles", "Pacific Standard Time"),
        ("America/New_York", "Eastern Standard Time"),
        ("Europe/Berlin", "W. Europe Standard Time"),
        ("Europe/London", "GMT Standard Time"),
        ("Europe/Paris", "Romance Standard Time"),
        ("Asia/Tokyo", "Tokyo Standard Time"),
        ("Asia/Kolkata", "India Standard Time"),
        ("Asia/Calcutta", "India Standard Time"),
        ("Australia/Sydney", "AUS Eastern Standard Time"),
        ("Australia/Melbourne", "AUS Eastern Standard Time"),
        ("Etc/UTC", "UTC"),
        ("UTC", "UTC"),
        ("Pacific Standard Time", "Pacific Standard Time"),
    ],
)
def test_iana_to_windows(iana, windows):
    assert timezones.iana_to_windows(iana) == windows


def test_iana_to_windows_fallbacks():
    assert timezones.iana_to_windows("Europe/Andorra") == "W. Europe Standard Time"  # same offsets as Berlin
    assert timezones.iana_to_windows("Nowhere/Special") == "UTC"
    assert timezones.iana_to_windows("Nowhere/Special", default=None) is None
    assert timezones.iana_to_windows(None) == "UTC"
    for iana, windows in timezones.IANA_TO_WINDOWS.items():
        assert windows in timezones.WINDOWS_TO_IANA, iana


# ----------------------------------------------------------------------------------------------------------------
# Questions, configuration, registrations


def test_questions():
    predefined, text, single, boolean = (
        Question.from_graph(q) for q in items(example("list_questions_response.json"))
    )
    assert (predefined.kind, predefined.label, predefined.display_name, predefined.is_required) == (
        "predefined",
        "jobTitle",
        "Job title",
        True,
    )
    assert predefined.answer_input_type is None
    assert (text.kind, text.answer_input_type, text.answer_choices, text.label) == (
        "custom",
        "text",
        (),
        None,
    )
    assert single.answer_input_type == "singleChoice" and len(single.answer_choices) == 3
    assert boolean.answer_input_type == "boolean"
    street = Question.from_graph(example("create_question_predefined_response.json"))
    assert (street.label, street.display_name) == ("street", "Address")
    future = Question.from_graph({"@odata.type": CUSTOM, "answerInputType": "rating", "id": "q"})
    assert future.answer_input_type == "unknown"
    assert Question.from_graph({"@odata.type": "#microsoft.graph.somethingElse"}).kind == "unknown"
    assert Question.from_graph({"label": "city"}).kind == "predefined"  # no @odata.type: guessed from fields


CUSTOM = "#microsoft.graph.virtualEventRegistrationCustomQuestion"


def test_registration_configuration():
    config = RegistrationConfiguration.from_graph(
        {
            "registrationWebUrl": "https://events.teams.microsoft.com/event/x",
            "capacity": 100,
            "isWaitlistEnabled": True,
        }
    )
    assert config.registration_web_url.endswith("/event/x")
    assert (config.capacity, config.is_waitlist_enabled, config.is_manual_approval_enabled) == (
        100,
        True,
        None,
    )


def test_registration_response():
    registration = Registration.from_graph(example("create_registration_delegated_response.json"))
    assert registration.id == "127962bb-84e1-7b62-fd98-1c9d39def7b6"
    assert registration.status == "registered"
    assert registration.registration_date_time == datetime(2023, 3, 7, 22, 4, 17, tzinfo=UTC)  # no Z -> UTC
    assert registration.cancelation_date_time is None
    assert (registration.email, registration.display_name) == ("EmileeMPham@contoso.com", "Emilee Pham")
    assert (registration.preferred_timezone, registration.preferred_language) == (
        "Pacific Standard Time",
        "en-us",
    )
    assert registration.external_id == "myExternalRegistrationId"
    city, lives, cities = registration.answers
    assert city.multi_choice_values == ("Seattle",) and city.choices == ("Seattle",)
    assert lives.boolean_value is True and lives.value is None
    assert cities.multi_choice_values == ("Cancun", "Hoboken", "Beijing")
    assert city.display_name == "Which city do you currently work in?"


def test_registration_leniency():
    registration = Registration.from_graph(
        {
            "id": "r",
            "status": "onHold",
            "cancelationDateTime": "2024-02-01T10:00:00.0000000Z",
            "externalRegistrationInformation": {"referrer": None, "registrationId": None},
            "registrationQuestionAnswers": [
                None,
                {"questionId": "q", "value": "text", "multiChoiceValues": None},
            ],
        }
    )
    assert registration.status == "unknown"
    assert registration.cancelation_date_time == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert registration.external_id is None
    assert registration.answers[0].choices == ("text",)
    assert Registration.from_graph({"status": "pendingApproval"}).status == "pendingApproval"
    assert Registration.from_graph({"status": "rejectedbyorganizer"}).status == "rejectedByOrganizer"


# ----------------------------------------------------------------------------------------------------------------
# Presenters, sessions, attendance


def test_presenters():
    internal = Presenter.from_graph(example("create_presenter_internal_response.json"))
    guest = Presenter.from_graph(example("create_presenter_external_response.json"))
    assert (internal.kind, internal.identity.tenant_id, internal.details) == (
        "user",
        "77229959-e479-4a73-b6e0-ddac27be315c",
        None,
    )
    assert internal.display_name == "Kennth Brown"
    assert (guest.kind, guest.email, guest.identity.email) == ("guest", *(["guest.speaker@fabrikam.com"] * 2))
    detailed = Presenter.from_graph(
        {
            "id": "p",
            "identity": {"id": "p", "tenantId": "t"},
            "presenterDetails": {"bio": {"content": "Speaks a lot"}, "company": "Contoso", "photo": None},
        }
    )
    assert (detailed.kind, detailed.details.bio, detailed.details.company) == (
        "user",
        "Speaks a lot",
        "Contoso",
    )


def test_session_with_plain_string_times():
    session = Session.from_graph(items(example("list_registration_sessions_response.json"))[0])
    assert session.id == "8d62dd52-4dff-4c75-96a9-f905cc3ff942"
    assert session.join_web_url.startswith("https://teams.microsoft.com/l/meetup-join/")
    assert session.start.to_utc() == datetime(2023, 8, 8, 12, 30, tzinfo=UTC)
    assert session.end.to_utc() == datetime(2023, 8, 9, 22, 0, tzinfo=UTC)
    obj = Session.from_graph(
        {"startDateTime": {"dateTime": "2024-03-30T10:00:00.0000000", "timeZone": "UTC"}}
    )
    assert obj.start.to_utc() == datetime(2024, 3, 30, 10, tzinfo=UTC)


def test_attendance_records_with_beta_registrant_id_fallback():
    organizer, presenter = (
        AttendanceRecord.from_graph(r)
        for r in items(example("list_attendance_records_webinar_response.json"))
    )
    assert (organizer.role, organizer.registration_id, organizer.total_attendance_in_seconds) == (
        "Organizer",
        None,
        322,
    )
    assert presenter.role == "Presenter"
    assert organizer.intervals[0].duration_in_seconds == 322
    assert organizer.intervals[0].join_date_time == datetime(2021, 10, 5, 4, 38, 27, 602722, tzinfo=UTC)
    assert organizer.external_registration_information.registration_id == "myExternalRegistrationId"
    assert AttendanceRecord.from_graph({"registrantId": "beta-id"}).registration_id == "beta-id"
    assert (
        AttendanceRecord.from_graph({"registrationId": "v1", "registrantId": "beta"}).registration_id == "v1"
    )


def test_attendance_reports():
    report = AttendanceReport.from_graph(example("get_attendance_report_webinar_response.json"))
    assert (report.id, report.total_participant_count, report.records) == (
        "b76965d4-0763-496e-9980-b323c5f3aa3b",
        2,
        (),
    )
    assert report.meeting_start_date_time == datetime(2021, 10, 4, 23, 13, 31, 658000, tzinfo=UTC)
    assert report.external_event_information[0].external_event_id == "myExternalEventId"
    expanded = AttendanceReport.from_graph(example("get_attendance_report_expanded_response.json"))
    assert len(expanded.records) == 1 and expanded.records[0].id is None
    assert len(expanded.records[0].intervals) == 3


# ----------------------------------------------------------------------------------------------------------------
# Subscriptions and notifications


def test_subscription():
    sub = Subscription.from_graph(example("subscription_create_registrations_request.json") | {"id": "s1"})
    assert sub.expiration_date_time == datetime(2021, 2, 1, 11, tzinfo=UTC)
    assert sub.change_types == {"created", "updated"}
    assert sub.client_state == "secretClientState"


def test_registration_notification():
    (note,) = parse_notifications(example("notification_registration_created.json"))
    assert (note.change_type, note.client_state, note.is_lifecycle) == (
        "created",
        "secret client state",
        False,
    )
    assert note.subscription_expiration_date_time == datetime(2023, 1, 28, tzinfo=UTC)
    assert note.resource_data.odata_type == "#microsoft.graph.virtualEventRegistration"
    assert note.resource_data.odata_id == note.resource_data.id
    assert note.resource_path == "solutions/virtualEvents/webinars/{webinarId}/registrations/{registrationId}"


def test_webinar_and_attendance_notification_paths():
    (webinar,) = parse_notifications(example("notification_webinar_updated.json"))
    assert webinar.resource_path == "solutions/virtualEvents/webinars/{webinarId}"  # trailing "/" removed
    assert webinar.resource_data.odata_type == "#microsoft.graph.virtualEvent"
    (report,) = parse_notifications(example("notification_attendance_report_created.json"))
    assert report.resource_data.id == "{reportId}"
    assert report.resource_path.endswith("/sessions/{sessionId}/attendanceReports/{reportId}")


def test_lifecycle_notification():
    (event,) = parse_notifications(example("lifecycle_notification_reauthorization_required.json"))
    assert (event.lifecycle_event, event.is_lifecycle, event.change_type, event.resource_path) == (
        "reauthorizationRequired",
        True,
        None,
        None,
    )
    (future,) = parse_notifications({"value": [{"lifecycleEvent": "somethingNew", "changeType": "archived"}]})
    assert (future.lifecycle_event, future.change_type) == ("unknown", "unknown")
    assert parse_notifications({"value": [1, "x", None]}) == ()
    assert parse_notifications(None) == () and parse_notifications({"value": {}}) == ()


def test_mail_notification_has_an_id_and_etag():
    notes = parse_notifications(example("graph_notification_examples.json")["mail_created_generic"]["body"])
    assert notes[0].id == "lsgTZMr9KwAAA" and notes[0].resource_data.odata_etag.startswith('W/"')


def test_directory_user():
    user = DirectoryUser.from_graph(
        {"id": "u", "displayName": "Pat", "mail": None, "userPrincipalName": "pat@x.com"}
    )
    assert (user.id, user.display_name, user.mail, user.user_principal_name) == (
        "u",
        "Pat",
        None,
        "pat@x.com",
    )


# ----------------------------------------------------------------------------------------------------------------
# Never crash

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        "id", "status", "description", "startDateTime", "endDateTime", "createdBy", "coOrganizers", "settings",
        "registrationQuestionAnswers", "identity", "presenterDetails", "attendanceRecords", "attendanceIntervals",
        "resourceData", "registrationDateTime", "value", "@odata.type", "answerChoices", "label", "dateTime",
    ]
)  # fmt: skip
MODELS = (
    Webinar, Question, RegistrationConfiguration, Registration, Presenter, Session, AttendanceReport,
    AttendanceRecord, Subscription, ChangeNotification, DirectoryUser,
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(FIELD_NAMES, JSON, max_size=8) | JSON)
def test_parsers_never_crash(data):
    for model in MODELS:
        model.from_graph(data)
    parse_notifications(data)
    parse_notifications({"value": [data]})
