"""Lifecycle events, injected faults, polling mode: the feed stays complete and nothing is posted twice."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.stack import SandboxStack
from storage import open_database, queues, subscriptions
from tests.e2e.test_follow_flow import create_published_webinar, feed, follow, graph_call, register


@pytest.fixture
def stack():
    with SandboxStack() as running:
        yield running


def lifecycle(stack, subscription_id, event):
    response = httpx.post(f"{stack.graph_server.url}/_sandbox/subscriptions/{subscription_id}/lifecycle",
                          json={"event": event})
    assert response.status_code == 202


def registration_subscription(stack, webinar_id):
    rows = subscriptions.subscriptions_for(open_database(stack.db_path), webinar_id)
    return next((r for r in rows if r["resource"].endswith("/registrations")), None)


def names_posted(stack):
    return " ".join(feed(stack))


def test_reauthorization_required_renews_the_subscription(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id)
    before = registration_subscription(stack, webinar_id)
    stack.graph.requests.clear()
    lifecycle(stack, before["id"], "reauthorizationRequired")
    stack.slack.wait_for(lambda: any(r["method"] == "PATCH" and r["path"].endswith(before["id"])
                                     for r in stack.graph.requests), 10)
    patch = next(r for r in stack.graph.requests if r["method"] == "PATCH")
    assert patch["status"] == 200 and set(patch["request_body"]) == {"expirationDateTime"}


def test_subscription_removed_recreates_and_resyncs_what_was_missed(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id, extra="registrations")
    old = registration_subscription(stack, webinar_id)
    lifecycle(stack, old["id"], "subscriptionRemoved")  # Graph deletes it: the next registration isn't notified
    stack.slack.wait_for(lambda: (registration_subscription(stack, webinar_id) or old)["id"] != old["id"], 10)
    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    stack.slack.wait_for(lambda: "Adele Vance" in names_posted(stack), 10)


def test_missed_resyncs_and_reports_only_what_changed(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id, extra="registrations")
    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    stack.slack.wait_for(lambda: "Adele" in names_posted(stack), 10)
    sub = registration_subscription(stack, webinar_id)
    # Pretend a notification was lost: Alex registers while the app can't hear it (notification dropped)
    open_database(stack.db_path).execute("UPDATE subscriptions SET client_state = 'rotated' WHERE id = ?",
                                         [sub["id"]])
    register(stack, webinar_id, "Alex", "Wilber", "alex@contoso.example")
    stack.graph.wait_idle(5)
    open_database(stack.db_path).execute("UPDATE subscriptions SET client_state = ? WHERE id = ?",
                                         [sub["client_state"], sub["id"]])
    assert "Alex" not in names_posted(stack)
    lifecycle(stack, sub["id"], "missed")
    stack.slack.wait_for(lambda: "Alex Wilber" in names_posted(stack), 10)
    stack.graph.wait_idle(5)
    assert names_posted(stack).count("Adele") == 1 and names_posted(stack).count("Alex") == 1


def test_graph_throttling_and_outages_delay_but_lose_nothing(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id, extra="registrations")
    stack.graph.faults.throttle(count=3, retry_after="0.2", path="/registrations/")
    stack.graph.faults.unavailable(count=2, path="/registrations/")
    for n in range(5):
        register(stack, webinar_id, f"P{n}", "Faulty", f"p{n}@x.example")
    stack.slack.wait_for(lambda: all(f"P{n} Faulty" in names_posted(stack) for n in range(5)), 20)
    assert queues.inbox_counts(open_database(stack.db_path)).get("parked", 0) == 0


def test_slack_rate_limits_are_honoured_and_nothing_is_lost(stack):
    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id, extra="registrations")
    stack.slack.rate_limit_next("chat.postMessage", retry_after=1, count=2)
    register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
    stack.slack.wait_for(lambda: "Adele" in names_posted(stack), 15)
    limited = [c for c in stack.slack.calls_to("chat.postMessage") if c.status == 429]
    assert len(limited) == 2 and names_posted(stack).count("Adele") == 1


def test_poll_mode_finds_the_same_changes_without_subscriptions():
    with SandboxStack(graph_notifications="poll", app_options={"poll_interval": 0.3}) as stack:
        webinar_id = create_published_webinar(stack)
        follow(stack, webinar_id)
        assert subscriptions.subscriptions_for(open_database(stack.db_path), webinar_id) == []
        register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
        graph_call(stack, lambda g: g.cancel_registration(webinar_id, email="adele@contoso.example"))
        register(stack, webinar_id, "Alex", "Wilber", "alex@contoso.example")
        stack.slack.wait_for(lambda: "Alex Wilber" in names_posted(stack), 15)
        text = names_posted(stack)
        assert text.count("Alex Wilber") == 1
        assert "Adele" not in text  # registered and cancelled between two polls: no news


def test_subscriptions_close_to_expiry_are_renewed_and_lost_ones_recreated(stack):
    import asyncio

    from bot.app import build_runtime
    from bot.services import subscriptions as subscription_service

    webinar_id = create_published_webinar(stack)
    follow(stack, webinar_id)
    db = open_database(stack.db_path)
    rows = subscriptions.subscriptions_for(db, webinar_id)
    soon = "2000-01-01T00:00:00Z"
    db.execute("UPDATE subscriptions SET expires_at = ?", [soon])
    gone = rows[0]["id"]
    httpx.delete(f"{stack.graph_url}/subscriptions/{gone}", headers={"Authorization": "Bearer sandbox-app"})

    async def renew():
        runtime = build_runtime(stack.settings)
        try:
            return await subscription_service.renew_due(runtime)
        finally:
            await runtime.graph.aclose()
    assert asyncio.run(renew()) == len(rows)
    after = subscriptions.subscriptions_for(db, webinar_id)
    assert len(after) == len(rows) and gone not in {r["id"] for r in after}
    assert all(r["expires_at"] > "2026" for r in after)
