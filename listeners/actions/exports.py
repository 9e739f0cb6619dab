"""Buttons that send CSV files (attendance summary, registrants view)."""

from __future__ import annotations

from bot.services import reports
from commands.safety import user_errors


async def attendees_csv(ack, body, action, respond, context):
    await ack()
    async with user_errors(respond):
        await reports.send_attendance_csv(context["runtime"], action["value"], body["user"]["id"], no_shows=False)


async def no_shows_csv(ack, body, action, respond, context):
    await ack()
    async with user_errors(respond):
        await reports.send_attendance_csv(context["runtime"], action["value"], body["user"]["id"], no_shows=True)


async def registrations_csv(ack, body, action, respond, context):
    await ack()
    async with user_errors(respond):
        await reports.send_registrations_csv(context["runtime"], action["value"], body["user"]["id"])
