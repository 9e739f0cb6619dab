"""Typed, read-only views of Graph responses.

Every model is a frozen dataclass with a ``from_graph(dict)`` classmethod. Parsing is deliberately lenient
(REFERENCE §6, §8): Graph's enums grow (``unknownFutureValue``), doc examples and real responses disagree on shapes
(a bare-string ``description``, session times as plain strings, beta ``registrantId`` in v1.0, dates without ``Z``),
so unknown keys are ignored, unknown enum values become ``"unknown"``, wrong types become None/empty, and parsing
never raises. Each model keeps the original dict in ``raw`` for anything not modelled.

Collections are tuples so the models stay hashable and immutable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.graph import timezones

UNKNOWN = "unknown"

WEBINAR_STATUSES = frozenset({"draft", "published", "canceled"})
AUDIENCES = frozenset({"everyone", "organization"})
REGISTRATION_STATUSES = frozenset(
    {"registered", "canceled", "waitlisted", "pendingApproval", "rejectedByOrganizer"}
)
ANSWER_INPUT_TYPES = frozenset({"text", "multilineText", "singleChoice", "multiChoice", "boolean"})
PREDEFINED_LABELS = frozenset(
    {"street", "city", "state", "postalCode", "countryOrRegion", "industry", "jobTitle", "organization"}
)
CHANGE_TYPES = frozenset({"created", "updated", "deleted"})
LIFECYCLE_EVENTS = frozenset({"reauthorizationRequired", "subscriptionRemoved", "missed"})

CUSTOM_QUESTION_TYPE = "#microsoft.graph.virtualEventRegistrationCustomQuestion"
PREDEFINED_QUESTION_TYPE = "#microsoft.graph.virtualEventRegistrationPredefinedQuestion"
USER_IDENTITY_TYPE = "#microsoft.graph.communicationsUserIdentity"
GUEST_IDENTITY_TYPE = "#microsoft.graph.communicationsGuestIdentity"


# --------------------------------------------------------------------------------------------------------------
# Lenient primitives


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def enum_value(value: Any, allowed: Iterable[str]) -> str:
    """``value`` spelled as in ``allowed`` (compared case-insensitively), else ``"unknown"``."""
    if isinstance(value, str):
        lowered = value.strip().lower()
        for candidate in allowed:
            if candidate.lower() == lowered:
                return candidate
    return UNKNOWN


_FRACTION = re.compile(r"(\.\d+)")


def parse_datetime(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime from Graph's DateTimeOffset text; None when absent or unreadable.

    Accepts ``Z`` or an explicit offset or none at all (then UTC is assumed), and any number of fraction digits
    (Graph sends 7, ``datetime`` takes at most 6).
    """
    naive_or_aware = _parse_iso(value)
    if naive_or_aware is None:
        return None
    if naive_or_aware.tzinfo is None:
        return naive_or_aware.replace(tzinfo=UTC)
    return naive_or_aware.astimezone(UTC)


def _parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    text = _FRACTION.sub(lambda m: m.group(1)[:7].ljust(7, "0"), text, count=1)  # "." + exactly 6 digits
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _unwrap_value(data: Any) -> dict[str, Any]:
    """Some doc examples wrap a single object in ``{"value": {...}}``; real responses don't. Accept both."""
    data = _dict(data)
    inner = data.get("value")
    if isinstance(inner, dict) and "id" not in data:
        return inner
    return data


def _item_body_text(value: Any) -> tuple[str, str]:
    """(content, contentType) of an itemBody, also accepting a bare string or null."""
    if isinstance(value, str):
        return value, "text"
    body = _dict(value)
    content_type = _str(body.get("contentType")) or "text"
    return _str(body.get("content")) or "", content_type.lower()


# --------------------------------------------------------------------------------------------------------------
# Shared shapes


@dataclass(frozen=True)
class DateTimeTimeZone:
    """Graph's wall-clock time plus a Windows zone name (``{"dateTime": ..., "timeZone": ...}``)."""

    date_time: datetime  # naive: local wall time in ``time_zone``
    time_zone: str

    @classmethod
    def from_graph(cls, data: Any) -> DateTimeTimeZone | None:
        """Accepts the object form, or a plain ISO string (doc examples do that for sessions)."""
        if isinstance(data, str):
            return cls._from_string(data)
        data = _dict(data)
        parsed = _parse_iso(data.get("dateTime"))
        if parsed is None:
            return None
        zone = _str(data.get("timeZone")) or "UTC"
        if parsed.tzinfo is not None:  # an offset inside dateTime wins over the zone name
            return cls(parsed.astimezone(UTC).replace(tzinfo=None), "UTC")
        return cls(parsed, zone)

    @classmethod
    def _from_string(cls, text: str) -> DateTimeTimeZone | None:
        parsed = parse_datetime(text)
        return cls(parsed.replace(tzinfo=None), "UTC") if parsed else None

    @classmethod
    def from_utc(cls, moment: datetime, time_zone: str = "UTC") -> DateTimeTimeZone:
        """The wall time of an aware ``moment`` in a Windows (or IANA) zone; unknown zones raise ValueError."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        zone = timezones.zone_for(time_zone)
        if zone is None:
            raise ValueError(f"unknown time zone {time_zone!r}")
        return cls(moment.astimezone(zone).replace(tzinfo=None), time_zone)

    @property
    def is_zone_known(self) -> bool:
        return timezones.zone_for(self.time_zone) is not None

    def to_utc(self) -> datetime:
        """The moment as an aware UTC datetime. An unknown zone name (e.g. the docs' "PacificSt") is taken as UTC;
        check ``is_zone_known`` when that matters."""
        zone = timezones.zone_for(self.time_zone) or UTC
        return self.date_time.replace(tzinfo=zone).astimezone(UTC)

    def to_graph(self) -> dict[str, str]:
        return {"dateTime": self.date_time.isoformat(timespec="seconds"), "timeZone": self.time_zone}


@dataclass(frozen=True)
class Identity:
    """A user or guest identity (communicationsUserIdentity / communicationsGuestIdentity / identity)."""

    id: str | None
    display_name: str | None
    tenant_id: str | None = None
    email: str | None = None
    odata_type: str | None = None

    @classmethod
    def from_graph(cls, data: Any) -> Identity | None:
        if not isinstance(data, dict):
            return None
        return cls(
            id=_str(data.get("id")),
            display_name=_str(data.get("displayName")),
            tenant_id=_str(data.get("tenantId")),
            email=_str(data.get("email")),
            odata_type=_str(data.get("@odata.type")),
        )


@dataclass(frozen=True)
class ExternalEventInformation:
    application_id: str | None
    external_event_id: str | None

    @classmethod
    def many(cls, value: Any) -> tuple[ExternalEventInformation, ...]:
        return tuple(
            cls(_str(item.get("applicationId")), _str(item.get("externalEventId"))) for item in _dicts(value)
        )


@dataclass(frozen=True)
class ExternalRegistrationInformation:
    """The bot's own correlation ids on a registration; both parts may be null."""

    referrer: str | None
    registration_id: str | None

    @classmethod
    def from_graph(cls, data: Any) -> ExternalRegistrationInformation | None:
        if not isinstance(data, dict):
            return None
        return cls(_str(data.get("referrer")), _str(data.get("registrationId")))


# --------------------------------------------------------------------------------------------------------------
# Webinars


@dataclass(frozen=True)
class WebinarSettings:
    is_attendee_email_notification_enabled: bool | None

    @classmethod
    def from_graph(cls, data: Any) -> WebinarSettings:
        return cls(_bool(_dict(data).get("isAttendeeEmailNotificationEnabled")))


@dataclass(frozen=True)
class Webinar:
    id: str
    display_name: str
    description: str
    description_content_type: str  # "text" or "html"
    start: DateTimeTimeZone | None
    end: DateTimeTimeZone | None
    status: str  # draft | published | canceled | unknown
    audience: str  # everyone | organization | unknown
    organizer: Identity | None  # createdBy.user
    co_organizers: tuple[Identity, ...]
    settings: WebinarSettings
    is_registration_required: bool | None
    external_event_information: tuple[ExternalEventInformation, ...]
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Webinar:
        data = _unwrap_value(data)
        description, content_type = _item_body_text(data.get("description"))
        return cls(
            id=_str(data.get("id")) or "",
            display_name=_str(data.get("displayName")) or "",
            description=description,
            description_content_type=content_type,
            start=DateTimeTimeZone.from_graph(data.get("startDateTime")),
            end=DateTimeTimeZone.from_graph(data.get("endDateTime")),
            status=enum_value(data.get("status"), WEBINAR_STATUSES),
            audience=enum_value(data.get("audience"), AUDIENCES),
            organizer=Identity.from_graph(_dict(data.get("createdBy")).get("user")),
            co_organizers=tuple(Identity.from_graph(item) for item in _dicts(data.get("coOrganizers"))),
            settings=WebinarSettings.from_graph(data.get("settings")),
            is_registration_required=_bool(data.get("isRegistrationRequired")),
            external_event_information=ExternalEventInformation.many(data.get("externalEventInformation")),
            raw=data,
        )

    @property
    def organizer_id(self) -> str | None:
        return self.organizer.id if self.organizer else None

    @property
    def co_organizer_ids(self) -> tuple[str, ...]:
        return tuple(person.id for person in self.co_organizers if person.id)


# --------------------------------------------------------------------------------------------------------------
# Registration configuration and questions


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "custom" | "predefined" | "unknown"
    display_name: str
    is_required: bool
    answer_input_type: (
        str | None
    )  # custom only: text | multilineText | singleChoice | multiChoice | boolean | unknown
    answer_choices: tuple[str, ...]
    label: str | None  # predefined only: street | city | ... | unknown
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Question:
        data = _dict(data)
        kind = _question_kind(data)
        return cls(
            id=_str(data.get("id")) or "",
            kind=kind,
            display_name=_str(data.get("displayName")) or "",
            is_required=_bool(data.get("isRequired")) or False,
            answer_input_type=enum_value(data.get("answerInputType"), ANSWER_INPUT_TYPES)
            if kind == "custom"
            else None,
            answer_choices=_strs(data.get("answerChoices")),
            label=enum_value(data.get("label"), PREDEFINED_LABELS) if kind == "predefined" else None,
            raw=data,
        )


def _question_kind(data: dict[str, Any]) -> str:
    odata_type = (_str(data.get("@odata.type")) or "").lower()
    if odata_type.endswith("customquestion") or (not odata_type and "answerInputType" in data):
        return "custom"
    if odata_type.endswith("predefinedquestion") or (not odata_type and "label" in data):
        return "predefined"
    return UNKNOWN


@dataclass(frozen=True)
class RegistrationConfiguration:
    id: str | None
    capacity: int | None
    is_manual_approval_enabled: bool | None
    is_waitlist_enabled: bool | None
    registration_web_url: str | None
    questions: tuple[Question, ...]  # only when expanded
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> RegistrationConfiguration:
        data = _unwrap_value(data)
        return cls(
            id=_str(data.get("id")),
            capacity=_int(data.get("capacity")),
            is_manual_approval_enabled=_bool(data.get("isManualApprovalEnabled")),
            is_waitlist_enabled=_bool(data.get("isWaitlistEnabled")),
            registration_web_url=_str(data.get("registrationWebUrl")),
            questions=tuple(Question.from_graph(item) for item in _dicts(data.get("questions"))),
            raw=data,
        )


# --------------------------------------------------------------------------------------------------------------
# Registrations


@dataclass(frozen=True)
class QuestionAnswer:
    question_id: str | None
    display_name: str | None
    value: str | None
    boolean_value: bool | None
    multi_choice_values: tuple[str, ...]

    @classmethod
    def from_graph(cls, data: Any) -> QuestionAnswer:
        data = _dict(data)
        return cls(
            question_id=_str(data.get("questionId")),
            display_name=_str(data.get("displayName")),
            value=_str(data.get("value")),
            boolean_value=_bool(data.get("booleanValue")),
            multi_choice_values=_strs(data.get("multiChoiceValues")),
        )

    @property
    def choices(self) -> tuple[str, ...]:
        """Text and choice answers together: the docs put single choices in ``multiChoiceValues`` too."""
        return ((self.value,) if self.value else ()) + self.multi_choice_values


@dataclass(frozen=True)
class Registration:
    id: str
    status: str  # registered | canceled | waitlisted | pendingApproval | rejectedByOrganizer | unknown
    email: str | None
    first_name: str | None
    last_name: str | None
    user_id: str | None
    registration_date_time: datetime | None
    cancelation_date_time: datetime | None
    preferred_timezone: str | None
    preferred_language: str | None
    answers: tuple[QuestionAnswer, ...]
    external_registration_information: ExternalRegistrationInformation | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Registration:
        data = _unwrap_value(data)
        return cls(
            id=_str(data.get("id")) or "",
            status=enum_value(data.get("status"), REGISTRATION_STATUSES),
            email=_str(data.get("email")),
            first_name=_str(data.get("firstName")),
            last_name=_str(data.get("lastName")),
            user_id=_str(data.get("userId")),
            registration_date_time=parse_datetime(data.get("registrationDateTime")),
            cancelation_date_time=parse_datetime(data.get("cancelationDateTime")),
            preferred_timezone=_str(data.get("preferredTimezone")),
            preferred_language=_str(data.get("preferredLanguage")),
            answers=tuple(
                QuestionAnswer.from_graph(item) for item in _dicts(data.get("registrationQuestionAnswers"))
            ),
            external_registration_information=ExternalRegistrationInformation.from_graph(
                data.get("externalRegistrationInformation")
            ),
            raw=data,
        )

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.email or self.id

    @property
    def external_id(self) -> str | None:
        info = self.external_registration_information
        return info.registration_id if info else None


# --------------------------------------------------------------------------------------------------------------
# Presenters


@dataclass(frozen=True)
class PresenterDetails:
    bio: str
    company: str | None
    job_title: str | None
    linked_in_profile_web_url: str | None
    personal_site_web_url: str | None
    twitter_profile_web_url: str | None

    @classmethod
    def from_graph(cls, data: Any) -> PresenterDetails | None:
        if not isinstance(data, dict):
            return None
        return cls(
            bio=_item_body_text(data.get("bio"))[0],
            company=_str(data.get("company")),
            job_title=_str(data.get("jobTitle")),
            linked_in_profile_web_url=_str(data.get("linkedInProfileWebUrl")),
            personal_site_web_url=_str(data.get("personalSiteWebUrl")),
            twitter_profile_web_url=_str(data.get("twitterProfileWebUrl")),
        )


@dataclass(frozen=True)
class Presenter:
    id: str
    email: str | None
    kind: str  # "user" (in the tenant) | "guest" (external) | "unknown"
    identity: Identity | None
    details: PresenterDetails | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Presenter:
        data = _unwrap_value(data)
        identity = Identity.from_graph(data.get("identity"))
        return cls(
            id=_str(data.get("id")) or "",
            email=_str(data.get("email")) or (identity.email if identity else None),
            kind=_presenter_kind(identity),
            identity=identity,
            details=PresenterDetails.from_graph(data.get("presenterDetails")),
            raw=data,
        )

    @property
    def display_name(self) -> str:
        return (self.identity.display_name if self.identity else None) or self.email or self.id


def _presenter_kind(identity: Identity | None) -> str:
    if identity is None:
        return UNKNOWN
    odata_type = (identity.odata_type or "").lower()
    if odata_type.endswith("communicationsuseridentity") or (not odata_type and identity.tenant_id):
        return "user"
    if odata_type.endswith("communicationsguestidentity") or (not odata_type and identity.email):
        return "guest"
    return UNKNOWN


# --------------------------------------------------------------------------------------------------------------
# Sessions and attendance


@dataclass(frozen=True)
class Session:
    id: str
    subject: str | None
    join_web_url: str | None
    start: DateTimeTimeZone | None
    end: DateTimeTimeZone | None
    video_on_demand_web_url: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Session:
        data = _unwrap_value(data)
        return cls(
            id=_str(data.get("id")) or "",
            subject=_str(data.get("subject")),
            join_web_url=_str(data.get("joinWebUrl")),
            start=DateTimeTimeZone.from_graph(data.get("startDateTime")),
            end=DateTimeTimeZone.from_graph(data.get("endDateTime")),
            video_on_demand_web_url=_str(data.get("videoOnDemandWebUrl")),
            raw=data,
        )


@dataclass(frozen=True)
class AttendanceInterval:
    join_date_time: datetime | None
    leave_date_time: datetime | None
    duration_in_seconds: int | None

    @classmethod
    def from_graph(cls, data: Any) -> AttendanceInterval:
        data = _dict(data)
        return cls(
            parse_datetime(data.get("joinDateTime")),
            parse_datetime(data.get("leaveDateTime")),
            _int(data.get("durationInSeconds")),
        )


@dataclass(frozen=True)
class AttendanceRecord:
    id: str | None
    email_address: str | None
    total_attendance_in_seconds: int | None
    role: str | None  # kept as Graph writes it: "Attendee", "Presenter", "Organizer", "None", ...
    registration_id: str | None  # v1.0 registrationId, else beta registrantId; null for organizer/presenters
    identity: Identity | None
    intervals: tuple[AttendanceInterval, ...]
    external_registration_information: ExternalRegistrationInformation | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> AttendanceRecord:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")),
            email_address=_str(data.get("emailAddress")),
            total_attendance_in_seconds=_int(data.get("totalAttendanceInSeconds")),
            role=_str(data.get("role")),
            registration_id=_str(data.get("registrationId")) or _str(data.get("registrantId")),
            identity=Identity.from_graph(data.get("identity")),
            intervals=tuple(
                AttendanceInterval.from_graph(item) for item in _dicts(data.get("attendanceIntervals"))
            ),
            external_registration_information=ExternalRegistrationInformation.from_graph(
                data.get("externalRegistrationInformation")
            ),
            raw=data,
        )


@dataclass(frozen=True)
class AttendanceReport:
    id: str
    total_participant_count: int | None
    meeting_start_date_time: datetime | None
    meeting_end_date_time: datetime | None
    external_event_information: tuple[ExternalEventInformation, ...]
    records: tuple[AttendanceRecord, ...]  # empty unless fetched with $expand=attendanceRecords
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> AttendanceReport:
        data = _unwrap_value(data)
        return cls(
            id=_str(data.get("id")) or "",
            total_participant_count=_int(data.get("totalParticipantCount")),
            meeting_start_date_time=parse_datetime(data.get("meetingStartDateTime")),
            meeting_end_date_time=parse_datetime(data.get("meetingEndDateTime")),
            external_event_information=ExternalEventInformation.many(data.get("externalEventInformation")),
            records=tuple(
                AttendanceRecord.from_graph(item) for item in _dicts(data.get("attendanceRecords"))
            ),
            raw=data,
        )


# --------------------------------------------------------------------------------------------------------------
# Subscriptions and change notifications


@dataclass(frozen=True)
class Subscription:
    id: str
    resource: str | None
    change_type: str | None  # as sent, e.g. "created,updated"
    notification_url: str | None
    lifecycle_notification_url: str | None
    expiration_date_time: datetime | None
    client_state: str | None
    application_id: str | None
    creator_id: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> Subscription:
        data = _unwrap_value(data)
        return cls(
            id=_str(data.get("id")) or "",
            resource=_str(data.get("resource")),
            change_type=_str(data.get("changeType")),
            notification_url=_str(data.get("notificationUrl")),
            lifecycle_notification_url=_str(data.get("lifecycleNotificationUrl")),
            expiration_date_time=parse_datetime(data.get("expirationDateTime")),
            client_state=_str(data.get("clientState")),
            application_id=_str(data.get("applicationId")),
            creator_id=_str(data.get("creatorId")),
            raw=data,
        )

    @property
    def change_types(self) -> frozenset[str]:
        """The change types as a set: Graph accepts "created,updated" and "created, updated"."""
        return frozenset(part.strip() for part in (self.change_type or "").split(",") if part.strip())


@dataclass(frozen=True)
class ResourceData:
    """A basic notification's ``resourceData``. ``id`` is usually the full path, except for attendance reports."""

    odata_type: str | None
    odata_id: str | None
    odata_etag: str | None
    id: str | None

    @classmethod
    def from_graph(cls, data: Any) -> ResourceData | None:
        if not isinstance(data, dict):
            return None
        return cls(
            _str(data.get("@odata.type")),
            _str(data.get("@odata.id")),
            _str(data.get("@odata.etag")),
            _str(data.get("id")),
        )


@dataclass(frozen=True)
class ChangeNotification:
    """One item of a ``changeNotificationCollection``: a change, or (``lifecycle_event`` set) a lifecycle event."""

    subscription_id: str | None
    subscription_expiration_date_time: datetime | None
    change_type: str | None  # created | updated | deleted | unknown; None on lifecycle items
    client_state: str | None
    resource: str | None
    tenant_id: str | None
    resource_data: ResourceData | None
    lifecycle_event: (
        str | None
    )  # reauthorizationRequired | subscriptionRemoved | missed | unknown; None otherwise
    id: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> ChangeNotification:
        data = _dict(data)
        change_type = data.get("changeType")
        lifecycle = data.get("lifecycleEvent")
        return cls(
            subscription_id=_str(data.get("subscriptionId")),
            subscription_expiration_date_time=parse_datetime(data.get("subscriptionExpirationDateTime")),
            change_type=enum_value(change_type, CHANGE_TYPES) if change_type is not None else None,
            client_state=_str(data.get("clientState")),
            resource=_str(data.get("resource")),
            tenant_id=_str(data.get("tenantId")),
            resource_data=ResourceData.from_graph(data.get("resourceData")),
            lifecycle_event=enum_value(lifecycle, LIFECYCLE_EVENTS) if lifecycle is not None else None,
            id=_str(data.get("id")),
            raw=data,
        )

    @property
    def is_lifecycle(self) -> bool:
        return self.lifecycle_event is not None

    @property
    def resource_path(self) -> str | None:
        """The path to GET for this change, without leading/trailing ``/``.

        ``@odata.id`` first: for attendance reports ``id`` is a bare report id, everywhere else both are paths.
        """
        data = self.resource_data
        candidates = (data.odata_id, data.id) if data else ()
        for candidate in (*candidates, self.resource):
            if candidate and "/" in candidate.strip("/"):
                return candidate.strip("/")
        return None


def parse_notifications(body: Any) -> tuple[ChangeNotification, ...]:
    """All items of a changeNotificationCollection (``{"value": [...]}``); non-object items are skipped."""
    return tuple(ChangeNotification.from_graph(item) for item in _dicts(_dict(body).get("value")))


# --------------------------------------------------------------------------------------------------------------
# Directory


@dataclass(frozen=True)
class DirectoryUser:
    id: str
    display_name: str | None
    mail: str | None
    user_principal_name: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_graph(cls, data: Any) -> DirectoryUser:
        data = _dict(data)
        return cls(
            id=_str(data.get("id")) or "",
            display_name=_str(data.get("displayName")),
            mail=_str(data.get("mail")),
            user_principal_name=_str(data.get("userPrincipalName")),
            raw=data,
        )
