"""Indexes that the reports need on other capabilities' tables.

They are declared here, next to the queries they serve, so that the owners of those tables are not
asked to carry indexes for someone else's filters: invoices and credit notes by issue date (the
accountants' export), time entries by start (the hours report's period).
"""

from __future__ import annotations

from sqlalchemy import Index

from dispatch.billing.models import CreditNote, Invoice
from dispatch.field.models import TimeEntry

INVOICES_BY_ISSUE_DATE = Index("ix_invoices_issued_on", Invoice.issued_on)
CREDIT_NOTES_BY_ISSUE_DATE = Index("ix_credit_notes_issued_on", CreditNote.issued_on)
TIME_ENTRIES_BY_START = Index("ix_time_entries_started_at", TimeEntry.started_at)
