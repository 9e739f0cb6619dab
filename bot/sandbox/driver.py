"""Drive the sandboxed app as Slack would: signed clicks and modal submissions built from the views the Slack
stand-in recorded, plus Graph calls as a sandbox person. Used by the demo, the benchmarks and the tests."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import httpx

from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox import directory, slack_requests
from bot.ui.validate import validate_message, validate_view

VIEW_KEYS = ("type", "title", "blocks", "submit", "close", "private_metadata", "callback_id")


def graph_call(stack, fn):
    """Run `await fn(graph)` with a Graph client of the stand-in (tokens for sandbox people)."""
    async def run():
        async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
            return await fn(graph)
    return asyncio.run(run())


def post(stack, payload: dict) -> httpx.Response:
    """An interactivity payload, signed, to the app's `/slack/events`."""
    body = slack_requests.interactivity(payload)
    response = httpx.post(f"{stack.app_url}/slack/events", content=body,
                          headers=slack_requests.signed_headers(body), timeout=10)
    assert response.status_code == 200, response.text
    return response


def user_payload(user: str) -> dict:
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
    validate_view({k: view[k] for k in VIEW_KEYS if view.get(k) is not None})
    return view


def later(stack, view: dict, ready, timeout: float = 10) -> dict:
    """The same modal (by id) once `ready(view)` holds: after the app updated it."""
    found = stack.slack.wait_for(lambda: ready(stack.slack.views[view["id"]]) and stack.slack.views[view["id"]],
                                 timeout)
    validate_view({k: found[k] for k in VIEW_KEYS if found.get(k) is not None})
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


def submit(stack, view: dict, values: dict, user: str) -> dict:
    """A signed view_submission of `view` with `values` (as `state.values`); returns the ack body ({} = close)."""
    payload = {"type": "view_submission", "team": {"id": directory.TEAM_ID}, "user": user_payload(user),
               "api_app_id": "A0WEBINARBOT", "token": "unused", "trigger_id": stack.slack.issue_trigger_id(view["id"]),
               "view": {**view, "state": {"values": values}}, "response_urls": [], "is_enterprise_install": False}
    response = post(stack, payload)
    return response.json() if response.content else {}


def click(stack, action_id: str, value: str, *, user: str, view: dict | None = None,
          message: dict | None = None, ephemeral: bool = False, channel: str = "C0WEBINARS") -> None:
    """A signed block_actions click on a button in a modal/Home `view`, or in a message (with a response_url)."""
    action = {"action_id": action_id, "block_id": "b", "value": value, "type": "button",
              "action_ts": f"{time.time():.6f}", "text": {"type": "plain_text", "text": "x"}}
    payload = {"type": "block_actions", "team": {"id": directory.TEAM_ID}, "user": user_payload(user),
               "api_app_id": "A0WEBINARBOT", "token": "unused", "actions": [action],
               "trigger_id": stack.slack.issue_trigger_id(view["id"] if view else None)}
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    else:
        channel = (message or {}).get("channel", channel)
        payload["response_url"] = stack.response_url()
        payload["container"] = {"type": "message", "message_ts": (message or {}).get("ts", "1.000001"),
                                "channel_id": channel, "is_ephemeral": ephemeral}
        payload["channel"] = {"id": channel}
        if message:
            payload["message"] = message
    post(stack, payload)


def state_for(view: dict, answers: dict[str, object]) -> dict:
    """`state.values` as Slack sends it for `view`, from block_id -> answer (a string, or a list for many)."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, answer = block["element"], answers.get(block["block_id"])
        kind = element["type"]
        if kind in ("plain_text_input", "email_text_input"):
            state = {"type": kind, "value": answer}
        elif kind in ("radio_buttons", "static_select"):
            option = next((o for o in element["options"] if o["value"] == answer), None)
            state = {"type": kind, "selected_option": option}
        else:  # checkboxes, multi_static_select
            state = {"type": kind, "selected_options": [o for o in element["options"] if o["value"] in (answer or [])]}
        values[block["block_id"]] = {element["action_id"]: state}
    return values


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
