"""Button and select clicks (block_actions)."""

from slack_bolt.async_app import AsyncApp

from bot.ids import Action, Reg
from listeners.actions import exports, organize, presenters, questions, registration


async def acknowledge_link_button(ack):
    """Buttons that only open a URL (sign-in, registration page) still send an action; ack it."""
    await ack()


def register(app: AsyncApp) -> None:
    app.action(Action.SIGN_IN)(acknowledge_link_button)
    # reports and exports
    app.action(Action.ATTENDEES_CSV)(exports.attendees_csv)
    app.action(Action.NO_SHOWS_CSV)(exports.no_shows_csv)
    app.action(Action.REGISTRATIONS_CSV)(exports.registrations_csv)
    # organizer workflow
    organize.register(app)
    presenters.register(app)
    questions.register(app)
    # registration
    app.action(Reg.REGISTER)(registration.register_clicked)
    app.action(Reg.CANCEL_MINE)(registration.cancel_mine_clicked)
    app.action(Reg.OPEN_PAGE)(acknowledge_link_button)
    app.action(Reg.JOIN)(acknowledge_link_button)
