"""The Slack Web API stand-in, driven over real HTTP by slack_sdk's own clients (async and sync).

One server serves the whole module; every test gets a fresh ``SlackStandin`` with a ``ManualClock``, so pacing,
trigger expiry and scheduling are exercised by moving the clock instead of sleeping.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from urllib.parse import urlencode

import httpx
import pytest
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.directory import BOT_TOKEN, BOT_USER_ID, SIGNING_SECRET, TEAM_ID
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import BOT_ID, ManualClock, SlackStandin, create_slack_standin

WEBINARS = "C0WEBINARS"


def section(text: str = "hello") -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str | None = "Create webinar", **extra) -> dict:
    view = {"type": "modal", "callback_id": "create", "blocks": [section()], **extra}
    if title is not None:
        view["title"] = {"type": "plain_text", "text": title}
    return view


HOME = {"type": "home", "blocks": [section("Your webinars")]}


@pytest.fixture(scope="module")
def server():
    with BackgroundServer(create_slack_standin()) as running:
        yield running


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_732_000_000.0)


@pytest.fixture
def standin(server, clock) -> SlackStandin:
    fresh = SlackStandin(post_rate_per_channel=1.0, burst=3, clock=clock)
    server.app.state.standin = fresh
    return fresh


@pytest.fixture
def client(server, standin) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")


@pytest.fixture
def sync_client(server, standin) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")


async def slack_error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


async def error_code(call) -> str:
    return (await slack_error(call)).response["error"]


# ---------------------------------------------------------------------------------------------------------- auth


async def test_auth_test_answers_as_the_sandbox_bot(client, standin):
    response = await client.auth_test()
    assert response["ok"] is True
    assert (response["team_id"], response["user_id"], response["bot_id"]) == (TEAM_ID, BOT_USER_ID, BOT_ID)
    assert response["url"].startswith("https://")
    assert "chat:write" in response.headers["x-oauth-scopes"]
    assert standin.calls_to("auth.test")[0].response["user_id"] == BOT_USER_ID


async def test_missing_and_wrong_tokens_are_refused_with_http_200(server, standin):
    missing = await slack_error(AsyncWebClient(base_url=f"{server.url}/api/").auth_test())
    wrong = await slack_error(AsyncWebClient(token="xoxb-wrong", base_url=f"{server.url}/api/").auth_test())
    assert (missing.response.status_code, missing.response["error"]) == (200, "not_authed")
    assert (wrong.response.status_code, wrong.response["error"]) == (200, "invalid_auth")


def test_token_in_a_form_body_is_accepted_but_not_in_a_json_body(server, standin):
    form = httpx.post(f"{server.url}/api/auth.test", data={"token": BOT_TOKEN})
    as_json = httpx.post(f"{server.url}/api/auth.test", json={"token": BOT_TOKEN})
    assert form.json()["ok"] is True
    assert as_json.json() == {"ok": False, "error": "not_authed"}


async def test_unknown_method(client):
    error = await slack_error(client.api_call("webinars.teleport"))
    assert error.response["error"] == "unknown_method"


# ---------------------------------------------------------------------------------------------- chat.postMessage


async def test_post_message_answers_like_slack_and_is_recorded(client, standin):
    first = await client.chat_postMessage(channel=WEBINARS, text="Launch", blocks=[section("*Launch*")])
    second = await client.chat_postMessage(channel=WEBINARS, text="again")
    assert first["channel"] == WEBINARS
    assert first["message"]["text"] == "Launch" and first["message"]["bot_id"] == BOT_ID
    assert first["message"]["blocks"][0]["block_id"]  # Slack fills in block ids
    assert first["ts"] == "1732000000.000000" and float(second["ts"]) > float(first["ts"])
    assert [m["text"] for m in standin.messages(WEBINARS)] == ["Launch", "again"]
    assert standin.messages("#webinars") == standin.messages(WEBINARS)
    call = standin.calls_to("chat.postMessage")[0]
    assert call.status == 200 and call.args["blocks"] == [section("*Launch*")] and "token" not in call.args


async def test_thread_replies_carry_thread_ts_and_count_on_the_parent(client, standin):
    parent = await client.chat_postMessage(channel=WEBINARS, text="Card")
    await client.chat_postMessage(channel=WEBINARS, text="Reply", thread_ts=parent["ts"])
    card, reply = standin.messages(WEBINARS)
    assert reply["thread_ts"] == parent["ts"]
    assert (card["reply_count"], card["thread_ts"]) == (1, parent["ts"])


@pytest.mark.parametrize(
    ("setup", "channel", "error"),
    [
        (None, "C0NOWHERE", "channel_not_found"),
        (None, "", "channel_not_found"),
        ({"channel_id": "G0SECRET", "name": "secret", "bot_is_member": False}, "G0SECRET", "not_in_channel"),
        ({"channel_id": "C0OLD", "name": "old", "archived": True}, "C0OLD", "is_archived"),
    ],
)
async def test_post_message_channel_errors(client, standin, setup, channel, error):
    if setup:
        standin.add_channel(**setup)
    refused = await slack_error(client.chat_postMessage(channel=channel, text="hi"))
    assert refused.response["error"] == error
    assert standin.calls_to("chat.postMessage")[0].response == {"ok": False, "error": error}


async def test_public_channel_without_the_bot_and_private_channel_with_it_are_fine(client, standin):
    standin.add_channel("C0PUBLIC", "public", ["U0DIANE"], bot_is_member=False)
    standin.add_channel("G0TEAM", "team", ["U0DIANE"])
    await client.chat_postMessage(channel="C0PUBLIC", text="chat:write.public")
    await client.chat_postMessage(channel="G0TEAM", text="member")
    assert len(standin.messages("C0PUBLIC")) == len(standin.messages("G0TEAM")) == 1


async def test_posting_to_a_user_id_lands_in_their_dm(client, standin):
    response = await client.chat_postMessage(channel="U0DIANE", text="Your webinar is live")
    assert response["channel"] == "D0DIANE"
    assert standin.messages("D0DIANE")[0]["text"] == "Your webinar is live"


async def test_no_text_and_msg_too_long(client):
    with pytest.warns(UserWarning, match="top-level `text` argument is missing"):
        assert await error_code(client.chat_postMessage(channel=WEBINARS)) == "no_text"
    too_long = await slack_error(client.chat_postMessage(channel=WEBINARS, text="x" * 40_001))
    assert too_long.response["error"] == "msg_too_long"


async def test_invalid_blocks_for_a_3001_character_section(client, standin):
    refused = await slack_error(
        client.chat_postMessage(channel=WEBINARS, text="t", blocks=[section("x" * 3001)])
    )
    body = refused.response.data
    assert body["error"] == "invalid_blocks"
    assert body["errors"] == ["text attribute cannot exceed 3000 characters [json-pointer:/blocks/0]"]
    assert body["response_metadata"]["messages"] == [f"[ERROR] {body['errors'][0]}"]
    assert standin.messages(WEBINARS) == []


async def test_invalid_blocks_for_51_blocks(client):
    refused = await slack_error(client.chat_postMessage(channel=WEBINARS, text="t", blocks=[section()] * 51))
    assert refused.response["error"] == "invalid_blocks"
    assert "no more than 50 items" in refused.response["errors"][0]


def test_blocks_sent_as_form_encoded_json_text_are_understood(server, standin):
    body = {"token": BOT_TOKEN, "channel": WEBINARS, "blocks": '[{"type": "divider"}]', "text": "x"}
    assert httpx.post(f"{server.url}/api/chat.postMessage", data=body).json()["ok"] is True
    body["blocks"] = "[not json"
    assert (
        httpx.post(f"{server.url}/api/chat.postMessage", data=body).json()["error"] == "invalid_blocks_format"
    )


# --------------------------------------------------------------------------------------------------------- pacing


async def test_posts_are_paced_per_channel_with_a_short_burst(client, standin, clock):
    for n in range(3):
        await client.chat_postMessage(channel=WEBINARS, text=f"burst {n}")
    refused = await slack_error(client.chat_postMessage(channel=WEBINARS, text="too fast"))
    assert refused.response.status_code == 429
    assert refused.response.headers["Retry-After"] == "1"
    assert refused.response.data == {"ok": False, "error": "ratelimited"}
    await client.chat_postMessage(channel="C0GENERAL", text="other channels have their own budget")
    clock.advance(1.0)
    await client.chat_postMessage(channel=WEBINARS, text="after a second")
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [200, 200, 200, 429, 200, 200]


async def test_async_rate_limit_retry_handler_honours_retry_after(client, standin, clock, monkeypatch):
    """slack_sdk's handler sleeps Retry-After (+ jitter); the fake sleep moves the clock instead of waiting."""
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=fake_sleep))
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    for n in range(4):
        await client.chat_postMessage(channel=WEBINARS, text=f"post {n}")
    assert len(slept) == 1 and int(slept[0]) == 1
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [200, 200, 200, 429, 200]
    assert len(standin.messages(WEBINARS)) == 4


def test_pacing_can_be_turned_off(server, clock):
    server.app.state.standin = unpaced = SlackStandin(post_rate_per_channel=None, clock=clock)
    sync = WebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")
    for n in range(10):
        sync.chat_postMessage(channel=WEBINARS, text=str(n))
    assert len(unpaced.messages(WEBINARS)) == 10


# ------------------------------------------------------------------------------------------------ fault injection


async def test_rate_limit_next_and_fail_next(client, standin):
    standin.rate_limit_next("users.info", retry_after=7)
    limited = await slack_error(client.users_info(user="U0DIANE"))
    assert (limited.response.status_code, limited.response.headers["Retry-After"]) == (429, "7")
    standin.fail_next("users.info", error="fatal_error", status=500, count=2)
    for _ in range(2):
        failed = await slack_error(client.users_info(user="U0DIANE"))
        assert (failed.response.status_code, failed.response["error"]) == (500, "fatal_error")
    assert (await client.users_info(user="U0DIANE"))["ok"] is True


async def test_server_error_retry_handler_recovers_from_an_injected_500(client, standin):
    client.retry_handlers.append(
        AsyncServerErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0.01))
    )
    standin.fail_next("chat.postMessage")
    await client.chat_postMessage(channel=WEBINARS, text="eventually")
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [500, 200]


# ------------------------------------------------------------------------------------- update, delete, ephemeral


async def test_update_replaces_text_and_blocks_and_marks_edited(client, standin):
    posted = await client.chat_postMessage(channel=WEBINARS, text="Draft", blocks=[section("draft")])
    updated = await client.chat_update(
        channel=WEBINARS, ts=posted["ts"], text="Final", blocks=[section("final")]
    )
    assert updated["ts"] == posted["ts"] and updated["text"] == "Final"
    (message,) = standin.messages(WEBINARS)
    assert message["text"] == "Final" and message["blocks"][0]["text"]["text"] == "final"
    assert message["edited"]["user"] == BOT_USER_ID


async def test_update_errors(client, standin):
    posted = await client.chat_postMessage(channel=WEBINARS, text="Card")
    missing = await slack_error(client.chat_update(channel=WEBINARS, ts="1.000001", text="x"))
    bad = await slack_error(
        client.chat_update(channel=WEBINARS, ts=posted["ts"], text="x", blocks=[section("x" * 3001)])
    )
    assert missing.response["error"] == "message_not_found"
    assert bad.response["error"] == "invalid_blocks"
    assert standin.messages(WEBINARS)[0]["text"] == "Card"


async def test_delete(client, standin):
    posted = await client.chat_postMessage(channel=WEBINARS, text="Oops")
    deleted = await client.chat_delete(channel=WEBINARS, ts=posted["ts"])
    assert deleted["ts"] == posted["ts"] and standin.messages(WEBINARS) == []
    again = await slack_error(client.chat_delete(channel=WEBINARS, ts=posted["ts"]))
    assert again.response["error"] == "message_not_found"


async def test_post_ephemeral(client, standin):
    response = await client.chat_postEphemeral(channel=WEBINARS, user="U0DIANE", text="Only you")
    assert response["message_ts"]
    assert standin.ephemerals[0]["recipient"] == "U0DIANE" and standin.ephemerals[0]["text"] == "Only you"
    assert standin.messages(WEBINARS) == []
    outsider = await slack_error(client.chat_postEphemeral(channel=WEBINARS, user="U0MEGAN", text="x"))
    assert outsider.response["error"] == "user_not_in_channel"
    no_user = await slack_error(
        client.api_call("chat.postEphemeral", json={"channel": WEBINARS, "text": "x"})
    )
    assert no_user.response["error"] == "invalid_arguments"


# ------------------------------------------------------------------------------------------- scheduled messages


async def test_schedule_list_delete_and_delivery(client, standin, clock):
    now = int(clock())
    past = await slack_error(client.chat_scheduleMessage(channel=WEBINARS, post_at=now - 1, text="late"))
    assert past.response["error"] == "time_in_past"

    kept = await client.chat_scheduleMessage(channel=WEBINARS, post_at=now + 600, text="Starts in 10 minutes")
    dropped = await client.chat_scheduleMessage(channel=WEBINARS, post_at=now + 900, text="never")
    assert kept["scheduled_message_id"].startswith("Q") and kept["post_at"] == now + 600

    listed = await client.chat_scheduledMessages_list(channel=WEBINARS)
    assert [m["id"] for m in listed["scheduled_messages"]] == [
        kept["scheduled_message_id"],
        dropped["scheduled_message_id"],
    ]
    await client.chat_deleteScheduledMessage(
        channel=WEBINARS, scheduled_message_id=dropped["scheduled_message_id"]
    )
    gone = await slack_error(
        client.chat_deleteScheduledMessage(
            channel=WEBINARS, scheduled_message_id=dropped["scheduled_message_id"]
        )
    )
    assert gone.response["error"] == "invalid_scheduled_message_id"

    assert standin.messages(WEBINARS) == []
    clock.advance(600)
    assert [m["text"] for m in standin.messages(WEBINARS)] == ["Starts in 10 minutes"]
    assert (await client.chat_scheduledMessages_list())["scheduled_messages"] == []


# -------------------------------------------------------------------------------------------------------- views


async def test_views_open_returns_the_view_as_slack_does(client, standin):
    response = await client.views_open(
        trigger_id="12345.98765.abcd1234", view=modal(private_metadata='{"w":1}')
    )
    view = response["view"]
    assert view["id"].startswith("V") and view["hash"] and view["state"] == {"values": {}}
    assert (
        view["team_id"] == TEAM_ID and view["root_view_id"] == view["id"] and view["previous_view_id"] is None
    )
    assert view["private_metadata"] == '{"w":1}' and view["callback_id"] == "create"
    assert view["blocks"][0]["block_id"]
    assert standin.views[view["id"]] == view
    assert standin.view_stack(view["id"]) == [view["id"]]


async def test_a_trigger_id_works_once(client, standin):
    await client.views_open(trigger_id="12345.98765.abcd", view=modal())
    reused = await slack_error(client.views_open(trigger_id="12345.98765.abcd", view=modal()))
    assert reused.response["error"] == "exchanged_trigger_id"
    assert len(standin.views) == 1


async def test_expired_and_malformed_trigger_ids(client, standin, clock):
    standin.expire_trigger("111.111.xxx")
    assert await error_code(client.views_open(trigger_id="111.111.xxx", view=modal())) == "expired_trigger_id"
    assert (
        await error_code(client.views_open(trigger_id="not-a-trigger", view=modal())) == "invalid_trigger_id"
    )

    fresh, stale = standin.issue_trigger_id(), standin.issue_trigger_id()
    await client.views_open(trigger_id=fresh, view=modal())
    clock.advance(3.5)
    assert await error_code(client.views_open(trigger_id=stale, view=modal())) == "expired_trigger_id"


async def test_modal_without_title_is_invalid_arguments(client, standin):
    refused = await slack_error(client.views_open(trigger_id="1.2.abc", view=modal(title=None)))
    assert refused.response["error"] == "invalid_arguments"
    assert refused.response["response_metadata"]["messages"] == [
        "[ERROR] a modal needs a title [json-pointer:/view/title]"
    ]
    home_as_modal = await slack_error(client.views_open(trigger_id="1.2.abd", view=HOME))
    assert home_as_modal.response["error"] == "invalid_arguments"
    assert standin.views == {}


async def test_views_update_by_id_and_external_id_with_hash_checks(client, standin):
    opened = (
        await client.views_open(trigger_id="1.2.a", view=modal(title="Loading…", external_id="create-1"))
    )["view"]
    updated = (
        await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal(title="Ready"))
    )["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert standin.views[opened["id"]]["title"]["text"] == "Ready"

    stale = await slack_error(client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal()))
    assert stale.response["error"] == "hash_conflict"

    other = (await client.views_open(trigger_id="1.2.b", view=modal(external_id="other")))["view"]
    by_external = await client.views_update(external_id="other", view=modal(title="By external id"))
    assert by_external["view"]["id"] == other["id"]
    unknown = await slack_error(client.views_update(view_id="V0NOPE", view=modal()))
    assert unknown.response["error"] == "not_found"
    invalid = await slack_error(client.views_update(view_id=other["id"], view=modal(title=None)))
    assert invalid.response["error"] == "invalid_arguments"


async def test_views_push_stops_at_three_views(client, standin):
    root = (await client.views_open(trigger_id="1.1.a", view=modal(title="Root")))["view"]
    second = (
        await client.views_push(trigger_id=standin.issue_trigger_id(root["id"]), view=modal(title="Two"))
    )["view"]
    third = (await client.views_push(trigger_id="1.1.c", view=modal(title="Three")))["view"]
    assert (second["root_view_id"], second["previous_view_id"]) == (root["id"], root["id"])
    assert standin.view_stack(root["id"]) == [root["id"], second["id"], third["id"]]
    full = await slack_error(client.views_push(trigger_id="1.1.d", view=modal(title="Four")))
    assert full.response["error"] == "push_limit_reached"

    standin.close_view(third["id"])
    await client.views_push(trigger_id="1.1.e", view=modal(title="Three again"))
    assert len(standin.view_stack(root["id"])) == 3


async def test_views_publish_keeps_one_home_tab_per_user(client, standin):
    first = (await client.views_publish(user_id="U0DIANE", view=HOME))["view"]
    second = (await client.views_publish(user_id="U0DIANE", view=HOME, hash=first["hash"]))["view"]
    assert second["id"] == first["id"] and standin.home_views["U0DIANE"]["hash"] == second["hash"]
    assert standin.views == {}  # home tabs are kept apart from modals
    stale = await slack_error(client.views_publish(user_id="U0DIANE", view=HOME, hash=first["hash"]))
    assert stale.response["error"] == "hash_conflict"
    with_submit = {**HOME, "submit": {"type": "plain_text", "text": "Go"}}
    assert await error_code(client.views_publish(user_id="U0DIANE", view=with_submit)) == "invalid_arguments"
    assert await error_code(client.views_publish(user_id="U0NOBODY", view=HOME)) == "user_not_found"


async def test_views_update_reaches_a_home_tab_too(client, standin):
    published = (await client.views_publish(user_id="U0DIANE", view=HOME))["view"]
    await client.views_update(view_id=published["id"], view={"type": "home", "blocks": [section("New")]})
    assert standin.home_views["U0DIANE"]["blocks"][0]["text"]["text"] == "New"


# -------------------------------------------------------------------------------------------------------- users


async def test_users_info_fields(client):
    user = (await client.users_info(user="U0DIANE"))["user"]
    assert (user["id"], user["team_id"], user["name"], user["real_name"]) == (
        "U0DIANE",
        TEAM_ID,
        "diane",
        "Diane Demoss",
    )
    # 2024-11-19 (the ManualClock's start) is standard time in Los Angeles.
    assert (user["tz"], user["tz_label"], user["tz_offset"]) == (
        "America/Los_Angeles",
        "Pacific Standard Time",
        -8 * 3600,
    )
    assert user["is_bot"] is False and "locale" not in user
    assert user["profile"] == {
        **user["profile"],
        "email": "diane@contoso.example",
        "real_name": "Diane Demoss",
        "display_name": "Diane Demoss",
        "first_name": "Diane",
        "last_name": "Demoss",
    }
    with_locale = (await client.users_info(user="U0ALEX", include_locale=True))["user"]
    assert (with_locale["locale"], with_locale["tz_offset"], with_locale["tz_label"]) == (
        "ja-JP",
        9 * 3600,
        "Japan Standard Time",
    )


async def test_tz_offset_follows_the_clock_through_daylight_saving(server, client, clock):
    clock.advance(-clock() + 1_720_000_000)  # July 2024
    user = (await client.users_info(user="U0KENNETH"))["user"]
    assert (user["tz_offset"], user["tz_label"]) == (2 * 3600, "Central European Summer Time")


async def test_users_info_for_the_bot_and_unknown_users(client):
    assert (await client.users_info(user=BOT_USER_ID))["user"]["is_bot"] is True
    assert await error_code(client.users_info(user="U0NOBODY")) == "user_not_found"


async def test_users_lookup_by_email(client):
    user = (await client.users_lookupByEmail(email="Adele@Contoso.example"))["user"]
    assert user["id"] == "U0ADELE"
    missing = await slack_error(client.users_lookupByEmail(email="nobody@contoso.example"))
    assert missing.response["error"] == "users_not_found"


# ------------------------------------------------------------------------------------------------ conversations


async def test_conversations_open_gives_a_stable_dm_per_user(client, standin):
    first = await client.conversations_open(users=["U0DIANE"])
    again = await client.conversations_open(users="U0DIANE")
    assert first["channel"]["id"] == again["channel"]["id"] == "D0DIANE" == standin.dm_channel_id("U0DIANE")
    assert (first["already_open"], again["already_open"]) == (False, True)
    full = await client.conversations_open(users=["U0DIANE"], return_im=True)
    assert full["channel"]["is_im"] is True and full["channel"]["user"] == "U0DIANE"
    group = await client.conversations_open(users=["U0DIANE", "U0ADELE"])
    assert group["channel"]["id"].startswith("G")
    assert await error_code(client.conversations_open(users=["U0NOBODY"])) == "user_not_found"
    assert [c.args["users"] for c in standin.calls_to("conversations.open")][:2] == ["U0DIANE", "U0DIANE"]


async def test_conversations_info_and_members(client, standin):
    info = (await client.conversations_info(channel=WEBINARS, include_num_members=True))["channel"]
    assert (info["name"], info["is_channel"], info["is_private"], info["is_member"]) == (
        "webinars",
        True,
        False,
        True,
    )
    assert info["num_members"] == 4
    members = await client.conversations_members(channel=WEBINARS, limit=3)
    rest = await client.conversations_members(
        channel=WEBINARS, cursor=members["response_metadata"]["next_cursor"]
    )
    assert members["members"] + rest["members"] == ["U0DIANE", "U0KENNETH", "U0ADELE", BOT_USER_ID]
    assert rest["response_metadata"]["next_cursor"] == ""
    assert await error_code(client.conversations_info(channel="C0NOPE")) == "channel_not_found"


# -------------------------------------------------------------------------------------------------------- files


async def test_files_upload_v2_end_to_end(client, standin, server):
    response = await client.files_upload_v2(
        channel=WEBINARS,
        content=b"name,email\nDiane,diane@contoso.example\n",
        filename="registrants.csv",
        title="Registrants",
        initial_comment="Here is the list",
    )
    assert response["file"]["name"] == "registrants.csv" and response["file"]["title"] == "Registrants"
    (uploaded,) = standin.files
    assert uploaded.content == b"name,email\nDiane,diane@contoso.example\n"
    assert (uploaded.name, uploaded.channel, uploaded.initial_comment) == (
        "registrants.csv",
        WEBINARS,
        "Here is the list",
    )
    (message,) = standin.messages(WEBINARS)
    assert message["text"] == "Here is the list" and message["files"][0]["id"] == uploaded.id
    assert [c.method for c in standin.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert httpx.get(response["file"]["url_private"]).content == uploaded.content


def test_files_upload_v2_with_the_sync_client_in_a_thread(sync_client, standin):
    parent = sync_client.chat_postMessage(channel=WEBINARS, text="Report")
    sync_client.files_upload_v2(
        channel=WEBINARS, content="a,b\n", filename="report.csv", thread_ts=parent["ts"]
    )
    assert standin.files[0].thread_ts == parent["ts"]
    assert standin.messages(WEBINARS)[-1]["thread_ts"] == parent["ts"]


async def test_complete_upload_needs_the_bytes_first(client, standin):
    url = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert url["upload_url"].endswith(f"/upload/{url['file_id']}")
    refused = await slack_error(
        client.files_completeUploadExternal(files=[{"id": url["file_id"], "title": "a"}])
    )
    assert refused.response["error"] == "file_not_found"


# ---------------------------------------------------------------------------------------- sync client, waiting


def test_sync_client_form_and_get_requests(sync_client, standin):
    posted = sync_client.chat_postMessage(channel=WEBINARS, text="x")
    sync_client.chat_delete(channel=WEBINARS, ts=posted["ts"])  # form-encoded
    assert sync_client.users_info(user="U0MEGAN", include_locale=True)["user"]["locale"] == "en-US"  # GET
    assert standin.messages(WEBINARS) == []


def test_wait_for_returns_the_value_or_raises(standin, server):
    client = WebClient(token=BOT_TOKEN, base_url=f"{server.url}/api/")
    client.chat_postMessage(channel=WEBINARS, text="ready")
    assert standin.wait_for(lambda: standin.messages(WEBINARS))[0]["text"] == "ready"
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"chat\.postMessage:ok"):
        standin.wait_for(lambda: standin.messages("C0GENERAL"), timeout=0.05)
    assert time.monotonic() - started < 1


async def test_wait_for_async(client, standin):
    await client.chat_postMessage(channel=WEBINARS, text="ready")
    assert await standin.wait_for_async(lambda: standin.calls_to("chat.postMessage"))


# ------------------------------------------------------------------------------------------------------- Bolt


def signed_command(text: str, trigger_id: str) -> AsyncBoltRequest:
    body = urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": WEBINARS,
            "user_id": "U0DIANE",
            "command": "/webinar",
            "text": text,
            "trigger_id": trigger_id,
            "response_url": "https://hooks.invalid/commands/1",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    headers = {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-signature": [signature],
        "x-slack-request-timestamp": [timestamp],
    }
    return AsyncBoltRequest(body=body, headers=headers)


async def test_a_bolt_app_authorizes_and_opens_a_modal_against_the_standin(client, standin, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    app = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)

    async def open_modal(ack, body, client):
        await ack()
        await client.views_open(trigger_id=body["trigger_id"], view=modal())

    app.command("/webinar")(open_modal)
    response = await app.async_dispatch(signed_command("create", standin.issue_trigger_id()))
    assert response.status == 200
    assert [c.method for c in standin.calls] == ["auth.test", "views.open"]
    assert len(standin.views) == 1
