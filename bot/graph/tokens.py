"""Where Graph access tokens come from.

Every Graph operation declares whose token it needs: the app's own (client credentials) or a signed-in Slack
user's delegated token. The Graph client asks a ``TokenSource`` for it; production uses msal, the sandbox hands
out tokens its Graph stand-in understands.
"""

from __future__ import annotations

from typing import Protocol

from bot.sandbox import directory


class SignInRequired(Exception):
    """The Slack user has no usable Microsoft sign-in; the UI answers with a sign-in button."""

    def __init__(self, slack_user_id: str):
        super().__init__(f"Slack user {slack_user_id} must sign in to Microsoft")
        self.slack_user_id = slack_user_id


class TokenSource(Protocol):
    async def token(self, user: str | None = None) -> str:
        """An access token: app-only when ``user`` is None, else the delegated token of that Slack user id."""
        ...


class SandboxTokenSource:
    """Tokens for the Graph stand-in: every person of the sandbox directory counts as signed in."""

    async def token(self, user: str | None = None) -> str:
        if user is None:
            return directory.APP_TOKEN
        person = directory.person_by_slack_id(user)
        if person is None:
            raise SignInRequired(user)
        return directory.user_token(person.entra_id)
