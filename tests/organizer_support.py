"""Helpers for the organizer-workflow tests: drive the app through its real `/slack/events` endpoint with signed
slash commands, button clicks and modal submissions, built from the views the Slack stand-in recorded."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import httpx

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox import directory, slack_requests
from bot.ui.validate import validate_message, validate_view

DIANE = directory.ORGANIZER.slack_id
KENNETH = directory.CO_ORGANIZER.slack_id
ADELE = "U0ADELE"
STRANGER = "U0STRANGER"      # in Slack's payloads, but never signed in to Microsoft
CHANNEL = "C0WEBINARS"
NASTY = "<!channel> <@U123> & <b> *bold*"


def graph_call(stack, fn):
    async def run():
        async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
            return await fn(graph)
    return asyncio.run(run())


def make_webinar(stack, title="Roadmap", *, publish=False, co_organizer=True, days=3) -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)

    async def create(graph):
        co = [(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)] if co_organizer else []
        body = bodies.webinar_create_body(title, "About the roadmap.", start, start + timedelta(hours=1),
                                          co_organizers=co)
        webinar = await graph.create_webinar(body, user=DIANE)
        if publish:
            await graph.publish_webinar(webinar.id, user=DIANE)
        return webinar.id
    return graph_call(stack, create)


def slash(stack, text: str, user: str = DIANE) -> httpx.Response:
    response = stack.slash(text, user=user)
    assert response.status_code == 200, response.text
    return response


def post(stack, payload: dict) -> httpx.Response:
    body = slack_requests.interactivity(payload)
    response = httpx.post(f"{stack.app_url}/slack/events", content=body,
                          headers=slack_requests.signed_headers(body), timeout=10)
    assert response.status_code == 200, response.text
    return response


def _user(user: str) -> dict:
    return {"id": user, "team_id": directory.TEAM_ID, "username": user.lower(), "name": user.lower()}


def reply(stack, count: int = 1, timeout: float = 10) -> dict:
    """The `count`-th body posted to a response_url (ephemeral answers), validated."""
    stack.slack.wait_for(lambda: len(stack.slack.responses) >= count, timeout)
    message = stack.slack.responses[count - 1]
    validate_message(message)
    return message


def modal(stack, callback_id: str, *, ready=lambda view: True, timeout: float = 10) -> dict:
    """The newest recorded modal with this callback id once `ready(view)` holds (e.g. loading has finished)."""
    def find():
        views = [v for v in stack.slack.views.values() if v.get("callback_id") == callback_id and ready(v)]
        return views[-1] if views else None
    view = stack.slack.wait_for(find, timeout)
    validate_view({k: view[k] for k in ("type", "title", "blocks", "submit", "close", "private_metadata",
                                        "callback_id") if view.get(k) is not None})
    return view


def later(stack, view: dict, ready, timeout: float = 10) -> dict:
    """The same modal (by id) once `ready(view)` holds: after the app updated it."""
    found = stack.slack.wait_for(lambda: ready(stack.slack.views[view["id"]]) and stack.slack.views[view["id"]],
                                 timeout)
    validate_view({k: found[k] for k in ("type", "title", "blocks", "submit", "close", "private_metadata",
                                         "callback_id") if found.get(k) is not None})
    return found


def has_input(view: dict) -> bool:
    return any(block["type"] == "input" for block in view["blocks"])


def text_of(view_or_message: dict) -> str:
    """Every piece of text in blocks, joined: enough to assert on what a person reads."""
    parts = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(view_or_message.get("blocks", []))
    return "\n".join(parts)


def submit(stack, view: dict, values: dict, user: str = DIANE) -> dict:
    """A signed view_submission of `view` with `values` (as `state.values`); returns the ack body ({} = close)."""
    payload = {"type": "view_submission", "team": {"id": directory.TEAM_ID}, "user": _user(user),
               "api_app_id": "A0WEBINARBOT", "token": "unused", "trigger_id": stack.slack.issue_trigger_id(view["id"]),
               "view": {**view, "state": {"values": values}}, "response_urls": [], "is_enterprise_install": False}
    response = post(stack, payload)
    return response.json() if response.content else {}


def click(stack, action_id: str, value: str, *, user: str = DIANE, view: dict | None = None,
          message: dict | None = None, ephemeral: bool = False) -> None:
    """A signed block_actions click on a button in a modal/Home `view`, or in a message (with a response_url)."""
    action = {"action_id": action_id, "block_id": "b", "value": value, "type": "button",
              "action_ts": f"{time.time():.6f}", "text": {"type": "plain_text", "text": "x"}}
    payload = {"type": "block_actions", "team": {"id": directory.TEAM_ID}, "user": _user(user),
               "api_app_id": "A0WEBINARBOT", "token": "unused", "actions": [action],
               "trigger_id": stack.slack.issue_trigger_id(view["id"] if view else None)}
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    else:
        payload["response_url"] = stack.response_url()
        payload["container"] = {"type": "message", "message_ts": (message or {}).get("ts", "1.000001"),
                                "channel_id": (message or {}).get("channel", CHANNEL), "is_ephemeral": ephemeral}
        payload["channel"] = {"id": (message or {}).get("channel", CHANNEL)}
        if message:
            payload["message"] = message
    post(stack, payload)


# --- state.values for each kind of input -------------------------------------------------------------------------

def plain(block_id: str, value: str | None) -> dict:
    return {block_id: {block_id: {"type": "plain_text_input", "value": value}}}


def when(block_id: str, moment: datetime) -> dict:
    return {block_id: {block_id: {"type": "datetimepicker", "selected_date_time": int(moment.timestamp())}}}


def select(block_id: str, value: str | None) -> dict:
    option = {"value": value, "text": {"type": "plain_text", "text": value}} if value else None
    return {block_id: {block_id: {"type": "static_select", "selected_option": option}}}


def multi(block_id: str, values: list[str], kind: str = "multi_static_select") -> dict:
    return {block_id: {block_id: {"type": kind, "selected_options": [
        {"value": v, "text": {"type": "plain_text", "text": v}} for v in values]}}}


def users(block_id: str, user_ids: list[str]) -> dict:
    return {block_id: {block_id: {"type": "multi_users_select", "selected_users": user_ids}}}


def user(block_id: str, user_id: str) -> dict:
    return {block_id: {block_id: {"type": "users_select", "selected_user": user_id}}}


def conversation(block_id: str, channel: str | None) -> dict:
    return {block_id: {block_id: {"type": "conversations_select", "selected_conversation": channel}}}


def merge(*parts: dict) -> dict:
    result: dict = {}
    for part in parts:
        result.update(part)
    return result
