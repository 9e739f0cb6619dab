"""Every Block Kit id in one place, shared by UI builders, listeners and tests."""

from enum import StrEnum


class Action(StrEnum):
    OPEN_HELP = "help-open"
    SIGN_IN = "auth-sign-in"


class Block(StrEnum):
    HELP = "help"
