"""After the session: Teams' report becomes a summary post; CSVs go privately to organizers only."""

from __future__ import annotations

import csv
import io
import time

import httpx
import pytest

from bot.ids import Action
from bot.sandbox import slack_requests
from bot.sandbox.stack import SandboxStack
from bot.services.exports import csv_safe
from bot.ui.validate import validate_message
from tests.e2e.test_follow_flow import CHANNEL, DIANE, create_published_webinar, feed, follow, register

ADELE = "U0ADELE"


@pytest.fixture(scope="module")
def ended():
    """One webinar with three registrants; two attended (one for 12 minutes), one didn't; Teams reported it."""
    with SandboxStack() as stack:
        webinar_id = create_published_webinar(stack, "Post-mortem")
        follow(stack, webinar_id)
        register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
        register(stack, webinar_id, "Alex", "Wilber", "alex@contoso.example")
        register(stack, webinar_id, "=HYPERLINK(\"x\")", "Evil", "evil@fabrikam.example")
        stack.slack.wait_for(lambda: "Evil" in " ".join(feed(stack)), 10)
        response = httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/end-session",
                              json={"attendees": ["adele@contoso.example", "alex@contoso.example"],
                                    "durations": {"alex@contoso.example": 720},
                                    "late": {"alex@contoso.example": 900}})
        assert response.status_code == 201
        summary = stack.slack.wait_for(
            lambda: [m for m in stack.slack.messages(CHANNEL) if "Attendance for" in m["text"]], 10)[0]
        yield stack, webinar_id, summary


def click(stack, user, action_id, value, message):
    payload = {"type": "block_actions", "user": {"id": user, "name": user}, "team": {"id": "T0SANDBOX"},
               "api_app_id": "A0WEBINARBOT", "container": {"type": "message", "channel_id": CHANNEL},
               "channel": {"id": CHANNEL}, "message": message, "trigger_id": slack_requests.trigger_id(),
               "response_url": stack.response_url(),
               "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                            "action_ts": str(time.time())}]}
    body = slack_requests.interactivity(payload)
    return httpx.post(f"{stack.app_url}/slack/events", content=body, headers=slack_requests.signed_headers(body))


def test_summary_counts_registrants_no_shows_and_time(ended):
    stack, webinar_id, summary = ended
    validate_message(summary)
    text = " ".join(b.get("text", {}).get("text", "") + " ".join(f["text"] for f in b.get("fields", []))
                    for b in summary["blocks"])
    assert "2 of 3 registrants came (67%)" in summary["text"]
    assert "*Median time*" in text and "*No-shows (1):*" in text
    assert "Alex Wilber (12 min)" in text
    assert "*Late joiners (1):* Alex Wilber" in text  # joined 15 minutes after the start
    buttons = [e["action_id"] for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [Action.ATTENDEES_CSV, Action.NO_SHOWS_CSV]


def test_csvs_go_to_the_organizer_by_dm_and_are_formula_safe(ended):
    stack, webinar_id, summary = ended
    report_id = summary["blocks"][-2]["elements"][0]["value"]
    assert click(stack, DIANE, Action.NO_SHOWS_CSV, report_id, summary).status_code == 200
    upload = stack.slack.wait_for(lambda: [f for f in stack.slack.files if "no-shows" in f.name], 10)[0]
    assert upload.channel.startswith("D")
    rows = list(csv.reader(io.StringIO(upload.content.decode())))
    assert rows[0][:3] == ["first name", "last name", "email"]
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and rows[1][2] == "evil@fabrikam.example"

    click(stack, DIANE, Action.ATTENDEES_CSV, report_id, summary)
    attendees = stack.slack.wait_for(lambda: [f for f in stack.slack.files if "attendees" in f.name], 10)[0]
    names = [row[0] for row in csv.reader(io.StringIO(attendees.content.decode()))][1:]
    assert {"Adele Vance", "Alex Wilber"} <= set(names)


def test_strangers_get_an_explanation_not_the_file(ended):
    stack, webinar_id, summary = ended
    before = len(stack.slack.files)
    click(stack, ADELE, Action.ATTENDEES_CSV, summary["blocks"][-2]["elements"][0]["value"], summary)
    reply = stack.slack.wait_for(lambda: [r for r in stack.slack.responses if "Only the organizer" in r["text"]],
                                 10)
    assert reply and len(stack.slack.files) == before


def test_registrants_attendance_and_export_commands(ended):
    stack, webinar_id, summary = ended
    stack.slack.responses.clear()
    stack.slash(f"registrants {webinar_id}", user=DIANE)
    answer = stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]
    validate_message(answer)
    assert "3 in all" in answer["blocks"][0]["text"]["text"]
    stack.slack.responses.clear()
    stack.slash(f"attendance {webinar_id}", user=DIANE)
    assert "2 of 3 registrants came" in stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]["text"]
    stack.slack.responses.clear()
    stack.slash(f"export {webinar_id}", user=DIANE)
    stack.slack.wait_for(lambda: stack.slack.responses, 10)
    export = stack.slack.wait_for(lambda: [f for f in stack.slack.files if "registrations" in f.name], 10)[0]
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {r["email"]: r["minutes attended"] for r in rows} == {
        "adele@contoso.example": "60", "alex@contoso.example": "12", "evil@fabrikam.example": "0"}
    stack.slack.responses.clear()
    stack.slash(f"export {webinar_id}", user=ADELE)
    assert "Only the organizer" in stack.slack.wait_for(lambda: stack.slack.responses, 10)[-1]["text"]


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-x", "'-x"), ("@SUM", "'@SUM"),
                                         ("\tx", "'\tx"), ("plain", "plain"), (None, "")])
def test_csv_safe(value, safe):
    assert csv_safe(value) == safe


def test_a_channel_can_follow_attendance_without_names():
    with SandboxStack() as stack:
        webinar_id = create_published_webinar(stack, "Private numbers")
        follow(stack, webinar_id, extra="attendance no-names")
        assert "(attendance summaries without names)" in stack.slack.responses[-1]["text"]
        register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
        register(stack, webinar_id, "Alex", "Wilber", "alex@contoso.example")
        stack.graph.wait_idle(5)
        httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/end-session",
                   json={"attendees": ["adele@contoso.example"], "late": {"adele@contoso.example": 1200}})
        summary = stack.slack.wait_for(
            lambda: [m for m in stack.slack.messages(CHANNEL) if "Attendance for" in m["text"]], 10)[0]
        validate_message(summary)
        text = str(summary["blocks"])
        assert "1 of 2 registrants came" in summary["text"]
        assert "*No-shows:* 1" in text and "*Late joiners:* 1" in text
        assert "Alex" not in text and "Adele" not in text
