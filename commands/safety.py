"""Turn failures into messages a person can act on, never a stack trace."""

from __future__ import annotations

import contextlib
import logging

from bot.graph.errors import Forbidden, GraphError, Throttled
from bot.graph.tokens import SignInRequired
from bot.logs import correlation
from bot.services import signin
from bot.services.errors import UserFacingError
from bot.ui.signin import sign_in_prompt

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def user_errors(respond, runtime=None, slack_user: str | None = None):
    """Run a handler; explain what went wrong through `respond` (ephemeral to the user who asked).

    With `runtime` and the asking `slack_user`, a missing or expired sign-in of that user is answered with a
    sign-in button instead of plain text.
    """
    try:
        yield
    except UserFacingError as error:
        await respond(response_type="ephemeral", text=str(error))
    except SignInRequired as error:
        await respond(response_type="ephemeral", **await _sign_in_answer(error, runtime, slack_user))
    except Forbidden:
        await respond(response_type="ephemeral",
                      text="Microsoft Teams refused this: your account doesn't have the role it needs "
                           "for this webinar (organizer or co-organizer).")
    except Throttled:
        await respond(response_type="ephemeral",
                      text="Microsoft Graph is busy right now. Please try again in a minute.")
    except GraphError as error:
        log.warning("Graph error shown to user: %s %s", error.status, error.code)
        await respond(response_type="ephemeral",
                      text=f"Microsoft Teams answered with an error ({error.code or error.status}). "
                           f"Please try again; if it persists, give your admin this reference: {correlation.get()}.")
    except Exception:
        log.exception("command failed")
        await respond(response_type="ephemeral",
                      text=f"Something went wrong on our side. Reference: {correlation.get()}.")


async def _sign_in_answer(error: SignInRequired, runtime, slack_user: str | None) -> dict:
    """A sign-in button for the person who asked; text when the missing sign-in is someone else's."""
    if slack_user and error.slack_user_id != slack_user:
        return {"text": f"This needs the Microsoft sign-in of <@{error.slack_user_id}>, which has expired. Ask them "
                        "to run `/webinar login`."}
    if runtime is not None and slack_user and signin.available(runtime):
        try:
            url = await signin.start_sign_in(runtime, slack_user)
        except Exception:  # noqa: BLE001 - the text answer below still tells the user what to do
            log.exception("could not start a sign-in")
        else:
            return sign_in_prompt(url, "You need to sign in to Microsoft first (or again: sign-ins expire).")
    return {"text": "You need to sign in to Microsoft first: run `/webinar login`."}
