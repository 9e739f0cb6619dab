"""One-line structured logs with a correlation id, and a filter that keeps secrets out of them.

Every HTTP request and every queued item runs under a correlation id (``correlation.set(...)``), so one Slack
command or one Graph notification can be followed through the log from ingest to the message it produced.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid

correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation", default="-")

# Bearer tokens, Slack tokens, msal-ish secrets, clientState values and anything the app registers as secret.
_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*"),
    re.compile(r"xox[abposr]-[A-Za-z0-9-]+"),
    re.compile(r"xapp-[A-Za-z0-9-]+"),
    re.compile(r'(?i)("?(?:client_?state|client_secret|access_token|refresh_token|id_token|password|code)"?\s*[:=]\s*"?)'
               r'[^"&\s,}]+'),
]
_known_secrets: set[str] = set()


def register_secret(*values: str) -> None:
    """Redact these exact strings wherever they would appear (signing secret, client secret, keys)."""
    _known_secrets.update(v for v in values if v and len(v) >= 6)


def redact(text: str) -> str:
    for secret in _known_secrets:
        text = text.replace(secret, "[redacted]")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


def new_correlation_id() -> str:
    return uuid.uuid4().hex[:12]


class OneLineFormatter(logging.Formatter):
    """`time level logger cid=... message key=value` on one line; exceptions folded into the same line."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        fields = getattr(record, "fields", None)
        if fields:
            message += " " + " ".join(f"{k}={json.dumps(v, default=str)}" for k, v in fields.items())
        line = (f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} {record.levelname:<7} {record.name} "
                f"cid={correlation.get()} {message}")
        return redact(line)


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "uvicorn.access", "slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
