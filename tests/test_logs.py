"""One-line logs with a correlation id, and no secret ever reaches them."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import OneLineFormatter, correlation, redact, register_secret
from bot.sandbox import directory
from storage import open_database, subscriptions


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


@pytest.mark.timeout(60)
def test_a_whole_sandbox_run_logs_no_secret():
    from bot.sandbox.stack import SandboxStack
    from tests.e2e.test_follow_flow import create_published_webinar, feed, follow, register

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with SandboxStack() as stack:
            webinar_id = create_published_webinar(stack)
            follow(stack, webinar_id)
            register(stack, webinar_id, "Adele", "Vance", "adele@contoso.example")
            stack.slack.wait_for(lambda: feed(stack), 10)
            states = [s["client_state"] for s in subscriptions.subscriptions_for(open_database(stack.db_path),
                                                                                 webinar_id)]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logs = stream.getvalue()
    assert logs  # the run did log
    for secret in [directory.SIGNING_SECRET, directory.BOT_TOKEN, "sandbox-client-secret", "sandbox-secret-key",
                   directory.APP_TOKEN, *states]:
        assert secret not in logs, secret
