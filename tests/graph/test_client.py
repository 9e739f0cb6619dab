"""GraphClient behaviour against httpx.MockTransport: headers, retries, errors, paging, URL building."""

from __future__ import annotations

import json
import logging
import tracemalloc
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.graph.client import GraphClient, key_segment, odata_literal, segment
from bot.graph.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    GraphError,
    NetworkError,
    NotFound,
    ServiceUnavailable,
    Throttled,
    Unauthorized,
    error_from_response,
    parse_retry_after,
)
from bot.graph.models import Registration, Webinar
from bot.graph.tokens import SignInRequired

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "graph" / "examples"
BASE = "http://127.0.0.1:1234/v1.0"
WEBINAR_ID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"
WEBINARS = f"{BASE}/solutions/virtualEvents/webinars"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


class FakeTokens:
    """App token for user=None, a per-user token otherwise; remembers who asked."""

    def __init__(self) -> None:
        self.asked: list[str | None] = []

    async def token(self, user: str | None = None) -> str:
        self.asked.append(user)
        return "app-token" if user is None else f"user-token-{user}"


class Recorder:
    """A MockTransport handler answering from a script of responses (the last one repeats)."""

    def __init__(self, *responses: httpx.Response | Exception):
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def json_response(status: int, body: object = None, headers: dict | None = None) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def make_client(handler, *, random_values=(0.5,), **options) -> tuple[GraphClient, list[float], FakeTokens]:
    sleeps: list[float] = []
    values = list(random_values)

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def fake_random() -> float:
        return values.pop(0) if len(values) > 1 else values[0]

    tokens = FakeTokens()
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    client = GraphClient(BASE, tokens, http=http, sleep=fake_sleep, random=fake_random, **options)
    return client, sleeps, tokens


THROTTLED = json_response(429, example("error_429_throttled.json"), {"Retry-After": "2.128"})
OK = json_response(200, {"id": "x"})


# ----------------------------------------------------------------------------------------------------------------
# Headers


async def test_app_and_user_tokens_go_into_the_authorization_header():
    recorder = Recorder(OK)
    client, _, tokens = make_client(recorder)
    await client.get_json("me")
    await client.get_json("me", user="U0DIANE")
    assert [r.headers["Authorization"] for r in recorder.requests] == [
        "Bearer app-token",
        "Bearer user-token-U0DIANE",
    ]
    assert tokens.asked == [None, "U0DIANE"]


async def test_every_call_has_its_own_client_request_id_kept_across_retries():
    recorder = Recorder(json_response(503, headers={"Retry-After": "0"}), OK, OK)
    client, _, _ = make_client(recorder)
    await client.get_json("a")  # two attempts
    await client.get_json("b")
    first, retry, second = (r.headers["client-request-id"] for r in recorder.requests)
    assert first == retry != second
    assert all(uuid.UUID(value).version == 4 for value in (first, second))


async def test_content_type_only_with_a_body_and_accept_always():
    recorder = Recorder(json_response(201, {"id": "w"}), json_response(204))
    client, _, _ = make_client(recorder)
    await client.post_json("x", {"a": 1}, user="U1")
    await client.post_json("y", user="U1")
    with_body, without = recorder.requests
    assert with_body.headers["Content-Type"] == "application/json"
    assert json.loads(with_body.content) == {"a": 1}
    assert "Content-Type" not in without.headers
    assert {r.headers["Accept"] for r in recorder.requests} == {"application/json"}


# ----------------------------------------------------------------------------------------------------------------
# Retries


async def test_429_waits_the_fractional_retry_after_then_succeeds():
    recorder = Recorder(THROTTLED, OK)
    client, sleeps, _ = make_client(recorder)
    assert await client.get_json("x") == {"id": "x"}
    assert sleeps == [2.128]
    assert len(recorder.requests) == 2


async def test_503_then_success_even_for_post():
    recorder = Recorder(json_response(503, headers={"Retry-After": "1"}), json_response(201, {"id": "w"}))
    client, sleeps, _ = make_client(recorder)
    assert await client.post_json("x", {"a": 1}, user="U1") == {"id": "w"}
    assert sleeps == [1.0]


async def test_504_is_retried_for_get():
    recorder = Recorder(json_response(504), json_response(504), OK)
    client, sleeps, _ = make_client(recorder)
    assert await client.get_json("x") == {"id": "x"}
    assert len(sleeps) == 2


async def test_504_on_post_is_not_replayed_because_it_may_have_been_processed():
    recorder = Recorder(json_response(504), OK)
    client, sleeps, _ = make_client(recorder)
    with pytest.raises(ServiceUnavailable) as caught:
        await client.post_json("x", {"a": 1}, user="U1")
    assert caught.value.status == 504
    assert sleeps == [] and len(recorder.requests) == 1


async def test_without_retry_after_backoff_is_exponential_with_full_jitter():
    recorder = Recorder(*(json_response(503) for _ in range(4)), OK)
    client, sleeps, _ = make_client(recorder, random_values=(0.5, 0.1, 1.0, 0.25))
    await client.get_json("x")
    # caps 0.5, 1, 2, 4 seconds, each scaled by the random draw
    assert sleeps == pytest.approx([0.25, 0.1, 2.0, 1.0])


async def test_total_retry_time_is_bounded_then_throttled_is_raised():
    recorder = Recorder(json_response(429, example("error_429_throttled.json"), {"Retry-After": "25"}))
    client, sleeps, _ = make_client(recorder, max_retry_seconds=60)
    with pytest.raises(Throttled) as caught:
        await client.get_json("x")
    assert sleeps == [25.0, 25.0]  # a third wait would pass 60 s
    assert len(recorder.requests) == 3
    error = caught.value
    assert (error.status, error.code, error.retry_after) == (429, "TooManyRequests", 25.0)
    assert error.request_id == "94fb3b52-452a-4535-a601-69e0a90e3aa2"


async def test_retry_after_beyond_the_budget_gives_up_at_once():
    recorder = Recorder(json_response(429, headers={"Retry-After": "3600"}))
    client, sleeps, _ = make_client(recorder)
    with pytest.raises(Throttled) as caught:
        await client.get_json("x")
    assert sleeps == [] and caught.value.retry_after == 3600.0


async def test_attempts_are_bounded():
    recorder = Recorder(json_response(503, headers={"Retry-After": "0"}))
    client, sleeps, _ = make_client(recorder, max_attempts=4)
    with pytest.raises(ServiceUnavailable):
        await client.get_json("x")
    assert len(recorder.requests) == 4 and len(sleeps) == 3


async def test_transport_errors_are_retried_for_idempotent_methods():
    recorder = Recorder(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), OK)
    client, sleeps, _ = make_client(recorder)
    assert await client.get_json("x") == {"id": "x"}
    assert len(sleeps) == 2


async def test_transport_error_on_post_is_raised_as_network_error_without_retry():
    recorder = Recorder(httpx.ReadTimeout("slow"), OK)
    client, sleeps, _ = make_client(recorder)
    with pytest.raises(NetworkError) as caught:
        await client.post_json("x", {"a": 1}, user="U1")
    assert sleeps == [] and caught.value.status == 0
    assert isinstance(caught.value, GraphError)


async def test_persistent_transport_errors_end_in_network_error():
    recorder = Recorder(httpx.ConnectError("refused"))
    client, _, _ = make_client(recorder, max_attempts=3)
    with pytest.raises(NetworkError, match="ConnectError"):
        await client.delete("x", user="U1")
    assert len(recorder.requests) == 3


async def test_one_log_line_per_retry_without_token_or_body(caplog):
    recorder = Recorder(THROTTLED, json_response(503), OK)
    client, _, _ = make_client(recorder)
    with caplog.at_level(logging.WARNING, logger="bot.graph.client"):
        await client.patch_json("x", {"secret": "body-content"}, user="U1")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    assert "429" in lines[0] and "2.128" in lines[0] and "503" in lines[1]
    assert not any("user-token" in line or "body-content" in line for line in lines)


async def test_non_retryable_statuses_raise_at_once():
    recorder = Recorder(json_response(400, {"error": {"code": "invalidRequest", "message": "bad"}}))
    client, sleeps, _ = make_client(recorder)
    with pytest.raises(BadRequest):
        await client.get_json("x")
    assert sleeps == []


# ----------------------------------------------------------------------------------------------------------------
# Errors


async def test_403_example_becomes_forbidden_with_ids():
    recorder = Recorder(json_response(403, example("error_403_forbidden.json")))
    client, _, _ = make_client(recorder)
    with pytest.raises(Forbidden) as caught:
        await client.publish_webinar(WEBINAR_ID, user="U0KENNETH")
    error = caught.value
    assert (error.status, error.code, error.message) == (403, "Forbidden", "Forbidden")
    assert error.request_id == "798443d3-c43e-4e93-a964-d831327a395c"
    assert error.client_request_id == "798443d3-c43e-4e93-a964-d831327a395c"
    assert "798443d3" in str(error)


async def test_404_with_lowercase_nested_innererror_becomes_not_found():
    body = {
        "error": {
            "code": "itemNotFound",
            "message": "Webinar not found",
            "innererror": {"date": "2024-01-01T00:00:00", "innerError": {"requestId": "nested-rid"}},
        }
    }
    recorder = Recorder(json_response(404, body))
    client, _, _ = make_client(recorder)
    with pytest.raises(NotFound) as caught:
        await client.get_webinar(WEBINAR_ID)
    error = caught.value
    assert (error.code, error.message, error.request_id) == (
        "itemNotFound",
        "Webinar not found",
        "nested-rid",
    )
    assert error.client_request_id == recorder.requests[0].headers["client-request-id"]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequest),
        (401, Unauthorized),
        (403, Forbidden),
        (404, NotFound),
        (409, Conflict),
        (429, Throttled),
        (500, ServiceUnavailable),
        (503, ServiceUnavailable),
        (418, GraphError),
    ],
)
def test_status_maps_to_error_class(status, kind):
    error = error_from_response(status, {}, b"")
    assert type(error) is kind and error.status == status and error.code


def test_error_tolerates_non_json_bodies_and_redacts_tokens():
    html = b"<html><body><h1>502 Bad Gateway</h1> Authorization: Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl</body></html>"
    error = error_from_response(502, {"request-id": "hdr-rid", "client-request-id": "hdr-crid"}, html)
    assert isinstance(error, ServiceUnavailable)
    assert "502 Bad Gateway" in error.message and "<h1>" not in error.message
    assert "eyJ" not in error.message and "eyJ" not in str(error)
    assert (error.request_id, error.client_request_id) == ("hdr-rid", "hdr-crid")


def test_error_message_from_graph_is_redacted_and_bounded():
    body = {"error": {"code": "x", "message": "token eyJa.eyJb.sig leaked " + "y" * 1000}}
    error = error_from_response(400, {}, json.dumps(body).encode())
    assert "eyJ" not in error.message and len(error.message) <= 300


def test_error_envelope_variants():
    body = {"ERROR": {"code": "accessDenied", "InnerError": {"request-id": "r1", "client-request-id": "c1"}}}
    error = error_from_response(403, {}, json.dumps(body))
    assert (error.code, error.request_id, error.client_request_id) == ("accessDenied", "r1", "c1")
    assert error_from_response(500, {}, b"not json at all").code == "generalException"
    assert error_from_response(500, {}, b'{"error": "just a string"}').message == "just a string"


def test_retry_after_parsing():
    assert parse_retry_after("2.128") == 2.128
    assert parse_retry_after(" 7 ") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("-3") == 0.0
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now=now) == 30.0


async def test_non_json_success_body_is_an_error():
    recorder = Recorder(httpx.Response(200, text="<html>proxy</html>"))
    client, _, _ = make_client(recorder)
    with pytest.raises(GraphError, match="not a JSON object"):
        await client.get_json("x")


# ----------------------------------------------------------------------------------------------------------------
# Paging


async def test_paging_follows_absolute_next_links_verbatim_across_an_empty_page():
    link_2 = f"{BASE}/solutions/virtualEvents/webinars?$skiptoken=a%2Fb%3D%3D&$top=2"
    link_3 = f"{BASE}/solutions/virtualEvents/webinars?$skiptoken=X'y(z)"
    pages = {
        f"{WEBINARS}": {"value": [{"id": "1"}, {"id": "2"}], "@odata.nextLink": link_2},
        link_2: {"value": [], "@odata.nextLink": link_3},
        link_3: {"value": [{"id": "3"}]},
    }
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=pages[str(request.url)])

    client, _, _ = make_client(handler)
    ids = [webinar.id async for webinar in client.list_webinars()]
    assert ids == ["1", "2", "3"]
    assert seen == [WEBINARS, link_2, link_3]


async def test_next_link_to_another_host_is_refused():
    evil = "https://evil.example/steal?token=1"
    recorder = Recorder(json_response(200, {"value": [{"id": "1"}], "@odata.nextLink": evil}))
    client, _, _ = make_client(recorder)
    seen = []
    with pytest.raises(GraphError, match="refusing"):
        async for item in client.iterate("things"):
            seen.append(item)
    assert seen == [{"id": "1"}] and len(recorder.requests) == 1


async def test_100k_items_page_lazily_with_flat_memory():
    total, page_size = 100_000, 1_000

    def handler(request: httpx.Request) -> httpx.Response:
        start = int(parse_qs(urlsplit(str(request.url)).query).get("start", ["0"])[0])
        end = min(start + page_size, total)
        page = {"value": [{"id": f"reg-{n}", "email": f"person{n}@example.com"} for n in range(start, end)]}
        if end < total:
            page["@odata.nextLink"] = f"{WEBINARS}/w/registrations?start={end}"
        return httpx.Response(200, content=json.dumps(page).encode())

    client, _, _ = make_client(handler)
    count = 0
    tracemalloc.start()
    try:
        async for item in client.iterate("solutions/virtualEvents/webinars/w/registrations"):
            count += 1
            assert item["id"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == total
    # Materialized, 100k such dicts take about 40 MB; streaming keeps one or two pages (~2 MB with httpx).
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


# ----------------------------------------------------------------------------------------------------------------
# URLs


def test_segment_keeps_at_and_escapes_reserved_characters():
    assert segment(WEBINAR_ID) == WEBINAR_ID
    assert segment("a/b#c?d e'f%") == "a%2Fb%23c%3Fd%20e%27f%25"
    with pytest.raises(ValueError):
        segment("")


def test_odata_literals_double_single_quotes():
    assert odata_literal("o'brien@x.com") == "'o''brien@x.com'"
    assert key_segment("registrations", email="o'brien@x.com") == "registrations(email='o''brien@x.com')"
    assert key_segment("f", userId="u/1", role="organizer") == "f(userId='u%2F1',role='organizer')"


async def test_webinar_ids_keep_their_at_sign_in_the_path():
    recorder = Recorder(json_response(200, example("create_webinar_response.json")))
    client, _, _ = make_client(recorder)
    webinar = await client.get_webinar(WEBINAR_ID)
    assert isinstance(webinar, Webinar) and webinar.id == WEBINAR_ID
    assert (
        recorder.requests[0].url.raw_path.decode() == f"/v1.0/solutions/virtualEvents/webinars/{WEBINAR_ID}"
    )


async def test_alternate_keys_quote_the_email():
    recorder = Recorder(
        json_response(200, example("create_registration_delegated_response.json")), json_response(204)
    )
    client, _, _ = make_client(recorder)
    await client.get_registration_by_email(WEBINAR_ID, "o'brien@x.com")
    await client.cancel_registration(WEBINAR_ID, email="o'brien+1@x.com")
    paths = [r.url.raw_path.decode() for r in recorder.requests]
    assert paths[0].endswith(f"/webinars/{WEBINAR_ID}/registrations(email='o''brien@x.com')")
    assert paths[1].endswith(f"/webinars/{WEBINAR_ID}/registrations(email='o''brien%2B1@x.com')/cancel")


async def test_cancel_registration_by_id_or_user_id_and_argument_check():
    recorder = Recorder(json_response(204))
    client, _, _ = make_client(recorder)
    await client.cancel_registration(WEBINAR_ID, "reg 1")
    await client.cancel_registration(WEBINAR_ID, user_id="u-1", user="U1")
    paths = [r.url.raw_path.decode() for r in recorder.requests]
    assert paths[0].endswith("/registrations/reg%201/cancel")
    assert paths[1].endswith("/registrations(userId='u-1')/cancel")
    with pytest.raises(ValueError):
        await client.cancel_registration(WEBINAR_ID, "r", email="a@b.c")
    with pytest.raises(ValueError):
        await client.cancel_registration(WEBINAR_ID)


async def test_role_functions():
    recorder = Recorder(json_response(200, {"value": [example("create_webinar_response.json")]}))
    client, _, _ = make_client(recorder)
    mine = [w async for w in client.webinars_by_role("coOrganizer", user="U1")]
    theirs = [w async for w in client.webinars_by_user_and_role("user-1", "organizer")]
    assert len(mine) == len(theirs) == 1
    paths = [r.url.raw_path.decode() for r in recorder.requests]
    assert paths[0].endswith("/webinars/getByUserRole(role='coOrganizer')")
    assert paths[1].endswith("/webinars/getByUserIdAndRole(userId='user-1',role='organizer')")
    assert recorder.requests[1].headers["Authorization"] == "Bearer app-token"
    with pytest.raises(ValueError):
        [w async for w in client.webinars_by_role("presenter", user="U1")]


# ----------------------------------------------------------------------------------------------------------------
# High-level behaviour


async def test_create_registration_delegated_201_vs_app_only_204():
    recorder = Recorder(
        json_response(201, example("create_registration_delegated_response.json")), json_response(204)
    )
    client, _, _ = make_client(recorder)
    mine = await client.create_registration(
        WEBINAR_ID, example("create_registration_delegated_request.json"), user="U0DIANE"
    )
    anonymous = await client.create_registration(
        WEBINAR_ID, example("create_registration_application_request.json")
    )
    assert isinstance(mine, Registration) and mine.id == "127962bb-84e1-7b62-fd98-1c9d39def7b6"
    assert anonymous is None
    assert [r.headers["Authorization"] for r in recorder.requests] == [
        "Bearer user-token-U0DIANE",
        "Bearer app-token",
    ]
    assert all(r.method == "POST" and r.url.path.endswith("/registrations") for r in recorder.requests)


async def test_update_webinar_returns_the_patched_object_or_refetches():
    updated = example("create_webinar_response.json") | {"displayName": "New title"}
    recorder = Recorder(json_response(200, updated), json_response(204), json_response(200, updated))
    client, _, _ = make_client(recorder)
    assert (
        await client.update_webinar(WEBINAR_ID, {"displayName": "New title"}, user="U1")
    ).display_name == ("New title")
    assert (await client.update_webinar(WEBINAR_ID, {"displayName": "New title"}, user="U1")).id == WEBINAR_ID
    assert [r.method for r in recorder.requests] == ["PATCH", "PATCH", "GET"]


async def test_subscription_calls():
    sub = {
        "id": "sub-1",
        "resource": "r",
        "expirationDateTime": "2024-01-02T00:00:00Z",
        "changeType": "created",
    }
    recorder = Recorder(
        json_response(201, sub),
        json_response(200, sub),
        json_response(204),
        json_response(204),
        json_response(200, sub),
    )
    client, _, _ = make_client(recorder)
    created = await client.create_subscription({"resource": "r"})
    renewed = await client.renew_subscription("sub-1", datetime(2024, 1, 2, tzinfo=UTC))
    await client.reauthorize_subscription("sub-1")
    await client.delete_subscription("sub-1")
    fetched = await client.get_subscription("sub-1")
    assert created.id == renewed.id == fetched.id == "sub-1"
    methods = [(r.method, r.url.path.removeprefix("/v1.0/")) for r in recorder.requests]
    assert methods == [
        ("POST", "subscriptions"),
        ("PATCH", "subscriptions/sub-1"),
        ("POST", "subscriptions/sub-1/reauthorize"),
        ("DELETE", "subscriptions/sub-1"),
        ("GET", "subscriptions/sub-1"),
    ]
    assert json.loads(recorder.requests[1].content) == {"expirationDateTime": "2024-01-02T00:00:00.000000Z"}
    assert all(r.headers["Authorization"] == "Bearer app-token" for r in recorder.requests)


async def test_attendance_report_expands_and_follows_record_pages():
    first = example("get_attendance_report_webinar_response.json") | {
        "attendanceRecords": example("list_attendance_records_webinar_response.json")["value"][:1],
        "attendanceRecords@odata.nextLink": f"{BASE}/more-records?page=2",
    }
    rest = {"value": example("list_attendance_records_webinar_response.json")["value"][1:]}
    recorder = Recorder(json_response(200, first), json_response(200, rest))
    client, _, _ = make_client(recorder)
    report = await client.get_attendance_report(WEBINAR_ID, "s1", "r1")
    assert [record.role for record in report.records] == ["Organizer", "Presenter"]
    assert recorder.requests[0].url.params["$expand"] == "attendanceRecords"
    assert str(recorder.requests[1].url) == f"{BASE}/more-records?page=2"


async def test_find_user_falls_back_to_mail_filter():
    person = {
        "id": "u1",
        "displayName": "Pat O'Brien",
        "mail": "o'brien@x.com",
        "userPrincipalName": "pat@x.com",
    }
    recorder = Recorder(
        json_response(404, {"error": {"code": "Request_ResourceNotFound", "message": "nope"}}),
        json_response(200, {"value": [person]}),
    )
    client, _, _ = make_client(recorder)
    found = await client.find_user("o'brien@x.com")
    assert found is not None and found.id == "u1" and found.user_principal_name == "pat@x.com"
    by_upn, by_filter = recorder.requests
    assert by_upn.url.raw_path.decode() == "/v1.0/users/o%27brien@x.com"
    assert by_filter.url.raw_path.decode() == "/v1.0/users?$filter=mail%20eq%20'o''brien@x.com'"


async def test_find_user_returns_none_when_nobody_matches():
    recorder = Recorder(json_response(404, {"error": {"code": "x"}}), json_response(200, {"value": []}))
    client, _, _ = make_client(recorder)
    assert await client.find_user("nobody@x.com") is None


async def test_find_user_direct_hit_and_dollar_upn():
    recorder = Recorder(json_response(200, {"id": "u2", "userPrincipalName": "$admin@x.com"}))
    client, _, _ = make_client(recorder)
    assert (await client.find_user("$admin@x.com")).id == "u2"
    assert recorder.requests[0].url.raw_path.decode() == "/v1.0/users('$admin@x.com')"


async def test_get_path_strips_slashes_and_refuses_foreign_urls():
    recorder = Recorder(json_response(200, {"id": "r"}))
    client, _, _ = make_client(recorder)
    await client.get_path(f"/solutions/virtualEvents/webinars/{WEBINAR_ID}/registrations/r1/")
    assert recorder.requests[0].url.raw_path.decode() == (
        f"/v1.0/solutions/virtualEvents/webinars/{WEBINAR_ID}/registrations/r1"
    )
    for bad in ("https://evil.example/x", "solutions/../../me", "", "a?b=1"):
        with pytest.raises(ValueError):
            await client.get_path(bad)


async def test_collections_yield_models():
    recorder = Recorder(json_response(200, example("list_questions_response.json")))
    client, _, _ = make_client(recorder)
    kinds = [q.kind async for q in client.list_questions(WEBINAR_ID)]
    assert kinds == ["predefined", "custom", "custom", "custom"]
    assert recorder.requests[0].url.path.endswith("/registrationConfiguration/questions")


async def test_session_get_accepts_the_doc_bug_value_wrapper():
    session = example("list_registration_sessions_response.json")["value"][0]
    recorder = Recorder(json_response(200, {"value": session}))
    client, _, _ = make_client(recorder)
    assert (await client.get_session(WEBINAR_ID, session["id"])).join_web_url.startswith("https://teams")


async def test_owned_http_client_is_closed_and_injected_one_is_not():
    async with GraphClient(BASE, FakeTokens()) as owned:
        pass
    assert owned._http.is_closed
    injected = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(OK)))
    async with GraphClient(BASE, FakeTokens(), http=injected):
        pass
    assert not injected.is_closed
    await injected.aclose()


def test_base_url_must_be_absolute():
    with pytest.raises(ValueError):
        GraphClient("graph.microsoft.com/v1.0", FakeTokens())


async def test_sign_in_required_propagates_before_any_request():
    class NobodySignedIn:
        async def token(self, user=None):
            raise SignInRequired(user)

    recorder = Recorder(OK)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    client = GraphClient(BASE, NobodySignedIn(), http=http)
    with pytest.raises(SignInRequired):
        await client.publish_webinar(WEBINAR_ID, user="U0NOBODY")
    assert recorder.requests == []
