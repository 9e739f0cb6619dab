"""Strict builders for the JSON bodies the bot sends to Graph.

Graph's answer to a malformed body is a terse 400 that a Slack user cannot act on. These builders check what the
reference documents (enums, required fields, the 256/128-character limits, time zones) *before* anything is sent,
and raise ``ValueError`` with a message that says which input is wrong. Their output is tested against
``strict-schemas.json``, so a misspelt field cannot slip through either.

Only documented, writable fields are produced (REFERENCE §1, §2, §5.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bot.graph import timezones
from bot.graph.models import (
    ANSWER_INPUT_TYPES,
    AUDIENCES,
    CHANGE_TYPES,
    CUSTOM_QUESTION_TYPE,
    GUEST_IDENTITY_TYPE,
    PREDEFINED_LABELS,
    PREDEFINED_QUESTION_TYPE,
    USER_IDENTITY_TYPE,
    DateTimeTimeZone,
    Question,
)

MAX_EXTERNAL_ID = 256  # externalEventId and externalRegistrationInformation.registrationId
MAX_CLIENT_STATE = 128
CHOICE_INPUT_TYPES = frozenset({"singleChoice", "multiChoice"})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "on"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "off"})


# --------------------------------------------------------------------------------------------------------------
# Small validators


def _text(name: str, value: Any, *, max_length: int | None = None, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    value = value.strip()
    if not value and not allow_empty:
        raise ValueError(f"{name} must not be empty")
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{name} must be at most {max_length} characters (got {len(value)})")
    return value


def _one_of(name: str, value: Any, allowed: Iterable[str]) -> str:
    allowed = sorted(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {value!r})")
    return value


def _aware(name: str, value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")
    return value


def _email(name: str, value: Any) -> str:
    value = _text(name, value)
    if not _EMAIL.match(value):
        raise ValueError(f"{name} is not an e-mail address: {value!r}")
    return value


def _windows_zone(name: str, value: Any) -> str:
    """A Windows zone name as Graph wants it; IANA names (a Slack user's ``tz``) are translated."""
    value = _text(name, value)
    windows = timezones.canonical_windows_name(value)
    if windows:
        return windows
    if timezones.zone_for(value) is not None:
        translated = timezones.iana_to_windows(value, default=None)
        if translated:
            return translated
    raise ValueError(f"{name} is not a known Windows or IANA time zone: {value!r}")


def _language(name: str, value: Any) -> str:
    value = _text(name, value).replace("_", "-")
    if not _LANGUAGE.match(value):
        raise ValueError(f"{name} must be a language tag such as 'en-us' (got {value!r})")
    return value.lower()


def _web_url(name: str, value: Any, *, allow_local_http: bool = False) -> str:
    value = _text(name, value)
    parts = urlsplit(value)
    local = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    allowed_scheme = parts.scheme == "https" or (allow_local_http and parts.scheme == "http" and local)
    if allowed_scheme and parts.hostname:
        return value
    raise ValueError(f"{name} must be an https:// URL (got {value!r})")


def format_utc(moment: datetime) -> str:
    """An aware datetime as Graph's UTC DateTimeOffset text, e.g. ``2024-03-30T17:00:00.000000Z``."""
    return _aware("moment", moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --------------------------------------------------------------------------------------------------------------
# Webinars


def webinar_create_body(
    display_name: str,
    description: str,
    start_utc: datetime,
    end_utc: datetime,
    *,
    time_zone: str = "UTC",
    audience: str = "organization",
    co_organizers: Sequence[tuple[str, str]] = (),
    attendee_emails: bool = True,
    registration_required: bool = True,
) -> dict[str, Any]:
    """Body of ``POST /solutions/virtualEvents/webinars``.

    ``start_utc``/``end_utc`` are aware moments; they are written as wall time in ``time_zone`` (a Windows name,
    or an IANA name that is translated), which is how Teams shows the webinar to its organizer.
    ``attendee_emails=False`` stops Teams from e-mailing attendees (the bot then notifies them itself).
    """
    body = {
        "displayName": _text("display_name", display_name),
        "description": _description(description),
        **_schedule(start_utc, end_utc, time_zone),
        "audience": _one_of("audience", audience, AUDIENCES),
        "coOrganizers": _co_organizers(co_organizers),
        "settings": _settings(attendee_emails),
        "isRegistrationRequired": _bool("registration_required", registration_required),
    }
    return body


_UPDATABLE = frozenset(
    {"display_name", "description", "start_utc", "end_utc", "time_zone", "co_organizers", "attendee_emails"}
)


def webinar_update_body(**changes: Any) -> dict[str, Any]:
    """Body of ``PATCH /solutions/virtualEvents/webinars/{id}``, with only the fields being changed.

    Accepts the keyword names of ``webinar_create_body`` for what Graph lets you update (not ``audience``, not
    ``registration_required``). ``time_zone`` only matters together with ``start_utc``/``end_utc``.
    """
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(
            f"cannot update {', '.join(sorted(unknown))}; updatable: {', '.join(sorted(_UPDATABLE))}"
        )
    if not set(changes) - {"time_zone"}:
        raise ValueError("webinar_update_body needs at least one change")
    body: dict[str, Any] = {}
    if "display_name" in changes:
        body["displayName"] = _text("display_name", changes["display_name"])
    if "description" in changes:
        body["description"] = _description(changes["description"])
    body.update(_schedule_change(changes))
    if "co_organizers" in changes:
        body["coOrganizers"] = _co_organizers(changes["co_organizers"])
    if "attendee_emails" in changes:
        body["settings"] = _settings(changes["attendee_emails"])
    return body


def _schedule(start_utc: datetime, end_utc: datetime, time_zone: str) -> dict[str, Any]:
    start, end = _aware("start_utc", start_utc), _aware("end_utc", end_utc)
    if end <= start:
        raise ValueError("end_utc must be after start_utc")
    zone = _windows_zone("time_zone", time_zone)
    return {
        "startDateTime": DateTimeTimeZone.from_utc(start, zone).to_graph(),
        "endDateTime": DateTimeTimeZone.from_utc(end, zone).to_graph(),
    }


def _schedule_change(changes: dict[str, Any]) -> dict[str, Any]:
    start, end = changes.get("start_utc"), changes.get("end_utc")
    if start is not None and end is not None:
        return _schedule(start, end, changes.get("time_zone", "UTC"))
    zone = _windows_zone("time_zone", changes.get("time_zone", "UTC"))
    if start is not None:
        return {"startDateTime": DateTimeTimeZone.from_utc(_aware("start_utc", start), zone).to_graph()}
    if end is not None:
        return {"endDateTime": DateTimeTimeZone.from_utc(_aware("end_utc", end), zone).to_graph()}
    return {}


def _description(description: Any) -> dict[str, str]:
    return {"contentType": "text", "content": _text("description", description, allow_empty=True)}


def _co_organizers(co_organizers: Any) -> list[dict[str, str]]:
    if isinstance(co_organizers, str) or not isinstance(co_organizers, Iterable):
        raise ValueError("co_organizers must be a list of (entra_user_id, tenant_id) pairs")
    result = []
    for pair in co_organizers:
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise ValueError(f"each co-organizer must be an (entra_user_id, tenant_id) pair, got {pair!r}")
        result.append(
            {"id": _text("co-organizer id", pair[0]), "tenantId": _text("co-organizer tenant id", pair[1])}
        )
    return result


def _settings(attendee_emails: Any) -> dict[str, bool]:
    return {"isAttendeeEmailNotificationEnabled": _bool("attendee_emails", attendee_emails)}


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False")
    return value


def external_event_information_body(external_event_id: str) -> dict[str, str]:
    """Body of ``POST .../webinars/{id}/setExternalEventInformation``."""
    return {"externalEventId": _text("external_event_id", external_event_id, max_length=MAX_EXTERNAL_ID)}


# --------------------------------------------------------------------------------------------------------------
# Registration questions


def custom_question_body(
    display_name: str, input_type: str, choices: Sequence[str] = (), required: bool = False
) -> dict[str, Any]:
    """Body of ``POST .../registrationConfiguration/questions`` for a custom question.

    Choices are required for singleChoice/multiChoice and refused for the other input types.
    """
    input_type = _one_of("input_type", input_type, ANSWER_INPUT_TYPES)
    choices = _choices(input_type, choices)
    return {
        "@odata.type": CUSTOM_QUESTION_TYPE,
        "displayName": _text("display_name", display_name),
        "answerInputType": input_type,
        "answerChoices": choices,
        "isRequired": _bool("required", required),
    }


def _choices(input_type: str, choices: Any) -> list[str]:
    if isinstance(choices, str) or not isinstance(choices, Iterable):
        raise ValueError("choices must be a list of strings")
    cleaned = [_text("choice", choice) for choice in choices]
    if input_type in CHOICE_INPUT_TYPES and not cleaned:
        raise ValueError(f"a {input_type} question needs at least one choice")
    if input_type not in CHOICE_INPUT_TYPES and cleaned:
        raise ValueError(f"a {input_type} question takes no choices")
    if len(set(cleaned)) != len(cleaned):
        raise ValueError("choices must be distinct")
    return cleaned


def predefined_question_body(label: str) -> dict[str, str]:
    """Body for a predefined question. There is no "address" label: the address question is ``street``."""
    if label == "address":
        raise ValueError("there is no 'address' label; the address question is 'street'")
    return {"@odata.type": PREDEFINED_QUESTION_TYPE, "label": _one_of("label", label, PREDEFINED_LABELS)}


# --------------------------------------------------------------------------------------------------------------
# Registrations


def answer(question: Question, raw_value: Any) -> dict[str, Any] | None:
    """One ``registrationQuestionAnswers`` item for ``question``, or None for an unanswered optional question.

    Text, multi-line text, single choice and predefined questions answer in ``value``; boolean questions in
    ``booleanValue``; multiple choice in ``multiChoiceValues`` (REFERENCE §1.5). Choices must be offered ones.
    """
    if _is_blank(raw_value):
        if question.is_required:
            raise ValueError(f"question {question.display_name or question.id!r} requires an answer")
        return None
    item: dict[str, Any] = {
        "questionId": _text("question id", question.id),
        "value": None,
        "booleanValue": None,
        "multiChoiceValues": [],
    }
    input_type = question.answer_input_type if question.kind == "custom" else "text"
    if input_type == "boolean":
        item["booleanValue"] = _boolean_answer(question, raw_value)
    elif input_type == "multiChoice":
        item["multiChoiceValues"] = _offered(question, _as_list(raw_value))
    elif input_type == "singleChoice":
        item["value"] = _offered(question, [raw_value])[0]
    elif input_type in ("text", "multilineText"):
        item["value"] = _text("answer", str(raw_value))
    else:
        raise ValueError(f"question {question.display_name!r} has an input type the bot cannot answer")
    return item


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str | list | tuple | set | frozenset) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def _boolean_answer(question: Question, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE_WORDS | _FALSE_WORDS:
        return word in _TRUE_WORDS
    raise ValueError(f"question {question.display_name!r} needs yes or no (got {value!r})")


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


def _offered(question: Question, values: list[Any]) -> list[str]:
    cleaned = [_text("choice", value) for value in values]
    not_offered = [value for value in cleaned if value not in question.answer_choices]
    if not_offered:
        raise ValueError(f"{', '.join(map(repr, not_offered))} is not a choice of {question.display_name!r}")
    return list(dict.fromkeys(cleaned))  # distinct, in the order given


def registration_body_delegated(
    time_zone: str,
    language: str,
    answers: Iterable[dict[str, Any] | None] = (),
    external_id: str | None = None,
    referrer: str | None = None,
) -> dict[str, Any]:
    """Body of ``POST .../registrations`` with a delegated token: registers the signed-in user themself."""
    body: dict[str, Any] = {
        "preferredTimezone": _windows_zone("time_zone", time_zone),
        "preferredLanguage": _language("language", language),
        "registrationQuestionAnswers": _answers(answers),
    }
    external = _external_registration(external_id, referrer)
    if external:
        body["externalRegistrationInformation"] = external
    return body


def registration_body_anonymous(
    first: str,
    last: str,
    email: str,
    tz: str,
    language: str,
    answers: Iterable[dict[str, Any] | None] = (),
    external_id: str | None = None,
    referrer: str | None = None,
) -> dict[str, Any]:
    """Body of ``POST .../registrations`` with an app-only token: registers someone by name and e-mail."""
    return {
        "firstName": _text("first", first),
        "lastName": _text("last", last),
        "email": _email("email", email),
        **registration_body_delegated(tz, language, answers, external_id, referrer),
    }


def _answers(answers: Iterable[dict[str, Any] | None]) -> list[dict[str, Any]]:
    if isinstance(answers, dict | str):
        raise ValueError("answers must be a list of answer(...) items")
    result = [item for item in answers if item is not None]
    if not all(isinstance(item, dict) and item.get("questionId") for item in result):
        raise ValueError("answers must be built with answer(question, value)")
    ids = [item["questionId"] for item in result]
    if len(set(ids)) != len(ids):
        raise ValueError("each question may be answered once")
    return result


def _external_registration(external_id: str | None, referrer: str | None) -> dict[str, str] | None:
    info: dict[str, str] = {}
    if external_id is not None:
        info["registrationId"] = _text("external_id", external_id, max_length=MAX_EXTERNAL_ID)
    if referrer is not None:
        info["referrer"] = _text("referrer", referrer)
    return info or None


# --------------------------------------------------------------------------------------------------------------
# Presenters


def presenter_details_body(
    *,
    bio: str | None = None,
    company: str | None = None,
    job_title: str | None = None,
    linkedin_url: str | None = None,
    website_url: str | None = None,
    twitter_url: str | None = None,
) -> dict[str, Any]:
    """A ``virtualEventPresenterDetails`` object with only the given parts (webinars only)."""
    details: dict[str, Any] = {}
    if bio is not None:
        details["bio"] = {"contentType": "text", "content": _text("bio", bio, allow_empty=True)}
    for key, name, value in (("company", "company", company), ("jobTitle", "job_title", job_title)):
        if value is not None:
            details[key] = _text(name, value, allow_empty=True)
    for key, name, value in (
        ("linkedInProfileWebUrl", "linkedin_url", linkedin_url),
        ("personalSiteWebUrl", "website_url", website_url),
        ("twitterProfileWebUrl", "twitter_url", twitter_url),
    ):
        if value is not None:
            details[key] = _web_url(name, value)
    return details


def presenter_user_body(entra_id: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Body of ``POST .../presenters`` for a person of the tenant (the presenter id becomes their Entra id)."""
    body: dict[str, Any] = {
        "identity": {"@odata.type": USER_IDENTITY_TYPE, "id": _text("entra_id", entra_id)}
    }
    return _with_details(body, details)


def presenter_guest_body(name: str, email: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """Body of ``POST .../presenters`` for an external guest speaker."""
    identity = {
        "@odata.type": GUEST_IDENTITY_TYPE,
        "displayName": _text("name", name),
        "email": _email("email", email),
    }
    return _with_details({"identity": identity}, details)


def presenter_update_body(details: dict[str, Any]) -> dict[str, Any]:
    """Body of ``PATCH .../presenters/{id}``: only ``presenterDetails`` can change."""
    if not isinstance(details, dict):
        raise ValueError("details must come from presenter_details_body(...)")
    return {"presenterDetails": details}


def _with_details(body: dict[str, Any], details: dict[str, Any] | None) -> dict[str, Any]:
    if details is not None:
        body.update(presenter_update_body(details))
    return body


# --------------------------------------------------------------------------------------------------------------
# Subscriptions


def subscription_body(
    resource: str,
    change_type: str | Iterable[str],
    notification_url: str,
    lifecycle_url: str,
    expiration: datetime,
    client_state: str,
) -> dict[str, Any]:
    """Body of ``POST /subscriptions``.

    ``lifecycle_url`` is mandatory here: Teams resources require it beyond one hour, and it cannot be added later.
    ``client_state`` is the secret every notification must echo (at most 128 characters).
    ``http://`` URLs are allowed only for localhost, where the sandbox's Graph stand-in delivers.
    """
    return {
        "changeType": _change_types(change_type),
        "notificationUrl": _web_url("notification_url", notification_url, allow_local_http=True),
        "lifecycleNotificationUrl": _web_url("lifecycle_url", lifecycle_url, allow_local_http=True),
        "resource": _resource(resource),
        "expirationDateTime": format_utc(_aware("expiration", expiration)),
        "clientState": _text("client_state", client_state, max_length=MAX_CLIENT_STATE),
    }


def subscription_renew_body(expiration: datetime) -> dict[str, str]:
    """Body of ``PATCH /subscriptions/{id}``: extends (and reauthorizes) the subscription."""
    return {"expirationDateTime": format_utc(_aware("expiration", expiration))}


def _change_types(change_type: str | Iterable[str]) -> str:
    parts = change_type.split(",") if isinstance(change_type, str) else list(change_type)
    cleaned = [_one_of("change_type", str(part).strip(), CHANGE_TYPES) for part in parts]
    if not cleaned:
        raise ValueError("change_type must name at least one of created, updated, deleted")
    return ",".join(dict.fromkeys(cleaned))


def _resource(resource: str) -> str:
    resource = _text("resource", resource).strip("/")
    if "://" in resource:
        raise ValueError("resource is a path without the Graph base URL, e.g. 'solutions/virtualEvents/...'")
    return resource
