"""The people and tokens of the sandbox: one Entra tenant and one Slack workspace that know the same people.

Both stand-ins read this module, so a Slack user's profile e-mail maps to an Entra user exactly as it would in a
real organization. Tokens are opaque strings the Graph stand-in understands:

* ``sandbox-app`` is an app-only (client credentials) token;
* ``sandbox-user.<entra user id>`` is a delegated token of that user.
"""

from __future__ import annotations

from dataclasses import dataclass

TENANT_ID = "4aa05bcc-1cac-4a83-a9ae-0db84b88f4ba"
TEAM_ID = "T0SANDBOX"
BOT_USER_ID = "U0WEBINARBOT"
BOT_TOKEN = "xoxb-sandbox-bot-token"
SIGNING_SECRET = "sandbox-signing-secret"

APP_TOKEN = "sandbox-app"
USER_TOKEN_PREFIX = "sandbox-user."


@dataclass(frozen=True)
class Person:
    entra_id: str
    slack_id: str
    display_name: str
    email: str
    tz: str = "Europe/Berlin"
    locale: str = "en-US"

    @property
    def first_name(self) -> str:
        return self.display_name.split(" ", 1)[0]

    @property
    def last_name(self) -> str:
        return self.display_name.split(" ", 1)[-1]


PEOPLE = (
    Person("b7ef013a-c73c-4ec7-8ccb-e56290f45f68", "U0DIANE", "Diane Demoss", "diane@contoso.example",
           tz="America/Los_Angeles"),
    Person("7b7e1acd-a3e0-4533-8c1d-c1a4ca0b2e2b", "U0KENNETH", "Kenneth Brown", "kenneth@contoso.example"),
    Person("2f3c1a57-9d3e-4a54-8a6e-0f7b2f6f1c11", "U0ADELE", "Adele Vance", "adele@contoso.example",
           tz="Europe/London", locale="en-GB"),
    Person("5d6e7f80-1a2b-4c3d-9e8f-a1b2c3d4e5f6", "U0ALEX", "Alex Wilber", "alex@contoso.example",
           tz="Asia/Tokyo", locale="ja-JP"),
    Person("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "U0MEGAN", "Megan Bowen", "megan@contoso.example",
           tz="America/New_York"),
)

ORGANIZER = PEOPLE[0]
CO_ORGANIZER = PEOPLE[1]


def user_token(entra_id: str) -> str:
    return USER_TOKEN_PREFIX + entra_id


def person_by_entra_id(entra_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.entra_id == entra_id), None)


def person_by_slack_id(slack_id: str) -> Person | None:
    return next((p for p in PEOPLE if p.slack_id == slack_id), None)


def person_by_email(email: str) -> Person | None:
    email = email.lower()
    return next((p for p in PEOPLE if p.email == email), None)
