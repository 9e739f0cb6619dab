"""Every Block Kit id in one place (callback_id, action_id, block_id), shared by UI builders, listeners and tests.

One StrEnum per feature; values are short, stable and unique across the whole app.
"""

from enum import StrEnum


class Action(StrEnum):
    OPEN_HELP = "help-open"
    SIGN_IN = "auth-sign-in"


class Block(StrEnum):
    HELP = "help"


# --- sign-in (Microsoft account) ---------------------------------------------------------------------------


# --- organizer workflow (create, edit, publish, cancel, presenters, questions, picker, home) ----------------


# --- registration (card, register modal, my registration) --------------------------------------------------
