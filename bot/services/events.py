"""Domain events: what happened to a webinar, in words the alert router and reminders understand."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"                 # pendingApproval -> registered
    OFF_WAITLIST = "off_waitlist"         # waitlisted -> registered
    REJECTED = "rejected"
    CANCELLED_REGISTRATION = "registration_cancelled"
    RESCHEDULED = "rescheduled"
    RENAMED = "renamed"
    PUBLISHED = "published"
    WEBINAR_CANCELLED = "webinar_cancelled"
    ATTENDANCE_READY = "attendance_ready"


# Which follow route ("registrations", "changes", "attendance") hears each kind.
ROUTE_OF = {
    Kind.REGISTERED: "registrations", Kind.WAITLISTED: "registrations", Kind.PENDING_APPROVAL: "registrations",
    Kind.APPROVED: "registrations", Kind.OFF_WAITLIST: "registrations", Kind.REJECTED: "registrations",
    Kind.CANCELLED_REGISTRATION: "registrations",
    Kind.RESCHEDULED: "changes", Kind.RENAMED: "changes", Kind.PUBLISHED: "changes",
    Kind.WEBINAR_CANCELLED: "changes",
    Kind.ATTENDANCE_READY: "attendance",
}


@dataclass(frozen=True)
class Event:
    kind: Kind
    webinar_id: str
    key: str                      # stable identity: the same change always gives the same key
    data: dict = field(default_factory=dict)

    @property
    def route(self) -> str:
        return ROUTE_OF[self.kind]
