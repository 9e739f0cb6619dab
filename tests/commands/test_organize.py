"""The organizer workflow end to end: signed slash commands, clicks and modal submissions through the app's real
HTTP endpoint, against the Graph and Slack stand-ins (which enforce roles, trigger ids and view hashes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.graph import bodies
from bot.ids import OrgAction, OrgBlock, OrgView
from bot.sandbox import directory
from bot.sandbox.stack import SandboxStack
from bot.ui.validate import validate_message, validate_view
from storage import audit, mirror, open_database
from tests.organizer_support import (
    ADELE,
    CHANNEL,
    DIANE,
    KENNETH,
    NASTY,
    STRANGER,
    click,
    conversation,
    graph_call,
    has_input,
    later,
    make_webinar,
    merge,
    modal,
    multi,
    plain,
    reply,
    select,
    slash,
    submit,
    text_of,
    users,
    when,
)


@pytest.fixture
def stack():
    with SandboxStack() as running:
        yield running


def db(stack):
    return open_database(stack.db_path)


def handle_of(stack, webinar_id: str) -> str:
    row = mirror.get_webinar(db(stack), webinar_id)
    if row is None:
        slash(stack, "list")
        reply(stack)
        stack.slack.responses.clear()
        row = mirror.get_webinar(db(stack), webinar_id)
    return row["handle"]


def create_values(title=NASTY, start=None, end=None, **extra) -> dict:
    start = start or datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    end = end or start + timedelta(hours=1)
    return merge(plain(OrgBlock.TITLE, title), plain(OrgBlock.DESCRIPTION, "Line one\nLine two"),
                 when(OrgBlock.START, start), when(OrgBlock.END, end), select(OrgBlock.AUDIENCE, "everyone"),
                 users(OrgBlock.CO_ORGANIZERS, extra.get("co", [KENNETH])),
                 multi(OrgBlock.OPTIONS, extra.get("options", []), "checkboxes"),
                 multi(OrgBlock.PREDEFINED, extra.get("predefined", ["jobTitle", "city"])),
                 plain(OrgBlock.CUSTOM_QUESTION, extra.get("custom", "What should we cover?")),
                 conversation(OrgBlock.CARD_CHANNEL, extra.get("card", CHANNEL)))


def dm(stack, user=DIANE) -> list[dict]:
    return stack.slack.messages(stack.slack.dm_channel_id(user))


def open_create(stack, user=DIANE) -> dict:
    slash(stack, "create", user=user)
    return modal(stack, OrgView.CREATE)


def test_from_nothing_to_published_to_cancelled(stack):
    view = open_create(stack)
    start_default = next(b for b in view["blocks"] if b.get("block_id") == OrgBlock.START)
    local = datetime.fromtimestamp(start_default["element"]["initial_date_time"], ZoneInfo("America/Los_Angeles"))
    assert (local.hour, local.minute) == (10, 0)  # tomorrow 10:00 in Diane's Slack time zone

    ack = submit(stack, view, create_values())
    assert ack["response_action"] == "update"
    card = stack.slack.wait_for(lambda: dm(stack), 10)[-1]
    validate_message(card)
    assert "&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;b&gt;" in card["blocks"][0]["text"]["text"]
    assert "<!channel>" not in json.dumps(card)
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons[:2] == [OrgAction.PUBLISH, OrgAction.EDIT] and OrgAction.CANCEL in buttons
    done = later(stack, view, lambda v: "saved as a draft" in text_of(v))
    assert "Once it is published, a registration card goes to <#C0WEBINARS>" in text_of(done)

    webinar = next(iter(stack.graph.webinars.values()))
    assert webinar.status == "draft" and webinar.audience == "everyone"
    assert [p.slack_id for p in webinar.co_organizers] == [KENNETH]
    assert webinar.settings == {"isAttendeeEmailNotificationEnabled": False}
    assert webinar.start["timeZone"] == "Pacific Standard Time"
    assert sorted(q.display_name for q in webinar.questions.values()) == ["City", "Job title",
                                                                          "What should we cover?"]
    assert len(mirror.questions_of(db(stack), webinar.id)) == 3

    click(stack, OrgAction.PUBLISH, webinar.id, message=card)
    text = reply(stack)["text"]
    assert "is published" in text and "Registration card posted in <#C0WEBINARS>" in text
    assert webinar.status == "published"
    assert stack.slack.messages(CHANNEL), "the card wished for in the create form is posted on publish"
    updated = stack.slack.wait_for(lambda: "Published" in json.dumps(dm(stack)[-1]) and dm(stack)[-1], 10)
    assert OrgAction.PUBLISH not in json.dumps(updated)

    click(stack, OrgAction.CANCEL, webinar.id, message=card)
    assert "is cancelled" in reply(stack, 2)["text"]
    assert webinar.status == "canceled"
    final = stack.slack.wait_for(lambda: "cancelled" in json.dumps(dm(stack)[-1]) and dm(stack)[-1], 10)
    assert not [b for b in final["blocks"] if b["type"] == "actions"]
    actions = [entry["action"] for entry in audit.entries(db(stack), webinar.id)]
    assert {"webinar.create", "webinar.publish", "webinar.cancel", "question.add"} <= set(actions)
    assert all(entry["detail"] for entry in audit.entries(db(stack), webinar.id))


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"title": "  "}, OrgBlock.TITLE, "title"),
    ({"title": "x" * 201}, OrgBlock.TITLE, "200 characters"),
    ({"start": datetime.now(UTC) - timedelta(hours=2)}, OrgBlock.START, "in the past"),
    ({"end": datetime.now(UTC) + timedelta(days=1)}, OrgBlock.END, "after the start"),
    ({"co": [directory.BOT_USER_ID]}, OrgBlock.CO_ORGANIZERS, "No Microsoft 365 account"),
    ({"co": [DIANE]}, OrgBlock.CO_ORGANIZERS, "organizer is already"),
])
def test_create_form_errors_show_inline(stack, values, field, words):
    view = open_create(stack)
    values = dict(values)
    if "start" in values:
        values["end"] = values["start"] + timedelta(hours=1)
    elif "end" in values:
        values["start"] = datetime.now(UTC) + timedelta(days=2)
    ack = submit(stack, view, create_values(**values))
    assert ack["response_action"] == "errors"
    assert words in ack["errors"][field]
    assert not stack.graph.webinars


def test_not_signed_in_people_are_asked_to_sign_in(stack):
    slash(stack, "create", user=STRANGER)
    assert "sign in to Microsoft" in reply(stack)["text"]
    assert not stack.slack.calls_to("views.open")
    slash(stack, "list", user=STRANGER)
    assert "sign in to Microsoft" in reply(stack, 2)["text"]


def test_only_the_organizer_publishes_and_graphs_403_is_explained(stack):
    webinar_id = make_webinar(stack, NASTY)
    handle = handle_of(stack, webinar_id)
    slash(stack, f"publish {handle}", user=KENNETH)
    text = reply(stack)["text"]
    assert text.startswith("Only the organizer can publish this webinar") and "Diane Demoss" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text

    # A stale mirror that calls Kenneth the organizer: Graph refuses (403), the same sentence comes back.
    database = db(stack)
    database["webinars"].update(webinar_id, {"organizer_entra_id": directory.CO_ORGANIZER.entra_id})
    slash(stack, f"publish {handle}", user=KENNETH)
    assert reply(stack, 2)["text"].startswith("Only the organizer can publish this webinar")
    assert stack.graph.webinars[webinar_id.lower()].status == "draft"
    entry = audit.entries(database, webinar_id)[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == (KENNETH, "webinar.publish", "failed: Forbidden")

    slash(stack, f"cancel {handle}", user=ADELE)
    assert reply(stack, 3)["text"].startswith("Only the organizer can cancel")


def test_cancel_asks_first_and_says_it_cannot_be_undone(stack):
    webinar_id = make_webinar(stack, publish=True)
    slash(stack, f"cancel {handle_of(stack, webinar_id)}")
    prompt = reply(stack)
    assert "cannot be undone" in prompt["blocks"][0]["text"]["text"]
    button = prompt["blocks"][1]["elements"][0]
    assert "cannot be undone" in button["confirm"]["text"]["text"]
    assert stack.graph.webinars[webinar_id.lower()].status == "published"
    click(stack, OrgAction.CANCEL, webinar_id, ephemeral=True)
    answer = reply(stack, 2)
    assert answer.get("replace_original") is True and "is cancelled" in answer["text"]
    assert stack.graph.webinars[webinar_id.lower()].status == "canceled"


def test_changes_made_from_slack_reach_following_channels_once(stack):
    """The mirror learns of our own change first; the channel must still hear of it, and only once."""
    webinar_id = make_webinar(stack, "Roadmap", publish=True)
    handle = handle_of(stack, webinar_id)
    slash(stack, f"follow {handle} <#C0WEBINARS|webinars> changes")
    reply(stack)
    click(stack, OrgAction.CANCEL, webinar_id, ephemeral=True)
    posts = stack.slack.wait_for(lambda: [m for m in stack.slack.messages("C0WEBINARS")
                                          if "was cancelled" in m["text"]], 10)
    stack.graph.wait_idle(5)  # Graph's own notification arrives too: nothing new to say
    assert len(posts) == 1
    assert len([m for m in stack.slack.messages("C0WEBINARS") if "was cancelled" in m["text"]]) == 1


def test_a_co_organizer_edits_through_a_prefilled_form(stack):
    webinar_id = make_webinar(stack, "Roadmap <2027>")
    slash(stack, f"edit {handle_of(stack, webinar_id)}", user=KENNETH)
    view = modal(stack, OrgView.EDIT, ready=has_input)
    assert stack.slack.calls_to("views.update")[-1].args.get("hash"), "filled in with the loading view's hash"
    title = next(b for b in view["blocks"] if b.get("block_id") == OrgBlock.TITLE)
    assert title["element"]["initial_value"] == "Roadmap <2027>"
    co = next(b for b in view["blocks"] if b.get("block_id") == OrgBlock.CO_ORGANIZERS)
    assert co["element"]["initial_users"] == [KENNETH]

    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=5)
    values = merge(plain(OrgBlock.TITLE, "Roadmap 2028"), plain(OrgBlock.DESCRIPTION, "About the roadmap."),
                   when(OrgBlock.START, start), when(OrgBlock.END, start + timedelta(hours=2)),
                   users(OrgBlock.CO_ORGANIZERS, [KENNETH, ADELE]),
                   multi(OrgBlock.OPTIONS, ["teams-emails"], "checkboxes"))
    assert submit(stack, view, values, user=KENNETH)["response_action"] == "update"
    done = later(stack, view, lambda v: "Saved" in text_of(v))
    assert "title, start, end, co-organizers changed" in text_of(done)
    webinar = stack.graph.webinars[webinar_id.lower()]
    assert webinar.display_name == "Roadmap 2028"
    assert [p.slack_id for p in webinar.co_organizers] == [KENNETH, ADELE]
    assert webinar.start["timeZone"] == "UTC", "the webinar keeps its zone, not the editor's (Europe/Berlin)"

    values[OrgBlock.END] = when(OrgBlock.END, start - timedelta(hours=1))[OrgBlock.END]
    assert submit(stack, view, values, user=KENNETH)["errors"] == {OrgBlock.END: "The end must be after the start."}


def test_people_without_a_role_cannot_edit(stack):
    webinar_id = make_webinar(stack)
    slash(stack, f"edit {handle_of(stack, webinar_id)}", user=ADELE)
    view = modal(stack, OrgView.EDIT, ready=lambda v: "Only the organizer or a co-organizer" in text_of(v))
    assert not has_input(view)


def test_list_and_show(stack):
    draft = make_webinar(stack, NASTY)
    published = make_webinar(stack, "Launch", publish=True, days=1)
    slash(stack, "list")
    listing = reply(stack)
    text = text_of(listing)
    assert text.index("Launch") < text.index("&lt;!channel&gt;"), "soonest first"
    assert "`w1`" in text and "`w2`" in text and "Draft" in text and "organizer" in text
    slash(stack, "list mine", user=KENNETH)
    assert "co-organizer" in text_of(reply(stack, 2))
    slash(stack, "list all", user=ADELE)
    assert "Webinars in your organization" in text_of(reply(stack, 3))
    slash(stack, "list everything")
    assert "takes `mine`" in reply(stack, 4)["text"]

    slash(stack, f"show {handle_of(stack, published)}")
    details = text_of(reply(stack, 5))
    assert "events.teams.microsoft.com/event/" in details and "No registrations yet" in details
    assert "Presenters:* none yet" in details and "name and e-mail only" in details
    slash(stack, f"show {draft}", user=ADELE)  # a full Graph id works too; Adele has no role
    assert "Kenneth Brown" in text_of(reply(stack, 6))


def test_a_missing_webinar_opens_a_picker_that_runs_the_command(stack):
    webinar_id = make_webinar(stack, NASTY)
    slash(stack, "publish")
    picker = modal(stack, OrgView.PICKER, ready=has_input)
    options = picker["blocks"][1]["element"]["options"]
    assert len(options) == 1 and options[0]["value"] == webinar_id and len(options[0]["text"]["text"]) <= 75
    assert submit(stack, picker, select(OrgBlock.PICK, None))["errors"] == {OrgBlock.PICK: "Choose a webinar."}
    assert submit(stack, picker, select(OrgBlock.PICK, webinar_id)) == {}
    assert "is published" in reply(stack)["text"]

    slash(stack, "edit")
    picker = modal(stack, OrgView.PICKER, ready=lambda v: v["id"] != picker["id"] and has_input(v))
    submit(stack, picker, select(OrgBlock.PICK, webinar_id))
    modal(stack, OrgView.EDIT, ready=has_input)

    slash(stack, "publish", user=ADELE)
    empty = modal(stack, OrgView.PICKER, ready=lambda v: "don't organize any webinars" in text_of(v))
    validate_view({k: empty[k] for k in ("type", "title", "blocks", "close", "callback_id")})


def test_home_tab_lists_upcoming_and_drafts_with_actions(stack):
    make_webinar(stack, "Draft one")
    published = make_webinar(stack, "Live one", publish=True)
    slash(stack, "list")
    reply(stack)
    registration = {"id": "r1", "webinar_id": published, "email": "a@b.example", "first_name": "A",
                    "last_name": "B", "status": "registered", "registered_at": "2026-01-01T00:00:00Z"}
    mirror.save_registration(db(stack), registration)
    import httpx

    from bot.sandbox import slack_requests
    body = slack_requests.event_callback({"type": "app_home_opened", "user": DIANE, "tab": "home",
                                          "channel": "D0DIANE", "event_ts": "1.0"})
    headers = slack_requests.signed_headers(body, content_type="application/json")
    assert httpx.post(f"{stack.app_url}/slack/events", content=body, headers=headers, timeout=10).status_code == 200
    home = stack.slack.wait_for(lambda: stack.slack.home_views.get(DIANE), 10)
    text = text_of(home)
    assert text.index("Upcoming") < text.index("Live one") < text.index("Drafts") < text.index("Draft one")
    assert "1 registered" in text
    click(stack, OrgAction.PUBLISH, next(w.id for w in stack.graph.webinars.values() if w.status == "draft"),
          view=home)
    stack.slack.wait_for(lambda: "is published" in json.dumps(dm(stack)), 10)
    assert all(w.status == "published" for w in stack.graph.webinars.values())


def test_the_picker_reruns_any_subcommand_with_its_channel_and_words(stack):
    """Other features call `pick_webinar` for their own subcommands; the submit runs them like a typed command."""
    from bot.ui.picker import PickerMeta, picker_view

    webinar_id = make_webinar(stack, publish=True)
    meta = PickerMeta("follow", channel=CHANNEL, words=("registrations",), channel_id=CHANNEL,
                      response_url=stack.response_url())
    view = {**picker_view(meta, []), "id": "V0PICKED", "hash": "1.x"}
    assert submit(stack, view, select(OrgBlock.PICK, webinar_id)) == {}
    assert "now follows" in reply(stack)["text"] and "registrations" in reply(stack)["text"]


def test_share_show_create_and_refresh_from_buttons(stack):
    webinar_id = make_webinar(stack, "Launch", publish=True)
    draft_id = make_webinar(stack, "Draft")
    slash(stack, "list")
    reply(stack)

    click(stack, OrgAction.SHARE, draft_id)
    assert "still a draft" in reply(stack, 2)["text"]
    click(stack, OrgAction.SHARE, webinar_id)
    share = modal(stack, OrgView.SHARE)
    assert submit(stack, share, conversation(OrgBlock.SHARE_CHANNEL, None))["errors"]
    assert submit(stack, share, conversation(OrgBlock.SHARE_CHANNEL, CHANNEL))["response_action"] == "update"
    later(stack, share, lambda v: "Registration card posted in <#C0WEBINARS>" in text_of(v))
    assert stack.slack.messages(CHANNEL)

    click(stack, OrgAction.SHOW, webinar_id)  # from the list message: the details as a message
    assert "Registration page in Teams" in text_of(reply(stack, 3))

    home = {"id": "V0HOME", "type": "home", "blocks": [], "hash": "1.x", "private_metadata": ""}
    click(stack, OrgAction.SHOW, webinar_id, view=home)  # from the Home tab: the details in a modal
    details = modal(stack, OrgView.SHOW, ready=lambda v: "Registration page" in text_of(v))
    assert not [b for b in details["blocks"] if b["type"] == "actions"]

    click(stack, OrgAction.CREATE, "create", view=home)
    modal(stack, OrgView.CREATE)
    click(stack, OrgAction.REFRESH_HOME, "refresh", view=home)
    published = stack.slack.wait_for(lambda: stack.slack.home_views.get(DIANE), 10)
    assert "Launch" in text_of(published) and "Draft" in text_of(published)


def test_the_organizers_dm_card_keeps_counting_registrations(stack):
    view = open_create(stack)
    submit(stack, view, create_values(title="Counted"))
    card = stack.slack.wait_for(lambda: dm(stack), 10)[-1]
    webinar = next(iter(stack.graph.webinars.values()))
    click(stack, OrgAction.PUBLISH, webinar.id, message=card)
    reply(stack)

    async def register(graph):
        for n in range(3):
            body = bodies.registration_body_anonymous(f"P{n}", "Q", f"p{n}@x.example", "UTC", "en-us")
            await graph.create_registration(webinar.id, body)
    graph_call(stack, register)
    updated = stack.slack.wait_for(lambda: "3 registered" in json.dumps(dm(stack)[0]["blocks"]) and dm(stack)[0], 10)
    validate_message(updated)
