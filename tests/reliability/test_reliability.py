"""The reliability suite (fast variants; `make bench` runs the heavy ones through bench/reliability.py).

Each scenario (bot/sandbox/chaos.py) runs a registration rush through the real HTTP stack and ends only when the
channel was told about every registration and both durable queues are empty, so what it counts is final.
"""

from __future__ import annotations

import pytest

from bot.sandbox import chaos


def assert_each_registration_reported_once(outcome: chaos.Outcome) -> None:
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome
    assert outcome.alert_rows == outcome.alerts_sent == outcome.registrations, outcome
    assert outcome.figures["mirrored"] == outcome.registrations


@pytest.mark.timeout(150)
def test_kill_9_during_a_burst_and_restart_reports_every_registration_once():
    """The app process dies (SIGKILL) while waiting for Slack to take a post, in the middle of 300 registrations;
    it restarts on the same port and database while Graph keeps redelivering."""
    outcome = chaos.kill_during_burst(count=300, seconds=4.0, kill_at_post=2)
    assert_each_registration_reported_once(outcome)
    assert outcome.figures["restarts"] == 1
    assert outcome.figures["failed_deliveries"] > 0  # Graph did meet a dead endpoint, and retried


@pytest.mark.timeout(150)
def test_graph_and_slack_faults_and_latency_lose_and_repeat_nothing():
    outcome = chaos.faults_everywhere(count=100, rate=0.1, latency=0.05)
    assert_each_registration_reported_once(outcome)
    assert outcome.figures["graph_faults"] > 0 and outcome.figures["slack_faults"] >= 0


@pytest.mark.timeout(150)
def test_a_locked_database_delays_but_loses_and_repeats_nothing():
    """Another process holds an exclusive lock for longer than the busy timeout, taken while the app is posting.

    Requests are answered (HTTP 200 for Slack and health, 202 or 503 for Graph's webhook: 503 means "nothing
    stored, retry", which Graph does), and the post that Slack took during the lock is recorded as sent once the
    lock is gone instead of being posted again."""
    outcome = chaos.database_locked(lock_seconds=7.0, later=3)
    assert_each_registration_reported_once(outcome)
    assert outcome.posts <= 4  # at most one post per registration: the one Slack took during the lock is not repeated
    assert outcome.figures["slash_help"]["status"] == 200
    assert outcome.figures["healthz"]["status"] in (200, 503)
    assert set(outcome.figures["webhook_answers"]) <= {202, 503, None}  # None: Graph's 3 s deadline passed


def test_the_webhook_answers_503_and_stores_nothing_while_the_database_stays_locked():
    """Past the busy timeout the webhook says 503 (Graph redelivers 5xx for hours), never 202 for a notification
    it could not store, and never a crash. The app's busy timeout is shortened here so the test needs no 5 s wait."""
    import sqlite3

    import httpx

    from bot.sandbox.stack import SandboxStack
    from storage import open_database, queues, subscriptions
    from tests.e2e.test_follow_flow import create_published_webinar, follow

    with SandboxStack() as stack:
        webinar_id = create_published_webinar(stack, "Locked")
        follow(stack, webinar_id)
        stack.graph.wait_idle(5)
        sub = next(s for s in subscriptions.subscriptions_for(open_database(stack.db_path), webinar_id)
                   if s["resource"].endswith("/registrations"))
        body = {"value": [{"subscriptionId": sub["id"], "clientState": sub["client_state"], "changeType": "created",
                           "resource": sub["resource"], "resourceData": {"@odata.id": sub["resource"] + "/r1"}}]}
        stack.runtime.db.conn.execute("PRAGMA busy_timeout = 200")
        before = queues.inbox_counts(open_database(stack.db_path))
        locker = sqlite3.connect(stack.db_path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            answer = httpx.post(f"{stack.app_url}/graph/notifications", json=body, timeout=10)
        finally:
            locker.execute("COMMIT")
            locker.close()
        assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
        assert queues.inbox_counts(open_database(stack.db_path)) == before
        again = httpx.post(f"{stack.app_url}/graph/notifications", json=body, timeout=10)
        assert again.status_code == 202 and again.json() == {"accepted": 1}
