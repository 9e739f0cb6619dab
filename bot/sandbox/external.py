"""webinar-bot in a child process (`webinar-bot serve`), against stand-ins served by the calling process.

The reliability tests need a process they can `kill -9`: `SandboxStack` runs the app on a thread of the test
process, where a hard kill would take the test with it. `ExternalStack` starts the Graph, Slack and identity
stand-ins on threads here, and the app as `python -m bot.cli serve`, configured only through the environment
variables of the contract (ARCHITECTURE.md), exactly as an operator would: real msal against the identity stand-in,
real HTTP everywhere. `kill()` and `start_app()` restart it on the same port and database.

>>> with ExternalStack() as stack:
...     stack.sign_in(directory.ORGANIZER.slack_id)
...     stack.slash("follow ...", user=directory.ORGANIZER.slack_id)
...     stack.kill(); stack.start_app()

The child's output (one-line logs) goes to `stack.log_path`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bot.sandbox import slack_requests
from bot.sandbox.graph_standin import GraphStandin, create_graph_standin
from bot.sandbox.identity_standin import CLIENT_ID, CLIENT_SECRET, create_identity_standin, follow_sign_in
from bot.sandbox.serve import BackgroundServer
from bot.sandbox.slack_standin import SlackStandin, create_slack_standin
from bot.sandbox.stack import link_sandbox_people, sandbox_settings

SECRET_KEY = "external-sandbox-secret-key-0123456789"   # a passphrase, as an operator might set


def free_port() -> int:
    """A port nobody listens on now; the child binds it (and binds it again after a kill)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ExternalStack:
    """Stand-ins on threads of this process, webinar-bot in a child process. Attributes mirror `SandboxStack`."""

    def __init__(self, folder: str | None = None, *, log_level: str = "INFO", extra_env: dict | None = None):
        self._tmp = None if folder else tempfile.TemporaryDirectory(prefix="webinar-bot-ext-")
        self.folder = Path(folder or self._tmp.name)
        self.db_path = str(self.folder / "webinar-bot.db")
        self.log_path = self.folder / "app.log"
        self.graph = GraphStandin()
        self.slack = SlackStandin()
        self.graph_server = BackgroundServer(create_graph_standin(self.graph))
        self.slack_server = BackgroundServer(create_slack_standin(self.slack))
        self.identity_server = BackgroundServer(create_identity_standin())
        self.app_port = free_port()
        self.log_level = log_level
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.settings = None
        self.restarts = 0

    # ---- life cycle ----------------------------------------------------------------------------------------------

    def start(self) -> ExternalStack:
        for server in (self.graph_server, self.slack_server, self.identity_server):
            server.start()
        self.settings = sandbox_settings(self.graph_server.url, self.slack_server.url, self.app_url, self.db_path,
                                         ms_authority_host=self.identity_server.url, ms_client_id=CLIENT_ID,
                                         ms_client_secret=CLIENT_SECRET, secret_key=SECRET_KEY, sandbox=False)
        self.start_app()
        return self

    def environment(self) -> dict[str, str]:
        """What `serve` is given: the contract's variables only (plus PATH & co. inherited for Python itself)."""
        s = self.settings
        return {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MS_", "WEBINAR_BOT_"))},
                "SLACK_BOT_TOKEN": s.slack_bot_token, "SLACK_SIGNING_SECRET": s.slack_signing_secret,
                "SLACK_API_URL": s.slack_api_url, "MS_TENANT_ID": s.ms_tenant_id, "MS_CLIENT_ID": s.ms_client_id,
                "MS_CLIENT_SECRET": s.ms_client_secret, "MS_AUTHORITY_HOST": s.ms_authority_host,
                "GRAPH_API_URL": s.graph_api_url, "PUBLIC_URL": s.public_url, "WEBINAR_BOT_DB": s.db_path,
                "WEBINAR_BOT_SECRET_KEY": s.secret_key, "GRAPH_NOTIFICATIONS": "webhook",
                "LOG_LEVEL": self.log_level, "PYTHONPATH": _source_root(), **self.extra_env}

    def start_app(self, timeout: float = 30.0) -> None:
        """Start `webinar-bot serve` on `app_port` and wait until `/healthz` answers 200."""
        link_sandbox_people(self.db_path)   # Slack ids <-> Entra ids (no tokens: those come from a real sign-in)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.app_port)],
                env=self.environment(), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"webinar-bot exited with {self.process.returncode}: {self.log_tail()}")
            try:
                if httpx.get(f"{self.app_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"webinar-bot did not become healthy: {self.log_tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """`kill -9`: no shutdown handlers, no flushing, whatever was in flight is cut."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.restarts += 1

    def stop_app(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def stop(self) -> None:
        self.stop_app()
        for server in (self.identity_server, self.slack_server, self.graph_server):
            server.stop()
        if self._tmp:
            self._tmp.cleanup()

    def __enter__(self) -> ExternalStack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    # ---- talking to it -------------------------------------------------------------------------------------------

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"

    @property
    def graph_url(self) -> str:
        return f"{self.graph_server.url}/v1.0"

    def response_url(self) -> str:
        return f"{self.slack_server.url}/response/{time.time_ns()}"

    def slash(self, text: str, *, user: str, channel: str = "C0WEBINARS") -> httpx.Response:
        body = slack_requests.slash_command(text, user=user, channel=channel, response_url=self.response_url(),
                                            command=self.settings.slack_command)
        return httpx.post(f"{self.app_url}/slack/events", content=body,
                          headers=slack_requests.signed_headers(body), timeout=30)

    def sign_in(self, slack_user: str, timeout: float = 20.0) -> None:
        """`/webinar login`, then the browser's part at the identity stand-in and back to `/auth/callback`."""
        seen = len(self.slack.responses)
        assert self.slash("login", user=slack_user).status_code == 200
        answer = self.slack.wait_for(lambda: len(self.slack.responses) > seen and self.slack.responses[-1], timeout)
        url = next(e["url"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"] if "url" in e)
        with httpx.Client(timeout=timeout) as browser:
            page = follow_sign_in(url, browser)
        if page.status_code != 200:
            raise RuntimeError(f"sign-in of {slack_user} failed: {page.status_code} {page.text[:300]}")
        self.slack.wait_for(lambda: any("Signed in" in m.get("text", "") for m in self.slack.messages(slack_user)),
                            timeout)


def _source_root() -> str:
    """The checkout this module comes from, so the child imports the same code (installed or not)."""
    return str(Path(__file__).resolve().parents[2])
