"""Turn away what Bolt would choke on, before Bolt sees it: unsigned requests (401), malformed bodies (400), and
Events API retries (200 without running listeners again).

Bolt parses a request body before it checks the signature, and parses it trustingly: a `payload=` that is not a
JSON object, or a `team` that is a number, raises inside Bolt and becomes a 500, even for a request nobody signed.
Slack itself never sends such bodies, so refusing them changes nothing for Slack and keeps strangers from making
the app log stack traces. The signature check is Slack's scheme, the one Bolt applies again afterwards:
HMAC-SHA256 of `v0:{timestamp}:{body}`, timestamp within 5 minutes (a replay inside that window passes: that
window is all Slack's scheme offers).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

ID_OR_OBJECT = ("enterprise", "team", "user", "channel")          # "T123" in some payloads, {"id": ...} in others
OBJECTS = ("container", "view", "event", "state")                 # Bolt reads into these when present
MAYBE_OBJECTS = ("message", "bot_profile")
LISTS_OF_OBJECTS = ("actions", "authorizations")
STRINGS = ("type", "callback_id", "action_id", "block_id", "trigger_id", "response_url", "command", "user_id", "team_id", "channel_id", "enterprise_id", "api_app_id", "token", "challenge")


async def refusal(request: Request, signing_secret: str | None) -> Response | None:
    """A 401/400 answer for a request Bolt must not see; None when it may go on to Bolt."""
    body = await request.body()   # Starlette keeps it: Bolt's adapter reads the same bytes again
    if signing_secret is not None and not _signed(body, request, signing_secret):
        return JSONResponse({"error": "invalid_request"}, status_code=401)
    problem = malformed(body, request.headers.get("content-type", ""))
    if problem:
        return JSONResponse({"error": "malformed_request", "detail": problem}, status_code=400)
    if request.headers.get("x-slack-retry-num") and b'"event_callback"' in body:
        # Slack retries an event it thinks we missed (no 200 within 3 s); the first delivery is being handled
        # already, so running the listeners again would double their effect. A 200 stops the retries.
        return JSONResponse({"ok": True, "retry": "ignored"}, status_code=200)
    return None


def _signed(body: bytes, request: Request, secret: str) -> bool:
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not signature:
        return False  # slack_sdk would fail on int("") rather than answer False
    return SignatureVerifier(secret).is_valid(body, timestamp, signature)


def malformed(body: bytes, content_type: str) -> str | None:
    """Why this body is not something Slack sends (as far as Bolt's parsing is concerned), or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    if not text:
        return None
    try:
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            return _shape_problem(json.loads(text))
        if "payload" in text:
            payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
            return _shape_problem(json.loads(payload)) if payload is not None else None
    except ValueError:
        return "not JSON"
    return None


def _shape_problem(payload) -> str | None:
    if not isinstance(payload, dict):
        return "not a JSON object"
    for key in ID_OR_OBJECT:
        value = payload.get(key)
        if not (value is None or isinstance(value, str) or (isinstance(value, dict) and _plain_ids(value))):
            return f"'{key}' has the wrong type"
    for key in OBJECTS + MAYBE_OBJECTS:
        value = payload.get(key)
        if key not in payload or (value is None and key in MAYBE_OBJECTS):
            continue
        if not (isinstance(value, dict) and _shape_problem(value) is None):
            return f"'{key}' has the wrong type"
    for key in LISTS_OF_OBJECTS:
        value = payload.get(key)
        if key in payload and not (isinstance(value, list) and (value or key != "actions")
                                   and all(isinstance(v, dict) and _shape_problem(v) is None for v in value)):
            return f"'{key}' has the wrong type"  # Bolt reads actions[0] of a block_actions payload
    for key in STRINGS:
        if payload.get(key) is not None and not isinstance(payload[key], str):
            return f"'{key}' has the wrong type"
    return None


def _plain_ids(value: dict) -> bool:
    return all(value.get(k) is None or isinstance(value[k], str) for k in ("id", "team_id", "enterprise_id", "name"))
