"""The whole sandbox: Graph and Slack stand-ins plus webinar-bot itself, each on its own 127.0.0.1 port.

`serve --sandbox`, `demo` and the end-to-end tests all start this, so they exercise the real HTTP stack:
Slack requests are signed, Graph subscriptions are validated and notifications are real POSTs.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx

from bot.app import create_app
from bot.config import Settings
from bot.sandbox import directory, slack_requests
from bot.sandbox.graph_standin import GraphStandin, create_graph_standin
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import SlackStandin, create_slack_standin
from storage import open_database, users


def sandbox_settings(graph_url: str, slack_url: str, public_url: str, db_path: str, **overrides) -> Settings:
    values = dict(
        slack_bot_token=directory.BOT_TOKEN, slack_signing_secret=directory.SIGNING_SECRET,
        slack_api_url=f"{slack_url}/api/", ms_tenant_id=directory.TENANT_ID, ms_client_id="sandbox-client",
        ms_client_secret="sandbox-client-secret", graph_api_url=f"{graph_url}/v1.0", public_url=public_url,
        db_path=db_path, secret_key="sandbox-secret-key", sandbox=True,
    )
    values.update(overrides)
    return Settings(**values)


def link_sandbox_people(db_path: str) -> None:
    """In the sandbox everyone has already signed in to Microsoft: their Slack ids map to Entra ids."""
    db = open_database(db_path)
    for person in directory.PEOPLE:
        users.save_link(db, person.slack_id, person.entra_id, person.email)
    db.close()


class SandboxStack:
    """Start with `with SandboxStack() as stack:`; `stack.app_url`, `stack.graph`, `stack.slack` are then live."""

    def __init__(self, db_path: str | None = None, *, app_port: int = 0, graph_page_size: int = 100,
                 app_options: dict | None = None, **settings_overrides):
        """`app_options` go to `create_app` (e.g. poll_interval); other keywords override Settings fields."""
        self._tmp = None
        if db_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="webinar-bot-")
            db_path = str(Path(self._tmp.name) / "webinar-bot.db")
        self.db_path = db_path
        self.graph = GraphStandin(page_size=graph_page_size)
        self.slack = SlackStandin()
        self.graph_server = BackgroundServer(create_graph_standin(self.graph))
        self.slack_server = BackgroundServer(create_slack_standin(self.slack))
        self.app_server: BackgroundServer | None = None
        self.app_port = app_port
        self.settings_overrides = settings_overrides
        self.app_options = app_options or {}
        self.settings: Settings | None = None

    def start(self) -> SandboxStack:
        self.graph_server.start()
        self.slack_server.start()
        self.start_app()
        return self

    def start_app(self) -> None:
        """(Re)start webinar-bot alone, on the same port: restarts in tests keep the stand-ins' state."""
        server = BackgroundServer(port=self.app_port)
        self.app_port = server.port
        public_url = f"http://127.0.0.1:{server.port}"
        self.settings = sandbox_settings(self.graph_server.url, self.slack_server.url, public_url, self.db_path,
                                         **self.settings_overrides)
        link_sandbox_people(self.db_path)
        server.app = create_app(self.settings, **self.app_options)
        self.app_server = server.start()

    def stop_app(self) -> None:
        if self.app_server:
            self.app_server.stop()
            self.app_server = None

    def stop(self) -> None:
        self.stop_app()
        self.slack_server.stop()
        self.graph_server.stop()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> SandboxStack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def app_url(self) -> str:
        return self.app_server.url

    @property
    def graph_url(self) -> str:
        return f"{self.graph_server.url}/v1.0"

    @property
    def runtime(self):
        return self.app_server.app.state.runtime

    def response_url(self) -> str:
        return f"{self.slack_server.url}/response/{time.time_ns()}"

    def slash(self, text: str, *, user: str, channel: str = "C0WEBINARS") -> httpx.Response:
        """Send `/webinar <text>` from a sandbox person, signed, through the app's real endpoint."""
        body = slack_requests.slash_command(text, user=user, channel=channel, response_url=self.response_url(),
                                            command=self.settings.slack_command)
        return httpx.post(f"{self.app_url}/slack/events", content=body,
                          headers=slack_requests.signed_headers(body), timeout=10)
