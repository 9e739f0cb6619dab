"""Queue mail in the durable outbox and deliver it from there.

A queued item holds the finished message (so a retry sends exactly the same bytes, Message-ID included), the
recipient and the registration it is for. Delivery checks the registration's opt-out once more, because someone
may unsubscribe while mail for them waits. SMTP down or busy means "later", for hours, so nothing is lost while
the relay is being fixed; a 5xx for the recipient or the message means "never", logged with a hash of the address.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email.message import EmailMessage

from bot.mail import CHANNEL, METHOD
from bot.mail.compose import wire_text
from bot.mail.smtp import PermanentFailure, SmtpConfig, TemporaryFailure, address_hash, send
from bot.services.runtime import Runtime
from storage import communications, queues

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 40           # with delays capped at 10 minutes: about six hours of retries
MAX_DELAY = 600.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    permanent: bool = False
    reason: str = ""


def retry_delay(attempts: int) -> float:
    return min(MAX_DELAY, 2.0 ** (attempts + 1))


def queue(runtime: Runtime, key: str, *, registration_id: str, to: str, message: EmailMessage) -> bool:
    """Queue one mail unless the key was queued before (or the registrant opted out); True when queued."""
    if communications.opted_out(runtime.db, registration_id):
        return False
    payload = {"to": to, "registration_id": registration_id, "message": wire_text(message)}
    queued = queues.enqueue(runtime.db, key, CHANNEL, METHOD, payload)
    if queued:
        runtime.outbox_wakeup.set()
    return queued


async def deliver_queued(runtime: Runtime, payload: dict) -> Outcome:
    if communications.opted_out(runtime.db, payload["registration_id"]):
        runtime.stats["mail_suppressed"] += 1
        return Outcome(True, reason="opted out")
    if not runtime.settings.smtp_url:
        return Outcome(False, reason="SMTP_URL is not set")
    config = SmtpConfig.from_url(runtime.settings.smtp_url)
    recipient = payload["to"]
    try:
        await asyncio.to_thread(send, config, payload["message"], recipient)
    except PermanentFailure as error:
        log.error("mail refused for good", extra={"fields": {"to": address_hash(recipient), "why": str(error)}})
        return Outcome(False, permanent=True, reason=str(error))
    except TemporaryFailure as error:
        log.warning("mail not sent, will retry", extra={"fields": {"to": address_hash(recipient),
                                                                   "why": str(error)[:200]}})
        return Outcome(False, reason=str(error)[:500])
    runtime.stats["mail_sent"] += 1
    return Outcome(True)
