"""Accept Graph change and lifecycle notifications: check them, keep the genuine ones, nothing else.

This runs inside the webhook request, which Graph gives 3 seconds: it never calls Graph or Slack. It only
validates, compares each item's clientState with the secret of its subscription, and writes to the inbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass

from bot.services.runtime import Runtime
from storage import queues, subscriptions

log = logging.getLogger(__name__)

CHANGE_TYPES = {"created", "updated", "deleted"}
LIFECYCLE_EVENTS = {"reauthorizationRequired", "subscriptionRemoved", "missed"}


class MalformedNotification(ValueError):
    """The body is not a changeNotificationCollection; answer 400 and store nothing."""


@dataclass(frozen=True)
class IngestResult:
    accepted: int       # stored as new inbox items
    duplicates: int     # already waiting in the inbox
    dropped: int        # unknown subscription or wrong clientState


def parse_collection(raw: bytes, kind: str) -> list[dict]:
    """The `value` items of a notification body, or MalformedNotification with the reason."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedNotification("body is not JSON") from error
    if not isinstance(body, dict) or not isinstance(body.get("value"), list) or not body["value"]:
        raise MalformedNotification("expected an object with a non-empty 'value' array")
    for index, item in enumerate(body["value"]):
        problem = _item_problem(item, kind)
        if problem:
            raise MalformedNotification(f"value[{index}]: {problem}")
    return body["value"]


def _item_problem(item, kind: str) -> str | None:
    if not isinstance(item, dict):
        return "not an object"
    for key in ("subscriptionId", "clientState"):
        if not isinstance(item.get(key), str) or not item[key]:
            return f"'{key}' must be a non-empty string"
    if kind == "lifecycle":
        if not isinstance(item.get("lifecycleEvent"), str) or item["lifecycleEvent"] not in LIFECYCLE_EVENTS:
            return "'lifecycleEvent' is missing or unknown"
        return None
    if not isinstance(item.get("changeType"), str) or item["changeType"] not in CHANGE_TYPES:  # lists are unhashable
        return "'changeType' must be created, updated or deleted"
    if not isinstance(item.get("resource"), str):
        return "'resource' must be a string"
    data = item.get("resourceData")
    if not isinstance(data, dict) or not (isinstance(data.get("@odata.id"), str) or isinstance(data.get("id"), str)):
        return "'resourceData' must carry '@odata.id' or 'id'"
    return None


def dedupe_key(item: dict) -> str:
    """Same subscription, resource, change type and content -> same key (Graph redelivers identical bodies)."""
    return hashlib.sha256(json.dumps(item, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def ingest(runtime: Runtime, items: list[dict], kind: str) -> IngestResult:
    """Keep the items whose clientState matches their subscription's; wake the inbox worker."""
    db = runtime.webhook_db or runtime.db
    secrets = subscriptions.client_states(db, {item["subscriptionId"] for item in items})
    genuine, dropped = [], 0
    for item in items:
        expected = secrets.get(item["subscriptionId"])
        if expected is None or not hmac.compare_digest(expected.encode(), item["clientState"].encode()):
            dropped += 1
            continue
        genuine.append({"dedupe_key": dedupe_key(item), "subscription_id": item["subscriptionId"],
                        "kind": kind, "body": item})
    added = queues.add_to_inbox(db, genuine) if genuine else 0
    if dropped:
        runtime.stats["notifications_dropped"] += dropped
        log.warning("dropped %d notification item(s): unknown subscription or clientState mismatch", dropped)
    runtime.stats["notifications_accepted"] += added
    if added:
        runtime.inbox_wakeup.set()
    return IngestResult(accepted=added, duplicates=len(genuine) - added, dropped=dropped)
