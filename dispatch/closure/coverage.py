"""The coverage decision table: a pure function of plain facts about a finished job.

Precedence, per component of the work (labour, parts, call-out):

1. an unknown asset, any technician flag (damage, misuse, not our installation) or work records that
   no longer match what the customer signed -> needs review;
2. the asset's own warranty: parts by ``parts_warranty_until``, labour by ``labour_warranty_until``,
   each compared with the job's completion date in the company's time zone (the end date itself is
   still inside the warranty). A warranty repair is a warranty visit, so the labour warranty also
   covers the call-out (and the travel billed with it);
3. otherwise an active contract that covers the component: valid on the completion date and, when
   it includes a number of visits, not used up.

Then: every component the job has is covered -> covered; some -> partly covered; none -> chargeable.
Components the job does not have (no parts used, no call-out fee) do not count either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from dispatch.enums import CoverageOutcome, TechnicianFlag

LABOUR, PARTS, CALLOUT = "labour", "parts", "callout"
COMPONENTS = (LABOUR, PARTS, CALLOUT)

_FLAG_REASONS = {
    TechnicianFlag.DAMAGE.value: _l("The technician reported damage; warranty does not cover damage."),
    TechnicianFlag.MISUSE.value: _l("The technician reported misuse; warranty does not cover misuse."),
    TechnicianFlag.NOT_OUR_INSTALLATION.value: _l("The technician reported that we did not install this."),
}
_COMPONENT_NAMES = {LABOUR: _l("Labour"), PARTS: _l("Parts"), CALLOUT: _l("Call-out")}


@dataclass(frozen=True)
class ContractTerms:
    """What one of the asset's contracts offers; whether it is active is decided here."""

    contract_id: int
    covers: frozenset[str]
    starts_on: date
    ends_on: date
    included_visits: int | None = None  # None: unlimited
    visits_used: int = 0  # earlier visits under this contract, this one excluded


@dataclass(frozen=True)
class CoverageFacts:
    """Everything the decision depends on, gathered from the database by the closure service."""

    completed_on: date  # in the company's time zone
    asset_known: bool
    parts_warranty_until: date | None = None
    labour_warranty_until: date | None = None
    contracts: Sequence[ContractTerms] = ()
    technician_flags: frozenset[str] = frozenset()
    changed_after_signing: bool = False  # the receipt content no longer hashes to the signed hash
    has_labour: bool = True
    has_parts: bool = False
    has_callout: bool = False


@dataclass(frozen=True)
class CoverageResult:
    outcome: CoverageOutcome
    covers_labour: bool = False
    covers_parts: bool = False
    covers_callout: bool = False
    reasons: tuple[LazyString | str, ...] = field(default_factory=tuple)
    contract_id: int | None = None  # the contract that pays for (part of) this visit

    def covers(self, component: str) -> bool:
        """Whether ``component`` (labour, parts or callout) is covered."""
        return {LABOUR: self.covers_labour, PARTS: self.covers_parts, CALLOUT: self.covers_callout}[component]


def decide(facts: CoverageFacts) -> CoverageResult:
    """The coverage outcome of a finished job and the reasons for it, in the order they apply."""
    review = [_FLAG_REASONS.get(flag, _l("The technician flagged: %(flag)s.", flag=flag))
              for flag in sorted(facts.technician_flags)]
    if not facts.asset_known:
        review.insert(0, _l("The asset is unknown, so its warranty cannot be checked."))
    if facts.changed_after_signing:
        review.append(_l("The recorded work no longer matches what the customer signed."))
    if review:
        return CoverageResult(CoverageOutcome.NEEDS_REVIEW, reasons=(*review, _l("An agent must decide.")))

    active, contract_reasons = _active_contracts(facts)
    present = [component for component, has in ((LABOUR, facts.has_labour), (PARTS, facts.has_parts),
                                                (CALLOUT, facts.has_callout)) if has]
    covered: dict[str, bool] = {}
    reasons: list[LazyString] = [] if present else [_l("No labour, parts or call-out were recorded.")]
    paying_contract: int | None = None
    for component in COMPONENTS:
        covered[component], reason, contract_id = _component(component, facts, active)
        if component in present:  # reasons about work the job did not have would only confuse
            reasons.append(reason)
            paying_contract = paying_contract or contract_id
    reasons.extend(contract_reasons)

    covered_present = [component for component in present if covered[component]]
    if len(covered_present) == len(present):
        outcome = CoverageOutcome.COVERED
    elif covered_present:
        outcome = CoverageOutcome.PARTLY_COVERED
    else:
        outcome = CoverageOutcome.CHARGEABLE
    return CoverageResult(outcome, covers_labour=covered[LABOUR], covers_parts=covered[PARTS],
                          covers_callout=covered[CALLOUT], reasons=tuple(reasons),
                          contract_id=paying_contract)


def _component(component: str, facts: CoverageFacts,
               active: list[ContractTerms]) -> tuple[bool, LazyString, int | None]:
    """Whether one component is covered (warranty first, then a contract), why, and by which contract."""
    until = facts.parts_warranty_until if component == PARTS else facts.labour_warranty_until
    name = _COMPONENT_NAMES[component]
    if until is not None and facts.completed_on <= until:
        return True, _l("%(component)s: under the asset's warranty until %(date)s.", component=name,
                        date=until.isoformat()), None
    contract = next((terms for terms in active if component in terms.covers), None)
    if contract is not None:
        return True, _l("%(component)s: covered by contract %(id)s (valid until %(date)s).", component=name,
                        id=contract.contract_id, date=contract.ends_on.isoformat()), contract.contract_id
    if until is not None and component != CALLOUT:
        return False, _l("%(component)s: the asset's warranty ended on %(date)s.", component=name,
                         date=until.isoformat()), None
    return False, _l("%(component)s: no warranty or contract covers it.", component=name), None


def _active_contracts(facts: CoverageFacts) -> tuple[list[ContractTerms], list[LazyString]]:
    """Contracts in force on the completion day, and reasons for those that are not."""
    active: list[ContractTerms] = []
    reasons: list[LazyString] = []
    for terms in sorted(facts.contracts, key=lambda t: t.contract_id):
        if terms.ends_on < facts.completed_on:
            reasons.append(_l("Contract %(id)s expired on %(date)s.", id=terms.contract_id,
                              date=terms.ends_on.isoformat()))
        elif terms.starts_on > facts.completed_on:
            reasons.append(_l("Contract %(id)s starts only on %(date)s.", id=terms.contract_id,
                              date=terms.starts_on.isoformat()))
        elif terms.included_visits is not None and terms.visits_used >= terms.included_visits:
            reasons.append(_l("Contract %(id)s: all %(count)s included visits are used.",
                              id=terms.contract_id, count=terms.included_visits))
        else:
            active.append(terms)
    return active, reasons
