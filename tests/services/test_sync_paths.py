"""The docs' notification examples point where we think they point (paths, case, slashes, bare report ids)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.services import sync
from bot.services.ingest import dedupe_key, parse_collection
from bot.services.sync import _REGISTRATION, _REPORT, _WEBINAR, registration_events, resource_path

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "graph" / "examples"


def example_items(name):
    return json.loads((EXAMPLES / name).read_text())["value"]


@pytest.mark.parametrize("name, pattern, groups", [
    ("notification_registration_created.json", _REGISTRATION, {"webinar": "{webinarId}",
                                                              "registration": "{registrationId}"}),
    ("notification_registration_updated.json", _REGISTRATION, {}),
    ("notification_webinar_updated.json", _WEBINAR, {}),
    ("notification_attendance_report_created.json", _REPORT, {}),
])
def test_doc_examples_are_classified(name, pattern, groups):
    (item,) = example_items(name)
    parse_collection(json.dumps({"value": [item]}).encode(), "change")  # the ingest accepts the docs' shape
    match = pattern.match(resource_path(item))
    assert match, resource_path(item)
    for key, value in groups.items():
        assert match[key] == value


def test_paths_are_matched_case_insensitively_with_ids_kept_verbatim():
    item = {"resource": "x", "resourceData": {"id": "/Solutions/VirtualEvents/Webinars/AbC@Def/Registrations/R1/"}}
    match = _REGISTRATION.match(resource_path(item))
    assert (match["webinar"], match["registration"]) == ("AbC@Def", "R1")


def test_attendance_report_bare_id_is_joined_to_the_resource():
    item = {"resource": "solutions/virtualEvents/webinars/w@t/sessions/s1/attendanceReports/",
            "resourceData": {"id": "r9"}}
    assert _REPORT.match(resource_path(item))["report"] == "r9"


def test_dedupe_key_ignores_key_order_but_not_content():
    a = {"subscriptionId": "s", "changeType": "created", "resourceData": {"id": "x"}}
    b = {"resourceData": {"id": "x"}, "changeType": "created", "subscriptionId": "s"}
    assert dedupe_key(a) == dedupe_key(b) != dedupe_key({**a, "changeType": "updated"})


@pytest.mark.parametrize("old, new, kind", [
    (None, "registered", "registered"), (None, "waitlisted", "waitlisted"),
    ("pendingApproval", "registered", "approved"), ("waitlisted", "registered", "off_waitlist"),
    ("pendingApproval", "rejectedByOrganizer", "rejected"), ("registered", "canceled", "registration_cancelled"),
    ("registered", "registered", None), (None, "canceled", None), ("registered", "unknown", None),
])
def test_status_changes_become_events(old, new, kind):
    before = {"status": old} if old else {}
    after = {"id": "r1", "webinar_id": "w", "status": new, "first_name": "Ada", "last_name": "L"}
    events = registration_events(before, after)
    assert [e.kind.value for e in events] == ([kind] if kind else [])
    if events:
        assert events[0].data["name"] == "Ada L"


def test_webinar_events_name_every_change():
    before = {"id": "w", "status": "draft", "title": "A", "start_utc": "1", "end_utc": "2"}
    after = {"id": "w", "status": "published", "title": "B", "start_utc": "3", "end_utc": "4"}
    assert [e.kind.value for e in sync.webinar_events(before, after)] == ["published", "renamed", "rescheduled"]
