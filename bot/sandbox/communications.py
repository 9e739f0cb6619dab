"""Helpers for the demo and the end-to-end tests to drive webinar-bot's own communications in the sandbox.

Reminders fire when the scheduler's pass finds them due; `fire_reminders` runs that same pass now, on the app's
own event loop, as if the clock read `at`, so a story can show "one day before" without waiting a day.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.sandbox.stack import SandboxStack
from bot.services import reminders


def run_in_app(stack: SandboxStack, coroutine, timeout: float = 10.0):
    """Run a coroutine on the running app's event loop (where its database connection and clients live)."""
    return asyncio.run_coroutine_threadsafe(coroutine, stack.app_server.loop).result(timeout)


def fire_reminders(stack: SandboxStack, at: datetime) -> int:
    """Fire the reminders due at `at` (aware); returns how many went out. The outbox worker then sends them."""
    return run_in_app(stack, reminders.run_due(stack.runtime, at))
