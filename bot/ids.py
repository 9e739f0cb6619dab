"""Every Block Kit id in one place (callback_id, action_id, block_id), shared by UI builders, listeners and tests.

One StrEnum per feature; values are short, stable and unique across the whole app.
"""

from enum import StrEnum


class Action(StrEnum):
    OPEN_HELP = "help-open"
    SIGN_IN = "auth-sign-in"
    ATTENDEES_CSV = "attendance-attendees-csv"
    NO_SHOWS_CSV = "attendance-no-shows-csv"
    REGISTRATIONS_CSV = "registrations-csv"


class Block(StrEnum):
    HELP = "help"


# --- sign-in (Microsoft account) ---------------------------------------------------------------------------


# --- organizer workflow (create, edit, publish, cancel, presenters, questions, picker, home) ----------------
# Input elements use their block's id as action_id too: one name per field (bot.ui.webinar_forms.field_value).


class OrgView(StrEnum):
    """callback_id of the organizer modals."""
    CREATE = "org-modal-create"
    EDIT = "org-modal-edit"
    PICKER = "org-modal-picker"
    SHOW = "org-modal-show"
    SHARE = "org-modal-share"
    PRESENTERS = "org-modal-presenters"
    PRESENTER_ADD = "org-modal-presenter-add"
    PRESENTER_DETAILS = "org-modal-presenter-details"
    QUESTIONS = "org-modal-questions"
    QUESTION_ADD = "org-modal-question-add"


class OrgAction(StrEnum):
    """Buttons on the DM card, the Home tab, list/show messages and inside the organizer modals."""
    PUBLISH = "org-publish"
    EDIT = "org-edit"
    SHARE = "org-share"
    CANCEL = "org-cancel"
    SHOW = "org-show"
    PRESENTERS = "org-presenters"
    QUESTIONS = "org-questions"
    CREATE = "org-create"
    REFRESH_HOME = "org-home-refresh"
    PRESENTER_ADD_COLLEAGUE = "org-presenter-add-colleague"
    PRESENTER_ADD_GUEST = "org-presenter-add-guest"
    PRESENTER_DETAILS = "org-presenter-details"
    PRESENTER_REMOVE = "org-presenter-remove"
    QUESTION_ADD = "org-question-add"
    QUESTION_DELETE = "org-question-delete"


class OrgBlock(StrEnum):
    """block_id (and action_id) of every input in the organizer modals; errors are keyed by these."""
    TITLE = "org-title"
    DESCRIPTION = "org-description"
    START = "org-start"
    END = "org-end"
    AUDIENCE = "org-audience"
    CO_ORGANIZERS = "org-co-organizers"
    OPTIONS = "org-options"
    PREDEFINED = "org-predefined-questions"
    CUSTOM_QUESTION = "org-custom-question"
    CARD_CHANNEL = "org-card-channel"
    PICK = "org-pick"
    SHARE_CHANNEL = "org-share-channel"
    PRESENTER_USER = "org-presenter-user"
    GUEST_NAME = "org-guest-name"
    GUEST_EMAIL = "org-guest-email"
    BIO = "org-bio"
    COMPANY = "org-company"
    JOB_TITLE = "org-job-title"
    LINKEDIN = "org-linkedin"
    WEBSITE = "org-website"
    TWITTER = "org-twitter"
    QUESTION_TEXT = "org-question-text"
    QUESTION_TYPE = "org-question-type"
    QUESTION_CHOICES = "org-question-choices"
    QUESTION_REQUIRED = "org-question-required"


# --- registration (card, register modal, my registration) --------------------------------------------------


class Reg(StrEnum):
    """The registration card, the register modal and the registrant's DM."""
    REGISTER = "reg-register"            # card button; value: webinar id
    OPEN_PAGE = "reg-open-page"          # card link button (Teams registration page)
    JOIN = "reg-join"                    # DM link button (personal join URL)
    CANCEL_MINE = "reg-cancel-mine"      # DM / modal button; value: webinar id
    MODAL = "reg-modal"                  # callback_id of the register modal
    FIRST_NAME = "reg-first-name"        # input block_id (and action_id)
    LAST_NAME = "reg-last-name"
    EMAIL = "reg-email"
    QUESTION = "reg-q:"                  # block_id prefix; the Graph question id follows
    ANSWER = "reg-answer"                # action_id of every question's element


# --- own communications (reminders, registrant notices, follow-ups) ----------------------------------------


class Notice(StrEnum):
    """Inputs of the create/edit modal for webinar-bot's own messages (block_id and action_id alike)."""
    REMINDERS = "notice-reminders"       # multi-select of lead times (minutes)
    FOLLOW_UPS = "notice-follow-ups"     # checkboxes: thank attendees, tell no-shows we missed them
