"""Reliability scenarios: a registration rush while webinar-bot is killed, while Graph and Slack misbehave, and while
its database is locked by another process. The reliability tests assert on the `Outcome`; `make bench` prints it.

Every scenario ends when the channel has been told about every registration and both durable queues are empty, so
nothing can still be on its way: a duplicate or a loss is final, and no scenario has to sleep "just in case".
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from bot.graph import bodies
from bot.graph.client import GraphClient
from bot.graph.tokens import SandboxTokenSource
from bot.sandbox import directory, slack_requests
from bot.sandbox.external import ExternalStack
from bot.sandbox.feed import registrations_posted
from bot.sandbox.stack import SandboxStack
from storage import open_database

CHANNEL = "C0WEBINARS"
DIANE = directory.ORGANIZER.slack_id


@dataclass
class Outcome:
    """What the channel and the outbox say after a scenario."""

    registrations: int          # registrations made in Graph
    told: int                   # registrations the channel was told about (digests counted per person)
    posts: int                  # channel posts
    alert_rows: int             # outbox rows of registration alerts (one per key: the key is unique)
    alerts_sent: int            # ... marked sent
    seconds: float              # from the first registration until the channel was complete
    figures: dict = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return max(0, self.registrations - self.told)

    @property
    def duplicated(self) -> int:
        return max(0, self.told - self.registrations)


# ---- shared steps ----------------------------------------------------------------------------------------------


def graph_call(stack, fn):
    async def run():
        async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
            return await fn(graph)
    return asyncio.run(run())


def create_followed_webinar(stack, title: str = "Reliability day") -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)

    async def create(graph):
        body = bodies.webinar_create_body(display_name=title, description="", start_utc=start,
                                          end_utc=start + timedelta(hours=1), audience="everyone", co_organizers=[],
                                          attendee_emails=True)
        webinar = await graph.create_webinar(body, user=DIANE)
        await graph.publish_webinar(webinar.id, user=DIANE)
        return webinar.id
    webinar_id = graph_call(stack, create)
    seen = len(stack.slack.responses)
    answer = stack.slash(f"follow {webinar_id} <#{CHANNEL}|webinars> registrations", user=DIANE)
    assert answer.status_code == 200, answer.text
    reply = stack.slack.wait_for(lambda: len(stack.slack.responses) > seen and stack.slack.responses[-1], 30)
    assert "now follows" in reply["text"], reply["text"]
    return webinar_id


def rush(stack, webinar_id: str, names: range, seconds: float, concurrency: int = 16) -> None:
    """Anonymous registrations R<n> spread over `seconds`; a throttled or failed attempt is simply made again."""
    started = time.perf_counter()
    count = len(names)

    async def run():
        semaphore = asyncio.Semaphore(concurrency)
        async with GraphClient(stack.graph_url, SandboxTokenSource()) as graph:
            async def one(i: int, n: int) -> None:
                await asyncio.sleep(max(0.0, started + i * seconds / count - time.perf_counter()))
                body = bodies.registration_body_anonymous(f"R{n:05d}", "Rush", f"r{n}@rush.example", "UTC", "en-us")
                async with semaphore:
                    for _ in range(20):
                        try:
                            await graph.create_registration(webinar_id, body)
                            return
                        except Exception:  # noqa: BLE001 - injected 429/503 outlasting the client's retries
                            await asyncio.sleep(0.2)
                    raise RuntimeError(f"could not register R{n:05d}")
            await asyncio.gather(*(one(i, n) for i, n in enumerate(names)))
    asyncio.run(run())


def queues_empty(db_path: str) -> bool:
    db = open_database(db_path, run_migrations=False)
    try:
        pending = db.execute("SELECT (SELECT count(*) FROM inbox WHERE status = 'pending') + "
                             "(SELECT count(*) FROM outbox WHERE status = 'pending')").fetchone()[0]
    finally:
        db.close()
    return pending == 0


def settle(stack, count: int, started: float, timeout: float) -> Outcome:
    """Wait until the channel told `count` registrations and nothing is queued anywhere; then count."""
    stack.slack.wait_for(lambda: registrations_posted(stack.slack.messages(CHANNEL)) >= count, timeout)
    seconds = time.perf_counter() - started
    if not stack.graph.wait_idle(timeout):
        raise TimeoutError("Graph stand-in still delivering")
    stack.slack.wait_for(lambda: queues_empty(stack.db_path), timeout, interval=0.1)
    messages = stack.slack.messages(CHANNEL)
    db = open_database(stack.db_path, run_migrations=False)
    try:
        rows, sent = db.execute("SELECT count(*), sum(status = 'sent') FROM outbox WHERE method = 'alert'").fetchone()
        registrations = db.execute("SELECT count(*) FROM registrations").fetchone()[0]
    finally:
        db.close()
    return Outcome(registrations=count, told=registrations_posted(messages), posts=len(messages), alert_rows=rows,
                   alerts_sent=sent or 0, seconds=seconds, figures={"mirrored": registrations})


def intercept_slack(stack, method: str, channel: str, nth: int, action) -> threading.Event:
    """Run `action()` inside the Slack stand-in when the app makes its `nth` `method` call to `channel`; `action`
    returns True to let the call through, False to answer 500 without recording it. The event is set after."""
    original = stack.slack.handle
    calls = itertools.count(1)
    done = threading.Event()

    def handle(called: str, args: dict, **kwargs):
        if not done.is_set() and called == method and args.get("channel") == channel and next(calls) >= nth:
            let_through = action()
            done.set()
            if not let_through:
                return 500, {"ok": False, "error": "internal_error"}, {}
        return original(called, args, **kwargs)

    stack.slack.handle = handle
    return done


def patient_graph(stack, retries: int = 40, max_backoff: float = 0.5) -> None:
    """Graph redelivers for hours; the stand-in by default for a fraction of a second. Make it persist."""
    stack.graph.outbox.retries = retries
    stack.graph.outbox.max_backoff = max_backoff


# ---- the scenarios -----------------------------------------------------------------------------------------------


def kill_during_burst(count: int = 300, seconds: float = 4.0, kill_at_post: int = 2, timeout: float = 120) -> Outcome:
    """`kill -9` of the app process while registrations pour in and it is posting to the channel; restart on the same
    port and database. Graph keeps (re)delivering meanwhile, as it does for 4 hours."""
    with ExternalStack(log_level="WARNING") as stack:
        stack.sign_in(DIANE)
        webinar_id = create_followed_webinar(stack)
        patient_graph(stack)

        def kill() -> bool:
            stack.kill()
            return False  # the post never reached Slack: the app died waiting for the answer

        killed = intercept_slack(stack, "chat.postMessage", CHANNEL, kill_at_post, kill)
        started = time.perf_counter()
        burst = threading.Thread(target=rush, args=(stack, webinar_id, range(count), seconds), daemon=True)
        burst.start()
        if not killed.wait(timeout):
            raise TimeoutError("the app never posted to the channel")
        killed_at = time.perf_counter() - started
        stack.start_app()
        down = time.perf_counter() - started - killed_at
        burst.join(timeout)
        outcome = settle(stack, count, started, timeout)
        failed = [d for d in stack.graph.deliveries if d["kind"] == "change" and d["status"] != 202]
        outcome.figures.update(killed_after=round(killed_at, 2), downtime=round(down, 2),
                               failed_deliveries=len(failed), restarts=stack.restarts)
    return outcome


def faults_everywhere(count: int = 100, rate: float = 0.1, latency: float = 0.05, seconds: float = 2.0,
                      timeout: float = 120, seed: int = 7) -> Outcome:
    """Graph and Slack answer a share `rate` of calls with 429/503, and every call takes `latency` seconds more."""
    with SandboxStack() as stack:
        webinar_id = create_followed_webinar(stack)
        stack.graph.faults.latency = latency
        stack.graph.faults.at_random(rate, retry_after="0.2", seed=seed)
        stack.slack.latency = latency
        stack.slack.fail_at_random(rate, seed=seed)
        started = time.perf_counter()
        rush(stack, webinar_id, range(count), seconds)
        outcome = settle(stack, count, started, timeout)
        graph_faults = sum(1 for r in stack.graph.requests if r["status"] in (429, 503))
        slack_faults = sum(1 for c in stack.slack.calls if c.status in (429, 503))
        outcome.figures.update(graph_requests=len(stack.graph.requests), graph_faults=graph_faults,
                               slack_calls=len(stack.slack.calls), slack_faults=slack_faults)
        stack.graph.faults.clear()
        stack.slack.fail_at_random(0)
    return outcome


def database_locked(lock_seconds: float = 7.0, later: int = 3, timeout: float = 90) -> Outcome:
    """Another process holds `BEGIN EXCLUSIVE` on the database for `lock_seconds` (longer than the app's 5 s busy
    timeout), taken just as the app posts to the channel. Meanwhile `later` more people register, a slash command
    arrives and /healthz is asked. Every request must be answered; everything must be posted once afterwards."""
    with ExternalStack(log_level="WARNING") as stack:
        stack.sign_in(DIANE)
        webinar_id = create_followed_webinar(stack)
        patient_graph(stack)
        locker = sqlite3.connect(stack.db_path, check_same_thread=False, isolation_level=None, timeout=30)
        released = threading.Event()

        def lock() -> bool:
            locker.execute("BEGIN EXCLUSIVE")
            threading.Timer(lock_seconds, lambda: (locker.execute("COMMIT"), released.set())).start()
            return True  # the post goes through: the app must then record it as sent despite the lock

        locked = intercept_slack(stack, "chat.postMessage", CHANNEL, 1, lock)
        started = time.perf_counter()
        rush(stack, webinar_id, range(1), 0)
        if not locked.wait(timeout):
            raise TimeoutError("the app never posted to the channel")
        answers = probe_while_locked(stack, webinar_id, later, released)
        released.wait(timeout)
        locker.close()
        outcome = settle(stack, 1 + later, started, timeout)
        webhook = [d["status"] for d in stack.graph.deliveries if d["kind"] == "change"]
        outcome.figures.update(lock_seconds=lock_seconds, webhook_answers=webhook, **answers)
    return outcome


def probe_while_locked(stack, webinar_id: str, later: int, released: threading.Event) -> dict:
    """Registrations (so Graph notifies), a signed slash command and a health check, all during the lock."""
    results: dict = {}

    def timed(name: str, call) -> None:
        began = time.perf_counter()
        try:
            status = call().status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        results[name] = {"status": status, "seconds": round(time.perf_counter() - began, 2),
                         "during_lock": not released.is_set()}

    def slash_help():
        body = slack_requests.slash_command("help", user=DIANE, channel=CHANNEL, response_url=stack.response_url())
        return httpx.post(f"{stack.app_url}/slack/events", content=body, headers=slack_requests.signed_headers(body),
                          timeout=30)

    threads = [threading.Thread(target=rush, args=(stack, webinar_id, range(1, 1 + later), 0.5)),
               threading.Thread(target=timed, args=("slash_help", slash_help)),
               threading.Thread(target=timed, args=("healthz", lambda: httpx.get(f"{stack.app_url}/healthz",
                                                                                  timeout=30)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
