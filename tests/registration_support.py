"""Helpers for the registration tests: webinars with questions in the Graph stand-in, and Slack interactions
(button clicks, modal submissions) signed and sent through the app's real `/slack/events` endpoint."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx

from bot.graph import bodies
from bot.graph.models import PREDEFINED_QUESTION_TYPE
from bot.sandbox import directory, driver
from bot.sandbox.driver import graph_call, user_payload

DIANE = directory.ORGANIZER.slack_id
KENNETH = directory.CO_ORGANIZER.slack_id
ADELE, ALEX, MEGAN = "U0ADELE", "U0ALEX", "U0MEGAN"
CHANNEL = "C0WEBINARS"

# One question of every kind: (body, how a person answers it in the modal, what Graph must receive)
QUESTIONS = [
    (bodies.custom_question_body("Why are you coming?", "text", required=True), "To learn", {"value": "To learn"}),
    (bodies.custom_question_body("Anything else?", "multilineText"), "Line one\nLine two",
     {"value": "Line one\nLine two"}),
    (bodies.custom_question_body("Team", "singleChoice", ["Sales", "Support"], required=True), "Support",
     {"value": "Support"}),
    (bodies.custom_question_body("City", "singleChoice", [f"City {n}" for n in range(7)]), "City 5",
     {"value": "City 5"}),
    (bodies.custom_question_body("Topics", "multiChoice", ["AI", "Cloud", "Data"]), ["AI", "Data"],
     {"multiChoiceValues": ["AI", "Data"]}),
    (bodies.custom_question_body("First webinar?", "boolean", required=True), "false", {"booleanValue": False}),
    ({"@odata.type": PREDEFINED_QUESTION_TYPE, "label": "jobTitle", "isRequired": True}, "Engineer",
     {"value": "Engineer"}),
]


def create_webinar(stack, title="Launch <review> & *Q&A*", *, questions=(), publish=True,
                   description="Hands-on session about the launch.") -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)

    async def create(graph):
        body = bodies.webinar_create_body(display_name=title, description=description, start_utc=start,
                                          end_utc=start + timedelta(hours=1), audience="organization",
                                          co_organizers=[(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)],
                                          attendee_emails=True)
        webinar = await graph.create_webinar(body, user=DIANE)
        for question in questions:
            await graph.create_question(webinar.id, question, user=DIANE)
        if publish:
            await graph.publish_webinar(webinar.id, user=DIANE)
        return webinar.id
    return graph_call(stack, create)


def configure(stack, webinar_id: str, **config) -> dict:
    response = httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/registration-configuration",
                          json=config, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def post_interaction(stack, payload: dict) -> httpx.Response:
    return driver.post(stack, payload)


def click(stack, user: str, action_id: str, value: str, *, channel: str = CHANNEL, message_ts: str = "1.000001",
          view: dict | None = None) -> httpx.Response:
    """A block_actions payload for a button in a message (or in `view`, a modal)."""
    if view is None:
        container = {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False}
    else:
        container = {"type": "view", "view_id": view["id"]}
    payload = {"type": "block_actions", "user": user_payload(user), "team": {"id": directory.TEAM_ID},
               "api_app_id": "A0WEBINARBOT", "trigger_id": stack.slack.issue_trigger_id(), "container": container,
               "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                            "action_ts": str(time.time())}]}
    if view is None:
        payload["channel"] = {"id": channel}
        payload["response_url"] = stack.response_url()
    else:
        payload["view"] = view
    return post_interaction(stack, payload)


def state_for(view: dict, answers: dict[str, object]) -> dict:
    """`view.state` as Slack sends it, from block_id -> answer (a string, or a list for multi-choice)."""
    return {"values": driver.state_for(view, answers)}


def submit(stack, user: str, view: dict, answers: dict[str, object]) -> httpx.Response:
    """The view_submission of `view` (as the stand-in holds it) with these answers."""
    submitted = {**view, "state": state_for(view, answers)}
    payload = {"type": "view_submission", "user": user_payload(user), "team": {"id": directory.TEAM_ID},
               "api_app_id": "A0WEBINARBOT", "trigger_id": stack.slack.issue_trigger_id(), "view": submitted}
    return post_interaction(stack, payload)


def registration_requests(stack) -> list[dict]:
    return [r for r in stack.graph.requests if r["method"] == "POST" and r["path"].endswith("/registrations")]
