"""Process stored notifications: fetch, diff, emit events, route alerts. Failures back off; poison is parked."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3

from bot.graph.errors import GraphError
from bot.logs import correlation
from bot.services import news, subscriptions, sync
from bot.services.runtime import Runtime
from storage import queues

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def backoff(attempts: int) -> float:
    """2, 4, 8 ... seconds (capped at 10 minutes), with jitter so retries don't align."""
    return min(600.0, 2.0 ** (attempts + 1)) * (0.5 + random.random() / 2)


async def process_inbox(runtime: Runtime, limit: int = 200, concurrency: int = 8) -> bool:
    """Work through due items, several resources at a time (the Graph GETs dominate), but the items about
    one resource strictly in order, so two looks at the same registration never race each other."""
    items = queues.due_inbox(runtime.db, limit)
    by_resource: dict[str, list[dict]] = {}
    for item in items:
        by_resource.setdefault(_resource_key(item), []).append(item)
    slots = asyncio.Semaphore(concurrency)

    async def run_in_order(group: list[dict]) -> None:
        async with slots:
            for item in group:
                await _process_one(runtime, item)

    try:
        async with asyncio.TaskGroup() as tasks:
            for group in by_resource.values():
                tasks.create_task(run_in_order(group))
    except* sqlite3.OperationalError as locked:
        # Another process holds the database: every further try would block the event loop for the busy
        # timeout, so the whole pass stops here (the TaskGroup cancels the rest); the items stay pending.
        raise locked.exceptions[0] from None
    return len(items) == limit


def _resource_key(item: dict) -> str:
    if item["kind"] == "lifecycle":
        return f"lifecycle:{item['subscription_id']}"
    return sync.resource_path(item["body"]).lower()


async def _process_one(runtime: Runtime, item: dict) -> None:
    correlation.set(f"inbox-{item['id']}")
    try:
        if item["kind"] == "lifecycle":
            events = await subscriptions.handle_lifecycle(runtime, item["body"])
        else:
            events = await sync.handle_change(runtime, item["body"])
        notification = item["body"] if item["kind"] == "change" else None
        await news.announce(runtime, events, notification)  # registration cards stay current
        queues.finish_inbox(runtime.db, item["id"])
    except sqlite3.OperationalError:
        raise  # the database, not the item: see process_inbox
    except Exception as error:  # noqa: BLE001 - one bad item must not block the rest
        reason = f"{type(error).__name__}: {error}" if isinstance(error, GraphError) else repr(error)
        parked = queues.retry_inbox(runtime.db, item["id"], reason, backoff(item["attempts"]), MAX_ATTEMPTS)
        if parked:
            runtime.stats["inbox_parked"] += 1
            log.error("parked inbox item after %d attempts: %s", MAX_ATTEMPTS, reason)
        else:
            log.warning("inbox item failed, will retry: %s", reason)
