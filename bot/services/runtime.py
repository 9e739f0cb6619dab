"""The objects every service needs, built once per app by `create_app` and handed around explicitly."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.graph.client import GraphClient
from bot.graph.tokens import TokenSource


@dataclass
class Runtime:
    settings: Settings
    db: sqlite_utils.Database
    graph: GraphClient
    slack: AsyncWebClient
    tokens: TokenSource
    webhook_db: sqlite_utils.Database | None = None   # short busy timeout: see storage.db.WEBHOOK_BUSY_TIMEOUT_MS
    stats: Counter = field(default_factory=Counter)     # dropped notifications, parked items, ... for /healthz
    inbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    outbox_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
