"""Turn failures into messages a person can act on, never a stack trace."""

from __future__ import annotations

import contextlib
import logging

from bot.graph.errors import Forbidden, GraphError, Throttled
from bot.graph.tokens import SignInRequired
from bot.logs import correlation
from bot.services.errors import UserFacingError

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def user_errors(respond):
    """Run a handler; explain what went wrong through `respond` (ephemeral to the user who asked)."""
    try:
        yield
    except UserFacingError as error:
        await respond(response_type="ephemeral", text=str(error))
    except SignInRequired:
        await respond(response_type="ephemeral",
                      text="You need to sign in to Microsoft first: run `/webinar login`.")
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
