"""Errors a user can act on. Listeners turn them into ephemeral messages; their text is safe to show."""


class UserFacingError(Exception):
    """Something the person who asked should read, with a next step."""


class UnknownWebinar(UserFacingError):
    def __init__(self, ref: str):
        super().__init__(f"I can't find a webinar called `{ref}`. Try `/webinar list` to see handles.")


class NotAllowed(UserFacingError):
    """The caller's role doesn't permit this (e.g. only the organizer can publish)."""
