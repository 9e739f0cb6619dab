"""`webinar-bot demo`: the whole story through the real HTTP stack, against the sandbox, in under a minute.

Everything a person does goes through Slack the way Slack sends it (signed slash commands, button clicks and
form submissions to `/slack/events`); everything Teams does goes through the Graph stand-in, whose change
notifications reach webinar-bot as real HTTP POSTs. The channel feed and a summary are printed at the end.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from bot.graph import bodies
from bot.ids import Action, OrgAction, OrgBlock, OrgView, Reg
from bot.logs import setup_logging
from bot.sandbox import directory
from bot.sandbox.communications import fire_reminders
from bot.sandbox.driver import (
    click,
    conversation,
    graph_call,
    has_input,
    later,
    merge,
    modal,
    multi,
    plain,
    select,
    state_for,
    submit,
    text_of,
    users,
    when,
)
from bot.sandbox.driver import user as user_choice
from bot.sandbox.feed import plain as plain_text
from bot.sandbox.feed import registrations_posted, sections
from bot.sandbox.mail_standin import SmtpSink
from bot.sandbox.stack import SandboxStack
from storage import mirror, open_database

CHANNEL = "C0WEBINARS"
DIANE, KENNETH, MEGAN = directory.ORGANIZER, directory.CO_ORGANIZER, directory.PEOPLE[4]
ADELE, ALEX = directory.PEOPLE[2], directory.PEOPLE[3]
TITLE = "Teams + Slack: running webinars where your people are"
CAPACITY, PORTAL_RUSH = 25, 30


class Story:
    """One scene per method; each prints what happened and waits for what it caused."""

    def __init__(self, stack: SandboxStack, sink: SmtpSink, out, timeout: float = 20.0):
        self.stack, self.slack, self.sink, self.out, self.timeout = stack, stack.slack, sink, out, timeout
        self.step = 0
        self.webinar_id = ""
        self.start = (datetime.now(UTC) + timedelta(days=7)).replace(hour=16, minute=0, second=0, microsecond=0)

    def say(self, text: str) -> None:
        self.step += 1
        self.out(f"{self.step:>2}. {text}")

    def wait(self, predicate):
        return self.slack.wait_for(predicate, self.timeout, interval=0.05)

    def dm(self, person) -> list[dict]:
        return self.slack.messages(self.slack.dm_channel_id(person.slack_id))

    def create(self) -> None:
        self.stack.slash("create", user=DIANE.slack_id)
        form = modal(self.stack, OrgView.CREATE, ready=has_input)
        values = merge(plain(OrgBlock.TITLE, TITLE),
                       plain(OrgBlock.DESCRIPTION, "How we run Teams webinars end to end from Slack."),
                       when(OrgBlock.START, self.start), when(OrgBlock.END, self.start + timedelta(hours=1)),
                       select(OrgBlock.AUDIENCE, "organization"), users(OrgBlock.CO_ORGANIZERS, [KENNETH.slack_id]),
                       multi(OrgBlock.OPTIONS, [], "checkboxes"), multi(OrgBlock.PREDEFINED, ["jobTitle"]),
                       plain(OrgBlock.CUSTOM_QUESTION, "What should we cover?"),
                       conversation(OrgBlock.CARD_CHANNEL, CHANNEL))
        submit(self.stack, form, values, DIANE.slack_id)
        self.wait(lambda: self.dm(DIANE))
        row = mirror.list_webinars(open_database(self.stack.db_path))[-1]
        self.webinar_id, self.handle = row["id"], row["handle"]
        self.seen_forms = {form["id"]}
        self.say(f"Diane: /webinar create → form → draft `{self.handle}` in Teams (Teams attendee e-mails off, "
                 "co-organizer Kenneth, 2 registration questions); her DM card offers Publish / Edit / Share / Cancel")

    def presenter(self) -> None:
        self.stack.slash(f"presenters {self.handle}", user=DIANE.slack_id)
        presenters = modal(self.stack, OrgView.PRESENTERS, ready=lambda v: "Loading" not in text_of(v))
        click(self.stack, OrgAction.PRESENTER_ADD_COLLEAGUE, self.webinar_id, user=DIANE.slack_id, view=presenters)
        form = modal(self.stack, OrgView.PRESENTER_ADD)
        submit(self.stack, form, user_choice(OrgBlock.PRESENTER_USER, MEGAN.slack_id), DIANE.slack_id)
        later(self.stack, presenters, lambda v: "Megan Bowen" in text_of(v))
        self.say("Diane: /webinar presenters → “Add a colleague” → Megan Bowen (her Slack account mapped to "
                 "Microsoft 365 by e-mail) presents")

    def publish(self) -> None:
        card = self.dm(DIANE)[-1]
        click(self.stack, OrgAction.PUBLISH, self.webinar_id, user=DIANE.slack_id, message=card)
        self.wait(lambda: self.slack.messages(CHANNEL))
        self.say("Diane clicks Publish → the registration card is posted in #webinars (the form asked for it)")

    def follow(self) -> None:
        self.stack.slash(f"follow {self.handle} <#{CHANNEL}|webinars>", user=DIANE.slack_id)
        self.wait(lambda: any("now follows" in r.get("text", "") for r in self.slack.responses))
        response = httpx.post(f"{self.stack.graph_server.url}/_sandbox/webinars/{self.webinar_id}"
                              "/registration-configuration", json={"capacity": CAPACITY, "isWaitlistEnabled": True})
        assert response.status_code == 200, response.text
        self.say(f"Diane: /webinar follow {self.handle} #webinars → Graph subscriptions created and validated; "
                 f"in Teams the webinar holds {CAPACITY} places, then a waitlist")

    def register_in_slack(self, person) -> None:
        before = len(self.slack.views)
        click(self.stack, Reg.REGISTER, self.webinar_id, user=person.slack_id)
        self.wait(lambda: len(self.slack.views) > before and
                  any(v.get("callback_id") == Reg.MODAL and has_input(v) for v in self.slack.views.values()))
        form = modal(self.stack, Reg.MODAL, ready=has_input)
        answers = {b["block_id"]: b["element"].get("initial_value") for b in form["blocks"] if b["type"] == "input"}
        for block in form["blocks"]:
            if block["type"] == "input" and block["block_id"].startswith(Reg.QUESTION):
                answers[block["block_id"]] = "Engineer" if "Job" in block["label"]["text"] else "Real use cases"
        submit(self.stack, form, state_for(form, answers), person.slack_id)
        self.wait(lambda: any(m.get("files") for m in self.dm(person)))
        self.say(f"{person.display_name} clicks Register on the card, answers the form built from the webinar's "
                 "questions → a DM with the personal join link and an .ics file")

    def portal_rush(self) -> None:
        async def rush(graph):
            for n in range(PORTAL_RUSH):
                body = bodies.registration_body_anonymous(f"Guest{n:02}", "Portal", f"guest{n}@fabrikam.example",
                                                          "GMT Standard Time", "en-gb")
                await graph.create_registration(self.webinar_id, body)
        graph_call(self.stack, rush)
        self.wait(lambda: registrations_posted(self.feed_messages()) >= CAPACITY)
        self.say(f"{PORTAL_RUSH} people register on the Teams registration page at once: the channel gets a few "
                 f"digests, not {PORTAL_RUSH} posts; those past place {CAPACITY} join the waitlist")

    def cancel_registration(self, person) -> None:
        confirmation = next(m for m in self.dm(person) if "registered" in m.get("text", ""))
        dm_channel = self.slack.dm_channel_id(person.slack_id)
        click(self.stack, Reg.CANCEL_MINE, self.webinar_id, user=person.slack_id,
              message={**confirmation, "channel": dm_channel})
        self.wait(lambda: "off the waitlist" in self.feed_text())
        self.say(f"{person.display_name} clicks “Cancel my registration” → the first person on the waitlist "
                 "moves up, and the channel hears both")

    def reschedule(self) -> None:
        self.stack.slash(f"edit {self.handle}", user=DIANE.slack_id)
        form = modal(self.stack, OrgView.EDIT, ready=has_input)
        self.start += timedelta(days=1)
        values = merge(plain(OrgBlock.TITLE, TITLE),
                       plain(OrgBlock.DESCRIPTION, "How we run Teams webinars end to end from Slack."),
                       when(OrgBlock.START, self.start), when(OrgBlock.END, self.start + timedelta(hours=1)),
                       users(OrgBlock.CO_ORGANIZERS, [KENNETH.slack_id]), multi(OrgBlock.OPTIONS, [], "checkboxes"))
        submit(self.stack, form, values, DIANE.slack_id)
        self.wait(lambda: "moved from" in self.feed_text())
        self.say("Diane: /webinar edit → moves it a day later; the channel is told (each reader sees local times)")

    def reminders(self) -> None:
        fire_reminders(self.stack, self.start - timedelta(minutes=15))
        self.wait(lambda: "starts in" in self.feed_text())
        self.wait(lambda: any("Starting in" in s for s in self.sink.subjects("guest0@fabrikam.example")))
        self.wait(lambda: any("starts in" in m.get("text", "") for m in self.dm(ALEX)))
        self.say("The clock reaches 15 minutes before the start: the reminder goes out: Alex gets a DM with his "
                 "join button, #webinars a “starts in 15 minutes” post, the people outside Slack an e-mail")

    def mail(self) -> None:
        guest = "guest0@fabrikam.example"
        self.wait(lambda: len(self.sink.to(guest)) >= 2)
        subjects = self.sink.subjects(guest)
        calendar = [part for message in self.sink.to(guest) for part in message.walk()
                    if part.get_content_type() == "text/calendar"]
        self.say(f"Registrants outside Slack are e-mailed (Teams e-mails are off): {guest} has "
                 f"{len(subjects)} mails so far ({'; '.join(s.strip() for s in subjects[:2])}), {len(calendar)} with a "
                 "calendar file")

    def end_session(self) -> None:
        db = open_database(self.stack.db_path)
        registered = [r["email"] for r in mirror.registrations_for(db, self.webinar_id) if r["status"] == "registered"]
        came = registered[: len(registered) * 3 // 4]
        durations = {email: 600 + 120 * n for n, email in enumerate(came[:5])}
        late = {email: 900 for email in came[5:7]}
        response = httpx.post(f"{self.stack.graph_server.url}/_sandbox/webinars/{self.webinar_id}/end-session",
                              json={"attendees": came, "durations": durations, "late": late})
        assert response.status_code == 201, response.text
        self.wait(lambda: "Attendance for" in self.feed_text())
        self.say(f"The session ends in Teams; its attendance report ({len(came)} of {len(registered)} came) "
                 "becomes a summary in the channel")

    def csv(self) -> None:
        summary = next(m for m in self.feed_messages() if "Attendance for" in m.get("text", ""))
        report_id = next(e["value"] for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]
                         if e["action_id"] == Action.NO_SHOWS_CSV)
        click(self.stack, Action.NO_SHOWS_CSV, report_id, user=DIANE.slack_id, message=summary)
        upload = self.wait(lambda: [f for f in self.slack.files if "no-shows" in f.name])[0]
        rows = upload.content.decode().count("\n") - 1
        self.say(f"Diane clicks “No-shows CSV” → {upload.name} ({rows} rows) arrives in her DM, formula-safe")

    def cancel_another(self) -> None:
        """The lifecycle's last step, on a second webinar: published, then cancelled from Slack."""
        self.stack.slash("create", user=DIANE.slack_id)
        form = modal(self.stack, OrgView.CREATE, ready=lambda v: has_input(v) and v["id"] not in self.seen_forms)
        start = self.start + timedelta(days=7)
        submit(self.stack, form, merge(plain(OrgBlock.TITLE, "Office hours"), plain(OrgBlock.DESCRIPTION, ""),
                                       when(OrgBlock.START, start), when(OrgBlock.END, start + timedelta(hours=1)),
                                       select(OrgBlock.AUDIENCE, "organization"), users(OrgBlock.CO_ORGANIZERS, []),
                                       multi(OrgBlock.OPTIONS, [], "checkboxes")), DIANE.slack_id)
        self.wait(lambda: len(mirror.list_webinars(open_database(self.stack.db_path))) == 2)
        second = mirror.list_webinars(open_database(self.stack.db_path))[-1]
        self.stack.slash(f"publish {second['handle']}", user=DIANE.slack_id)
        self.wait(lambda: self.stack.graph.webinars[second["id"].lower()].status == "published")
        before = len(self.slack.responses)
        self.stack.slash(f"cancel {second['handle']}", user=DIANE.slack_id)
        prompt = self.wait(lambda: len(self.slack.responses) > before and self.slack.responses[-1])
        click(self.stack, OrgAction.CANCEL, second["id"], user=DIANE.slack_id, message={}, ephemeral=True)
        self.wait(lambda: self.stack.graph.webinars[second["id"].lower()].status == "canceled")
        self.say(f"Diane creates “Office hours” (`{second['handle']}`), publishes it, then /webinar cancel → "
                 f"“{plain_text(prompt['text'])[:60]}…” → confirmed: cancelled in Teams")

    def feed_messages(self) -> list[dict]:
        return self.slack.messages(CHANNEL)

    def feed_text(self) -> str:
        return "\n".join(sections(m) for m in self.feed_messages())


def run_demo(out=print, timeout: float = 20.0) -> int:
    setup_logging("ERROR")  # the story is the output; anything that goes wrong still shows, on one line
    started = time.monotonic()
    with SmtpSink() as sink, SandboxStack(smtp_url=sink.url) as stack:
        out(f"Sandbox: webinar-bot {stack.app_url} · Graph {stack.graph_url} · Slack {stack.slack_server.url}/api/"
            f" · SMTP {sink.url.split('?')[0]}\n")
        story = Story(stack, sink, out, timeout)
        story.create()
        story.presenter()
        story.publish()
        story.follow()
        story.register_in_slack(ADELE)
        story.register_in_slack(ALEX)
        story.portal_rush()
        story.cancel_registration(ADELE)
        story.reschedule()
        story.mail()
        story.reminders()
        story.end_session()
        story.csv()
        story.cancel_another()
        stack.graph.wait_idle(5)
        print_feed(story, out)
        print_summary(story, out, time.monotonic() - started)
    return 0


def print_feed(story: Story, out) -> None:
    out("\n#webinars")
    for message in story.feed_messages():
        reply = message.get("thread_ts") not in (None, message["ts"])
        text = sections(message) if reply else _card(message)
        prefix = "  │   ↳ " if reply else "  │ "
        for line in plain_text(text, story.slack).splitlines():
            out(f"{prefix}{line}")
            prefix = "  │     " if reply else "  │ "


def _card(message: dict) -> str:
    """A registration card in a line or three: its header, its text, its buttons."""
    header = [b["text"]["text"] for b in message["blocks"] if b["type"] == "header"]
    buttons = [f"[{e['text']['text']}]" for b in message["blocks"] if b["type"] == "actions"
               for e in b["elements"] if e["type"] == "button"]
    context = [e.get("text", "") for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    return "\n".join(["▌ " + " ".join(header), sections(message), *context, " ".join(buttons)])


def print_summary(story: Story, out, elapsed: float) -> None:
    db = open_database(story.stack.db_path)
    counts = mirror.registration_counts(db, story.webinar_id)
    calls = Counter(c.method for c in story.slack.calls)
    dms = sum(len(story.slack.messages(story.slack.dm_channel_id(p.slack_id))) for p in directory.PEOPLE)
    out("\nSummary")
    out(f"  registrations   {', '.join(f'{n} {status}' for status, n in sorted(counts.items()))}")
    out(f"  #webinars       {len(story.feed_messages())} posts for "
        f"{registrations_posted(story.feed_messages())} registrations, plus card updates")
    out(f"  direct messages {dms} · files {len(story.slack.files)} · e-mails {len(story.sink.received)}")
    out(f"  Slack calls     {sum(calls.values())} ({calls['chat.postMessage']} posts, {calls['chat.update']} "
        f"updates, {calls['views.open'] + calls['views.update']} modal views)")
    out(f"  Graph requests  {len(story.stack.graph.requests)}, notifications delivered "
        f"{sum(1 for d in story.stack.graph.deliveries if d['kind'] == 'change')}")
    out(f"  done in {elapsed:.1f} s")


if __name__ == "__main__":
    sys.exit(run_demo())
