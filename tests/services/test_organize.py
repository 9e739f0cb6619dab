"""Organizer use cases without Slack: form checks, ordering, role checks, Graph refusals, minimal PATCHes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.graph.errors import Forbidden
from bot.graph.models import DirectoryUser, Webinar
from bot.graph.tokens import SignInRequired
from bot.sandbox import directory
from bot.sandbox.stack import sandbox_settings
from bot.services import listing, organize, presenters, questions, webinars
from bot.services.errors import NotAllowed, UserFacingError
from bot.services.listing import Listed
from bot.services.organize import WebinarForm, check_form
from bot.services.runtime import Runtime
from storage import audit, mirror, open_database, users

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DIANE, KENNETH = directory.ORGANIZER, directory.CO_ORGANIZER


def form(**changes) -> WebinarForm:
    values = dict(title="Launch", start=NOW + timedelta(days=1), end=NOW + timedelta(days=1, hours=1))
    values.update(changes)
    return WebinarForm(**values)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"title": " "}, "title", "Give the webinar a title"),
    ({"title": "x" * 201}, "title", "200 characters (this one has 201)"),
    ({"description": "x" * 3001}, "description", "3000"),
    ({"start": None}, "start", "Pick a start"),
    ({"start": NOW - timedelta(minutes=5)}, "start", "in the past"),
    ({"end": None}, "end", "Pick an end"),
    ({"end": NOW + timedelta(days=1)}, "end", "after the start"),
    ({"custom_question": "q" * 201}, "custom_question", "200"),
])
def test_form_problems_are_reported_per_field(changes, field, words):
    errors = check_form(form(**changes), now=NOW)
    assert list(errors) == [field] and words in errors[field]


def test_a_started_webinar_keeps_its_start_when_edited():
    started = NOW - timedelta(minutes=30)
    assert check_form(form(start=started), now=NOW, original_start=started) == {}
    assert "start" in check_form(form(start=started), now=NOW, original_start=started + timedelta(minutes=1))
    assert check_form(form(start=NOW - timedelta(seconds=60)), now=NOW) == {}  # the time it takes to fill it in


def item(handle, start_hours, status="published", length=1):
    start = NOW + timedelta(hours=start_hours)
    row = {"id": handle, "handle": handle, "status": status, "start_utc": start.isoformat(),
           "end_utc": (start + timedelta(hours=length)).isoformat()}
    return Listed(row, "organizer", {})


def test_upcoming_first_then_past_and_cancelled_latest_first():
    items = [item("past", -48), item("later", 48), item("cancelled", 5, "canceled"), item("running", -0.5),
             item("soon", 2, "draft"), item("older", -96)]
    assert [i.webinar["handle"] for i in listing.upcoming_first(items, NOW)] == \
        ["running", "soon", "later", "cancelled", "past", "older"]


# --------------------------------------------------------------------------------------------------------------
# With a runtime: an in-memory database, fake Graph and Slack clients


class FakeGraph:
    def __init__(self):
        self.calls = []
        self.webinar = None

    async def get_webinar(self, webinar_id, *, user=None):
        return self.webinar

    async def update_webinar(self, webinar_id, body, *, user):
        self.calls.append(("update", body))
        return Webinar.from_graph({**self.webinar.raw, **body})

    async def publish_webinar(self, webinar_id, *, user):
        self.calls.append(("publish", user))
        raise Forbidden(403, "Forbidden", "nope")

    async def list_webinars(self, *, user=None):
        raise Forbidden(403, "Forbidden", "no application access policy")
        yield  # pragma: no cover

    async def find_user(self, email, *, user=None):
        person = directory.person_by_email(email)
        return DirectoryUser(person.entra_id, person.display_name, email, email, {}) if person else None


class FakeSlack:
    async def users_info(self, user, include_locale=False):
        if user == "U0NOMAIL":
            return {"user": {"id": user, "real_name": "No Mail", "profile": {"real_name": "No Mail"}}}
        person = directory.person_by_slack_id(user)
        return {"user": {"id": user, "tz": person.tz, "profile": {"email": person.email,
                                                                   "real_name": person.display_name}}}


@pytest.fixture
def runtime(tmp_path):
    settings = sandbox_settings("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:8",
                                str(tmp_path / "t.db"))
    db = open_database(settings.db_path)
    for person in directory.PEOPLE:
        users.save_link(db, person.slack_id, person.entra_id, person.email)
    return Runtime(settings=settings, db=db, graph=FakeGraph(), slack=FakeSlack(), tokens=SimpleNamespace())


def graph_webinar(status="draft", **extra) -> Webinar:
    start = NOW + timedelta(days=10)
    return Webinar.from_graph({
        "id": f"a57082a9-7629-4f74-8da0-8d621aab4d2d@{directory.TENANT_ID}", "displayName": "Launch",
        "description": {"contentType": "text", "content": "About"}, "status": status,
        "startDateTime": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "endDateTime": {"dateTime": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "createdBy": {"user": {"id": DIANE.entra_id, "displayName": DIANE.display_name}},
        "coOrganizers": [{"id": KENNETH.entra_id, "tenantId": directory.TENANT_ID}],
        "settings": {"isAttendeeEmailNotificationEnabled": True}, **extra})


def stored(runtime, status="draft") -> dict:
    runtime.graph.webinar = graph_webinar(status)
    webinars.save(runtime, runtime.graph.webinar)
    return mirror.get_webinar(runtime.db, runtime.graph.webinar.id)


async def test_graphs_403_becomes_a_sentence_and_is_audited(runtime):
    row = stored(runtime)
    with pytest.raises(NotAllowed, match="Only the organizer can publish this webinar"):
        await organize.publish(runtime, DIANE.slack_id, row["handle"])
    entry = audit.entries(runtime.db, row["id"])[0]
    assert (entry["action"], entry["detail"]) == ("webinar.publish", "failed: Forbidden")


async def test_roles_are_checked_before_graph_is_asked(runtime):
    row = stored(runtime)
    with pytest.raises(NotAllowed, match="Only the organizer can cancel"):
        await organize.cancel(runtime, KENNETH.slack_id, row["handle"])
    with pytest.raises(NotAllowed, match="Only the organizer or a co-organizer can edit"):
        await organize.load_for_edit(runtime, "U0ADELE", row["handle"])
    with pytest.raises(SignInRequired):
        await organize.publish(runtime, "U0STRANGER", row["handle"])
    assert runtime.graph.calls == []
    assert audit.entries(runtime.db, row["id"])[0]["action"] == "webinar.denied"


async def test_publishing_twice_or_after_cancelling(runtime):
    row = stored(runtime, "published")
    assert (await organize.publish(runtime, DIANE.slack_id, row["handle"])).already
    row = stored(runtime, "canceled")
    with pytest.raises(UserFacingError, match="was cancelled"):
        await organize.publish(runtime, DIANE.slack_id, row["handle"])


async def test_only_what_changed_is_patched(runtime):
    row = stored(runtime)
    current = runtime.graph.webinar
    same = WebinarForm(title="Launch", description="About", start=current.start.to_utc(),
                       end=current.end.to_utc(), co_organizers=(KENNETH.slack_id,), attendee_emails=True)
    pairs = [(KENNETH.entra_id, directory.TENANT_ID)]
    result = await organize.update(runtime, KENNETH.slack_id, row["id"], same, co_organizers=pairs,
                                   time_zone="Europe/Berlin")
    assert result.changed == () and runtime.graph.calls == []
    renamed = WebinarForm(**{**same.__dict__, "title": "Launch 2", "attendee_emails": False})
    result = await organize.update(runtime, KENNETH.slack_id, row["id"], renamed, co_organizers=pairs,
                                   time_zone="Europe/Berlin")
    assert runtime.graph.calls == [("update", {"displayName": "Launch 2",
                                               "settings": {"isAttendeeEmailNotificationEnabled": False}})]
    assert result.changed == ("title", "attendee e-mails")


async def test_tenant_listing_without_permission_is_explained(runtime):
    with pytest.raises(UserFacingError, match="VirtualEvent.Read.All"):
        await listing.list_all(runtime, DIANE.slack_id)


async def test_co_organizers_are_matched_by_email(runtime):
    pairs, problem = await organize.co_organizer_ids(runtime, (KENNETH.slack_id, KENNETH.slack_id),
                                                     organizer_entra_id=DIANE.entra_id)
    assert pairs == [(KENNETH.entra_id, runtime.settings.ms_tenant_id)] and problem is None
    _, problem = await organize.co_organizer_ids(runtime, ("U0NOMAIL",), organizer_entra_id=DIANE.entra_id)
    assert problem.startswith("No Microsoft 365 account matches No Mail")
    _, problem = await organize.co_organizer_ids(runtime, (DIANE.slack_id,), organizer_entra_id=DIANE.entra_id)
    assert "organizer is already" in problem


def test_the_home_tab_reads_the_mirror_by_role(runtime):
    stored(runtime)
    assert [i.role for i in listing.mine_from_mirror(runtime, KENNETH.slack_id)] == ["coOrganizer"]
    assert listing.mine_from_mirror(runtime, "U0ADELE") == []


@pytest.mark.parametrize(("question", "field"), [
    (questions.CustomQuestion(" "), "text"),
    (questions.CustomQuestion("x" * 201), "text"),
    (questions.CustomQuestion("Team", "singleChoice", ("a",)), "choices"),
    (questions.CustomQuestion("Team", "multiChoice", tuple("abcdefghijk")), "choices"),
    (questions.CustomQuestion("Team", "multiChoice", ("a", "A")), "choices"),
    (questions.CustomQuestion("Team", "singleChoice", ("a", "b" * 76)), "choices"),
    (questions.CustomQuestion("Ok?", "boolean", ("yes", "no")), "choices"),
])
def test_custom_question_problems(question, field):
    assert list(questions.check_custom(question)) == [field]


def test_presenter_details_and_guests_are_checked():
    details = presenters.Details(linkedin="https://www.linkedin.com/in/x", website="ftp://x.example",
                                 twitter="https://x", company="c" * 101)
    assert set(presenters.check_details(details)) == {"website", "twitter", "company"}
    assert presenters.check_details(presenters.Details(bio="b" * 2000)) == {}
    assert set(presenters.check_guest("", "a@b")) == {"name", "email"}
    assert presenters.check_guest("Guest", "guest@fabrikam.example") == {}
