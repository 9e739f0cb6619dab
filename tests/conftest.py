"""Shared fixtures: the Slack stand-in over real HTTP, and settings for an app under test."""

from __future__ import annotations

import pytest

from bot.sandbox import directory
from bot.sandbox.graph_standin import GraphStandin
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import SlackStandin, create_slack_standin
from bot.sandbox.stack import sandbox_settings
from tests.sandbox.graph_contract import contract_problems


@pytest.fixture(autouse=True)
def no_slack_env(monkeypatch):
    """Bolt quietly reads SLACK_* variables; tests must only see what they pass."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def graph_exchanges_follow_the_contract(monkeypatch):
    """Whatever the app sends to the Graph stand-in in any test, and what comes back, must match Microsoft's
    OpenAPI description of Graph v1.0: checked after each test for every stand-in the test created."""
    created: list[GraphStandin] = []
    original = GraphStandin.__init__

    def tracked(self, *args, **kwargs):
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(GraphStandin, "__init__", tracked)
    yield
    problems = [problem for standin in created for problem in contract_problems(standin.requests, per_shape=3)]
    assert not problems, "\n".join(problems[:5])


@pytest.fixture(autouse=True)
def slack_accepts_everything_the_app_sends(request, monkeypatch):
    """No view or message the app sent in any test was refused as malformed (the stand-in validates Block Kit
    with slack_sdk models and answers invalid_blocks / invalid_arguments like Slack). The stand-in's own tests
    send malformed payloads on purpose."""
    if request.node.path.parent.name == "sandbox":
        yield
        return
    created: list[SlackStandin] = []
    original = SlackStandin.__init__

    def tracked(self, *args, **kwargs):
        original(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(SlackStandin, "__init__", tracked)
    yield
    refused = [f"{call.method}: {call.response.get('error')} {call.response.get('response_metadata', '')}"
               for standin in created for call in standin.calls
               if call.response.get("error") in ("invalid_blocks", "invalid_arguments", "invalid_blocks_format")]
    assert not refused, "\n".join(refused[:5])


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
