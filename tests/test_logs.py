"""One-line logs with a correlation id, and no secret ever reaches them."""

from __future__ import annotations

import logging

from bot.logs import OneLineFormatter, correlation, redact, register_secret


def test_redacts_tokens_and_secrets():
    register_secret("my-signing-secret-123")
    line = redact('Authorization: Bearer eyJ0eXAi.abc.def xoxb-123-456-abc {"clientState": "s3cr3t"} '
                  "code=0.AXYZ&state=ok my-signing-secret-123")
    for secret in ("eyJ0eXAi", "xoxb-123", "s3cr3t", "0.AXYZ", "my-signing-secret-123"):
        assert secret not in line
    assert "state=ok" in line


def test_one_line_with_correlation_id_and_folded_exception():
    record = logging.LogRecord("bot.x", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        import sys
        record.exc_info = sys.exc_info()
    token = correlation.set("abc123")
    try:
        line = OneLineFormatter().format(record)
    finally:
        correlation.reset(token)
    assert "\n" not in line and "cid=abc123" in line and "failed here" in line and "boom" in line

# A whole sandbox run, sign-in included, is checked for secrets in tests/security/test_secrets.py.
