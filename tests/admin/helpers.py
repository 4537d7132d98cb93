"""What a refused settings change must leave as it was."""

from __future__ import annotations

from sqlalchemy import func, select

from dispatch.admin.models import Company, JobKindRate
from dispatch.audit import AuditEvent
from dispatch.billing.models import RateGroup
from dispatch.extensions import db


def snapshot() -> tuple:
    """The company's every column, the rate groups, the job-kind rates and the number of audit events."""
    db.session.expire_all()
    company = db.session.get(Company, 1)
    columns = {column.name: getattr(company, column.key) for column in Company.__table__.columns}
    groups = [(g.id, g.name, g.hourly_rate) for g in db.session.scalars(select(RateGroup).order_by(RateGroup.id))]
    kinds = [(r.kind, r.hourly_rate) for r in db.session.scalars(select(JobKindRate))]
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    return columns, groups, kinds, events
