"""Build Slack requests the way Slack sends them: form bodies, interactivity payloads, signatures.

The demo and the tests use these to drive the app through its real `/slack/events` endpoint.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import quote, urlencode

from slack_sdk.signature import SignatureVerifier

from bot.sandbox import directory


def signed_headers(body: str, secret: str = directory.SIGNING_SECRET, *, timestamp: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"content-type": content_type, "x-slack-request-timestamp": ts, "x-slack-signature": signature}


def trigger_id() -> str:
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def slash_command(text: str, *, user: str, channel: str, response_url: str,
                  command: str = "/webinar", channel_name: str = "webinars") -> str:
    """The form body of a slash command (fields as in the real payload fixture)."""
    person = directory.person_by_slack_id(user)
    return urlencode({
        "token": "verification-token-unused", "team_id": directory.TEAM_ID, "team_domain": "sandbox",
        "channel_id": channel, "channel_name": channel_name, "user_id": user,
        "user_name": person.first_name.lower() if person else user, "command": command, "text": text,
        "api_app_id": "A0WEBINARBOT", "is_enterprise_install": "false", "response_url": response_url,
        "trigger_id": trigger_id(),
    })


def interactivity(payload: dict) -> str:
    """block_actions / view_submission bodies: JSON in one form field named `payload`."""
    return f"payload={quote(json.dumps(payload))}"


def event_callback(event: dict) -> str:
    return json.dumps({"token": "unused", "team_id": directory.TEAM_ID, "api_app_id": "A0WEBINARBOT",
                       "event": event, "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
                       "event_time": int(time.time())})
