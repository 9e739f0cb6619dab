"""`/webinar login`, `/webinar logout`, `/webinar whoami`: the link between a Slack user and a Microsoft account."""

from __future__ import annotations

from bot.services import signin
from bot.ui.mrkdwn import escape
from bot.ui.signin import sign_in_prompt, signed_in_text
from commands.parser import Command

FIRST_SIGN_IN = ("Sign in with your Microsoft work account so webinar-bot can create and manage Teams webinars "
                 "for you.")


async def login_command(cmd: Command, command: dict, respond, runtime) -> None:
    user = command["user_id"]
    current = await signin.whoami(runtime, user)
    if current and current.active and not signin.available(runtime):
        await respond(response_type="ephemeral", text=signed_in_text(current.upn))
        return
    url = await signin.start_sign_in(runtime, user)
    if current and current.active:
        prompt = sign_in_prompt(url, f"{signed_in_text(current.upn)} To use a different Microsoft account, sign in "
                                     "again:", button="Switch account")
    elif current:
        prompt = sign_in_prompt(url, f"Your Microsoft sign-in as *{escape(current.upn)}* has expired. Sign in again "
                                     "to keep going.")
    else:
        prompt = sign_in_prompt(url, FIRST_SIGN_IN)
    await respond(response_type="ephemeral", **prompt)


async def logout_command(cmd: Command, command: dict, respond, runtime) -> None:
    upn = await signin.sign_out(runtime, command["user_id"])
    if upn is None:
        await respond(response_type="ephemeral", text="You weren't signed in to Microsoft, so there was nothing "
                      "to remove. `/webinar login` signs you in.")
        return
    await respond(response_type="ephemeral", text=f"Signed out: webinar-bot forgot your Microsoft sign-in as "
                  f"*{escape(upn)}* and can no longer act for you. `/webinar login` signs you in again.")


async def whoami_command(cmd: Command, command: dict, respond, runtime) -> None:
    user = command["user_id"]
    current = await signin.whoami(runtime, user)
    if current is None:
        await respond(response_type="ephemeral", text="You're not signed in to Microsoft. `/webinar login` signs "
                      "you in.")
    elif current.active:
        await respond(response_type="ephemeral", text=signed_in_text(current.upn))
    else:
        url = await signin.start_sign_in(runtime, user)
        await respond(response_type="ephemeral", **sign_in_prompt(
            url, f"You were signed in as *{escape(current.upn)}*, but that sign-in has expired. Sign in again:"))
