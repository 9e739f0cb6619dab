"""Talk to the organization's SMTP server named by SMTP_URL, and say whether a failure is worth retrying.

`smtp://user:pass@host:port` uses STARTTLS when the server offers it (and logs in only then, or on localhost);
`smtps://` is TLS from the first byte. The envelope sender is `?from=address` when given, else the user name when
it is an address, else `webinar-bot@<host>`. Blocking `smtplib` runs in a thread (see `delivery`).
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

TIMEOUT = 20.0
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class TemporaryFailure(Exception):
    """Try again later: the server is down, busy (4xx), or refused our login."""


class PermanentFailure(Exception):
    """The server refused this message or recipient for good (5xx): retrying can't help."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: bool                   # smtps: TLS from the start
    username: str
    password: str
    sender: str

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parsed = urlparse(url)
        tls = parsed.scheme == "smtps"
        username, password = unquote(parsed.username or ""), unquote(parsed.password or "")
        given = (parse_qs(parsed.query).get("from") or [""])[0]
        sender = given or (username if "@" in username else f"webinar-bot@{parsed.hostname}")
        return cls(parsed.hostname or "localhost", parsed.port or (465 if tls else 25), tls, username, password,
                   sender)


def address_hash(address: str) -> str:
    """Addresses are personal data: logs name a short hash instead."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:12]


def send(config: SmtpConfig, message: str, recipient: str) -> None:
    """Send one message to one recipient; raises TemporaryFailure or PermanentFailure."""
    try:
        with _connect(config) as client:
            client.sendmail(config.sender, [recipient], message.encode("utf-8"))
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise (PermanentFailure if codes and min(codes) >= 500 else TemporaryFailure)(
            f"recipient refused: {codes}") from None
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
        kind = PermanentFailure if 500 <= error.smtp_code < 600 and isinstance(error, smtplib.SMTPDataError) \
            else TemporaryFailure
        raise kind(f"{type(error).__name__} {error.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"{type(error).__name__}: {error}") from None


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.tls:
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT)
    try:
        client.ehlo()
        secure = config.tls
        if not secure and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
            secure = True
        if config.username and (secure or config.host in LOCAL_HOSTS):
            client.login(config.username, config.password)
    except BaseException:
        client.close()
        raise
    return client
