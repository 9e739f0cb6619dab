"""The .ics invitation, checked with a small RFC 5545 reader written on the standard library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.ui.ics import Invitation, calendar, escape_text, fold

START = datetime(2026, 3, 30, 10, 0, tzinfo=timezone(timedelta(hours=-7)))  # 17:00 UTC
JOIN = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%7d" \
       "&registrantToken=xyz"


def invitation(**changes) -> Invitation:
    values = dict(uid="reg-1@webinar-bot", title="Launch; review, Q&A \\ ünïcödé " + "x" * 60, start=START,
                  end=START + timedelta(hours=1), join_url=JOIN, description="Line one\nLine two",
                  organizer_name='Diane "D" Demoss', organizer_email="diane@contoso.example",
                  attendee_name="Adele Vance", attendee_email="adele@contoso.example")
    values.update(changes)
    return Invitation(**values)


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(ch)
    return "".join(out)


def parse(text: str) -> list[tuple[str, dict, str]]:
    """Content lines as (name, params, value), after checking line ends, octet limits and unfolding."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    parsed = []
    for line in logical:
        head, value = line.split(":", 1)  # no parameter value here holds a colon
        name, *params = head.split(";")
        parsed.append((name, dict(p.split("=", 1) for p in params), value))
    return parsed


def test_the_calendar_has_one_event_in_utc_with_the_join_link():
    lines = parse(calendar(invitation(), now=datetime(2026, 3, 1, tzinfo=UTC)))
    names = [name for name, _, _ in lines]
    assert names[:2] == ["BEGIN", "VERSION"] and names[-1] == "END"
    stack = []
    for name, _, value in lines:
        if name == "BEGIN":
            stack.append(value)
        elif name == "END":
            assert stack.pop() == value
    assert stack == []
    props = {name: (params, value) for name, params, value in lines}
    assert props["METHOD"][1] == "REQUEST" and props["VERSION"][1] == "2.0"
    assert props["DTSTART"][1] == "20260330T170000Z" and props["DTEND"][1] == "20260330T180000Z"
    assert props["DTSTAMP"][1] == "20260301T000000Z"
    assert props["UID"][1] == "reg-1@webinar-bot" and props["SEQUENCE"][1] == "0"
    assert props["URL"][1] == JOIN
    assert unescape(props["SUMMARY"][1]) == invitation().title
    assert unescape(props["DESCRIPTION"][1]) == f"Line one\nLine two\n\nJoin the webinar: {JOIN}"
    assert props["ORGANIZER"] == ({"CN": '"Diane D Demoss"'}, "mailto:diane@contoso.example")
    assert props["ATTENDEE"][1] == "mailto:adele@contoso.example"


def test_the_uid_is_stable_for_a_registration():
    first, second = calendar(invitation()), calendar(invitation(title="Renamed", sequence=1))
    uid = [line for line in first.split("\r\n") if line.startswith("UID:")]
    assert uid == [line for line in second.split("\r\n") if line.startswith("UID:")]
    assert "SEQUENCE:1" in second


def test_text_escaping_and_folding():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 100)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 100


def test_times_must_be_aware():
    with pytest.raises(ValueError):
        calendar(invitation(start=datetime(2026, 1, 1)))


def test_without_join_link_or_organizer_the_event_is_still_complete():
    lines = parse(calendar(invitation(join_url=None, organizer_email=None)))
    names = {name for name, _, _ in lines}
    assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= names and "URL" not in names


def test_a_real_calendar_library_reads_it():
    """icalendar (what mail clients' libraries resemble) parses the file back to the same facts."""
    icalendar = pytest.importorskip("icalendar")
    parsed = icalendar.Calendar.from_ical(calendar(invitation(), now=datetime(2026, 3, 1, tzinfo=UTC)))
    (event,) = [c for c in parsed.walk() if c.name == "VEVENT"]
    assert event.decoded("dtstart") == datetime(2026, 3, 30, 17, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 3, 30, 18, 0, tzinfo=UTC)
    assert str(event["summary"]) == invitation().title
    assert str(event["uid"]) == "reg-1@webinar-bot"
    assert JOIN in str(event["description"]) and str(event["url"]) == JOIN
