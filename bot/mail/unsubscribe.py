"""Signed unsubscribe links: `{PUBLIC_URL}/mail/unsubscribe?token=...` names one registration.

The token is the registration id plus an HMAC-SHA256 over it keyed with WEBINAR_BOT_SECRET_KEY, so nobody can
unsubscribe someone else by guessing ids, and nothing needs storing until someone actually unsubscribes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from urllib.parse import urlencode

PATH = "/mail/unsubscribe"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, registration_id: str) -> str:
    digest = hmac.new(secret.encode(), f"unsubscribe:{registration_id}".encode(), hashlib.sha256).digest()
    return _b64(digest)


def make_token(secret: str, registration_id: str) -> str:
    return f"{_b64(registration_id.encode())}.{_signature(secret, registration_id)}"


def read_token(secret: str, token: str) -> str | None:
    """The registration id a genuine token names, else None."""
    if not secret or token.count(".") != 1:
        return None
    encoded, signature = token.split(".")
    try:
        registration_id = _unb64(encoded).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return registration_id if hmac.compare_digest(signature, _signature(secret, registration_id)) else None


def link(public_url: str, secret: str, registration_id: str) -> str | None:
    """The one-click link, or None when the app has no public https/http URL or no key to sign with."""
    if not public_url or not secret:
        return None
    return f"{public_url.rstrip('/')}{PATH}?{urlencode({'token': make_token(secret, registration_id)})}"
