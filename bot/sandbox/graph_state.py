"""The in-memory tenant behind the Graph stand-in: webinars and what hangs off them, and subscriptions.

This module knows Graph's *rules* (REFERENCE.md §1-§5): who may call what, which fields a body may carry,
how a registration's status follows from the registration configuration, which changes notify which
subscriptions. It knows nothing about HTTP; ``graph_standin`` parses requests, calls the methods here and
serializes what they return. Every method a Graph request reaches takes the ``Caller`` first (unless any
caller may do it) and raises ``GraphError`` for anything Graph would refuse, so each permission rule is
stated exactly once.

Deliberate choices where Graph's documentation is silent (clients may rely on them in the sandbox only):

* registering for a draft or canceled webinar: ``400 invalidRequest``; a full webinar without waitlist:
  ``400 invalidRequest`` "Registration is full"; a second live registration for one e-mail: ``409 Conflict``;
* publishing a published webinar, canceling a canceled webinar or registration: ``204`` again, without a
  notification;
* capacity counts ``registered`` and ``pendingApproval`` registrations; a freed place goes to the oldest
  ``waitlisted`` one.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import quote

from bot.graph.models import DateTimeTimeZone
from bot.sandbox import directory
from bot.sandbox.directory import TENANT_ID, Person

APP_ID = "6f1f2a8e-3b0c-4c1e-9a55-7d2b8e4f0c31"
"""Application (client) id of the sandbox's Entra app registration: `applicationId` of its subscriptions."""

PREDEFINED_LABELS = {
    "street": "Address", "city": "City", "state": "State or province", "postalCode": "Postal code",
    "countryOrRegion": "Country or region", "industry": "Industry", "jobTitle": "Job title",
    "organization": "Organization",
}
ANSWER_INPUT_TYPES = ("text", "multilineText", "singleChoice", "multiChoice", "boolean")
REGISTRATION_STATUSES = ("registered", "canceled", "waitlisted", "pendingApproval", "rejectedByOrganizer")
PLACE_TAKING = ("registered", "pendingApproval")
CUSTOM_QUESTION = "#microsoft.graph.virtualEventRegistrationCustomQuestion"
PREDEFINED_QUESTION = "#microsoft.graph.virtualEventRegistrationPredefinedQuestion"
USER_IDENTITY = "#microsoft.graph.communicationsUserIdentity"
GUEST_IDENTITY = "#microsoft.graph.communicationsGuestIdentity"

SUBSCRIBABLE = {  # §5.1: what a webinar subscription may watch, and for which change types
    "webinar": {"updated"},
    "registrations": {"created", "updated"},
    "sessions": {"created", "updated"},
    "getattendancereports": {"created"},
}
MAX_SUBSCRIPTION_LIFETIME = timedelta(minutes=1440)  # "a maximum period of a day"
MIN_SUBSCRIPTION_LIFETIME = timedelta(minutes=45)
LIFECYCLE_URL_NEEDED_AFTER = timedelta(hours=1)
LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")


class GraphError(Exception):
    """A refusal in Graph's terms: HTTP status, `error.code`, `error.message`, extra response headers."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def invalid(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


def forbidden(message: str) -> GraphError:
    return GraphError(403, "Forbidden", message)


def not_found(what: str) -> GraphError:
    return GraphError(404, "itemNotFound", f"{what} was not found.")


@dataclass(frozen=True)
class Caller:
    """Whoever holds the bearer token: a signed-in Entra user (delegated) or the application itself."""

    person: Person | None = None

    @property
    def is_app(self) -> bool:
        return self.person is None

    @property
    def id(self) -> str:
        return APP_ID if self.person is None else self.person.entra_id


def utc_now() -> datetime:
    return datetime.now(UTC)


def graph_time(moment: datetime) -> str:
    """UTC with seven fractional digits and a Z, the way Graph writes DateTimeOffset values."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def parse_time(text: object, name: str) -> datetime:
    """Lenient DateTimeOffset parsing (§6 "Dates"): Z or offset or none (then UTC), any fraction."""
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        raise invalid(f"'{name}' is not a valid DateTimeOffset: {text!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_fields(body: object, allowed: set[str], required: tuple[str, ...] = (), *, type_name: str) -> dict:
    """Refuse what Graph's deserializer refuses: a non-object, unknown properties, missing required ones."""
    if not isinstance(body, dict):
        raise invalid(f"The request body must be a JSON object of type 'microsoft.graph.{type_name}'.")
    for key in body:
        if key not in allowed and not key.startswith("@odata."):
            raise invalid(f"Property '{key}' does not exist on type 'microsoft.graph.{type_name}'. "
                          "Make sure to only use property names that are defined by the type.")
    for key in required:
        if body.get(key) in (None, ""):
            raise invalid(f"The property '{key}' is required.")
    return body


def check_type(value: object, expected: type | tuple[type, ...], name: str) -> object:
    if value is not None and not isinstance(value, expected):
        raise invalid(f"Cannot convert the value of property '{name}' to the expected type.")
    return value


def check_enum(value: object, allowed: tuple[str, ...] | set[str], name: str) -> object:
    if value is not None and value not in allowed:
        raise invalid(f"Requested value '{value}' was not found (property '{name}').")
    return value


def check_item_body(value: object, name: str) -> dict | None:
    """itemBody {contentType text|html, content}; Graph accepts a bare string too, so do we."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"contentType": "text", "content": value}
    body = check_fields(value, {"contentType", "content"}, type_name="itemBody")
    check_enum(body.get("contentType", "text"), ("text", "html"), f"{name}.contentType")
    check_type(body.get("content"), str, f"{name}.content")
    return {"contentType": body.get("contentType", "text"), "content": body.get("content", "")}


def check_date_time_zone(value: object, name: str) -> dict:
    """dateTimeTimeZone: local wall time without offset plus a (Windows) time zone name (§1.1)."""
    body = check_fields(value, {"dateTime", "timeZone"}, ("dateTime", "timeZone"),
                        type_name="dateTimeTimeZone")
    try:
        datetime.fromisoformat(str(body["dateTime"]))
    except ValueError:
        raise invalid(f"'{name}.dateTime' is not a valid date and time: {body['dateTime']!r}.") from None
    check_type(body["timeZone"], str, f"{name}.timeZone")
    return {"dateTime": body["dateTime"], "timeZone": body["timeZone"]}


def scheduled_seconds(start: dict, end: dict) -> int | None:
    """Length of a schedule when both ends use the same zone (no zone database needed then), else None."""
    if start["timeZone"] != end["timeZone"]:
        return None
    def wall_time(value: dict) -> datetime:  # a stray offset must not make the two incomparable
        return datetime.fromisoformat(value["dateTime"]).replace(tzinfo=None)

    return int((wall_time(end) - wall_time(start)).total_seconds())



def directory_person(entra_id: object, role: str) -> Person:
    person = directory.person_by_entra_id(str(entra_id))
    if person is None:
        raise invalid(f"The {role} '{entra_id}' is not a user of tenant {TENANT_ID}.")
    return person


def user_identity(person: Person) -> dict:
    return {"id": person.entra_id, "displayName": person.display_name, "tenantId": TENANT_ID}


# ------------------------------------------------------------------------------------------------------------
# Entities


@dataclass
class Question:
    id: str
    display_name: str
    is_required: bool
    label: str | None = None  # set for a predefined question
    answer_input_type: str | None = None  # set for a custom question
    answer_choices: list[str] = field(default_factory=list)

    def to_graph(self) -> dict:
        if self.label is not None:
            return {"@odata.type": PREDEFINED_QUESTION, "id": self.id, "label": self.label,
                    "displayName": self.display_name, "isRequired": self.is_required}
        return {"@odata.type": CUSTOM_QUESTION, "id": self.id, "displayName": self.display_name,
                "answerInputType": self.answer_input_type, "answerChoices": list(self.answer_choices),
                "isRequired": self.is_required}


@dataclass
class Registration:
    id: str
    email: str
    first_name: str
    last_name: str
    user_id: str | None
    status: str
    preferred_timezone: str
    preferred_language: str
    answers: list[dict]
    external: dict | None
    registered_at: datetime = field(default_factory=utc_now)
    canceled_at: datetime | None = None
    join_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    def to_graph(self) -> dict:
        return {
            "@odata.type": "#microsoft.graph.virtualEventRegistration", "id": self.id, "userId": self.user_id,
            "firstName": self.first_name, "lastName": self.last_name, "email": self.email,
            "externalRegistrationInformation": self.external, "status": self.status,
            "registrationDateTime": graph_time(self.registered_at),
            "cancelationDateTime": graph_time(self.canceled_at) if self.canceled_at else None,
            "preferredTimezone": self.preferred_timezone, "preferredLanguage": self.preferred_language,
            "registrationQuestionAnswers": [dict(answer) for answer in self.answers],
        }


@dataclass
class Presenter:
    id: str
    email: str
    identity: dict
    details: dict | None = None

    def to_graph(self) -> dict:
        return {"id": self.id, "email": self.email, "identity": dict(self.identity),
                "presenterDetails": self.details}


@dataclass
class Session:
    """The single session Graph creates with a webinar. Both session lists return only this summary (§1.7)."""

    id: str
    subject: str
    start: dict
    end: dict
    join_web_url: str
    video_on_demand_web_url: str | None = None   # set by a test or the demo: the recording was published

    def to_graph(self, registrant_token: str | None = None) -> dict:
        url = self.join_web_url
        if registrant_token is not None:
            url += f"&registrantToken={registrant_token}"
        return {"@odata.type": "#microsoft.graph.virtualEventSession", "id": self.id, "subject": self.subject,
                "joinWebUrl": url, "startDateTime": dict(self.start), "endDateTime": dict(self.end)}


@dataclass
class AttendanceReport:
    id: str
    started: datetime
    ended: datetime
    records: list[dict]

    def to_graph(self, with_records: bool = False) -> dict:
        report = {"id": self.id, "totalParticipantCount": len(self.records),
                  "meetingStartDateTime": graph_time(self.started),
                  "meetingEndDateTime": graph_time(self.ended), "externalEventInformation": []}
        if with_records:
            report["attendanceRecords"] = [dict(record) for record in self.records]
        return report


@dataclass
class Webinar:
    id: str
    organizer: Person
    co_organizers: list[Person]
    display_name: str
    description: dict | None
    start: dict
    end: dict
    audience: str
    settings: dict
    is_registration_required: bool
    session: Session
    status: str = "draft"
    capacity: int | None = None
    is_waitlist_enabled: bool = False
    is_manual_approval_enabled: bool = False
    questions: dict[str, Question] = field(default_factory=dict)
    registrations: dict[str, Registration] = field(default_factory=dict)
    ids_by_email: dict[str, list[str]] = field(default_factory=dict)   # lower-cased e-mail -> registration ids
    presenters: dict[str, Presenter] = field(default_factory=dict)
    reports: list[AttendanceReport] = field(default_factory=list)

    def role_of(self, caller: Caller) -> str | None:
        if caller.person == self.organizer:
            return "organizer"
        if caller.person is not None and caller.person in self.co_organizers:
            return "coOrganizer"
        return None

    def places_taken(self) -> int:
        return sum(r.status in PLACE_TAKING for r in self.registrations.values())

    def to_graph(self) -> dict:
        return {
            "id": self.id, "status": self.status, "displayName": self.display_name,
            "description": self.description, "startDateTime": dict(self.start), "endDateTime": dict(self.end),
            "audience": self.audience,
            "createdBy": {"application": None, "device": None, "user": user_identity(self.organizer)},
            "coOrganizers": [user_identity(p) for p in self.co_organizers], "settings": dict(self.settings),
            "isRegistrationRequired": self.is_registration_required, "externalEventInformation": [],
        }

    def registration_configuration(self) -> dict:
        return {"@odata.type": "#microsoft.graph.virtualEventWebinarRegistrationConfiguration", "id": self.id,
                "capacity": self.capacity, "isManualApprovalEnabled": self.is_manual_approval_enabled,
                "isWaitlistEnabled": self.is_waitlist_enabled,
                "registrationWebUrl": f"https://events.teams.microsoft.com/event/{self.id}"}


@dataclass
class Subscription:
    id: str
    resource: str
    kind: str  # a key of SUBSCRIBABLE
    webinar_id: str
    change_types: list[str]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expires: datetime
    creator_id: str
    tls_version: str

    def watches(self, webinar_id: str, kind: str, change_type: str) -> bool:
        return (self.webinar_id == webinar_id and self.kind == kind and change_type in self.change_types
                and self.expires > utc_now())

    def to_graph(self) -> dict:
        return {"id": self.id, "resource": self.resource, "applicationId": APP_ID,
                "changeType": ",".join(self.change_types), "clientState": self.client_state,
                "notificationUrl": self.notification_url, "notificationQueryOptions": None,
                "lifecycleNotificationUrl": self.lifecycle_url,
                "expirationDateTime": graph_time(self.expires), "creatorId": self.creator_id,
                "includeResourceData": None, "latestSupportedTlsVersion": self.tls_version,
                "encryptionCertificate": None, "encryptionCertificateId": None, "notificationUrlAppId": None}


class Outgoing(Protocol):
    """What the state needs from the outside world: the stand-in's outbox (``graph_standin.Outbox``)."""

    def send(self, url: str, item: dict, kind: str = "change") -> None: ...

    async def validate(self, url: str) -> str | None: ...


WEBINAR_CREATE = {"audience", "coOrganizers", "description", "displayName", "startDateTime", "endDateTime",
                  "settings", "isRegistrationRequired"}
WEBINAR_UPDATE = {"coOrganizers", "description", "displayName", "startDateTime", "endDateTime", "settings"}
WEBINAR_READ_ONLY = {"id", "status", "createdBy", "externalEventInformation", "audience",
                     "isRegistrationRequired"}
REGISTRATION_CREATE = {"preferredTimezone", "preferredLanguage", "registrationQuestionAnswers",
                       "externalRegistrationInformation", "firstName", "lastName", "email"}
PRESENTER_DETAILS = {"bio", "company", "jobTitle", "linkedInProfileWebUrl", "personalSiteWebUrl",
                     "twitterProfileWebUrl"}
SUBSCRIPTION_CREATE = {"changeType", "notificationUrl", "lifecycleNotificationUrl", "resource",
                       "expirationDateTime", "clientState", "latestSupportedTlsVersion",
                       "includeResourceData", "encryptionCertificate", "encryptionCertificateId",
                       "notificationUrlAppId"}
ORGANIZERS = ("organizer", "coOrganizer")
WEBINAR_PATH = "solutions/virtualEvents/webinars/{}"
SUBSCRIPTION_RESOURCE = {"webinar": "/", "registrations": "/registrations", "sessions": "/sessions",
                         "getattendancereports": "/getAttendanceReports"}


def odata_type(value: object) -> str:
    """Graph accepts "#microsoft.graph.X" and "microsoft.graph.X"; compare in the first form."""
    text = str(value or "")
    return text if text.startswith("#") else f"#{text}"


def subscription_error(message: str) -> GraphError:
    return GraphError(400, "InvalidRequest", message)


def join_web_url(organizer: Person) -> str:
    context = quote(json.dumps({"Tid": TENANT_ID, "Oid": organizer.entra_id}, separators=(",", ":")), safe="")
    thread = f"19%3ameeting_{secrets.token_urlsafe(24)}%40thread.v2"
    return f"https://teams.microsoft.com/l/meetup-join/{thread}/0?context={context}"


def user_to_graph(person: Person) -> dict:
    return {"id": person.entra_id, "displayName": person.display_name, "givenName": person.first_name,
            "surname": person.last_name, "mail": person.email, "userPrincipalName": person.email,
            "preferredLanguage": person.locale, "jobTitle": None, "officeLocation": None, "mobilePhone": None,
            "businessPhones": []}


def find_user(key: str) -> Person:
    """``/users/{id | userPrincipalName}``: the sandbox's UPN is the person's e-mail address."""
    person = directory.person_by_entra_id(key) or directory.person_by_email(key)
    if person is None:
        raise GraphError(404, "Request_ResourceNotFound", f"Resource '{key}' does not exist or one of "
                         "its queried reference-property objects are not present.")
    return person


def filter_users(text: str | None) -> list[Person]:
    """``/users?$filter=mail eq '...'`` (or userPrincipalName): how the bot maps Slack e-mails to Entra."""
    if not text:
        return list(directory.PEOPLE)
    match = re.fullmatch(r"\s*(mail|userPrincipalName)\s+eq\s+'((?:[^']|'')*)'\s*", text, re.IGNORECASE)
    if match is None:
        raise GraphError(400, "Request_UnsupportedQuery", f"Unsupported query: $filter={text}")
    person = directory.person_by_email(match[2].replace("''", "'"))
    return [person] if person else []


class GraphState:
    """The tenant's webinars and subscriptions, and every rule Graph applies to them."""

    def __init__(self, outbox: Outgoing) -> None:
        self.outbox = outbox
        self.webinars: dict[str, Webinar] = {}
        self.subscriptions: dict[str, Subscription] = {}

    def reset(self) -> None:
        self.webinars.clear()
        self.subscriptions.clear()

    def summary(self) -> dict:
        registrations = [r for w in self.webinars.values() for r in w.registrations.values()]
        return {"webinars": len(self.webinars), "registrations": len(registrations),
                "subscriptions": len(self.subscriptions),
                "reports": sum(len(w.reports) for w in self.webinars.values())}

    # ---- who may do what (§1.2, §2) ------------------------------------------------------------------------

    @staticmethod
    def _signed_in(caller: Caller, action: str) -> Person:
        if caller.person is None:
            raise forbidden(f"{action} needs a delegated (signed-in user) token; application permissions "
                            "are not supported.")
        return caller.person

    @staticmethod
    def _app_only(caller: Caller, action: str) -> None:
        if not caller.is_app:
            raise forbidden(f"{action} is not supported with delegated permissions; use an application "
                            "token.")

    def _require_role(self, caller: Caller, webinar: Webinar, roles: tuple[str, ...], action: str) -> None:
        self._signed_in(caller, action)
        if webinar.role_of(caller) not in roles:
            raise forbidden(f"{action} is allowed only to the webinar's {' or '.join(roles)}.")

    def _require_reader(self, caller: Caller, webinar: Webinar, action: str) -> None:
        """Organizer, co-organizer, or the application (which Graph would also hold to an access policy)."""
        if not caller.is_app:
            self._require_role(caller, webinar, ORGANIZERS, action)

    # ---- webinars ------------------------------------------------------------------------------------------

    def webinar(self, webinar_id: str) -> Webinar:
        """Any caller may GET any webinar: every role can (§1.2)."""
        webinar = self.webinars.get(webinar_id.lower())
        if webinar is None:
            raise not_found(f"The webinar '{webinar_id}'")
        return webinar

    def create_webinar(self, caller: Caller, body: object) -> Webinar:
        organizer = self._signed_in(caller, "Creating a webinar")
        check_fields(body, WEBINAR_CREATE, ("displayName", "startDateTime", "endDateTime"),
                     type_name="virtualEventWebinar")
        start, end = self._schedule(body["startDateTime"], body["endDateTime"])
        settings = self._settings(body.get("settings"), {"isAttendeeEmailNotificationEnabled": True})
        webinar = Webinar(
            id=f"{uuid.uuid4()}@{TENANT_ID}", organizer=organizer,
            co_organizers=self._co_organizers(body.get("coOrganizers")),
            display_name=check_type(body["displayName"], str, "displayName"),
            description=check_item_body(body.get("description"), "description"), start=start, end=end,
            audience=check_enum(body.get("audience") or "organization", ("everyone", "organization"),
                                "audience"),
            settings=settings,
            is_registration_required=check_type(body.get("isRegistrationRequired", True), bool,
                                                "isRegistrationRequired") is not False,
            session=Session(str(uuid.uuid4()), body["displayName"], start, end, join_web_url(organizer)),
        )
        self.webinars[webinar.id.lower()] = webinar
        return webinar

    def list_webinars(self, caller: Caller) -> list[Webinar]:
        self._app_only(caller, "Listing the tenant's webinars")
        return list(self.webinars.values())

    def webinars_by_role(self, caller: Caller, role: str) -> list[Webinar]:
        self._signed_in(caller, "getByUserRole")
        check_enum(role, ORGANIZERS, "role")
        return [w for w in self.webinars.values() if w.role_of(caller) == role]

    def webinars_by_user_and_role(self, caller: Caller, user_id: str, role: str) -> list[Webinar]:
        self._app_only(caller, "getByUserIdAndRole")
        check_enum(role, ORGANIZERS, "role")
        user = Caller(directory.person_by_entra_id(user_id))  # an unknown id is no one: nothing matches
        return [w for w in self.webinars.values() if w.role_of(user) == role]

    def update_webinar(self, caller: Caller, webinar_id: str, body: object) -> Webinar:
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ORGANIZERS, "Updating a webinar")
        if webinar.status == "canceled":
            raise invalid("A canceled webinar cannot be updated.")
        frozen = [key for key in (body if isinstance(body, dict) else ()) if key in WEBINAR_READ_ONLY]
        if frozen:
            raise invalid(f"Property '{frozen[0]}' cannot be updated.")
        check_fields(body, WEBINAR_UPDATE, type_name="virtualEventWebinar")
        start, end = self._schedule(body.get("startDateTime", webinar.start),
                                    body.get("endDateTime", webinar.end))
        if "coOrganizers" in body:
            webinar.co_organizers = self._co_organizers(body["coOrganizers"])
        if "description" in body:
            webinar.description = check_item_body(body["description"], "description")
        if "displayName" in body:
            name = check_type(body["displayName"], str, "displayName")
            webinar.display_name = webinar.session.subject = name
        if "settings" in body:
            webinar.settings = self._settings(body["settings"], webinar.settings)
        rescheduled = (start, end) != (webinar.start, webinar.end)
        webinar.start = webinar.session.start = start
        webinar.end = webinar.session.end = end
        self._notify_webinar(webinar)
        if rescheduled:
            path = f"{WEBINAR_PATH.format(webinar.id)}/sessions/{webinar.session.id}"
            self._notify(webinar, "sessions", "updated", "#microsoft.graph.virtualEventSession", path)
        return webinar

    def publish(self, caller: Caller, webinar_id: str) -> None:
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ("organizer",), "Publishing a webinar")
        if webinar.status == "canceled":
            raise invalid("A canceled webinar cannot be published.")
        if webinar.status == "draft":
            webinar.status = "published"
            self._notify_webinar(webinar)

    def cancel(self, caller: Caller, webinar_id: str) -> None:
        """Permanent (§1.1); the webinar stays readable."""
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ("organizer",), "Canceling a webinar")
        if webinar.status != "canceled":
            webinar.status = "canceled"
            self._notify_webinar(webinar)

    @staticmethod
    def _schedule(start: object, end: object) -> tuple[dict, dict]:
        start, end = check_date_time_zone(start, "startDateTime"), check_date_time_zone(end, "endDateTime")
        length = scheduled_seconds(start, end)
        if length is not None and length <= 0:
            raise invalid("endDateTime must be later than startDateTime.")
        return start, end

    @staticmethod
    def _settings(value: object, current: dict) -> dict:
        if value is None:
            return dict(current)
        key = "isAttendeeEmailNotificationEnabled"
        settings = check_fields(value, {key}, type_name="virtualEventSettings")
        check_type(settings.get(key), bool, key)
        return {**current, **settings}

    @staticmethod
    def _co_organizers(value: object) -> list[Person]:
        """Written as ``{"id", "tenantId"}``; Graph fills in ``displayName`` on read (§1.2)."""
        people = []
        for item in check_type(value, list, "coOrganizers") or []:
            check_fields(item, {"id", "tenantId", "displayName"}, ("id",),
                         type_name="communicationsUserIdentity")
            people.append(directory_person(item["id"], "co-organizer"))
        return people

    # ---- registration configuration and questions (§1.3, §1.4) --------------------------------------------

    def registration_configuration(self, caller: Caller, webinar_id: str) -> dict:
        webinar = self.webinar(webinar_id)
        self._require_reader(caller, webinar, "Reading the registration configuration")
        return webinar.registration_configuration()

    def configure_registration(self, webinar_id: str, body: object) -> dict:
        """Sandbox control only: Graph has no documented way to set these (§1.3), the Teams UI does."""
        webinar = self.webinar(webinar_id)
        check_fields(body, {"capacity", "isWaitlistEnabled", "isManualApprovalEnabled"},
                     type_name="virtualEventWebinarRegistrationConfiguration")
        if "capacity" in body:
            capacity = check_type(body["capacity"], int, "capacity")
            if capacity is not None and capacity < 1:
                raise invalid("capacity must be at least 1 (or null for unlimited).")
            webinar.capacity = capacity
        if body.get("isWaitlistEnabled") is not None:
            webinar.is_waitlist_enabled = check_type(body["isWaitlistEnabled"], bool, "isWaitlistEnabled")
        if body.get("isManualApprovalEnabled") is not None:
            webinar.is_manual_approval_enabled = check_type(body["isManualApprovalEnabled"], bool,
                                                            "isManualApprovalEnabled")
        self._promote_waitlist(webinar)
        return webinar.registration_configuration()

    def add_question(self, caller: Caller, webinar_id: str, body: object) -> Question:
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ORGANIZERS, "Creating a registration question")
        kind = odata_type(body.get("@odata.type")) if isinstance(body, dict) else None
        if kind == CUSTOM_QUESTION:
            question = self._custom_question(body)
        elif kind == PREDEFINED_QUESTION:
            question = self._predefined_question(body)
        else:
            raise invalid(f"A question needs '@odata.type': '{CUSTOM_QUESTION}' or '{PREDEFINED_QUESTION}'.")
        webinar.questions[question.id] = question
        return question

    @staticmethod
    def _custom_question(body: dict) -> Question:
        check_fields(body, {"displayName", "answerInputType", "answerChoices", "isRequired"},
                     ("displayName", "answerInputType"), type_name="virtualEventRegistrationCustomQuestion")
        input_type = check_enum(body["answerInputType"], ANSWER_INPUT_TYPES, "answerInputType")
        choices = check_type(body.get("answerChoices"), list, "answerChoices") or []
        if not all(isinstance(choice, str) and choice for choice in choices):
            raise invalid("answerChoices must be non-empty strings.")
        if (input_type in ("singleChoice", "multiChoice")) != bool(choices):
            raise invalid("answerChoices are required for singleChoice and multiChoice questions, "
                          "and only for them.")
        return Question(str(uuid.uuid4()), check_type(body["displayName"], str, "displayName"),
                        check_type(body.get("isRequired"), bool, "isRequired") is True,
                        answer_input_type=input_type, answer_choices=list(choices))

    @staticmethod
    def _predefined_question(body: dict) -> Question:
        """The server names predefined questions itself: ``street`` becomes "Address" (§1.4)."""
        check_fields(body, {"label", "displayName", "isRequired"}, ("label",),
                     type_name="virtualEventRegistrationPredefinedQuestion")
        label = check_enum(body["label"], tuple(PREDEFINED_LABELS), "label")
        return Question(str(uuid.uuid4()), PREDEFINED_LABELS[label],
                        check_type(body.get("isRequired"), bool, "isRequired") is True, label=label)

    def questions(self, caller: Caller, webinar_id: str) -> list[Question]:
        webinar = self.webinar(webinar_id)
        self._require_reader(caller, webinar, "Listing registration questions")
        return list(webinar.questions.values())

    def delete_question(self, caller: Caller, webinar_id: str, question_id: str) -> None:
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ORGANIZERS, "Deleting a registration question")
        if webinar.questions.pop(question_id, None) is None:
            raise not_found(f"The question '{question_id}'")

    # ---- registrations (§1.5, §2.3) ------------------------------------------------------------------------

    def register(self, caller: Caller, webinar_id: str, body: object) -> Registration:
        """Delegated: registers the caller (names from the directory). Application: an anonymous person."""
        webinar = self.webinar(webinar_id)
        named = ("firstName", "lastName", "email") if caller.is_app else ()
        check_fields(body, REGISTRATION_CREATE, (*named, "preferredTimezone", "preferredLanguage"),
                     type_name="virtualEventRegistration")
        for key in ("firstName", "lastName", "email", "preferredTimezone", "preferredLanguage"):
            check_type(body.get(key), str, key)
        if webinar.status != "published":
            raise invalid(f"Registration is closed: the webinar is {webinar.status}; only a published "
                          "webinar accepts registrations.")
        person = caller.person
        email = body["email"] if person is None else person.email
        if "@" not in email:
            raise invalid(f"'{email}' is not a valid e-mail address.")
        if self._live_registration(webinar, email) is not None:
            raise GraphError(409, "Conflict", f"{email} is already registered for this webinar.")
        answers = self._answers(webinar, body.get("registrationQuestionAnswers"))
        registration = Registration(
            id=str(uuid.uuid4()), email=email,
            first_name=body["firstName"] if person is None else person.first_name,
            last_name=body["lastName"] if person is None else person.last_name,
            user_id=None if person is None else person.entra_id, status=self._initial_status(webinar),
            preferred_timezone=body["preferredTimezone"], preferred_language=body["preferredLanguage"],
            answers=answers,
            external=self._external_registration(body.get("externalRegistrationInformation")),
        )
        webinar.registrations[registration.id] = registration
        webinar.ids_by_email.setdefault(registration.email.lower(), []).append(registration.id)
        self._notify_registration(webinar, registration, "created")
        return registration

    @staticmethod
    def _initial_status(webinar: Webinar) -> str:
        if webinar.capacity is not None and webinar.places_taken() >= webinar.capacity:
            if not webinar.is_waitlist_enabled:
                raise invalid(f"Registration is full: all {webinar.capacity} places are taken and the "
                              "webinar has no waitlist.")
            return "waitlisted"
        return "pendingApproval" if webinar.is_manual_approval_enabled else "registered"

    @staticmethod
    def _live_registration(webinar: Webinar, email: str) -> Registration | None:
        candidates = (webinar.registrations[i] for i in webinar.ids_by_email.get(email.lower(), ()))
        return next((r for r in candidates if r.status != "canceled"), None)

    @staticmethod
    def _external_registration(value: object) -> dict | None:
        if value is None:
            return None
        info = check_fields(value, {"referrer", "registrationId"},
                            type_name="virtualEventExternalRegistrationInformation")
        if len(str(info.get("registrationId") or "")) > 256:
            raise invalid("externalRegistrationInformation.registrationId is longer than 256 characters.")
        return {"referrer": info.get("referrer"), "registrationId": info.get("registrationId")}

    def _answers(self, webinar: Webinar, given: object) -> list[dict]:
        """Check answers against the webinar's questions; keep them as Graph reads them back (displayName)."""
        answers, answered = [], set()
        for raw in check_type(given, list, "registrationQuestionAnswers") or []:
            check_fields(raw, {"questionId", "displayName", "value", "booleanValue", "multiChoiceValues"},
                         ("questionId",), type_name="virtualEventRegistrationQuestionAnswer")
            question = webinar.questions.get(raw["questionId"])
            if question is None:
                raise invalid(f"'{raw['questionId']}' is not a registration question of this webinar.")
            choices = check_type(raw.get("multiChoiceValues"), list, "multiChoiceValues") or []
            answer = {"questionId": question.id, "displayName": question.display_name,
                      "value": raw.get("value"), "booleanValue": raw.get("booleanValue"),
                      "multiChoiceValues": choices}
            if self._check_answer(question, answer):
                answered.add(question.id)
            answers.append(answer)
        missing = [q for q in webinar.questions.values() if q.is_required and q.id not in answered]
        if missing:
            raise invalid(f"The required question '{missing[0].display_name}' ({missing[0].id}) is not "
                          "answered.")
        return answers

    @staticmethod
    def _check_answer(question: Question, answer: dict) -> bool:
        """Whether ``answer`` answers ``question``; raises when it answers it wrongly."""
        check_type(answer["value"], str, "value")
        check_type(answer["booleanValue"], bool, "booleanValue")
        if question.answer_input_type == "boolean":
            return answer["booleanValue"] is not None
        if question.answer_input_type in ("singleChoice", "multiChoice"):
            # The docs' own examples put a single choice into multiChoiceValues (§1.5): accept both places.
            picked = answer["multiChoiceValues"] or ([answer["value"]] if answer["value"] else [])
            if question.answer_input_type == "singleChoice" and len(picked) > 1:
                raise invalid(f"Question '{question.display_name}' takes a single choice.")
            for choice in picked:
                if choice not in question.answer_choices:
                    raise invalid(f"'{choice}' is not a choice of question '{question.display_name}'.")
            return bool(picked)
        return bool(answer["value"])

    def registrations(self, caller: Caller, webinar_id: str) -> list[Registration]:
        webinar = self.webinar(webinar_id)
        self._app_only(caller, "Listing registrations")  # v1.0 as of 2026-07 (§2.3)
        return list(webinar.registrations.values())

    def registration(self, caller: Caller, webinar_id: str, key: tuple[str, str]) -> Registration:
        """By id or by the alternate keys email / userId; the registrant may read their own."""
        webinar = self.webinar(webinar_id)
        registration = self._find_registration(webinar, key)
        if not caller.is_app and registration.user_id != caller.id:
            self._require_role(caller, webinar, ORGANIZERS, "Reading someone else's registration")
        return registration

    @staticmethod
    def _find_registration(webinar: Webinar, key: tuple[str, str]) -> Registration:
        name, value = key
        if name == "id":
            found = webinar.registrations.get(value)
        else:  # an alternate key may match a canceled and a newer live registration: prefer the live one
            matches = [r for r in webinar.registrations.values()
                       if (r.email if name == "email" else r.user_id or "").lower() == value.lower()]
            live = [r for r in matches if r.status != "canceled"]
            found = (live or matches or [None])[-1]
        if found is None:
            raise not_found(f"The registration with {name} '{value}'")
        return found

    def cancel_registration(self, caller: Caller, webinar_id: str, key: tuple[str, str]) -> None:
        registration = self.registration(caller, webinar_id, key)
        if registration.status != "canceled":
            self._set_status(self.webinar(webinar_id), registration, "canceled")

    def set_registration_status(self, webinar_id: str, registration_id: str, status: object) -> Registration:
        """Sandbox control: the organizer approving or rejecting in the Teams UI (Graph cannot, §1.5)."""
        webinar = self.webinar(webinar_id)
        registration = self._find_registration(webinar, ("id", registration_id))
        self._set_status(webinar, registration, check_enum(status, REGISTRATION_STATUSES, "status"))
        return registration

    def _set_status(self, webinar: Webinar, registration: Registration, status: str) -> None:
        freed = registration.status in PLACE_TAKING and status not in PLACE_TAKING
        registration.status = status
        registration.canceled_at = utc_now() if status == "canceled" else None
        self._notify_registration(webinar, registration, "updated")
        if freed:
            self._promote_waitlist(webinar)

    def _promote_waitlist(self, webinar: Webinar) -> None:
        """Give free places to the oldest waitlisted registrations."""
        for registration in webinar.registrations.values():
            if webinar.capacity is not None and webinar.places_taken() >= webinar.capacity:
                return
            if registration.status == "waitlisted":
                manual = webinar.is_manual_approval_enabled
                registration.status = "pendingApproval" if manual else "registered"
                self._notify_registration(webinar, registration, "updated")

    def registration_sessions(self, caller: Caller, webinar_id: str, key: tuple[str, str]) -> list[dict]:
        """The session summary with the registrant's personal joinWebUrl (§2.3)."""
        registration = self.registration(caller, webinar_id, key)
        return [self.webinar(webinar_id).session.to_graph(registrant_token=registration.join_token)]

    # ---- presenters (§1.6, §2.4) ---------------------------------------------------------------------------

    def add_presenter(self, caller: Caller, webinar_id: str, body: object) -> Presenter:
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ("organizer",), "Adding a presenter")
        check_fields(body, {"identity", "presenterDetails"}, ("identity",), type_name="virtualEventPresenter")
        presenter = self._presenter(body["identity"])
        if any(p.id == presenter.id or p.email.lower() == presenter.email.lower()
               for p in webinar.presenters.values()):
            raise GraphError(409, "Conflict", f"{presenter.email} already presents this webinar.")
        presenter.details = self._presenter_details(body.get("presenterDetails"))
        webinar.presenters[presenter.id] = presenter
        return presenter

    @staticmethod
    def _presenter(identity: object) -> Presenter:
        kind = odata_type(identity.get("@odata.type")) if isinstance(identity, dict) else None
        if kind == USER_IDENTITY:
            check_fields(identity, {"id", "displayName", "tenantId"}, ("id",),
                         type_name="communicationsUserIdentity")
            person = directory_person(identity["id"], "presenter")
            return Presenter(person.entra_id, person.email,
                             {"@odata.type": USER_IDENTITY, **user_identity(person)})
        if kind == GUEST_IDENTITY:
            check_fields(identity, {"id", "displayName", "email"}, ("displayName", "email"),
                         type_name="communicationsGuestIdentity")
            guest_id = str(uuid.uuid4())
            return Presenter(guest_id, identity["email"], {"@odata.type": GUEST_IDENTITY, "id": guest_id,
                                                           "displayName": identity["displayName"],
                                                           "email": identity["email"]})
        raise invalid(f"A presenter's identity needs '@odata.type': '{USER_IDENTITY}' or '{GUEST_IDENTITY}'.")

    @staticmethod
    def _presenter_details(value: object) -> dict | None:
        if value is None:
            return None
        details = check_fields(value, PRESENTER_DETAILS, type_name="virtualEventPresenterDetails")
        for key in PRESENTER_DETAILS - {"bio"}:
            check_type(details.get(key), str, key)
        return {**dict.fromkeys(sorted(PRESENTER_DETAILS)), **details,
                "bio": check_item_body(details.get("bio"), "bio")}

    def presenter(self, webinar_id: str, presenter_id: str) -> Presenter:
        """Presenters, like sessions, are readable by any caller."""
        presenter = self.webinar(webinar_id).presenters.get(presenter_id)
        if presenter is None:
            raise not_found(f"The presenter '{presenter_id}'")
        return presenter

    def update_presenter(self, caller: Caller, webinar_id: str, presenter_id: str, body: object) -> Presenter:
        """Only ``presenterDetails`` can change (§2.4)."""
        presenter = self.presenter(webinar_id, presenter_id)
        self._require_role(caller, self.webinar(webinar_id), ("organizer",), "Updating a presenter")
        check_fields(body, {"presenterDetails"}, type_name="virtualEventPresenter")
        presenter.details = self._presenter_details(body.get("presenterDetails"))
        return presenter

    def delete_presenter(self, caller: Caller, webinar_id: str, presenter_id: str) -> None:
        presenter = self.presenter(webinar_id, presenter_id)
        webinar = self.webinar(webinar_id)
        self._require_role(caller, webinar, ("organizer",), "Removing a presenter")
        del webinar.presenters[presenter.id]

    # ---- sessions and attendance (§1.7, §1.8, §2.5, §2.6) --------------------------------------------------

    def session(self, webinar_id: str, session_id: str) -> Session:
        session = self.webinar(webinar_id).session
        if session.id != session_id:
            raise not_found(f"The session '{session_id}'")
        return session

    def attendance_reports(self, caller: Caller, webinar_id: str, session_id: str) -> list[AttendanceReport]:
        """At most the 50 newest reports, as Graph returns them."""
        self.session(webinar_id, session_id)
        webinar = self.webinar(webinar_id)
        self._require_reader(caller, webinar, "Reading attendance reports")
        return webinar.reports[-50:]

    def attendance_report(self, caller: Caller, webinar_id: str, session_id: str,
                          report_id: str) -> AttendanceReport:
        reports = self.attendance_reports(caller, webinar_id, session_id)
        report = next((r for r in reports if r.id == report_id), None)
        if report is None:
            raise not_found(f"The attendance report '{report_id}'")
        return report

    def end_session(self, webinar_id: str, body: object) -> AttendanceReport:
        """Sandbox control: the session ran and ended; Teams writes an attendance report.

        ``attendees`` (e-mails; default: every ``registered`` registrant) attended for ``durations[email]``
        seconds (default: the scheduled length), joining ``late[email]`` seconds after the start (default 0).
        The organizer attended throughout.
        """
        webinar = self.webinar(webinar_id)
        check_fields(body, {"attendees", "durations", "late"}, type_name="endSession")
        if webinar.status != "published":
            raise invalid(f"The webinar is {webinar.status}: only a published webinar holds its session.")
        scheduled = scheduled_seconds(webinar.start, webinar.end) or 3600
        durations = check_type(body.get("durations"), dict, "durations") or {}
        if not all(isinstance(seconds, int) and seconds > 0 for seconds in durations.values()):
            raise invalid("durations maps e-mail addresses to positive whole seconds.")
        durations = {email.lower(): seconds for email, seconds in durations.items()}
        late = check_type(body.get("late"), dict, "late") or {}
        if not all(isinstance(seconds, int) and seconds >= 0 for seconds in late.values()):
            raise invalid("late maps e-mail addresses to whole seconds after the start.")
        late = {email.lower(): seconds for email, seconds in late.items()}
        attendees = check_type(body.get("attendees"), list, "attendees")
        if attendees is None:
            attendees = [r.email for r in webinar.registrations.values() if r.status == "registered"]
        length = max([scheduled, *(durations.get(email.lower(), scheduled) for email in attendees)])
        # The session ran as scheduled (Teams reports the meeting's real times; the sandbox has no clock to wait on)
        started = DateTimeTimeZone.from_graph(webinar.start).to_utc()
        ended = started + timedelta(seconds=length)
        organizer = webinar.organizer
        records = [self._attendance_record(organizer.email, "Organizer", user_identity(organizer), length,
                                           started)]
        for email in attendees:
            seconds = durations.get(email.lower(), scheduled)
            joined = started + timedelta(seconds=late.get(email.lower(), 0))
            records.append(self._attendee_record(webinar, email, seconds, joined))
        report = AttendanceReport(str(uuid.uuid4()), started, ended, records)
        webinar.reports.append(report)
        session_path = f"{WEBINAR_PATH.format(webinar.id)}/sessions/{webinar.session.id}"
        self._notify(webinar, "getattendancereports", "created", "#microsoft.graph.meetingAttendanceReport",
                     f"{session_path}/attendanceReports/{report.id}", report.id)
        return report

    def _attendee_record(self, webinar: Webinar, email: str, seconds: int, started: datetime) -> dict:
        """A registrant's record carries registrationId; a presenter's or walk-in's does not (§1.8)."""
        registration = self._live_registration(webinar, email)
        presenter = next((p for p in webinar.presenters.values() if p.email.lower() == email.lower()), None)
        if presenter is not None:
            return self._attendance_record(email, "Presenter", presenter.identity, seconds, started)
        if registration is None:
            person = directory.person_by_email(email)
            identity = user_identity(person) if person else {"id": str(uuid.uuid4()), "displayName": email}
            return self._attendance_record(email, "Attendee", identity, seconds, started)
        identity = {"id": registration.user_id or registration.id,
                    "displayName": f"{registration.first_name} {registration.last_name}"}
        return self._attendance_record(email, "Attendee", identity, seconds, started, registration)

    @staticmethod
    def _attendance_record(email: str, role: str, identity: dict, seconds: int, started: datetime,
                           registration: Registration | None = None) -> dict:
        return {
            "id": str(uuid.uuid4()), "emailAddress": email, "totalAttendanceInSeconds": seconds, "role": role,
            "identity": {"id": identity["id"], "displayName": identity["displayName"], "tenantId": None},
            "attendanceIntervals": [{"joinDateTime": graph_time(started),
                                     "leaveDateTime": graph_time(started + timedelta(seconds=seconds)),
                                     "durationInSeconds": seconds}],
            "registrationId": registration.id if registration else None,
            "externalRegistrationInformation": registration.external if registration else None,
        }

    # ---- subscriptions (§5) --------------------------------------------------------------------------------

    async def create_subscription(self, caller: Caller, body: object) -> Subscription:
        """Check the request, run the validation handshakes, then create; nothing is created on failure."""
        required = ("changeType", "notificationUrl", "resource", "expirationDateTime")
        check_fields(body, SUBSCRIPTION_CREATE, required, type_name="subscription")
        for key in ("changeType", "notificationUrl", "resource", "clientState", "lifecycleNotificationUrl"):
            check_type(body.get(key), str, key)
        if body.get("includeResourceData") or body.get("encryptionCertificate"):
            raise subscription_error("Virtual event subscriptions support only basic notifications: "
                                     "includeResourceData is not supported.")
        webinar, kind = self._subscribable(body["resource"])
        if not caller.is_app and webinar.role_of(caller) is None:
            raise forbidden("Delegated subscriptions are allowed only for the event's organizer and "
                            "co-organizers.")
        change_types = self._change_types(body["changeType"], kind)
        if len(body.get("clientState") or "") > 128:
            raise subscription_error("clientState must not be longer than 128 characters.")
        lifecycle_url = body.get("lifecycleNotificationUrl")
        expires = self._expiry(body["expirationDateTime"], lifecycle_url)
        tls = check_enum(body.get("latestSupportedTlsVersion") or "v1_2", ("v1_0", "v1_1", "v1_2", "v1_3"),
                         "latestSupportedTlsVersion")
        for url in (body["notificationUrl"], lifecycle_url):  # the same URL twice gets two handshakes (§5.2)
            if url:
                await self._validate_endpoint(url)
        self._drop_expired()
        duplicate = next((s for s in self.subscriptions.values() if s.webinar_id == webinar.id
                          and s.kind == kind and s.change_types == change_types), None)
        if duplicate is not None:
            raise GraphError(409, "ExtensionError", "Operation: Create; Exception: [Status Code: Conflict; "
                             f"Reason: Subscription Id {duplicate.id} already exists for the requested "
                             "combination]")

        subscription = Subscription(str(uuid.uuid4()), body["resource"], kind, webinar.id, change_types,
                                    body["notificationUrl"], lifecycle_url, body.get("clientState"), expires,
                                    caller.id, tls)
        self.subscriptions[subscription.id] = subscription
        return subscription

    def _subscribable(self, resource: str) -> tuple[Webinar, str]:
        """§5.1's webinar resources, compared without regard to case or surrounding '/'."""
        match = re.fullmatch(r"solutions/virtualEvents/webinars/([^/]+?)(?:/(registrations|sessions|"
                             r"getAttendanceReports))?", resource.strip().strip("/"), re.IGNORECASE)
        if match is None:
            raise subscription_error(f"Resource '{resource}' is not supported for virtual event "
                                     "notifications.")
        return self.webinar(match[1]), (match[2] or "webinar").lower()

    @staticmethod
    def _change_types(text: str, kind: str) -> list[str]:
        wanted = {part.strip() for part in text.split(",")}
        unsupported = wanted - SUBSCRIBABLE[kind]
        if unsupported or not wanted:
            raise subscription_error(f"changeType '{text}' is not supported for this resource; use "
                                     f"{', '.join(sorted(SUBSCRIBABLE[kind]))}.")
        return [change for change in ("created", "updated", "deleted") if change in wanted]

    @staticmethod
    def _expiry(text: str, lifecycle_url: str | None) -> datetime:
        """At most a day ahead; less than 45 minutes is raised to 45; beyond an hour needs a lifecycle URL."""
        now = utc_now()
        expires = parse_time(text, "expirationDateTime")
        if expires <= now:
            raise subscription_error("expirationDateTime must be in the future.")
        if expires - now > MAX_SUBSCRIPTION_LIFETIME:
            raise subscription_error("Subscription expiration can only be 1440 minutes in the future.")
        expires = max(expires, now + MIN_SUBSCRIPTION_LIFETIME)
        if expires - now > LIFECYCLE_URL_NEEDED_AFTER and not lifecycle_url:
            raise subscription_error("lifecycleNotificationUrl is required when expirationDateTime is more "
                                     "than 1 hour from now.")
        return expires

    async def _validate_endpoint(self, url: str) -> None:
        problem = await self.outbox.validate(url)
        if problem is not None:
            raise subscription_error(f"Subscription validation request failed for {url}: {problem}. The "
                                     "endpoint must answer 200 OK with the URL-decoded validationToken as "
                                     "text/plain within 10 seconds.")

    def list_subscriptions(self, caller: Caller) -> list[Subscription]:
        """The application sees all its subscriptions; a signed-in user those created on their behalf."""
        self._drop_expired()
        return [s for s in self.subscriptions.values() if caller.is_app or s.creator_id == caller.id]

    def subscription(self, caller: Caller, subscription_id: str) -> Subscription:
        self._drop_expired()
        subscription = self.subscriptions.get(subscription_id.lower())
        if subscription is None or not (caller.is_app or subscription.creator_id == caller.id):
            raise GraphError(404, "ResourceNotFound",
                             f"The object was not found: subscription '{subscription_id}'.")
        return subscription

    async def update_subscription(self, caller: Caller, subscription_id: str, body: object) -> Subscription:
        """Renew (and reauthorize) with a new expirationDateTime; a new notificationUrl needs a handshake."""
        subscription = self.subscription(caller, subscription_id)
        fixed = [k for k in (body if isinstance(body, dict) else ()) if k in SUBSCRIPTION_CREATE - {
            "expirationDateTime", "notificationUrl"}]
        if fixed:
            raise subscription_error(f"Property '{fixed[0]}' cannot be updated; delete and recreate the "
                                     "subscription instead.")
        check_fields(body, {"expirationDateTime", "notificationUrl"}, type_name="subscription")
        expires = subscription.expires
        if "expirationDateTime" in body:
            expires = self._expiry(body["expirationDateTime"], subscription.lifecycle_url)
        url = check_type(body.get("notificationUrl"), str, "notificationUrl")
        if url and url != subscription.notification_url:
            await self._validate_endpoint(url)
            subscription.notification_url = url
        subscription.expires = expires
        return subscription

    def _drop_expired(self) -> None:
        """Graph deletes a subscription once it expires."""
        now = utc_now()
        for expired in [s.id for s in self.subscriptions.values() if s.expires <= now]:
            del self.subscriptions[expired]

    def delete_subscription(self, caller: Caller, subscription_id: str) -> None:
        del self.subscriptions[self.subscription(caller, subscription_id).id]

    def lifecycle_event(self, subscription_id: str, event: object) -> None:
        """Sandbox control: send a lifecycle notification (§5.2 step 6); subscriptionRemoved also deletes."""
        subscription = self.subscription(Caller(), subscription_id)
        check_enum(event, LIFECYCLE_EVENTS, "event")
        if not subscription.lifecycle_url:
            raise invalid("This subscription has no lifecycleNotificationUrl.")
        self.outbox.send(subscription.lifecycle_url, {
            "subscriptionId": subscription.id,
            "subscriptionExpirationDateTime": graph_time(subscription.expires),
            "tenantId": TENANT_ID, "clientState": subscription.client_state, "lifecycleEvent": event,
        }, kind="lifecycle")
        if event == "subscriptionRemoved":
            del self.subscriptions[subscription.id]

    # ---- change notifications (§5.1) ----------------------------------------------------------------------


    def _notify_webinar(self, webinar: Webinar) -> None:
        """Webinar notifications use the base type and a path with a trailing '/', as the docs show."""
        path = f"{WEBINAR_PATH.format(webinar.id)}/"
        self._notify(webinar, "webinar", "updated", "#microsoft.graph.virtualEvent", path)

    def _notify_registration(self, webinar: Webinar, registration: Registration, change_type: str) -> None:
        path = f"{WEBINAR_PATH.format(webinar.id)}/registrations/{registration.id}"
        self._notify(webinar, "registrations", change_type, "#microsoft.graph.virtualEventRegistration", path)

    def _notify(self, webinar: Webinar, kind: str, change_type: str, type_name: str, path: str,
                item_id: str | None = None) -> None:
        """Queue a basic notification for every subscription watching this; ``resourceData.id`` is the path
        except for attendance reports, where it is the bare report id (§5.1)."""
        resource = WEBINAR_PATH.format(webinar.id) + SUBSCRIPTION_RESOURCE[kind]
        for subscription in self.subscriptions.values():
            if subscription.watches(webinar.id, kind, change_type):
                self.outbox.send(subscription.notification_url, {
                    "subscriptionId": subscription.id, "clientState": subscription.client_state,
                    "changeType": change_type, "tenantId": TENANT_ID, "resource": resource,
                    "subscriptionExpirationDateTime": graph_time(subscription.expires),
                    "resourceData": {"@odata.id": path, "@odata.type": type_name, "id": item_id or path},
                })
