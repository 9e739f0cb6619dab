"""Who may do what: every `/webinar` subcommand and the organizer buttons, for each role, through signed requests.

Roles on one published webinar: the organizer (Diane), a co-organizer (Kenneth), a presenter (Megan, added through
Graph by the organizer), a registrant (Alex, registered) and a stranger (Adele: signed in, no part in it).
Expectations come from REFERENCE.md's role table (create/update/publish/cancel) and the issues' rules: organizers
and co-organizers edit, manage questions, share, follow and see registrant data; only the organizer publishes, cancels
and manages presenters (Graph allows no one else); anyone
may list, show, register and manage their own sign-in. A handler without a row here fails the test, so a new
subcommand has to state its rule.
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

import httpx
import pytest

from bot.graph import bodies
from bot.ids import Action, OrgAction
from bot.sandbox import directory, slack_requests
from bot.sandbox.stack import SandboxStack, link_sandbox_people
from commands.dispatch import HANDLERS
from tests.organizer_support import make_webinar
from tests.registration_support import graph_call

ORGANIZER, CO_ORGANIZER, PRESENTER, REGISTRANT, STRANGER = "organizer", "coOrganizer", "presenter", "registrant", \
    "stranger"
PEOPLE = {ORGANIZER: "U0DIANE", CO_ORGANIZER: "U0KENNETH", PRESENTER: "U0MEGAN", REGISTRANT: "U0ALEX",
          STRANGER: "U0ADELE"}
EVERYONE = frozenset(PEOPLE)
ORGANIZERS = frozenset({ORGANIZER, CO_ORGANIZER})
ORGANIZER_ONLY = frozenset({ORGANIZER})

# subcommand -> (roles allowed, arguments after the name; {w} is the webinar)
SUBCOMMANDS = {
    "help": (EVERYONE, ""),
    "login": (EVERYONE, ""),
    "whoami": (EVERYONE, ""),
    "list": (EVERYONE, ""),
    "show": (EVERYONE, "{w}"),
    "register": (EVERYONE, "{w}"),
    "create": (EVERYONE, ""),               # anyone signed in may create a webinar of their own
    "edit": (ORGANIZERS, "{w}"),
    "presenters": (ORGANIZER_ONLY, "{w}"),   # Graph lets only the organizer manage presenters
    "questions": (ORGANIZERS, "{w}"),
    "share": (ORGANIZERS, "{w} <#C0WEBINARS|webinars>"),
    "follow": (ORGANIZERS, "{w} <#C0WEBINARS|webinars>"),
    "unfollow": (ORGANIZERS, "{w} <#C0WEBINARS|webinars>"),
    "registrants": (ORGANIZERS, "{w}"),
    "attendance": (ORGANIZERS, "{w}"),
    "export": (ORGANIZERS, "{w}"),
    "remind": (ORGANIZERS, "{w}"),          # issue 7
    "publish": (ORGANIZER_ONLY, "{w}"),
    "cancel": (ORGANIZER_ONLY, "{w}"),      # opens a confirmation; nothing is cancelled here
    "logout": (EVERYONE, ""),               # last: it signs people out
}

# organizer buttons on messages and the Home tab: action id -> roles allowed (value: the webinar id)
BUTTONS = {
    OrgAction.SHOW: EVERYONE,
    OrgAction.EDIT: ORGANIZERS,
    OrgAction.PRESENTERS: ORGANIZER_ONLY,
    OrgAction.QUESTIONS: ORGANIZERS,
    OrgAction.SHARE: ORGANIZERS,
    OrgAction.PUBLISH: ORGANIZER_ONLY,
    OrgAction.CANCEL: ORGANIZER_ONLY,       # last: the organizer's click really cancels (after Slack's confirm)
}

SIGN_IN = re.compile(r"sign in to Microsoft|/webinar login`", re.I)
LOADING = re.compile(r"Getting|Loading|loading|One moment", re.I)
REFUSED = re.compile(r"Only the organizer|Only (?:the organizer or )?a co-organizer|refused this|not allowed|"
                     r"can't do that|isn't yours", re.I)


def test_every_subcommand_has_an_expectation_row():
    assert set(HANDLERS) <= set(SUBCOMMANDS), set(HANDLERS) - set(SUBCOMMANDS)


@pytest.fixture(scope="module")
def world():
    with SandboxStack() as stack:
        webinar_id = make_webinar(stack, "Roles", publish=True)
        megan = directory.person_by_slack_id(PEOPLE[PRESENTER])
        alex = directory.person_by_slack_id(PEOPLE[REGISTRANT])

        async def cast(graph):
            await graph.create_presenter(webinar_id, bodies.presenter_user_body(megan.entra_id), user="U0DIANE")
            await graph.create_registration(webinar_id, bodies.registration_body_anonymous(
                alex.first_name, alex.last_name, alex.email, "UTC", "en-us"))
        graph_call(stack, cast)
        yield stack, webinar_id


def slash(stack, text: str, user: str) -> tuple[httpx.Response, str, str]:
    response_url = stack.response_url()
    body = slack_requests.slash_command(text, user=user, channel="C0WEBINARS", response_url=response_url)
    trigger = parse_qs(body)["trigger_id"][0]
    answer = httpx.post(f"{stack.app_url}/slack/events", content=body, headers=slack_requests.signed_headers(body),
                        timeout=10)
    return answer, response_url, trigger


def click(stack, user: str, action_id: str, value: str) -> tuple[httpx.Response, str, str]:
    response_url, trigger = stack.response_url(), slack_requests.trigger_id()
    payload = {"type": "block_actions", "user": {"id": user, "name": user}, "team": {"id": "T0SANDBOX"},
               "api_app_id": "A0WEBINARBOT", "container": {"type": "message", "channel_id": "C0WEBINARS",
                                                           "message_ts": "1.000001"},
               "channel": {"id": "C0WEBINARS"}, "message": {"ts": "1.000001", "text": "card", "blocks": []},
               "trigger_id": trigger, "response_url": response_url,
               "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                            "action_ts": str(time.time())}]}
    body = slack_requests.interactivity(payload)
    answer = httpx.post(f"{stack.app_url}/slack/events", content=body, headers=slack_requests.signed_headers(body),
                        timeout=10)
    return answer, response_url, trigger


def outcome(stack, sent: tuple[httpx.Response, str, str], *, sign_in_ok: bool = False) -> str:
    """'refused' or 'allowed', from this request's own answer: the ack, what went to its response_url, or the
    modal opened with its trigger_id once that modal finished loading."""
    answer, response_url, trigger = sent
    assert answer.status_code < 500
    if answer.content:  # answered in the ack itself (help, unknown input)
        return "refused" if REFUSED.search(answer.text) else "allowed"

    def answered():
        texts = [r.get("text", "") + str(r.get("blocks", "")) for r in stack.slack.responses
                 if r["response_url"] == response_url]
        opened = [c.response["view"]["id"] for c in stack.slack.calls_to("views.open")
                  if c.args.get("trigger_id") == trigger and c.response.get("ok")]
        for view_id in opened:
            view = str(stack.slack.views.get(view_id, {}).get("blocks", ""))
            if not LOADING.search(view):
                texts.append(view)
        return texts
    texts = stack.slack.wait_for(answered, 15)
    if not sign_in_ok and any(SIGN_IN.search(t) for t in texts):
        return "asked to sign in"  # never expected: everyone here is signed in
    return "refused" if any(REFUSED.search(t) for t in texts) else "allowed"


@pytest.mark.timeout(120)
def test_subcommands_by_role(world):
    stack, webinar_id = world
    results, expected = {}, {}
    for name in [n for n in SUBCOMMANDS if n in HANDLERS or n == "help"]:
        allowed, args = SUBCOMMANDS[name]
        for role_name in (STRANGER, REGISTRANT, PRESENTER, CO_ORGANIZER, ORGANIZER):
            text = f"{name} {args.format(w=webinar_id)}".strip()
            results[(name, role_name)] = outcome(stack, slash(stack, text, PEOPLE[role_name]),
                                                 sign_in_ok=name in ("login", "logout", "whoami"))
            expected[(name, role_name)] = "allowed" if role_name in allowed else "refused"
    link_sandbox_people(stack.db_path)  # `logout` signed everyone out
    wrong = {k: v for k, v in results.items() if expected[k] != v}
    assert not wrong, f"expected the opposite for: {wrong}"


@pytest.mark.timeout(120)
def test_organizer_buttons_by_role(world):
    stack, webinar_id = world
    results, expected = {}, {}
    for action_id, allowed in BUTTONS.items():
        for role_name in (STRANGER, REGISTRANT, PRESENTER, CO_ORGANIZER, ORGANIZER):
            results[(action_id, role_name)] = outcome(stack, click(stack, PEOPLE[role_name], action_id, webinar_id))
            expected[(action_id, role_name)] = "allowed" if role_name in allowed else "refused"
    wrong = {k: v for k, v in results.items() if expected[k] != v}
    assert not wrong, f"expected the opposite for: {wrong}"


@pytest.mark.timeout(60)
def test_csv_buttons_give_files_to_organizers_only(world):
    """The attendance CSV buttons sit on a channel post everybody sees; the files go to organizers only."""
    stack, _ = world
    webinar_id = make_webinar(stack, "Reported", publish=True)
    assert outcome(stack, slash(stack, f"follow {webinar_id} <#C0WEBINARS|webinars> attendance", "U0DIANE")) \
        == "allowed"
    assert httpx.post(f"{stack.graph_server.url}/_sandbox/webinars/{webinar_id}/end-session", json={},
                      timeout=10).status_code == 201
    summary = stack.slack.wait_for(lambda: [m for m in stack.slack.messages("C0WEBINARS")
                                            if "Attendance for" in m["text"] and "Reported" in m["text"]], 15)[0]
    report_id = summary["blocks"][-2]["elements"][0]["value"]
    for action_id in (Action.ATTENDEES_CSV, Action.NO_SHOWS_CSV):
        for role_name in (STRANGER, REGISTRANT, PRESENTER, CO_ORGANIZER, ORGANIZER):
            files = len(stack.slack.files)
            sent = click(stack, PEOPLE[role_name], action_id, report_id)
            if role_name in ORGANIZERS:
                stack.slack.wait_for(lambda files=files: len(stack.slack.files) > files, 15)
                assert stack.slack.files[-1].channel == "D" + PEOPLE[role_name][1:]
            else:
                assert outcome(stack, sent) == "refused", (action_id, role_name, stack.slack.responses[-1:])
                assert len(stack.slack.files) == files
