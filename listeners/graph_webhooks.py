"""HTTP endpoints Graph calls: `/graph/notifications` and `/graph/lifecycle`.

Both answer the subscription validation handshake, and otherwise validate, persist and answer 202, well inside
Graph's 3-second allowance. Bad bodies get 400 and nothing is stored; a locked database gets 503 (Graph retries).
"""

from __future__ import annotations

import logging
import sqlite3

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.services.ingest import MalformedNotification, ingest, parse_collection

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
MAX_VALIDATION_TOKEN = 4096


async def notifications(request: Request) -> Response:
    return await _receive(request, kind="change")


async def lifecycle(request: Request) -> Response:
    return await _receive(request, kind="lifecycle")


async def _receive(request: Request, kind: str) -> Response:
    token = request.query_params.get("validationToken")
    if token is not None:
        return _handshake(token)
    raw = await _read_limited(request)
    if raw is None:
        return _bad_request(f"body larger than {MAX_BODY_BYTES} bytes")
    try:
        items = parse_collection(raw, kind)
    except MalformedNotification as error:
        return _bad_request(str(error))
    try:
        result = ingest(request.app.state.runtime, items, kind)
    except sqlite3.OperationalError as error:
        # The database is locked (a backup, a long admin query) past the busy timeout: nothing was stored, so
        # say so. Graph redelivers after a 5xx (for hours), whereas a 202 would make it forget the notification.
        log.warning("notification not stored, database unavailable: %s", error)
        return JSONResponse({"error": "unavailable", "detail": "storage busy, retry later"}, status_code=503,
                            headers={"Retry-After": "5"})
    return JSONResponse({"accepted": result.accepted}, status_code=202)


def _handshake(token: str) -> Response:
    """Echo the (already URL-decoded) token as plain text; nosniff keeps a browser from running it as HTML."""
    if not token or len(token) > MAX_VALIDATION_TOKEN:
        return _bad_request("validationToken is empty or too long")
    return PlainTextResponse(token, headers={"X-Content-Type-Options": "nosniff"})


async def _read_limited(request: Request) -> bytes | None:
    """The body, or None as soon as it exceeds the limit (never buffers more than the limit)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _bad_request(reason: str) -> Response:
    return JSONResponse({"error": "invalid_notification", "detail": reason}, status_code=400)
