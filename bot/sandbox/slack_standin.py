"""A stand-in for the Slack Web API that records every call and answers the way Slack does.

The bot talks to it with an unmodified ``AsyncWebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")``, so the
whole app (commands, modals, channel posts, file uploads) runs offline, in tests and in the demo. Unlike a stub that
answers ``{"ok": true}`` to everything, it keeps state and refuses what Slack refuses: unknown channels, malformed
Block Kit (through ``bot.ui.validate``), reused trigger ids, stale view hashes, too many posts per channel per second.
That is the point: a bug that Slack would reject fails the tests instead of the first real run.

>>> standin = SlackStandin()
>>> with BackgroundServer(create_slack_standin(standin)) as server:
...     client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")
...     ...
...     standin.wait_for(lambda: standin.messages("C0WEBINARS"))

Everything is kept in memory behind one lock: the server thread changes state, the test thread reads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import itertools
import json
import math
import mimetypes
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot.sandbox.directory import (
    BOT_TOKEN,
    BOT_USER_ID,
    PEOPLE,
    TEAM_ID,
    Person,
    person_by_email,
    person_by_slack_id,
)
from bot.ui.validate import BlockKitError, validate_message, validate_view

BOT_ID = "B0WEBINARBOT"
APP_ID = "A0WEBINARBOT"
BOT_NAME = "webinar-bot"
TEAM_NAME = "Contoso Sandbox"
TEAM_URL = "https://contoso-sandbox.slack.com/"
OAUTH_SCOPES = "commands,chat:write,chat:write.public,users:read,users:read.email,im:write,files:write"

TRIGGER_TTL_SECONDS = 3.0
VIEW_STACK_LIMIT = 3
SCHEDULE_HORIZON_SECONDS = 120 * 24 * 3600
MAX_MPIM_USERS = 8

# Slack's trigger ids look like "13345224609.738474920.8088930838d88f008e0aac6fbbfd8e04"; the shared fixtures use
# "111.111.xxx", so any alphanumeric tail is accepted.
_TRIGGER_ID = re.compile(r"^\d+\.\d+\.[0-9A-Za-z]+$")
# Arguments that arrive as JSON text in form-encoded and query-string requests.
_JSON_ARGUMENTS = ("blocks", "attachments", "view", "files", "metadata")

_TZ_LABELS = {
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "GMT": "Greenwich Mean Time",
    "BST": "British Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "JST": "Japan Standard Time",
    "UTC": "Coordinated Universal Time",
}

SEED_CHANNELS = (
    ("C0GENERAL", "general", [p.slack_id for p in PEOPLE]),
    ("C0WEBINARS", "webinars", [p.slack_id for p in PEOPLE[:3]]),
    ("C0MARKETING", "marketing", [p.slack_id for p in PEOPLE[2:]]),
)


# --------------------------------------------------------------------------------------------------------------------
# Records and small helpers


@dataclass
class Call:
    """One Web API request as the stand-in saw it (token left out) and what it answered."""

    method: str
    args: dict
    response: dict
    status: int
    headers: dict = field(default_factory=dict)


@dataclass
class Channel:
    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    is_mpim: bool = False
    created: int = 0

    @property
    def bot_is_member(self) -> bool:
        return BOT_USER_ID in self.members


@dataclass
class UploadedFile:
    """A file shared through getUploadURLExternal, the upload POST and completeUploadExternal."""

    id: str
    name: str
    length: int
    content: bytes | None = None
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    created: int = 0


class ManualClock:
    """A clock tests move by hand, so pacing, scheduling and trigger expiry need no sleeping.

    >>> clock = ManualClock(1_732_000_000.0); standin = SlackStandin(clock=clock); clock.advance(2)
    """

    def __init__(self, start: float = 1_732_000_000.0):
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


class SlackRefusal(Exception):
    """A refusal: the ``error`` code Slack would answer with, its HTTP status, headers and extra body fields."""

    def __init__(self, error: str, *, status: int = 200, headers: dict | None = None, **extra: Any):
        super().__init__(error)
        self.error, self.status, self.headers, self.extra = error, status, headers or {}, extra

    def body(self) -> dict:
        return {"ok": False, "error": self.error, **self.extra}

    @classmethod
    def from_block_kit(cls, problem: BlockKitError) -> SlackRefusal:
        """Slack lists each problem in ``response_metadata.messages``; ``invalid_blocks`` also in ``errors``."""
        extra: dict[str, Any] = {"response_metadata": {"messages": [f"[ERROR] {e}" for e in problem.errors]}}
        if problem.code == "invalid_blocks":
            extra["errors"] = list(problem.errors)
        return cls(problem.code, **extra)


def _missing_argument(argument: str) -> SlackRefusal:
    """Slack's answer to a call that leaves out a required argument."""
    return SlackRefusal(
        "invalid_arguments", response_metadata={"messages": [f"[ERROR] missing required field: {argument}"]}
    )


class _TokenBucket:
    """Slack's per-channel posting pace: about ``rate`` messages a second, with bursts of up to ``capacity``."""

    def __init__(self, rate: float, capacity: float, now: float):
        self.rate, self.capacity, self.tokens, self.updated = rate, capacity, capacity, now

    def take(self, now: float) -> float:
        """Spend one token and return 0, or return how many seconds until one is available."""
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


def _truthy(value: Any) -> bool:
    """Booleans arrive as JSON booleans, or as "1"/"0"/"true" in forms (slack_sdk sends "1"/"0")."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _as_int(value: Any, error: str) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise SlackRefusal(error) from None


def _short_hash(*parts: Any, length: int = 8) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:length]


def _with_block_ids(blocks: list | None, seed: str) -> list | None:
    """Slack gives every block without a ``block_id`` one of its own; view state and actions are keyed by it."""
    if not isinstance(blocks, list):
        return blocks
    return [
        block if "block_id" in block else {**block, "block_id": _short_hash(seed, index, length=5)}
        for index, block in enumerate(copy.deepcopy(blocks))
    ]


# --------------------------------------------------------------------------------------------------------------------
# The stand-in


class SlackStandin:
    """Workspace state, the call recorder and the Web API methods. Serve it with ``create_slack_standin``.

    ``clock`` (default ``time.time``, replaceable at any time: ``standin.clock = ManualClock()``) drives message
    timestamps, per-channel pacing, trigger expiry and scheduled messages. ``post_rate_per_channel=None`` turns
    pacing off.
    """

    def __init__(
        self,
        post_rate_per_channel: float | None = 1.0,
        burst: int = 3,
        *,
        clock: Callable[[], float] = time.time,
        tokens: Iterable[str] = (BOT_TOKEN,),
    ):
        self.post_rate_per_channel = post_rate_per_channel
        self.burst = burst
        self.clock = clock
        self.tokens = set(tokens)
        self.lock = threading.RLock()

        self.calls: list[Call] = []
        self.channels: dict[str, Channel] = {}
        self.ephemerals: list[dict] = []
        self.scheduled: dict[str, dict] = {}
        self.views: dict[str, dict] = {}
        self.home_views: dict[str, dict] = {}
        self.files: list[UploadedFile] = []
        self.responses: list[dict] = []  # bodies POSTed to slash-command / interaction response_urls

        self._messages: dict[str, list[dict]] = {}
        self._uploads: dict[str, UploadedFile] = {}
        self._buckets: dict[str, _TokenBucket] = {}
        self._faults: dict[str, deque[SlackRefusal]] = {}
        self._random_faults: tuple[random.Random, float, frozenset[str] | None] | None = None
        self.latency = 0.0  # seconds every Web API call waits before it is answered (outside the lock)
        self._triggers_used: set[str] = set()
        self._triggers_expired: set[str] = set()
        self._triggers_issued: dict[str, tuple[float, str | None]] = {}
        self._stacks: list[list[str]] = []
        self._closed_views: set[str] = set()
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self._base_url = ""
        self._methods: dict[str, Callable[[dict], dict]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.scheduleMessage": self._chat_schedule_message,
            "chat.scheduledMessages.list": self._chat_scheduled_messages_list,
            "chat.deleteScheduledMessage": self._chat_delete_scheduled_message,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
        }
        for channel_id, name, members in SEED_CHANNELS:
            self.add_channel(channel_id, name, members)

    # ---------------------------------------------------------------------------------------------- test-facing API

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        *,
        private: bool | None = None,
        archived: bool = False,
        bot_is_member: bool = True,
    ) -> Channel:
        """Create (or replace) a channel. Ids starting with ``G`` are private unless ``private`` says otherwise."""
        if channel_id[:1] not in ("C", "G", "D"):
            raise ValueError(f"channel ids start with C, G or D: {channel_id!r}")
        member_ids = list(dict.fromkeys(list(members) + ([BOT_USER_ID] if bot_is_member else [])))
        is_private = channel_id.startswith("G") if private is None else private
        channel = Channel(
            channel_id,
            name,
            member_ids,
            is_private=is_private,
            is_archived=archived,
            is_im=channel_id.startswith("D"),
            created=int(self.clock()),
        )
        with self.lock:
            self.channels[channel_id] = channel
            self._messages.setdefault(channel_id, [])
        return channel

    def messages(self, channel: str) -> list[dict]:
        """Copies of the messages now in ``channel`` (an id or ``#name``), oldest first, thread replies included."""
        with self.lock:
            self._deliver_due()
            found = self._find_channel(channel)
            return copy.deepcopy(self._messages.get(found.id, [])) if found else []

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01) -> Any:
        """Poll ``predicate`` (under the lock) until it returns something truthy, and return that.

        For tests whose app runs on another thread or event loop; raises ``TimeoutError`` naming the recent calls.
        """
        deadline = time.monotonic() + timeout
        while not (result := self._poll(predicate)):
            if time.monotonic() >= deadline:
                self._timeout(timeout)
            time.sleep(interval)
        return result

    async def wait_for_async(
        self, predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01
    ) -> Any:
        """``wait_for`` for async tests whose app shares the test's event loop, which a blocking wait would stall."""
        deadline = time.monotonic() + timeout
        while not (result := self._poll(predicate)):
            if time.monotonic() >= deadline:
                self._timeout(timeout)
            await asyncio.sleep(interval)
        return result

    def fail_next(
        self, method: str, error: str = "internal_error", status: int = 500, count: int = 1
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``error`` and HTTP ``status``."""
        self._queue_fault(method, count, lambda: SlackRefusal(error, status=status))

    def rate_limit_next(self, method: str, retry_after: int = 1, count: int = 1) -> None:
        """Make the next ``count`` calls of ``method`` answer 429 with ``Retry-After: retry_after``."""
        self._queue_fault(method, count, lambda: self._ratelimited(retry_after))

    def fail_at_random(self, rate: float, *, seed: int = 0, methods: Iterable[str] | None = None) -> None:
        """From now on a share ``rate`` of calls (of ``methods``, default all) answer 429 ``ratelimited`` (Retry-After
        1) or 503 ``service_unavailable``, half each, from a seeded generator; ``rate=0`` stops it."""
        with self.lock:
            chosen = frozenset(methods) if methods is not None else None
            self._random_faults = (random.Random(seed), rate, chosen) if rate else None

    def issue_trigger_id(self, view_id: str | None = None) -> str:
        """A fresh trigger id, as Slack puts in a command or interaction payload; it expires after 3 s of ``clock``.

        Pass the ``view_id`` of the modal the interaction came from, so ``views.push`` lands on that modal's stack.
        """
        with self.lock:
            serial = next(self._ids)
            trigger_id = (
                f"{int(self.clock())}{serial:04d}.{serial * 7919}.{_short_hash('trigger', serial, length=32)}"
            )
            self._triggers_issued[trigger_id] = (self.clock(), view_id)
            return trigger_id

    def expire_trigger(self, trigger_id: str) -> None:
        """From now on ``trigger_id`` answers ``expired_trigger_id``, as after Slack's 3 seconds."""
        with self.lock:
            self._triggers_expired.add(trigger_id)

    def close_view(self, view_id: str) -> None:
        """What the user closing a modal does: the view and those pushed above it leave the stack."""
        with self.lock:
            for stack in self._stacks:
                if view_id in stack:
                    self._closed_views.update(stack[stack.index(view_id) :])
                    del stack[stack.index(view_id) :]
            self._stacks = [stack for stack in self._stacks if stack]

    def view_stack(self, view_id: str) -> list[str]:
        """Ids of the open modal stack holding ``view_id``, root first (empty once closed)."""
        with self.lock:
            return next((list(stack) for stack in self._stacks if view_id in stack), [])

    def dm_channel_id(self, user_id: str) -> str:
        """The stable DM channel id ``conversations.open`` gives for ``user_id`` (``U0DIANE`` -> ``D0DIANE``)."""
        return "D" + user_id[1:]

    # ----------------------------------------------------------------------------------------------- request entry

    def handle(
        self, method: str, args: dict, *, token: str | None, base_url: str = ""
    ) -> tuple[int, dict, dict]:
        """Answer one Web API call: ``(status, body, headers)``, and record it."""
        with self.lock:
            self._base_url = base_url.rstrip("/")
            self._deliver_due()
            try:
                body, status, headers = self._dispatch(method, args, token)
            except SlackRefusal as refusal:
                body, status, headers = refusal.body(), refusal.status, refusal.headers
            self.calls.append(Call(method, copy.deepcopy(args), copy.deepcopy(body), status, dict(headers)))
            return status, body, headers

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        """The bytes POSTed to an upload URL from ``files.getUploadURLExternal``; False if the id is unknown."""
        with self.lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return False
            upload.content = content
            return True

    def uploaded_file(self, file_id: str) -> UploadedFile | None:
        """An upload by id, completed or not (``files`` lists only completed ones)."""
        with self.lock:
            return self._uploads.get(file_id)

    def _dispatch(self, method: str, args: dict, token: str | None) -> tuple[dict, int, dict]:
        handler = self._methods.get(method)
        if handler is None:
            raise SlackRefusal("unknown_method", req_method=method)
        if not token:
            raise SlackRefusal("not_authed")
        if token not in self.tokens:
            raise SlackRefusal("invalid_auth")
        faults = self._faults.get(method)
        if faults:
            raise faults.popleft()
        if self._random_faults is not None:
            rng, rate, methods = self._random_faults
            if (methods is None or method in methods) and rng.random() < rate:
                raise self._ratelimited(1) if rng.random() < 0.5 else SlackRefusal("service_unavailable", status=503)
        return {"ok": True, **handler(args)}, 200, {"x-oauth-scopes": OAUTH_SCOPES}

    # -------------------------------------------------------------------------------------------- internal helpers

    def _poll(self, predicate: Callable[[], Any]) -> Any:
        with self.lock:
            self._deliver_due()
            return predicate()

    def _timeout(self, timeout: float) -> None:
        with self.lock:
            recent = [f"{c.method}:{c.response.get('error', 'ok')}" for c in self.calls[-10:]]
        raise TimeoutError(f"condition not met within {timeout}s; last calls: {recent}")

    def _queue_fault(self, method: str, count: int, make: Callable[[], SlackRefusal]) -> None:
        with self.lock:
            self._faults.setdefault(method, deque()).extend(make() for _ in range(count))

    @staticmethod
    def _ratelimited(retry_after: float) -> SlackRefusal:
        return SlackRefusal(
            "ratelimited", status=429, headers={"Retry-After": str(max(1, math.ceil(retry_after)))}
        )

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):09d}"

    def _next_ts(self) -> str:
        """Unique, increasing ``"seconds.micros"`` timestamps that follow ``clock``."""
        micros = max(int(self.clock() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _find_channel(self, ref: str | None) -> Channel | None:
        """A channel by id or ``#name``; a user id means the DM with that user, once opened."""
        if not ref:
            return None
        if ref in self.channels:
            return self.channels[ref]
        if person_by_slack_id(ref):
            return self.channels.get(self.dm_channel_id(ref))
        name = ref.removeprefix("#")
        return next((c for c in self.channels.values() if c.name == name and not c.is_im), None)

    def _postable_channel(self, ref: str | None) -> Channel:
        """Where a message to ``ref`` goes: a channel the bot may post in, or a user's DM (opened on the way)."""
        person = person_by_slack_id(ref or "")
        channel = self._open_dm(person.slack_id)[0] if person else self._find_channel(ref)
        if channel is None:
            raise SlackRefusal("channel_not_found")
        if channel.is_archived:
            raise SlackRefusal("is_archived")
        if channel.is_private and not channel.bot_is_member:
            raise SlackRefusal("not_in_channel")
        return channel

    def _pace(self, channel_id: str) -> None:
        if not self.post_rate_per_channel:
            return
        now = self.clock()
        bucket = self._buckets.get(channel_id)
        if bucket is None:
            bucket = self._buckets[channel_id] = _TokenBucket(self.post_rate_per_channel, self.burst, now)
        wait = bucket.take(now)
        if wait > 0:
            raise self._ratelimited(wait)

    @staticmethod
    def _check_message(args: dict) -> None:
        try:
            validate_message(args)
        except BlockKitError as problem:
            raise SlackRefusal.from_block_kit(problem) from None

    def _find_message(self, channel_ref: str | None, ts: str | None) -> tuple[Channel, dict]:
        channel = self._find_channel(channel_ref)
        if channel is None:
            raise SlackRefusal("channel_not_found")
        message = next((m for m in self._messages[channel.id] if m["ts"] == ts), None)
        if message is None:
            raise SlackRefusal("message_not_found")
        return channel, message

    # ------------------------------------------------------------------------------------------------------ auth

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": TEAM_URL,
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    # ------------------------------------------------------------------------------------------------------ chat

    def _bot_message(self, args: dict, ts: str) -> dict:
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": ts,
            "text": args.get("text") or "",
        }
        if args.get("blocks") is not None:
            message["blocks"] = _with_block_ids(args["blocks"], ts)
        for key in ("attachments", "metadata", "thread_ts"):
            if args.get(key) is not None:
                message[key] = copy.deepcopy(args[key])
        return message

    def _store_message(self, channel: Channel, message: dict) -> dict:
        self._messages[channel.id].append(message)
        parent_ts = message.get("thread_ts")
        parent = next((m for m in self._messages[channel.id] if m["ts"] == parent_ts), None)
        if parent is not None and parent is not message:
            parent["thread_ts"] = parent_ts
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = message["ts"]
        return message

    def _chat_post_message(self, args: dict) -> dict:
        channel = self._postable_channel(args.get("channel"))
        self._check_message(args)
        self._pace(channel.id)
        message = self._store_message(channel, self._bot_message(args, self._next_ts()))
        return {"channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _chat_update(self, args: dict) -> dict:
        channel, message = self._find_message(args.get("channel"), args.get("ts"))
        merged = {
            "text": args.get("text", message.get("text")),
            "blocks": args.get("blocks", message.get("blocks")),
        }
        self._check_message(merged)
        if "text" in args:
            message["text"] = args["text"] or ""
        if "blocks" in args:
            message["blocks"] = _with_block_ids(args["blocks"], message["ts"])
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _chat_delete(self, args: dict) -> dict:
        channel, message = self._find_message(args.get("channel"), args.get("ts"))
        self._messages[channel.id].remove(message)
        return {"channel": channel.id, "ts": message["ts"]}

    def _chat_post_ephemeral(self, args: dict) -> dict:
        channel = self._postable_channel(args.get("channel"))
        user = args.get("user")
        if not user:
            raise _missing_argument("user")
        if person_by_slack_id(user) is None:
            raise SlackRefusal("user_not_found")
        if user not in channel.members and not channel.is_im:
            raise SlackRefusal("user_not_in_channel")
        self._check_message(args)
        ts = self._next_ts()
        self.ephemerals.append({**self._bot_message(args, ts), "channel": channel.id, "recipient": user})
        return {"message_ts": ts}

    def _chat_schedule_message(self, args: dict) -> dict:
        channel = self._postable_channel(args.get("channel"))
        if args.get("post_at") is None:
            raise _missing_argument("post_at")
        post_at = _as_int(args["post_at"], "invalid_time")
        now = self.clock()
        if post_at <= now:
            raise SlackRefusal("time_in_past")
        if post_at > now + SCHEDULE_HORIZON_SECONDS:
            raise SlackRefusal("time_too_far")
        self._check_message(args)
        scheduled_id = self._next_id("Q")
        message = {key: value for key, value in self._bot_message(args, "").items() if key != "ts"}
        self.scheduled[scheduled_id] = {
            "id": scheduled_id,
            "channel_id": channel.id,
            "post_at": post_at,
            "date_created": int(now),
            "text": message["text"],
            "message": message,
        }
        return {
            "channel": channel.id,
            "scheduled_message_id": scheduled_id,
            "post_at": post_at,
            "message": copy.deepcopy(message),
        }

    def _chat_scheduled_messages_list(self, args: dict) -> dict:
        channel = args.get("channel")
        listed = [
            {key: value for key, value in item.items() if key != "message"}
            for item in sorted(self.scheduled.values(), key=lambda item: item["post_at"])
            if not channel or item["channel_id"] == channel
        ]
        return {"scheduled_messages": listed, "response_metadata": {"next_cursor": ""}}

    def _chat_delete_scheduled_message(self, args: dict) -> dict:
        item = self.scheduled.get(args.get("scheduled_message_id") or "")
        if item is None or item["channel_id"] != args.get("channel"):
            raise SlackRefusal("invalid_scheduled_message_id")
        del self.scheduled[item["id"]]
        return {}

    def _deliver_due(self) -> None:
        """Post the scheduled messages whose time has come, as Slack would (without pacing them)."""
        now = self.clock()
        for item in sorted(self.scheduled.values(), key=lambda item: item["post_at"]):
            if item["post_at"] <= now:
                del self.scheduled[item["id"]]
                message = {**copy.deepcopy(item["message"]), "ts": self._next_ts()}
                self._store_message(self.channels[item["channel_id"]], message)

    # ----------------------------------------------------------------------------------------------------- views

    def _check_trigger(self, trigger_id: str | None) -> None:
        if not trigger_id:
            raise _missing_argument("trigger_id")
        if not _TRIGGER_ID.match(trigger_id):
            raise SlackRefusal("invalid_trigger_id")
        issued = self._triggers_issued.get(trigger_id)
        too_old = issued is not None and self.clock() - issued[0] > TRIGGER_TTL_SECONDS
        if trigger_id in self._triggers_expired or too_old:
            raise SlackRefusal("expired_trigger_id")
        if trigger_id in self._triggers_used:
            raise SlackRefusal("exchanged_trigger_id")

    @staticmethod
    def _check_view(view: Any, kind: str) -> dict:
        if view is None:
            raise _missing_argument("view")
        try:
            validate_view(view)
        except BlockKitError as problem:
            raise SlackRefusal.from_block_kit(problem) from None
        if view["type"] != kind:
            raise SlackRefusal(
                "invalid_arguments",
                response_metadata={
                    "messages": [f"[ERROR] view type must be {kind} [json-pointer:/view/type]"]
                },
            )
        return view

    def _check_external_id(self, view: dict, keep: str | None = None) -> None:
        external_id = view.get("external_id")
        if external_id and any(
            v.get("external_id") == external_id and v["id"] != keep
            for v in self.views.values()
            if v["id"] not in self._closed_views
        ):
            raise SlackRefusal("duplicate_external_id")

    def _store_view(
        self,
        view: dict,
        *,
        view_id: str | None = None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict:
        """The view as Slack answers it: ids, a fresh hash, empty state, defaults filled in, block ids added."""
        view_id = view_id or self._next_id("V")
        stored = {
            "callback_id": "",
            "external_id": "",
            "private_metadata": "",
            "title": None,
            "submit": None,
            "close": None,
            "clear_on_close": False,
            "notify_on_close": False,
            **copy.deepcopy(view),
            "id": view_id,
            "team_id": TEAM_ID,
            "blocks": _with_block_ids(view.get("blocks"), view_id),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{_short_hash(view_id, next(self._ids))}",
            "root_view_id": root_view_id or view_id,
            "previous_view_id": previous_view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        return stored

    def _views_open(self, args: dict) -> dict:
        self._check_trigger(args.get("trigger_id"))
        view = self._check_view(args.get("view"), "modal")
        self._check_external_id(view)
        self._triggers_used.add(args["trigger_id"])
        stored = self._store_view(view)
        self.views[stored["id"]] = stored
        self._stacks.append([stored["id"]])
        return {"view": copy.deepcopy(stored)}

    def _views_push(self, args: dict) -> dict:
        self._check_trigger(args.get("trigger_id"))
        view = self._check_view(args.get("view"), "modal")
        self._check_external_id(view)
        stack = self._stack_for_push(args["trigger_id"])
        if len(stack) >= VIEW_STACK_LIMIT:
            raise SlackRefusal("push_limit_reached")
        self._triggers_used.add(args["trigger_id"])
        stored = self._store_view(
            view, root_view_id=stack[0] if stack else None, previous_view_id=stack[-1] if stack else None
        )
        self.views[stored["id"]] = stored
        stack.append(stored["id"])
        return {"view": copy.deepcopy(stored)}

    def _stack_for_push(self, trigger_id: str) -> list[str]:
        """The stack of the modal the trigger came from if known, else the most recently opened one (or a new one)."""
        source = self._triggers_issued.get(trigger_id, (0.0, None))[1]
        stack = next((s for s in self._stacks if source in s), None)
        if stack is None and self._stacks:
            stack = self._stacks[-1]
        if stack is None:
            stack = []
            self._stacks.append(stack)
        return stack

    def _views_update(self, args: dict) -> dict:
        registry, key = self._view_to_update(args.get("view_id"), args.get("external_id"))
        current = registry[key]
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")
        view = self._check_view(args.get("view"), current["type"])
        self._check_external_id(view, keep=current["id"])
        stored = self._store_view(
            view,
            view_id=current["id"],
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        registry[key] = stored
        return {"view": copy.deepcopy(stored)}

    def _view_to_update(self, view_id: str | None, external_id: str | None) -> tuple[dict, str]:
        """Where the view lives (``views`` by id, or ``home_views`` by user) and its key there."""
        if not view_id and not external_id:
            raise _missing_argument("view_id or external_id")
        for registry in (self.views, self.home_views):
            for key, view in registry.items():
                matches = view["id"] == view_id if view_id else view.get("external_id") == external_id
                if matches and view["id"] not in self._closed_views:
                    return registry, key
        raise SlackRefusal("not_found")

    def _views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if not user_id:
            raise _missing_argument("user_id")
        if person_by_slack_id(user_id) is None:
            raise SlackRefusal("user_not_found")
        view = self._check_view(args.get("view"), "home")
        current = self.home_views.get(user_id)
        if current and args.get("hash") and args["hash"] != current["hash"]:
            raise SlackRefusal("hash_conflict")
        stored = self._store_view(view, view_id=current["id"] if current else None)
        self.home_views[user_id] = stored
        return {"view": copy.deepcopy(stored)}

    # ----------------------------------------------------------------------------------------------------- users

    def _user_object(self, person: Person, *, include_locale: bool = False) -> dict:
        tz = ZoneInfo(person.tz)
        now = datetime.fromtimestamp(self.clock(), tz=UTC).astimezone(tz)
        abbreviation = now.tzname() or person.tz
        user = {
            "id": person.slack_id,
            "team_id": TEAM_ID,
            "name": person.email.split("@", 1)[0],
            "deleted": False,
            "real_name": person.display_name,
            "tz": person.tz,
            "tz_label": _TZ_LABELS.get(abbreviation, abbreviation),
            "tz_offset": int(now.utcoffset().total_seconds()),
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "email": person.email,
                "real_name": person.display_name,
                "real_name_normalized": person.display_name,
                "display_name": person.display_name,
                "display_name_normalized": person.display_name,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "team": TEAM_ID,
            },
        }
        if include_locale:
            user["locale"] = person.locale
        return user

    @staticmethod
    def _bot_user_object() -> dict:
        return {
            "id": BOT_USER_ID,
            "team_id": TEAM_ID,
            "name": BOT_NAME,
            "deleted": False,
            "real_name": "Webinar Bot",
            "is_bot": True,
            "is_app_user": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": "Webinar Bot",
                "display_name": "",
                "bot_id": BOT_ID,
                "api_app_id": APP_ID,
                "team": TEAM_ID,
            },
        }

    def _users_info(self, args: dict) -> dict:
        user_id = args.get("user")
        if user_id == BOT_USER_ID:
            return {"user": self._bot_user_object()}
        person = person_by_slack_id(user_id or "")
        if person is None:
            raise SlackRefusal("user_not_found")
        return {"user": self._user_object(person, include_locale=_truthy(args.get("include_locale")))}

    def _users_lookup_by_email(self, args: dict) -> dict:
        person = person_by_email(args.get("email") or "")
        if person is None:
            raise SlackRefusal("users_not_found")
        return {"user": self._user_object(person)}

    # --------------------------------------------------------------------------------------------- conversations

    def _open_dm(self, user_id: str) -> tuple[Channel, bool]:
        """The DM with ``user_id``, created on first use; the flag says whether it already existed."""
        channel_id = self.dm_channel_id(user_id)
        existing = self.channels.get(channel_id)
        if existing is not None:
            return existing, True
        channel = self.add_channel(channel_id, user_id, [user_id])
        return channel, False

    def _open_mpim(self, user_ids: list[str]) -> tuple[Channel, bool]:
        channel_id = "G" + _short_hash(*sorted(user_ids), length=10).upper()
        existing = self.channels.get(channel_id)
        if existing is not None:
            return existing, True
        channel = self.add_channel(channel_id, "mpdm-" + "--".join(sorted(user_ids)), user_ids, private=True)
        channel.is_mpim = True
        return channel, False

    def _conversations_open(self, args: dict) -> dict:
        if args.get("channel"):
            channel, existed = self._find_channel(args["channel"]), True
            if channel is None:
                raise SlackRefusal("channel_not_found")
        else:
            channel, existed = self._open_for_users(args.get("users"))
        full = _truthy(args.get("return_im"))
        return {
            "no_op": existed,
            "already_open": existed,
            "channel": self._channel_object(channel) if full else {"id": channel.id},
        }

    def _open_for_users(self, users: Any) -> tuple[Channel, bool]:
        user_ids = [
            u.strip() for u in (users.split(",") if isinstance(users, str) else users or []) if u.strip()
        ]
        user_ids = [u for u in dict.fromkeys(user_ids) if u != BOT_USER_ID]
        if not user_ids:
            raise SlackRefusal("users_list_not_supplied")
        if len(user_ids) > MAX_MPIM_USERS:
            raise SlackRefusal("too_many_users")
        if any(person_by_slack_id(u) is None for u in user_ids):
            raise SlackRefusal("user_not_found")
        return self._open_dm(user_ids[0]) if len(user_ids) == 1 else self._open_mpim(user_ids)

    def _channel_object(self, channel: Channel, *, include_num_members: bool = False) -> dict:
        info = {
            "id": channel.id,
            "name": channel.name,
            "created": channel.created,
            "creator": BOT_USER_ID,
            "is_channel": not (channel.is_im or channel.is_mpim),
            "is_group": False,  # only for private channels made before March 2021
            "is_im": channel.is_im,
            "is_mpim": channel.is_mpim,
            "is_private": channel.is_private or channel.is_im,
            "is_archived": channel.is_archived,
            "is_general": channel.name == "general" and not channel.is_im,
            "is_member": channel.bot_is_member,
            "context_team_id": TEAM_ID,
        }
        if channel.is_im:
            info["user"] = channel.members[0]
        if include_num_members:
            info["num_members"] = len(channel.members)
        return info

    def _conversations_info(self, args: dict) -> dict:
        channel = self._find_channel(args.get("channel"))
        if channel is None:
            raise SlackRefusal("channel_not_found")
        return {
            "channel": self._channel_object(
                channel, include_num_members=_truthy(args.get("include_num_members"))
            )
        }

    def _conversations_members(self, args: dict) -> dict:
        """Members in pages of ``limit``; the cursor is simply the offset of the next page."""
        channel = self._find_channel(args.get("channel"))
        if channel is None:
            raise SlackRefusal("channel_not_found")
        limit = max(1, _as_int(args.get("limit") or 100, "invalid_limit"))
        offset = _as_int(args.get("cursor") or 0, "invalid_cursor")
        page = channel.members[offset : offset + limit]
        more = offset + limit < len(channel.members)
        return {"members": page, "response_metadata": {"next_cursor": str(offset + limit) if more else ""}}

    # ----------------------------------------------------------------------------------------------------- files

    def _files_get_upload_url_external(self, args: dict) -> dict:
        for argument in ("filename", "length"):
            if not args.get(argument):
                raise _missing_argument(argument)
        file_id = self._next_id("F")
        self._uploads[file_id] = UploadedFile(
            id=file_id,
            name=args["filename"],
            length=_as_int(args["length"], "invalid_arguments"),
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
            created=int(self.clock()),
        )
        return {"upload_url": f"{self._base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict) -> dict:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise _missing_argument("files")
        uploads = [self._uploaded(entry) for entry in entries]
        channel_ref = args.get("channel_id") or (args.get("channels") or "").split(",")[0] or None
        channel = self._postable_channel(channel_ref) if channel_ref else None
        for upload, entry in zip(uploads, entries, strict=True):
            upload.title = entry.get("title") or upload.name
            upload.channel = channel.id if channel else None
            upload.thread_ts = args.get("thread_ts")
            upload.initial_comment = args.get("initial_comment")
            self.files.append(upload)
        if channel is not None:
            self._share_files(channel, uploads, args)
        return {"files": [self._file_object(upload) for upload in uploads]}

    def _uploaded(self, entry: Any) -> UploadedFile:
        upload = self._uploads.get(entry.get("id") if isinstance(entry, dict) else None)
        if upload is None or upload.content is None or any(done.id == upload.id for done in self.files):
            raise SlackRefusal("file_not_found")
        return upload

    def _share_files(self, channel: Channel, uploads: list[UploadedFile], args: dict) -> None:
        text = args.get("initial_comment") or ""
        message = self._bot_message({"text": text, "thread_ts": args.get("thread_ts")}, self._next_ts())
        message.update({"upload": True, "files": [self._file_object(upload) for upload in uploads]})
        self._store_message(channel, message)

    def _file_object(self, upload: UploadedFile) -> dict:
        mimetype = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        return {
            "id": upload.id,
            "created": upload.created,
            "timestamp": upload.created,
            "name": upload.name,
            "title": upload.title or upload.name,
            "mimetype": mimetype,
            "filetype": upload.name.rsplit(".", 1)[-1] if "." in upload.name else "binary",
            "user": BOT_USER_ID,
            "size": len(upload.content or b""),
            "is_external": False,
            "is_public": False,
            "url_private": f"{self._base_url}/files/{upload.id}/{upload.name}",
            "channels": [upload.channel] if upload.channel else [],
        }


# --------------------------------------------------------------------------------------------------------------------
# HTTP


def create_slack_standin(standin: SlackStandin | None = None) -> Starlette:
    """The Starlette app: the Web API under ``/api/{method}``, upload URLs under ``/upload/{file_id}``.

    Routes read ``app.state.standin`` on every request, so a long-lived server can be handed a fresh stand-in per
    test (``app.state.standin = SlackStandin()``) instead of being restarted.
    """
    app = Starlette(
        routes=[
            Route("/api/{method}", _api, methods=["GET", "POST"]),
            Route("/upload/{file_id}", _upload, methods=["POST"]),
            Route("/response/{token}", _response_url, methods=["POST"]),
            Route("/files/{file_id}/{name}", _download, methods=["GET"]),
            Route("/healthz", _healthz, methods=["GET"]),
        ]
    )
    app.state.standin = standin or SlackStandin()
    return app


async def _api(request: Request) -> Response:
    standin: SlackStandin = request.app.state.standin
    args, token = await read_call(request)
    if standin.latency:
        await asyncio.sleep(standin.latency)
    status, body, headers = standin.handle(
        request.path_params["method"], args, token=token, base_url=str(request.base_url)
    )
    return JSONResponse(body, status_code=status, headers=headers)


async def _response_url(request: Request) -> Response:
    """A `response_url` as Slack hands out with commands and actions: JSON in, `ok` out, blocks checked."""
    standin: SlackStandin = request.app.state.standin
    try:
        body = json.loads(await request.body())
        validate_message(body)
    except (ValueError, BlockKitError) as error:
        return PlainTextResponse(f"invalid_payload: {error}", status_code=400)
    with standin.lock:
        standin.responses.append({**body, "response_url": str(request.url)})
    return PlainTextResponse("ok")


async def _upload(request: Request) -> Response:
    """Slack's upload URL answers ``200 text/plain "OK - <bytes>"``; slack_sdk only checks the status."""
    content = await request.body()
    if not request.app.state.standin.receive_upload(request.path_params["file_id"], content):
        return PlainTextResponse("file not found", status_code=404)
    return PlainTextResponse(f"OK - {len(content)}")


async def _download(request: Request) -> Response:
    """``url_private`` of a shared file, so code that fetches an uploaded file gets its bytes back."""
    uploaded = request.app.state.standin.uploaded_file(request.path_params["file_id"])
    if uploaded is None or uploaded.content is None:
        return PlainTextResponse("file not found", status_code=404)
    return Response(uploaded.content, media_type=mimetypes.guess_type(uploaded.name)[0])


async def _healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def read_call(request: Request) -> tuple[dict, str | None]:
    """Arguments and token of a Web API call, however slack_sdk sent them.

    slack_sdk sends JSON for methods that take blocks or views (token in ``Authorization``), and query-string or
    form parameters for the rest (aiohttp puts POST ``params`` in the query string; the sync client form-encodes
    them). A token in the form or query string is accepted too, as Slack does; in a JSON body it is not.
    """
    args: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if content_type == "application/json" and raw:
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        args.update({k: v for k, v in (body.items() if isinstance(body, dict) else []) if k != "token"})
    elif content_type in ("application/x-www-form-urlencoded", "") and raw:
        args.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    header = request.headers.get("authorization", "")
    form_token = args.pop("token", None)
    token = header[7:].strip() if header.lower().startswith("bearer ") else form_token
    return _decode_json_arguments(args), token


def _decode_json_arguments(args: dict) -> dict:
    for key in _JSON_ARGUMENTS:
        if isinstance(args.get(key), str):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(args[key])
    return args


__all__ = [
    "APP_ID",
    "BOT_ID",
    "Call",
    "Channel",
    "ManualClock",
    "SlackRefusal",
    "SlackStandin",
    "UploadedFile",
    "create_slack_standin",
    "read_call",
]
