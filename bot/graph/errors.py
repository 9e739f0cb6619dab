"""Typed Graph errors, built from Graph's error envelope.

Callers branch on the exception class (HTTP status) and ``.code``, never on ``.message`` (REFERENCE §4). Every
message is made safe to log or show in Slack: anything that looks like a bearer token or a JWT is redacted, and
non-JSON bodies (HTML from a proxy, say) are reduced to a short single-line snippet.

The envelope, with ``innerError`` spelled in any case and possibly nested::

    {"error": {"code": "Forbidden", "message": "Forbidden",
               "innerError": {"date": "...", "request-id": "<guid>", "client-request-id": "<guid>"}}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

_MAX_MESSAGE = 300
_SECRET_PATTERNS = (
    re.compile(r"(?i)bearer\s+[^\s\"',;]+"),
    re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"),  # JWT: header.payload.signature
)


class GraphError(Exception):
    """A Graph call failed. ``status`` is the HTTP status (0 when no response arrived at all)."""

    def __init__(
        self,
        status: int,
        code: str = "",
        message: str = "",
        *,
        request_id: str | None = None,
        client_request_id: str | None = None,
        retry_after: float | None = None,
    ):
        self.status = status
        self.code = code
        self.message = safe_text(message)
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.retry_after = retry_after
        super().__init__(self._summary())

    def _summary(self) -> str:
        text = f"Graph {self.status or 'request'} {self.code or 'error'}"
        if self.message:
            text += f": {self.message}"
        if self.request_id:
            text += f" (request-id {self.request_id})"
        return text


class BadRequest(GraphError):
    """400: the request was malformed or refused as invalid."""


class Unauthorized(GraphError):
    """401: the token is missing, expired or not accepted."""


class Forbidden(GraphError):
    """403: the caller lacks the role, the permission, an application access policy or an RSC grant."""


class NotFound(GraphError):
    """404: no such webinar, registration, user, subscription, ..."""


class Conflict(GraphError):
    """409: e.g. a subscription for the same resource and changeType already exists."""


class Throttled(GraphError):
    """429 that persisted after the client's retries; ``retry_after`` says when Graph would take it again."""


class ServiceUnavailable(GraphError):
    """5xx that persisted after the client's retries (or one that could not safely be retried)."""


class NetworkError(GraphError):
    """No HTTP answer at all (connection refused, timeout, TLS failure) after the client's retries."""


_BY_STATUS: dict[int, type[GraphError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: Throttled,
}


def error_class(status: int) -> type[GraphError]:
    """The most specific GraphError subclass for an HTTP status."""
    if status >= 500:
        return ServiceUnavailable
    return _BY_STATUS.get(status, GraphError)


def error_from_response(
    status: int, headers: Mapping[str, str] | None, body: bytes | str | None
) -> GraphError:
    """Build the typed error for a failed response; tolerant of missing, non-JSON or oddly shaped bodies."""
    headers = headers or {}
    envelope = _error_envelope(body)
    inner = _flatten_inner_errors(envelope)
    code = _text(envelope.get("code")) or _text(inner.get("code")) or _default_code(status)
    message = _text(envelope.get("message")) or _text(inner.get("message")) or _snippet(body, envelope)
    return error_class(status)(
        status,
        code,
        message,
        request_id=_text(inner.get("requestid")) or _header(headers, "request-id"),
        client_request_id=_text(inner.get("clientrequestid")) or _header(headers, "client-request-id"),
        retry_after=parse_retry_after(_header(headers, "retry-after")),
    )


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: fractional seconds ("2.128") or an HTTP date; else None."""
    if value is None or not str(value).strip():
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until_http_date(value, now)
    if seconds is None or seconds != seconds:  # None or NaN
        return None
    return max(0.0, seconds)


def _seconds_until_http_date(value: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - (now or datetime.now(UTC))).total_seconds()


def safe_text(text: str | None) -> str:
    """One line, at most a few hundred characters, with anything token-like redacted."""
    if not text:
        return ""
    text = " ".join(str(text).split())
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub("[redacted]", text)
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return text


def _error_envelope(body: bytes | str | None) -> dict[str, Any]:
    """The ``error`` object of the body, or {} when the body is not Graph's JSON envelope."""
    parsed = _json(body)
    if not isinstance(parsed, dict):
        return {}
    error = _get_ci(parsed, "error")
    if isinstance(error, str):  # some gateways answer {"error": "text"}
        return {"message": error}
    return error if isinstance(error, dict) else {}


def _flatten_inner_errors(envelope: dict[str, Any]) -> dict[str, Any]:
    """Merge the innerError chain into one dict keyed by normalized names ("request-id" -> "requestid").

    The outermost value wins, so a nested innerError only fills gaps. Depth is capped against hostile input.
    """
    merged: dict[str, Any] = {}
    inner = _get_ci(envelope, "innererror")
    for _ in range(10):
        if not isinstance(inner, dict):
            break
        for key, value in inner.items():
            merged.setdefault(_normalize_key(key), value)
        inner = _get_ci(inner, "innererror")
    return merged


def _normalize_key(key: str) -> str:
    return re.sub(r"[-_]", "", str(key)).lower()


def _get_ci(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` compared without regard to case (OData says ``innererror``, Graph sends ``innerError``)."""
    if key in mapping:
        return mapping[key]
    for candidate, value in mapping.items():
        if str(candidate).lower() == key:
            return value
    return None


def _json(body: bytes | str | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, TypeError):
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:  # plain dicts are case-sensitive; httpx.Headers are not
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value or None


def _default_code(status: int) -> str:
    return {401: "unauthenticated", 403: "accessDenied", 404: "itemNotFound", 429: "TooManyRequests"}.get(
        status, "generalException" if status >= 500 else "httpError"
    )


def _snippet(body: bytes | str | None, envelope: dict[str, Any]) -> str:
    """For a non-JSON body, a short excerpt of its text; nothing when it was JSON without a message."""
    if envelope or not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = re.sub(r"<[^>]*>", " ", text)  # HTML error pages: keep the words, drop the tags
    return safe_text(text)[:200]
