"""Helpers for the organizer-workflow tests: drive the app through its real `/slack/events` endpoint with signed
slash commands, button clicks and modal submissions, built from the views the Slack stand-in recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from bot.graph import bodies
from bot.sandbox import directory, driver
from bot.sandbox.driver import (  # noqa: F401 - the organizer tests import these from here
    conversation,
    graph_call,
    has_input,
    later,
    merge,
    modal,
    multi,
    plain,
    post,
    reply,
    select,
    text_of,
    users,
    when,
)

DIANE = directory.ORGANIZER.slack_id
KENNETH = directory.CO_ORGANIZER.slack_id
ADELE = "U0ADELE"
STRANGER = "U0STRANGER"      # in Slack's payloads, but never signed in to Microsoft
CHANNEL = "C0WEBINARS"
NASTY = "<!channel> <@U123> & <b> *bold*"


def make_webinar(stack, title="Roadmap", *, publish=False, co_organizer=True, days=3) -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)

    async def create(graph):
        co = [(directory.CO_ORGANIZER.entra_id, directory.TENANT_ID)] if co_organizer else []
        body = bodies.webinar_create_body(title, "About the roadmap.", start, start + timedelta(hours=1),
                                          co_organizers=co)
        webinar = await graph.create_webinar(body, user=DIANE)
        if publish:
            await graph.publish_webinar(webinar.id, user=DIANE)
        return webinar.id
    return graph_call(stack, create)


def slash(stack, text: str, user: str = DIANE) -> httpx.Response:
    response = stack.slash(text, user=user)
    assert response.status_code == 200, response.text
    return response


def submit(stack, view: dict, values: dict, user: str = DIANE) -> dict:
    return driver.submit(stack, view, values, user)


def click(stack, action_id: str, value: str, *, user: str = DIANE, view: dict | None = None,
          message: dict | None = None, ephemeral: bool = False) -> None:
    driver.click(stack, action_id, value, user=user, view=view, message=message, ephemeral=ephemeral)


user = driver.user  # after the functions whose `user` parameter is a Slack user id
