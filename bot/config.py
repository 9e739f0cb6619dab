"""Typed settings from the environment and a `.env` file, checked once at start-up.

Every variable of the contract table (../shared/design/ARCHITECTURE.md) has a field here. A bad value stops
start-up with one line that names the variable, so an operator never has to read a stack trace.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
NOTIFICATION_MODES = ("webhook", "poll")


class ConfigError(ValueError):
    """A setting is missing or invalid; ``str(error)`` is the one line to show."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_url: str = "https://slack.com/api/"
    slack_command: str = "/webinar"
    ms_tenant_id: str = ""
    ms_client_id: str = ""
    ms_client_secret: str = field(default="", repr=False)
    ms_authority_host: str = "https://login.microsoftonline.com"
    graph_api_url: str = "https://graph.microsoft.com/v1.0"
    public_url: str = ""
    graph_notifications: str = "webhook"
    db_path: str = "./webinar-bot.db"
    secret_key: str = field(default="", repr=False)
    smtp_url: str = field(default="", repr=False)
    log_level: str = "INFO"
    sandbox: bool = False

    @property
    def notification_url(self) -> str:
        return self.public_url.rstrip("/") + "/graph/notifications"

    @property
    def lifecycle_url(self) -> str:
        return self.public_url.rstrip("/") + "/graph/lifecycle"

    @property
    def auth_redirect_url(self) -> str:
        return self.public_url.rstrip("/") + "/auth/callback"

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)


# variable name -> field name
ENV_FIELDS = {
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_API_URL": "slack_api_url",
    "SLACK_COMMAND": "slack_command",
    "MS_TENANT_ID": "ms_tenant_id",
    "MS_CLIENT_ID": "ms_client_id",
    "MS_CLIENT_SECRET": "ms_client_secret",
    "MS_AUTHORITY_HOST": "ms_authority_host",
    "GRAPH_API_URL": "graph_api_url",
    "PUBLIC_URL": "public_url",
    "GRAPH_NOTIFICATIONS": "graph_notifications",
    "WEBINAR_BOT_DB": "db_path",
    "WEBINAR_BOT_SECRET_KEY": "secret_key",
    "SMTP_URL": "smtp_url",
    "LOG_LEVEL": "log_level",
}


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; comments, blank lines, `export ` prefixes and surrounding quotes are allowed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def load_settings(environ: dict[str, str] | None = None, dotenv: Path | None = Path(".env"),
                  *, sandbox: bool = False) -> Settings:
    """Settings from `.env` overlaid by the process environment (the environment wins), then validated."""
    merged = read_dotenv(dotenv) if dotenv else {}
    merged.update(os.environ if environ is None else environ)
    values = {name: merged[var].strip() for var, name in ENV_FIELDS.items() if merged.get(var, "").strip()}
    settings = Settings(sandbox=sandbox, **values)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Raise ConfigError naming the first bad variable."""
    _check_url("SLACK_API_URL", settings.slack_api_url)
    _check_url("MS_AUTHORITY_HOST", settings.ms_authority_host)
    _check_url("GRAPH_API_URL", settings.graph_api_url)
    if settings.public_url:
        _check_url("PUBLIC_URL", settings.public_url)
    if settings.smtp_url:
        _check_url("SMTP_URL", settings.smtp_url, schemes=("smtp", "smtps"))
    if settings.graph_notifications not in NOTIFICATION_MODES:
        raise ConfigError(f"GRAPH_NOTIFICATIONS must be one of {', '.join(NOTIFICATION_MODES)}, "
                          f"not {settings.graph_notifications!r}")
    if settings.log_level.upper() not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {settings.log_level!r}")
    if not settings.slack_command.startswith("/") or " " in settings.slack_command:
        raise ConfigError(f"SLACK_COMMAND must look like /webinar, not {settings.slack_command!r}")
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    _check_db_path(settings.db_path)


def missing_for_serve(settings: Settings) -> list[str]:
    """Variables `serve` needs but lacks (none in the sandbox, which brings its own)."""
    if settings.sandbox:
        return []
    required = ["SLACK_BOT_TOKEN", "MS_TENANT_ID", "MS_CLIENT_ID", "MS_CLIENT_SECRET", "WEBINAR_BOT_SECRET_KEY"]
    if not settings.slack_app_token:
        required.append("SLACK_SIGNING_SECRET")
    if settings.graph_notifications == "webhook":
        required.append("PUBLIC_URL")
    return [var for var in required if not getattr(settings, ENV_FIELDS[var])]


def _check_url(variable: str, value: str, schemes=("http", "https")) -> None:
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.hostname:
        raise ConfigError(f"{variable} must be a {' or '.join(s + '://' for s in schemes)} URL, not {value!r}")


def _check_db_path(path: str) -> None:
    if path == ":memory:":
        return
    folder = Path(path).expanduser().resolve().parent
    if not folder.is_dir():
        raise ConfigError(f"WEBINAR_BOT_DB: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (Path(path).exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"WEBINAR_BOT_DB: {path} is not writable")
