"""Both Slack manifests agree with the app: command name and grammar, endpoints, events, scopes."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from bot.app import create_app
from bot.config import Settings
from bot.ui.help import NAMES

ROOT = Path(__file__).parents[1]


def load(name):
    return yaml.safe_load((ROOT / name).read_text())


@pytest.fixture(scope="module")
def app_paths(tmp_path_factory):
    db = tmp_path_factory.mktemp("m") / "m.db"
    app = create_app(Settings(db_path=str(db), slack_signing_secret="s", slack_bot_token="xoxb-x"),
                     start_workers=False)
    return {route.path for route in app.routes}


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest.socket.yaml"])
def test_command_matches_grammar(name):
    manifest = load(name)
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == Settings().slack_command
    assert command["should_escape"] is True  # the parser reads channels as <#C..|name>
    hinted = set(re.findall(r"(?:^|\| )([a-z]+)", command["usage_hint"]))
    assert hinted and hinted <= NAMES
    assert len(command["description"]) <= 100 and len(command["usage_hint"]) <= 100


def test_http_manifest_points_every_url_at_served_endpoints(app_paths):
    manifest = load("manifest.yaml")
    urls = [manifest["features"]["slash_commands"][0]["url"], manifest["settings"]["interactivity"]["request_url"],
            manifest["settings"]["event_subscriptions"]["request_url"]]
    assert {urlparse(u).scheme for u in urls} == {"https"}
    assert {urlparse(u).path for u in urls} == {"/slack/events"} <= app_paths
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_socket_manifest_has_no_request_urls():
    manifest = load("manifest.socket.yaml")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "request_url" not in manifest["settings"]["interactivity"]


@pytest.mark.parametrize("name", ["manifest.yaml", "manifest.socket.yaml"])
def test_events_and_scopes_cover_what_the_app_uses(name, app_paths):
    manifest = load(name)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:write", "users:read", "users:read.email", "files:write"} <= scopes
    assert {"/graph/notifications", "/graph/lifecycle", "/auth/callback", "/healthz"} <= app_paths
