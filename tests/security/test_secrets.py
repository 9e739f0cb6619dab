"""Secrets stay secret: stored tokens are encrypted (nothing readable in the database file or its WAL), logs of a
whole scenario with a real msal sign-in carry none of them, and an OAuth state works once, for its own user."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import httpx
import pytest

from bot.graph.cipher import fernet_key
from bot.logs import OneLineFormatter
from bot.sandbox import directory
from bot.sandbox.identity_standin import (
    CLIENT_SECRET,
    IdentityStandin,
    create_identity_standin,
    sign_in_answer,
)
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.stack import SandboxStack
from storage import open_database, subscriptions, users
from tests.e2e.test_follow_flow import create_published_webinar, feed, follow, register

ADELE = directory.person_by_slack_id("U0ADELE")
MEGAN = directory.person_by_slack_id("U0MEGAN")
SIGNING_IN = (ADELE, MEGAN, directory.ORGANIZER)   # the organizer's delegated token follows the webinar


@pytest.fixture(scope="module")
def logs():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture(scope="module")
def identity():
    standin = IdentityStandin()
    with BackgroundServer(create_identity_standin(standin)) as server:
        yield standin, server


@pytest.fixture(scope="module")
def stack(identity, logs):
    with SandboxStack(ms_authority_host=identity[1].url) as running:
        yield running


def slash_answer(stack, text: str, user: str) -> dict:
    seen = len(stack.slack.responses)
    assert stack.slash(text, user=user).status_code == 200
    return stack.slack.wait_for(lambda: len(stack.slack.responses) > seen and stack.slack.responses[-1], 10)


def sign_in_url(stack, user: str) -> str:
    answer = slash_answer(stack, "login", user)
    return next(e["url"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"] if "url" in e)


@pytest.fixture(scope="module")
def scenario(stack, identity):
    """Adele, Megan and Diane sign in through msal; Adele then uses her delegated token, Diane follows a webinar
    that gets a registration. Returns every secret that went over the wire."""
    standin, _ = identity
    codes = []
    with httpx.Client(timeout=10) as browser:
        for person in SIGNING_IN:
            action, fields = sign_in_answer(sign_in_url(stack, person.slack_id), browser)
            codes.append(fields["code"])
            assert browser.post(action, data=fields).status_code == 200
    assert "Signed in as" in slash_answer(stack, "whoami", ADELE.slack_id)["text"]  # a silent token use
    webinar_id = create_published_webinar(stack, "Secrets")
    follow(stack, webinar_id)
    register(stack, webinar_id, "Alex", "Wilber", "alex@contoso.example")
    stack.slack.wait_for(lambda: feed(stack), 10)
    db = open_database(stack.db_path)
    states = [s["client_state"] for s in subscriptions.subscriptions_for(db, webinar_id)]
    refresh = [t for p in SIGNING_IN for t in standin.refresh_tokens_of(p.entra_id)]
    assert refresh and codes and states
    return {
        "auth codes": codes, "refresh tokens": refresh, "clientStates": states,
        "access tokens": [directory.user_token(p.entra_id) for p in SIGNING_IN],
        "client secret": [CLIENT_SECRET], "secret key": [stack.settings.secret_key],
        "fernet key": [fernet_key(stack.settings.secret_key).decode()],
        "signing secret": [directory.SIGNING_SECRET], "bot token": [directory.BOT_TOKEN],
    }


def test_the_database_file_and_its_wal_hold_no_token(stack, scenario):
    files = [Path(stack.db_path + suffix) for suffix in ("", "-wal", "-shm")]
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    assert users.get_link(open_database(stack.db_path), ADELE.slack_id)["token_cache"]
    for kind in ("refresh tokens", "access tokens", "auth codes", "client secret", "fernet key", "secret key"):
        for secret in scenario[kind]:
            assert secret.encode() not in raw, kind


def test_logs_of_the_whole_scenario_hold_no_secret(scenario, logs):
    text = logs.getvalue()
    assert "sign-in" in text.lower() or "webinar-bot is up" in text   # the scenario did log
    for kind, secrets in scenario.items():
        for secret in secrets:
            assert secret not in text, kind


def test_a_state_issued_to_one_user_cannot_complete_another_user_s_sign_in(stack):
    """Megan's answer from Microsoft (her code) posted with Adele's state: the PKCE verifier kept for Adele's state
    does not fit Megan's code, so nothing is linked, and Adele's state is spent."""
    db = open_database(stack.db_path)
    with httpx.Client(timeout=10) as browser:
        adele_action, adele = sign_in_answer(sign_in_url(stack, ADELE.slack_id), browser)
        _, megan = sign_in_answer(sign_in_url(stack, MEGAN.slack_id), browser)
        before = users.get_link(db, ADELE.slack_id)
        crossed = browser.post(adele_action, data={**megan, "state": adele["state"]})
        assert crossed.status_code == 400
        assert users.get_link(db, ADELE.slack_id) == before
        # the state was used up by the failed attempt: single use, whatever the outcome
        assert browser.post(adele_action, data=adele).status_code == 400
        assert users.get_link(db, ADELE.slack_id) == before


def test_a_state_is_useless_after_a_successful_sign_in(stack):
    with httpx.Client(timeout=10) as browser:
        action, fields = sign_in_answer(sign_in_url(stack, ADELE.slack_id), browser)
        assert browser.post(action, data=fields).status_code == 200
        assert browser.post(action, data=fields).status_code == 400
        assert browser.post(action, data={"state": fields["state"], "code": "another"}).status_code == 400
