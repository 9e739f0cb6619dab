"""Shared fixtures: the Slack stand-in over real HTTP, and settings for an app under test."""

from __future__ import annotations

import pytest

from bot.sandbox import directory
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import SlackStandin, create_slack_standin
from bot.sandbox.stack import sandbox_settings


@pytest.fixture(autouse=True)
def no_slack_env(monkeypatch):
    """Bolt quietly reads SLACK_* variables; tests must only see what they pass."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def slack_server():
    with BackgroundServer(create_slack_standin(SlackStandin())) as server:
        yield server


@pytest.fixture
def slack(slack_server) -> SlackStandin:
    """A fresh stand-in per test behind the shared server."""
    standin = SlackStandin()
    slack_server.app.state.standin = standin
    return standin


@pytest.fixture
def settings(tmp_path, slack_server):
    """Settings for an app whose Slack is the stand-in; Graph points nowhere (tests that need it use the stack)."""
    return sandbox_settings("http://127.0.0.1:9", slack_server.url, "http://127.0.0.1:8", str(tmp_path / "t.db"),
                            graph_notifications="webhook")


@pytest.fixture
def signing_secret() -> str:
    return directory.SIGNING_SECRET
