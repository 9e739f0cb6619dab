"""Microsoft sign-in through the real HTTP stack: `/webinar login` (signed), the identity stand-in, `/auth/callback`."""

from __future__ import annotations

import httpx
import pytest

from bot.graph.cipher import Cipher, InvalidToken
from bot.sandbox import directory
from bot.sandbox.identity_standin import IdentityStandin, create_identity_standin, sign_in_answer
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import SandboxStack
from bot.services import signin
from bot.ui.validate import validate_message
from storage import audit, open_database, users

ADELE = directory.person_by_slack_id("U0ADELE")
MEGAN = directory.person_by_slack_id("U0MEGAN")
WEBINAR_ID = "a57082a9-7629-4f74-8da0-8d621aab4d2d@4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"


@pytest.fixture(scope="module")
def idp():
    with BackgroundServer(create_identity_standin()) as server:
        yield server


@pytest.fixture(scope="module")
def stack(idp):
    with SandboxStack(ms_authority_host=idp.url) as running:
        yield running


@pytest.fixture
def identity(idp, stack):
    """A fresh identity tenant per test behind the shared server; Adele back to linked-but-never-signed-in."""
    idp.app.state.identity = fresh = IdentityStandin()
    db = open_database(stack.db_path)
    users.save_link(db, ADELE.slack_id, ADELE.entra_id, ADELE.email)
    db.close()
    return fresh


@pytest.fixture
def browser(identity):
    with httpx.Client(timeout=10) as http:
        yield http


@pytest.fixture
def db(stack):
    connection = open_database(stack.db_path)
    yield connection
    connection.close()


def slash(stack, text: str, user: str = ADELE.slack_id) -> dict:
    """Send `/webinar <text>` and return the answer posted to the response_url."""
    seen = len(stack.slack.responses)
    assert stack.slash(text, user=user).status_code == 200
    return stack.slack.wait_for(lambda: len(stack.slack.responses) > seen and stack.slack.responses, 10)[-1]


def button_url(message: dict) -> str:
    validate_message({"channel": "C0WEBINARS", **{k: message[k] for k in ("text", "blocks")}})
    (button,) = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "auth-sign-in"
    return button["url"]


def login_answer(stack, browser, user: str = ADELE.slack_id) -> tuple[str, dict]:
    """`/webinar login`, then the browser at Microsoft: (callback URL, the fields Microsoft posts there)."""
    return sign_in_answer(button_url(slash(stack, "login", user)), browser)


def test_sign_in_links_the_account_and_dms_the_user(stack, browser, db):
    action, fields = login_answer(stack, browser)
    assert action == f"{stack.app_url}/auth/callback"
    page = browser.post(action, data=fields)
    assert page.status_code == 200 and "You&#x27;re signed in" in page.text
    assert "adele@contoso.example" in page.text and page.headers["cache-control"] == "no-store"

    link = users.get_link(db, ADELE.slack_id)
    assert (link["entra_user_id"], link["upn"]) == (ADELE.entra_id, ADELE.email) and link["token_cache"]
    dm = stack.slack.wait_for(lambda: stack.slack.messages(ADELE.slack_id), 10)
    assert dm[-1]["text"] == "Signed in as adele@contoso.example"
    assert any(e["action"] == "signin" and e["actor"] == ADELE.slack_id for e in audit.entries(db))
    assert "Signed in as *adele@contoso.example*" in slash(stack, "whoami")["text"]


def test_a_replayed_callback_changes_nothing(stack, browser, db):
    action, fields = login_answer(stack, browser)
    assert browser.post(action, data=fields).status_code == 200
    stored = users.get_link(db, ADELE.slack_id)["token_cache"]
    replay = browser.post(action, data=fields)
    assert replay.status_code == 400 and "isn&#x27;t valid" in replay.text
    assert users.get_link(db, ADELE.slack_id)["token_cache"] == stored


def test_a_state_that_was_never_issued_is_rejected(stack, browser, db):
    action, fields = login_answer(stack, browser)
    forged = browser.post(action, data={**fields, "state": fields["state"] + "x"})
    assert forged.status_code == 400
    assert not users.get_link(db, ADELE.slack_id)["token_cache"]
    assert browser.post(action, data=fields).status_code == 200  # the genuine answer still works, once


def test_an_expired_link_is_rejected(stack, browser, db, monkeypatch):
    action, fields = login_answer(stack, browser)
    later = signin.clock() + signin.FLOW_LIFETIME + 1
    monkeypatch.setattr(signin, "clock", lambda: later)
    page = browser.post(action, data=fields)
    assert page.status_code == 400 and "expired" in page.text
    assert not users.get_link(db, ADELE.slack_id)["token_cache"]


def test_access_denied_gets_a_friendly_page(stack, browser, identity, db):
    identity.decline_next()
    action, fields = login_answer(stack, browser)
    assert fields["error"] == "access_denied"
    page = browser.post(action, data=fields)
    assert page.status_code == 400 and "Sign-in cancelled" in page.text and "AADSTS65004" not in page.text
    assert any(e["action"] == "signin-declined" for e in audit.entries(db))


def test_the_callback_never_echoes_what_it_was_sent(stack, browser):
    page = browser.get(f"{stack.app_url}/auth/callback",
                       params={"state": "<script>alert(1)</script>", "error": "<img src=x onerror=alert(1)>",
                               "error_description": "<b>AADSTS1</b>"})
    assert page.status_code == 400
    assert "<script" not in page.text and "<img" not in page.text and "<b>" not in page.text


def test_a_forwarded_link_cannot_link_someone_elses_account(stack, browser, db):
    """Adele's link opened by Megan: Megan's Microsoft account must not become Adele's."""
    url = button_url(slash(stack, "login")).replace("adele%40contoso.example", "megan%40contoso.example")
    action, fields = sign_in_answer(url, browser)
    page = browser.post(action, data=fields)
    assert page.status_code == 400 and "different account" in page.text
    assert users.get_link(db, ADELE.slack_id)["entra_user_id"] == ADELE.entra_id


def test_token_caches_are_unreadable_without_the_key(stack, browser, identity, db):
    action, fields = login_answer(stack, browser)
    browser.post(action, data=fields)
    raw = users.get_link(db, ADELE.slack_id)["token_cache"]
    for secret in identity.refresh_tokens_of(ADELE.entra_id) + [directory.user_token(ADELE.entra_id)]:
        assert secret.encode() not in raw
    with pytest.raises(InvalidToken):
        Cipher("some other key").decrypt(raw)
    assert directory.user_token(ADELE.entra_id).encode() in Cipher(stack.settings.secret_key).decrypt(raw)


def test_a_revoked_sign_in_answers_with_a_sign_in_button(stack, browser, identity):
    identity.access_token_lifetime = 60  # every use refreshes, so the revocation is noticed at once
    action, fields = login_answer(stack, browser)
    browser.post(action, data=fields)
    identity.revoke(ADELE.entra_id)
    answer = slash(stack, f"follow {WEBINAR_ID}")  # needs Adele's delegated token to look the webinar up
    assert "sign in" in answer["text"].lower()
    assert button_url(answer).startswith(stack.settings.ms_authority_host)
