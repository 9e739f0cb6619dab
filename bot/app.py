"""`create_app(settings)`: the one place where the Starlette app, Bolt, storage, Graph and workers meet.

Nothing is built at import time; tests and the demo call the factory with their own settings.
"""

from __future__ import annotations

import contextlib
import logging

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.config import Settings
from bot.graph.auth import token_source_for
from bot.graph.client import GraphClient
from bot.graph.tokens import TokenSource
from bot.logs import correlation, new_correlation_id, register_secret
from bot.services.runtime import Runtime
from bot.workers.inbox import process_inbox
from bot.workers.loop import Worker
from bot.workers.outbox import OutboxSender
from bot.workers.scheduler import Scheduler
from listeners import auth_callback, graph_webhooks, mail_unsubscribe, register_listeners, slack_guard
from storage import open_database, queues
from storage.db import WEBHOOK_BUSY_TIMEOUT_MS, is_writable

log = logging.getLogger(__name__)


def create_app(settings: Settings, *, tokens: TokenSource | None = None, start_workers: bool = True,
               poll_interval: float = 60.0) -> Starlette:
    """`poll_interval`: seconds between resyncs of followed webinars when GRAPH_NOTIFICATIONS=poll."""
    runtime = build_runtime(settings, tokens)
    db, graph = runtime.db, runtime.graph
    bolt = build_bolt(runtime)
    slack_handler = AsyncSlackRequestHandler(bolt)
    workers = [
        Worker("inbox", lambda: process_inbox(runtime), interval=2.0, wakeup=runtime.inbox_wakeup),
        Worker("outbox", OutboxSender(runtime).run_once, interval=0.2, wakeup=runtime.outbox_wakeup),
        Worker("scheduler", Scheduler(runtime, poll_interval).run_once, interval=min(30.0, poll_interval)),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        socket_mode = await _start_socket_mode(bolt, settings)
        if start_workers:
            for worker in workers:
                worker.start()
        log.info("webinar-bot is up", extra={"fields": {"sandbox": settings.sandbox,
                                                         "notifications": settings.graph_notifications}})
        try:
            yield
        finally:
            for worker in workers:
                await worker.stop()
            if socket_mode:
                await socket_mode.close_async()
            await graph.aclose()
            db.close()
            if runtime.webhook_db is not None:
                runtime.webhook_db.close()

    signing_secret = None if settings.slack_app_token else settings.slack_signing_secret

    async def slack_events(request: Request):
        return await slack_guard.refusal(request, signing_secret) or await slack_handler.handle(request)

    async def healthz(request: Request):
        writable = is_writable(db)
        running = {w.name: w.running for w in workers}
        healthy = writable and (all(running.values()) or not start_workers)
        return JSONResponse({"ok": healthy, "database_writable": writable, "workers": running,
                             "inbox": queues.inbox_counts(db), "outbox": queues.outbox_counts(db),
                             "stats": dict(runtime.stats)}, status_code=200 if healthy else 503)

    app = Starlette(
        routes=[
            Route("/slack/events", slack_events, methods=["POST"]),
            Route("/graph/notifications", graph_webhooks.notifications, methods=["POST"]),
            Route("/graph/lifecycle", graph_webhooks.lifecycle, methods=["POST"]),
            Route("/auth/callback", auth_callback.auth_callback, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/mail/unsubscribe", mail_unsubscribe.unsubscribe, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(CorrelationMiddleware)
    app.state.runtime = runtime
    app.state.bolt = bolt
    app.state.workers = workers
    return app


def build_runtime(settings: Settings, tokens: TokenSource | None = None) -> Runtime:
    """Storage, Slack and Graph clients for one process (the server, or a CLI command like `sync`)."""
    register_secret(settings.slack_signing_secret, settings.slack_bot_token, settings.ms_client_secret,
                    settings.secret_key, settings.slack_app_token)
    slack = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    tokens = tokens or token_source_for(settings)
    db = open_database(settings.db_path)
    webhook_db = None if settings.db_path == ":memory:" else open_database(
        settings.db_path, run_migrations=False, busy_timeout_ms=WEBHOOK_BUSY_TIMEOUT_MS)
    return Runtime(settings=settings, db=db, graph=GraphClient(settings.graph_api_url, tokens), slack=slack,
                   tokens=tokens, webhook_db=webhook_db)


def build_bolt(runtime: Runtime) -> AsyncApp:
    """Bolt verifies every request's signature (HTTP mode) before any listener runs."""
    settings = runtime.settings
    bolt = AsyncApp(
        client=runtime.slack,
        signing_secret=settings.slack_signing_secret or "socket-mode-unused",
        request_verification_enabled=not settings.slack_app_token,
    )

    async def inject_runtime(context, next):
        context["runtime"] = runtime
        await next()

    bolt.use(inject_runtime)
    register_listeners(bolt, settings.slack_command)
    return bolt


async def _start_socket_mode(bolt: AsyncApp, settings: Settings):
    if not settings.slack_app_token:
        return None
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token)
    await handler.connect_async()
    return handler


class CorrelationMiddleware:
    """Pure ASGI: every request runs under a correlation id (taken from X-Request-Id when sane)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
            correlation.set(given if given.isalnum() and len(given) <= 64 else new_correlation_id())
        await self.app(scope, receive, send)
