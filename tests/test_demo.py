"""`webinar-bot demo` tells the whole story, fast, and its feed shows what a channel would."""

from __future__ import annotations

import time

import pytest

from bot.demo import run_demo


@pytest.mark.timeout(90)
def test_demo_runs_the_whole_story_under_a_minute():
    lines: list[str] = []
    started = time.monotonic()
    assert run_demo(lines.append) == 0
    assert time.monotonic() - started < 60
    text = "\n".join(lines)
    for expected in ("/webinar create", "/webinar presenters", "/webinar cancel", "cancelled in Teams", "clicks Publish", "/webinar follow", "clicks Register",
                     "Teams registration page", "Cancel my registration", "/webinar edit", "attendance report", "e-mailed", "15 minutes before the start",
                     "No-shows CSV", "#webinars", "Summary"):
        assert expected in text, expected
    assert "new registrations:" in text and "joined the waitlist" in text and "moved off the waitlist" in text
    assert "registrants came" in text and "Traceback" not in text
