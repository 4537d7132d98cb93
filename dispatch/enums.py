"""Closed sets of values shared by models, services and the API (DESIGN.md section 3)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum as SAEnum


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    TECHNICIAN = "technician"
    BILLING = "billing"


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    PORTAL = "portal"


class Priority(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class StatusCategory(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class MessageKind(StrEnum):
    CUSTOMER = "customer"
    REPLY = "reply"
    NOTE = "note"  # internal: never shown or sent to the customer


class AssignmentMode(StrEnum):
    """How a queue hands new tickets to its agents."""

    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


class InboundStatus(StrEnum):
    """What became of an inbound e-mail; the raw message is kept whatever the outcome."""

    PENDING = "pending"
    PROCESSED = "processed"  # a ticket was created or a message added
    IGNORED = "ignored"  # auto-reply, bounce, mail loop, duplicate: kept, never answered
    FAILED = "failed"  # could not be read; an agent looks at it


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class CustomFieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    CHECKBOX = "checkbox"


class JobKind(StrEnum):
    REPAIR = "repair"
    MAINTENANCE = "maintenance"
    INSTALLATION = "installation"
    INSPECTION = "inspection"


class JobStatus(StrEnum):
    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    COMPLETED = "completed"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"


class GeocodeStatus(StrEnum):
    """Where an address's pin came from: still to look up, the geocoder, the offline gazetteer, or a person."""

    PENDING = "pending"
    LOCATED = "located"
    APPROXIMATE = "approximate"  # a locality centroid: the town is right, the street is not
    NOT_FOUND = "not_found"
    MANUAL = "manual"  # an agent placed the pin


class AbsenceReason(StrEnum):
    LEAVE = "leave"
    SICKNESS = "sickness"
    TRAINING = "training"
    OTHER = "other"


class TimeKind(StrEnum):
    WORK = "work"
    TRAVEL = "travel"


class TechnicianFlag(StrEnum):
    DAMAGE = "damage"
    MISUSE = "misuse"
    NOT_OUR_INSTALLATION = "not_our_installation"


class CoverageOutcome(StrEnum):
    COVERED = "covered"
    PARTLY_COVERED = "partly_covered"
    CHARGEABLE = "chargeable"
    NEEDS_REVIEW = "needs_review"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"
    PAID = "paid"


class LineKind(StrEnum):
    LABOUR = "labour"
    TRAVEL = "travel"
    CALLOUT = "callout"
    PART = "part"
    OTHER = "other"


class TravelBilling(StrEnum):
    """How travel is billed: as travel time, through the call-out fee, or both."""

    TIME = "time"
    CALLOUT = "callout"
    BOTH = "both"


class PhotoStatus(StrEnum):
    PENDING = "pending"
    PROCESSED = "processed"
    REJECTED = "rejected"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def enum_column(enum: type[StrEnum]) -> SAEnum:
    """A portable enum column: stored as its string value, checked by a constraint."""
    return SAEnum(
        enum,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        name=enum.__name__.lower(),
    )
