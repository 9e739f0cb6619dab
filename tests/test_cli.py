"""The command line: refuses to serve without settings, and `sync` / `export` work against the sandbox."""

from __future__ import annotations

import csv
import io

from bot.cli import main
from bot.data_commands import run_data_command
from bot.sandbox.stack import SandboxStack
from tests.e2e.test_follow_flow import create_published_webinar, follow, register


def test_serve_without_settings_names_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for var in ("MS_TENANT_ID", "MS_CLIENT_ID", "MS_CLIENT_SECRET", "PUBLIC_URL", "WEBINAR_BOT_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_BOT_TOKEN" in err and "MS_CLIENT_SECRET" in err and "webinar-bot demo" in err


def test_bad_setting_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GRAPH_NOTIFICATIONS", "carrier-pigeon")
    assert main(["serve"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "webinar-bot: GRAPH_NOTIFICATIONS must be one of webhook, poll, not 'carrier-pigeon'"]


class Args:
    def __init__(self, command, webinar, out=None):
        self.command, self.webinar, self.out = command, webinar, out


def test_sync_and_export_against_the_sandbox(tmp_path):
    with SandboxStack() as stack:
        webinar_id = create_published_webinar(stack, "CLI")
        follow(stack, webinar_id, extra="registrations")
        stack.stop_app()  # the CLI works on the same database while the server is down
        register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
        lines = []
        assert run_data_command(stack.settings, Args("sync", "w1"), lines.append) == 0
        assert lines == ["w1 CLI: 1 registered; 1 channel post(s) queued"]
        out = tmp_path / "r.csv"
        assert run_data_command(stack.settings, Args("export", webinar_id, str(out)), lines.append) == 0
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
        assert [(r["email"], r["status"]) for r in rows] == [("adele@contoso.example", "registered")]
        assert run_data_command(stack.settings, Args("sync", "w9"), lines.append) == 1
        assert "can't find a webinar called `w9`" in lines[-1]
