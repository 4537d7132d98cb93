"""Imports every model module so that the metadata (and Alembic) sees all tables."""

from dispatch.admin.models import Company  # noqa: F401
from dispatch.api.idempotency import IdempotencyRecord  # noqa: F401
from dispatch.audit import AuditEvent  # noqa: F401
from dispatch.auth.models import ApiToken, User  # noqa: F401
from dispatch.billing.models import CreditNote, Invoice, InvoiceLine, RateGroup  # noqa: F401
from dispatch.catalogue.models import Product  # noqa: F401
from dispatch.closure.models import CoverageDecision, DeliveryReceipt  # noqa: F401
from dispatch.customers.models import Asset, Contact, Contract, Customer, Site  # noqa: F401
from dispatch.desk.assignment.models import DutySlot, Queue, QueueMember  # noqa: F401
from dispatch.desk.mailbox.models import InboundMail  # noqa: F401
from dispatch.desk.models import (  # noqa: F401
    CannedResponse,
    CustomField,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketStatus,
)
from dispatch.desk.sla.models import BusinessHours, Holiday, SlaPolicy  # noqa: F401
from dispatch.field.models import PartUsage, Photo, Signature, TimeEntry  # noqa: F401
from dispatch.integrations.models import WebhookDelivery, WebhookEndpoint  # noqa: F401
from dispatch.knowledge.models import Article  # noqa: F401
from dispatch.mail import OutboxMail  # noqa: F401
from dispatch.numbering import DocumentCounter  # noqa: F401
from dispatch.reporting import models as reporting_indexes  # noqa: F401
from dispatch.scheduling.geo.models import GeocodeResult  # noqa: F401
from dispatch.scheduling.models import Absence, Job, JobTemplate, TechnicianProfile  # noqa: F401
from dispatch.tasks import BackgroundTask  # noqa: F401
