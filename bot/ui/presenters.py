"""The presenters modal (the list, with add / edit / remove) and the two forms pushed on top of it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.graph.models import Presenter
from bot.ids import OrgAction, OrgBlock, OrgView
from bot.services.presenters import BIO_MAX, NAME_MAX, SHORT_MAX, Details
from bot.ui import private_metadata
from bot.ui.mrkdwn import escape, plain
from bot.ui.private_metadata import WebinarMeta
from bot.ui.webinar_cards import button
from bot.ui.webinar_forms import context, field_value, input_block, section, text

MAX_SHOWN = 40          # two blocks each, under the 100-block limit
DETAIL_BLOCKS = {"bio": OrgBlock.BIO, "company": OrgBlock.COMPANY, "job_title": OrgBlock.JOB_TITLE,
                 "linkedin": OrgBlock.LINKEDIN, "website": OrgBlock.WEBSITE, "twitter": OrgBlock.TWITTER}
GUEST_BLOCKS = {"name": OrgBlock.GUEST_NAME, "email": OrgBlock.GUEST_EMAIL}


@dataclass(frozen=True)
class PresenterMeta:
    webinar_id: str
    kind: str | None = None             # add form: "colleague" or "guest"
    presenter_id: str | None = None     # details form
    name: str | None = None


def presenters_view(webinar: dict, presenters: list[Presenter], *, can_change: bool,
                    notice: str | None = None) -> dict:
    value = webinar["id"]
    blocks: list[dict] = [section(f"*{escape(webinar['title'])}*  `{webinar['handle']}`")]
    if notice:
        blocks.append(section(notice))
    if can_change:
        blocks.append({"type": "actions", "elements": [
            button("Add a colleague", OrgAction.PRESENTER_ADD_COLLEAGUE, value, style="primary"),
            button("Add a guest", OrgAction.PRESENTER_ADD_GUEST, value)]})
    else:
        blocks.append(context("Only the organizer can add, change or remove presenters."))
    if not presenters:
        blocks.append(section("No presenters yet."))
    for presenter in presenters[:MAX_SHOWN]:
        blocks.append(section(_describe(presenter)))
        if can_change:
            confirm = {"title": text("Remove this presenter?"),
                       "text": {"type": "mrkdwn", "text": f"{escape(plain(presenter.display_name, 200))} will no "
                                                          "longer present this webinar."},
                       "confirm": text("Remove"), "deny": text("Keep"), "style": "danger"}
            blocks.append({"type": "actions", "elements": [
                button("Edit details", OrgAction.PRESENTER_DETAILS, presenter.id),
                button("Remove", OrgAction.PRESENTER_REMOVE, presenter.id, style="danger", confirm=confirm)]})
    if len(presenters) > MAX_SHOWN:
        blocks.append(context(f"{len(presenters) - MAX_SHOWN} more presenters are not shown."))
    return {"type": "modal", "callback_id": OrgView.PRESENTERS, "title": text("Presenters"),
            "close": text("Done"), "blocks": blocks,
            "private_metadata": private_metadata.dump(WebinarMeta(value))}


def _describe(presenter: Presenter) -> str:
    kind = "guest" if presenter.kind == "guest" else "colleague"
    line = [escape(presenter.email)] if presenter.email else []
    details = presenter.details
    if details:
        line += [escape(part) for part in (details.job_title, details.company) if part]
    head = f"*{escape(presenter.display_name)}*  _{kind}_"
    return plain(head + ("\n" + " · ".join(line) if line else ""), 2900)


def add_view(webinar_id: str, kind: str) -> dict:
    """Add a colleague (a Slack user, matched to Microsoft 365 by e-mail) or a guest (name and e-mail)."""
    meta = private_metadata.dump(PresenterMeta(webinar_id, kind=kind))
    if kind == "colleague":
        blocks = [input_block(OrgBlock.PRESENTER_USER, "Colleague",
                              {"type": "users_select", "placeholder": text("Choose a person")},
                              hint="Matched to their Microsoft 365 account by the e-mail on their Slack profile.")]
        title = "Add a colleague"
    else:
        blocks = [input_block(OrgBlock.GUEST_NAME, "Name", {"type": "plain_text_input", "max_length": NAME_MAX},
                              hint="As attendees should see it."),
                  input_block(OrgBlock.GUEST_EMAIL, "E-mail", {"type": "plain_text_input", "max_length": 254},
                              hint="Teams sends the guest their presenter link here.")]
        title = "Add a guest"
    return {"type": "modal", "callback_id": OrgView.PRESENTER_ADD, "title": text(title), "submit": text("Add"),
            "close": text("Back"), "blocks": blocks, "private_metadata": meta}


def details_view(meta: PresenterMeta, details: Details) -> dict:
    def field(block_id: str, label: str, value: str, limit: int, *, multiline: bool = False,
              hint: str | None = None) -> dict:
        element = {"type": "plain_text_input", "max_length": limit, "multiline": multiline}
        if value:
            element["initial_value"] = value[:limit]
        return input_block(block_id, label, element, optional=True, hint=hint)

    url_hint = "A full https:// address."
    blocks = [section(f"Shown on the registration page for *{escape(meta.name or 'this presenter')}*."),
              field(OrgBlock.BIO, "Bio", details.bio, BIO_MAX, multiline=True, hint=f"Up to {BIO_MAX} characters."),
              field(OrgBlock.COMPANY, "Company", details.company, SHORT_MAX),
              field(OrgBlock.JOB_TITLE, "Job title", details.job_title, SHORT_MAX),
              field(OrgBlock.LINKEDIN, "LinkedIn profile", details.linkedin, 2000, hint=url_hint),
              field(OrgBlock.WEBSITE, "Personal website", details.website, 2000, hint=url_hint),
              field(OrgBlock.TWITTER, "X / Twitter profile", details.twitter, 2000, hint=url_hint)]
    return {"type": "modal", "callback_id": OrgView.PRESENTER_DETAILS, "title": text("Presenter details"),
            "submit": text("Save"), "close": text("Back"), "blocks": blocks,
            "private_metadata": private_metadata.dump(meta)}


def read_details(values: dict) -> Details:
    def get(block_id: str) -> str:
        return field_value(values, block_id) or ""

    return Details(bio=get(OrgBlock.BIO), company=get(OrgBlock.COMPANY), job_title=get(OrgBlock.JOB_TITLE),
                   linkedin=get(OrgBlock.LINKEDIN), website=get(OrgBlock.WEBSITE), twitter=get(OrgBlock.TWITTER))
