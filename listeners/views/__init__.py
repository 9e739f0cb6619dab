"""Modal submissions (view_submission) and closes."""

from slack_bolt.async_app import AsyncApp

from bot.ids import Reg
from listeners.views import organize, presenters, questions, registration


def register(app: AsyncApp) -> None:
    """No modals yet: the organizer forms arrive with the organizer workflow."""
    # organizer workflow
    organize.register(app)
    presenters.register(app)
    questions.register(app)
    # registration
    app.view_submission(Reg.MODAL)(registration.register_submitted)
