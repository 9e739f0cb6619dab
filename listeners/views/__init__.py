"""Modal submissions (view_submission) and closes."""

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """No modals yet: the organizer forms arrive with the organizer workflow."""
