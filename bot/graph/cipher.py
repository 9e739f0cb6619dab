"""Encryption at rest for what would let someone act as a user: msal token caches and pending sign-in flows.

`WEBINAR_BOT_SECRET_KEY` may be either
* a Fernet key (`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
  used as it is (recommended), or
* any other string, from which a Fernet key is derived with HKDF-SHA256. HKDF is not a password hash: a short
  or guessable passphrase can be brute-forced by whoever holds the database, so use 32+ random characters.
Changing the key makes every stored cache unreadable: users are asked to sign in again, nothing else breaks.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["Cipher", "InvalidToken", "fernet_key"]

_SALT = b"webinar-bot/token-cache"
_INFO = b"fernet-key-v1"


def fernet_key(secret: str) -> bytes:
    """The Fernet key for `secret`: itself when it already is one, else derived with HKDF-SHA256."""
    if not secret:
        raise ValueError("WEBINAR_BOT_SECRET_KEY is empty")
    try:
        if len(base64.urlsafe_b64decode(secret.encode("ascii"))) == 32:
            return secret.encode("ascii")
    except (binascii.Error, UnicodeEncodeError, ValueError):
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode("utf-8"))
    return base64.urlsafe_b64encode(derived)


class Cipher:
    """Authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256); `decrypt` raises InvalidToken on a wrong key."""

    def __init__(self, secret: str):
        self._fernet = Fernet(fernet_key(secret))

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)
