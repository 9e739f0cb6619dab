"""`/webinar login | logout | whoami` through the signed slash-command endpoint, and sign-in answers in safety."""

from __future__ import annotations

import httpx
import pytest

from bot.graph.tokens import SignInRequired
from bot.sandbox import directory
from bot.sandbox.identity_standin import IdentityStandin, create_identity_standin, follow_sign_in
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import SandboxStack
from bot.ui.validate import validate_message
from commands.safety import user_errors
from storage import audit, open_database, users

DIANE = directory.ORGANIZER


@pytest.fixture
def sandbox():
    """The plain sandbox: no identity provider, everyone already signed in."""
    with SandboxStack() as running:
        yield running


@pytest.fixture
def msal_stack():
    with BackgroundServer(create_identity_standin(IdentityStandin())) as idp, \
            SandboxStack(ms_authority_host=idp.url) as running:
        yield running


def slash(stack, text: str, user: str = DIANE.slack_id) -> dict:
    seen = len(stack.slack.responses)
    assert stack.slash(text, user=user).status_code == 200
    answer = stack.slack.wait_for(lambda: len(stack.slack.responses) > seen and stack.slack.responses, 10)[-1]
    validate_message({"channel": "C0WEBINARS", **{k: v for k, v in answer.items() if k in ("text", "blocks")}})
    assert answer["response_type"] == "ephemeral"
    return answer


def buttons(answer: dict) -> list[dict]:
    return [e for b in answer.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def test_whoami_shows_the_upn(sandbox):
    assert slash(sandbox, "whoami")["text"] == ":white_check_mark: Signed in as *diane@contoso.example*."


def test_logout_removes_the_link(sandbox):
    answer = slash(sandbox, "logout")
    assert "Signed out" in answer["text"] and "diane@contoso.example" in answer["text"]
    db = open_database(sandbox.db_path)
    assert users.get_link(db, DIANE.slack_id) is None
    assert any(e["action"] == "signout" for e in audit.entries(db))
    assert "not signed in" in slash(sandbox, "whoami")["text"]
    assert "weren't signed in" in slash(sandbox, "logout")["text"]


def test_login_in_the_plain_sandbox_says_who_you_are(sandbox):
    answer = slash(sandbox, "login")
    assert "diane@contoso.example" in answer["text"] and not buttons(answer)


def test_login_offers_a_switch_when_already_signed_in(msal_stack):
    with httpx.Client(timeout=10) as browser:
        (first,) = buttons(slash(msal_stack, "login"))
        assert follow_sign_in(first["url"], browser).status_code == 200
    again = slash(msal_stack, "login")
    (switch,) = buttons(again)
    assert switch["text"]["text"] == "Switch account" and switch["url"].startswith(msal_stack.settings.ms_authority_host)
    assert "Signed in as *diane@contoso.example*" in again["text"]


def test_logout_deletes_the_token_cache(msal_stack):
    with httpx.Client(timeout=10) as browser:
        (button,) = buttons(slash(msal_stack, "login"))
        follow_sign_in(button["url"], browser)
    db = open_database(msal_stack.db_path)
    assert users.get_link(db, DIANE.slack_id)["token_cache"]
    slash(msal_stack, "logout")
    assert users.get_link(db, DIANE.slack_id) is None
    assert "not signed in" in slash(msal_stack, "whoami")["text"]


async def test_someone_elses_missing_sign_in_is_explained_without_a_button():
    said = []

    async def respond(**message):
        said.append(message)

    async with user_errors(respond, runtime=None, slack_user="U0KENNETH"):
        raise SignInRequired(DIANE.slack_id)
    async with user_errors(respond):  # the old call shape still works
        raise SignInRequired(DIANE.slack_id)
    assert "<@U0DIANE>" in said[0]["text"] and "blocks" not in said[0]
    assert "/webinar login" in said[1]["text"] and "blocks" not in said[1]
