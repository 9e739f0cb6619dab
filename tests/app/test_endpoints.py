"""The app's HTTP surface: handshake, ingest validation, Slack signatures, health. Real ASGI requests."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from bot.app import create_app
from bot.sandbox import slack_requests
from bot.sandbox.serve import BackgroundServer
from storage import mirror, queues, subscriptions

WID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"


@pytest.fixture
def server(settings):
    with BackgroundServer(create_app(settings, start_workers=False)) as running:
        yield running


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=10) as http:
        yield http


@pytest.fixture
def runtime(server):
    return server.app.state.runtime


@pytest.fixture
def db(runtime):
    return runtime.db


def notification(subscription_id="s1", client_state="right", change="created", rid="r1"):
    path = f"solutions/virtualEvents/webinars/{WID}/registrations/{rid}"
    return {"subscriptionId": subscription_id, "clientState": client_state, "changeType": change,
            "tenantId": "4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba",
            "resource": f"solutions/virtualEvents/webinars/{WID}/registrations",
            "subscriptionExpirationDateTime": "2026-12-01T00:00:00.0000000Z",
            "resourceData": {"@odata.id": path, "@odata.type": "#microsoft.graph.virtualEventRegistration",
                             "id": path}}


def subscribe(db):
    mirror.save_webinar(db, id=WID, title="T", status="published", start_utc=None, end_utc=None,
                        organizer_entra_id="e", raw={})
    subscriptions.save_subscription(db, id="s1", webinar_id=WID, resource="r", change_type="created,updated",
                                    client_state="right", expires_at="2099-01-01T00:00:00Z")


@pytest.mark.parametrize("path", ["/graph/notifications", "/graph/lifecycle"])
def test_validation_handshake_echoes_the_decoded_token(client, path):
    response = client.post(f"{path}?validationToken=Validation%3A%20Testing%20client%20%3Cscript%3E%2B1",
                           headers={"content-type": "text/plain; charset=utf-8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text == "Validation: Testing client <script>+1"


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"value": []}', b'{"value": [1]}',
    json.dumps({"value": [{"subscriptionId": "s1", "clientState": "right", "changeType": "exploded",
                           "resource": "x", "resourceData": {"id": "x"}}]}).encode(),
    json.dumps({"value": [{"subscriptionId": "s1", "clientState": "right", "changeType": "created",
                           "resource": "x"}]}).encode(),
    "\udcff".encode("utf-8", "surrogatepass"),
])
def test_malformed_notifications_get_400_and_nothing_is_stored(client, db, body):
    response = client.post("/graph/notifications", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_notification"
    assert queues.inbox_counts(db) == {}


def test_oversized_body_gets_400_and_is_not_stored(client, db):
    subscribe(db)
    big = {"value": [notification()], "padding": "x" * (1024 * 1024)}
    response = client.post("/graph/notifications", content=json.dumps(big))
    assert response.status_code == 400
    assert queues.inbox_counts(db) == {}


def test_genuine_items_are_stored_once_and_forged_ones_dropped(client, db, runtime):
    subscribe(db)
    body = {"value": [notification(), notification(), notification(client_state="wrong", rid="r2"),
                      notification(subscription_id="unknown", rid="r3")]}
    started = time.perf_counter()
    response = client.post("/graph/notifications", json=body)
    assert response.status_code == 202 and time.perf_counter() - started < 1
    assert response.json() == {"accepted": 1}
    stored = queues.due_inbox(db)
    assert [item["body"]["resourceData"]["id"].rsplit("/", 1)[1] for item in stored] == ["r1"]
    assert runtime.stats["notifications_dropped"] == 2
    again = client.post("/graph/notifications", json={"value": [notification()]})
    assert again.json() == {"accepted": 0} and len(queues.due_inbox(db)) == 1


def test_lifecycle_items_are_checked_and_stored(client, db):
    subscribe(db)
    item = {"subscriptionId": "s1", "subscriptionExpirationDateTime": "2026-12-01T00:00:00Z",
            "tenantId": "t", "clientState": "right", "lifecycleEvent": "reauthorizationRequired"}
    assert client.post("/graph/lifecycle", json={"value": [item]}).status_code == 202
    assert client.post("/graph/lifecycle", json={"value": [{**item, "lifecycleEvent": "nope"}]}).status_code == 400
    assert [i["kind"] for i in queues.due_inbox(db)] == ["lifecycle"]


def test_unsigned_or_stale_slack_requests_get_401(client, slack):
    body = slack_requests.slash_command("help", user="U0DIANE", channel="C0WEBINARS", response_url="http://x/r")
    unsigned = client.post("/slack/events", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert unsigned.status_code == 401
    stale = client.post("/slack/events", content=body,
                        headers=slack_requests.signed_headers(body, timestamp=int(time.time()) - 6 * 60))
    assert stale.status_code == 401
    forged = client.post("/slack/events", content=body, headers=slack_requests.signed_headers(body, "wrong-secret"))
    assert forged.status_code == 401
    assert slack.calls == []


def test_help_answers_in_the_ack_with_valid_blocks(client, slack):
    from bot.ui.validate import validate_message

    body = slack_requests.slash_command("help", user="U0DIANE", channel="C0WEBINARS", response_url="http://x/r")
    response = client.post("/slack/events", content=body, headers=slack_requests.signed_headers(body))
    assert response.status_code == 200
    answer = response.json()
    validate_message(answer)
    text = json.dumps(answer["blocks"])
    for sub in ("login", "create", "publish", "follow", "unfollow", "register", "remind", "export"):
        assert f"/webinar {sub}" in text


def test_unknown_subcommand_answers_help_with_a_note(client, slack):
    body = slack_requests.slash_command("frobnicate <!channel>", user="U0DIANE", channel="C0WEBINARS",
                                        response_url="http://x/r")
    answer = client.post("/slack/events", content=body, headers=slack_requests.signed_headers(body)).json()
    note = answer["blocks"][0]["text"]["text"]
    assert "I don't know `frobnicate`" in note


def test_healthz_reports_database_and_queues(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert health["database_writable"] is True and health["inbox"] == {} and health["ok"] is True
