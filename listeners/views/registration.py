"""The register modal's submission: check it inline, register through Graph, show the result, DM the details."""

from __future__ import annotations

from bot.services import registration as service
from bot.ui import registration as ui
from bot.ui.mrkdwn import escape
from commands.safety import user_errors


async def register_submitted(ack, body, view, context):
    runtime = context["runtime"]
    metadata = ui.RegisterMetadata.loads(view.get("private_metadata"))
    submission = ui.read_submission(view)
    contact = service.Contact(submission.first_name, submission.last_name, submission.email)
    errors = {**submission.missing,
              **{ui.CONTACT_BLOCKS[name]: text for name, text in service.contact_problems(contact).items()
                 if ui.CONTACT_BLOCKS[name] not in submission.missing}}
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    await ack(response_action="update", view=ui.progress_view())
    slack_user = body["user"]["id"]

    async def show(text: str, **_) -> None:
        await runtime.slack.views_update(view_id=view["id"], view=ui.notice_view(text))

    async with user_errors(show):
        try:
            questions = await service.questions_for(runtime, metadata.webinar_id)
            outcome = await service.register(runtime, metadata.webinar_id, slack_user, contact,
                                             ui.decode_answers(view, questions), questions)
        except service.AnswerProblems as problems:
            await show("The registration questions changed while the form was open. Please open it again. ("
                       + escape("; ".join(problems.problems.values())) + ")")
            return
        await runtime.slack.views_update(view_id=view["id"], view=ui.result_view(outcome))
        if not outcome.already:
            await service.confirm_by_dm(runtime, outcome, slack_user)

