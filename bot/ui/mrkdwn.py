"""Safe mrkdwn: escape what people typed, and render times with Slack's `<!date>` so each viewer sees local time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape(text: str | None) -> str:
    """Escape user-supplied text for mrkdwn.

    Slack's three control characters (&, <, >) become entities, which also defuses `<!channel>`, `<@U..>` and
    `<http://evil|Click>` links. Formatting characters (*, _, ~, `) are broken with a zero-width space so a name
    like `*URGENT*` cannot restyle the message around it.
    """
    if not text:
        return ""
    text = _CONTROL.sub("", str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([*_~`])", "\u200b\\1\u200b", text)


def plain(text: str | None, limit: int) -> str:
    """Plain text cut to a Block Kit limit with an ellipsis (plain_text fields are not mrkdwn-parsed)."""
    text = _CONTROL.sub("", str(text or "")).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def date_token(when: datetime | None, fmt: str = "{date_short_pretty} at {time}") -> str:
    """`<!date^epoch^format|fallback>`: Slack renders it in each viewer's own time zone."""
    if when is None:
        return "(no time set)"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    fallback = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def parse_utc(value: str | None) -> datetime | None:
    """Stored ISO timestamps (always UTC) back to aware datetimes."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
