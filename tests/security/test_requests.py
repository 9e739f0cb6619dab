"""Who may talk to the app: Slack's request signatures (and what they do not protect against), Events API retries,
Graph's clientState, and the OAuth state of a sign-in."""

from __future__ import annotations

import inspect
import time

import httpx
import pytest

from bot.sandbox import directory, slack_requests
from bot.sandbox.stack import SandboxStack
from bot.services import ingest
from storage import open_database, queues, subscriptions
from tests.e2e.test_follow_flow import create_published_webinar, follow

DIANE = directory.ORGANIZER.slack_id


@pytest.fixture(scope="module")
def stack():
    with SandboxStack() as running:
        yield running


def post_slack(stack, body: str, headers: dict) -> httpx.Response:
    return httpx.post(f"{stack.app_url}/slack/events", content=body.encode(), headers=headers, timeout=10)


def help_command(stack) -> str:
    return slack_requests.slash_command("help", user=DIANE, channel="C0WEBINARS", response_url=stack.response_url())


# ---- Slack signatures ----------------------------------------------------------------------------------------

def test_a_signed_request_is_answered(stack):
    body = help_command(stack)
    answer = post_slack(stack, body, slack_requests.signed_headers(body))
    assert answer.status_code == 200 and "create" in answer.text


@pytest.mark.parametrize("tamper", ["body", "secret", "no-signature", "no-timestamp", "no-headers", "old", "future",
                                    "signature-format"])
def test_requests_slack_did_not_sign_are_refused_with_401(stack, tamper):
    body = help_command(stack)
    now = int(time.time())
    headers = slack_requests.signed_headers(body)
    if tamper == "body":
        body = body.replace("help", "list")
    elif tamper == "secret":
        headers = slack_requests.signed_headers(body, "wrong-secret")
    elif tamper == "no-signature":
        del headers["x-slack-signature"]
    elif tamper == "no-timestamp":
        del headers["x-slack-request-timestamp"]
    elif tamper == "no-headers":
        headers = {"content-type": headers["content-type"]}
    elif tamper == "old":  # a captured request, correctly signed, replayed 6 minutes later
        headers = slack_requests.signed_headers(body, timestamp=now - 6 * 60)
    elif tamper == "future":
        headers = slack_requests.signed_headers(body, timestamp=now + 6 * 60)
    elif tamper == "signature-format":
        headers["x-slack-signature"] = headers["x-slack-signature"].replace("v0=", "v1=")
    seen = len(stack.slack.calls)
    answer = post_slack(stack, body, headers)
    assert answer.status_code == 401
    assert len(stack.slack.calls) == seen  # nothing ran


def test_a_replay_within_five_minutes_is_accepted_as_slack_s_scheme_allows(stack):
    """Slack's scheme signs `v0:timestamp:body` and allows 5 minutes of clock skew; it has no nonce. So a request
    captured on the wire (TLS makes that hard) can be replayed within that window, and Bolt accepts it: the window
    is the whole protection. What a replay can do is bounded by the handlers being idempotent (follow, register,
    cancel look state up first) and by the trigger_id inside, which Slack lets open a modal only once."""
    body = help_command(stack)
    headers = slack_requests.signed_headers(body, timestamp=int(time.time()) - 4 * 60)
    assert post_slack(stack, body, headers).status_code == 200
    assert post_slack(stack, body, headers).status_code == 200


def test_events_api_retries_are_acknowledged_without_running_listeners_again(stack):
    event = {"type": "app_home_opened", "user": DIANE, "channel": "D0DIANE", "tab": "home",
             "event_ts": f"{time.time():.6f}"}
    body = slack_requests.event_callback(event)
    before = len(stack.slack.calls_to("views.publish"))
    assert post_slack(stack, body, slack_requests.signed_headers(body, content_type="application/json")).status_code \
        == 200
    stack.slack.wait_for(lambda: len(stack.slack.calls_to("views.publish")) == before + 1, 10)
    for retry in ("1", "2"):
        headers = {**slack_requests.signed_headers(body, content_type="application/json"),
                   "x-slack-retry-num": retry, "x-slack-retry-reason": "http_timeout"}
        assert post_slack(stack, body, headers).status_code == 200
    # a later, unrelated event still runs: only retries are skipped
    fresh = slack_requests.event_callback({**event, "event_ts": f"{time.time():.6f}"})
    post_slack(stack, fresh, slack_requests.signed_headers(fresh, content_type="application/json"))
    stack.slack.wait_for(lambda: len(stack.slack.calls_to("views.publish")) == before + 2, 10)


def test_slash_command_retries_are_not_affected(stack):
    """Only Events API bodies are deduplicated; Slack never retries commands or interactions."""
    body = help_command(stack)
    headers = {**slack_requests.signed_headers(body), "x-slack-retry-num": "1"}
    assert "create" in post_slack(stack, body, headers).text


# ---- Graph clientState -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def subscription(stack):
    webinar_id = create_published_webinar(stack, "Client state")
    follow(stack, webinar_id)
    stack.graph.wait_idle(5)
    rows = subscriptions.subscriptions_for(open_database(stack.db_path), webinar_id)
    return next(r for r in rows if r["resource"].endswith("/registrations"))


def notification(sub: dict, client_state: str, subscription_id: str | None = None) -> dict:
    resource = sub["resource"]
    return {"value": [{"subscriptionId": subscription_id or sub["id"], "clientState": client_state,
                       "changeType": "created", "resource": resource,
                       "resourceData": {"@odata.id": f"{resource}/forged-{time.time_ns()}"}}]}


@pytest.mark.parametrize("case", ["forged", "empty-suffix", "other-subscription", "unknown-subscription"])
def test_notifications_with_a_wrong_client_state_are_dropped(stack, subscription, case):
    db = open_database(stack.db_path)
    others = [s for s in subscriptions.subscriptions_for(db, subscription["webinar_id"])
              if s["id"] != subscription["id"]]
    body = {"forged": notification(subscription, "guess"),
            "empty-suffix": notification(subscription, subscription["client_state"][:-1]),
            "other-subscription": notification(subscription, others[0]["client_state"]),
            "unknown-subscription": notification(subscription, subscription["client_state"],
                                                 "00000000-0000-0000-0000-000000000000")}[case]
    before = queues.inbox_counts(db)
    answer = httpx.post(f"{stack.app_url}/graph/notifications", json=body, timeout=10)
    assert answer.status_code == 202 and answer.json() == {"accepted": 0}
    assert queues.inbox_counts(db) == before


def test_the_genuine_client_state_is_accepted(stack, subscription):
    answer = httpx.post(f"{stack.app_url}/graph/notifications",
                        json=notification(subscription, subscription["client_state"]), timeout=10)
    assert answer.json() == {"accepted": 1}


def test_client_states_are_compared_in_constant_time():
    source = inspect.getsource(ingest.ingest)
    assert "hmac.compare_digest" in source and "==" not in source.split("compare_digest", 1)[0].rsplit("\n", 3)[-1]


def test_client_states_are_random_and_distinct(stack, subscription):
    states = [s["client_state"] for s in subscriptions.subscriptions_for(open_database(stack.db_path),
                                                                         subscription["webinar_id"])]
    assert len(set(states)) == len(states) and all(len(s) >= 32 for s in states)
