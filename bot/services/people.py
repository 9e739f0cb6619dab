"""Who a Slack user is: their Slack profile (name, e-mail, time zone, locale) and their Entra account."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.graph.models import DirectoryUser
from bot.graph.timezones import iana_to_windows
from bot.services.runtime import Runtime


@dataclass(frozen=True)
class SlackProfile:
    user_id: str
    first_name: str
    last_name: str
    email: str | None
    tz: str | None            # IANA, e.g. Europe/Berlin
    locale: str | None        # e.g. en-US
    is_bot: bool = False

    @property
    def windows_time_zone(self) -> str:
        """Graph wants Windows zone names for preferredTimezone."""
        return iana_to_windows(self.tz or "UTC")

    @property
    def language(self) -> str:
        """Graph's preferredLanguage, e.g. en-us."""
        return (self.locale or "en-US").lower()


async def slack_profile(runtime: Runtime, user_id: str) -> SlackProfile | None:
    try:
        response = await runtime.slack.users_info(user=user_id, include_locale=True)
    except SlackApiError:
        return None
    user = response["user"]
    profile = user.get("profile") or {}
    real = profile.get("real_name") or user.get("real_name") or ""
    first = profile.get("first_name") or real.split(" ", 1)[0]
    last = profile.get("last_name") or (real.split(" ", 1)[1] if " " in real else "")
    return SlackProfile(user_id, first, last, profile.get("email"), user.get("tz"), user.get("locale"),
                        bool(user.get("is_bot")))


async def entra_user_for_slack(runtime: Runtime, user_id: str) -> DirectoryUser | None:
    """Map a Slack user to an Entra user through the e-mail on their Slack profile (app-only lookup)."""
    profile = await slack_profile(runtime, user_id)
    if profile is None or not profile.email:
        return None
    return await runtime.graph.find_user(profile.email)
