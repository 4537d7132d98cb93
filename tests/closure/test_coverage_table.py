"""The coverage decision table, case by case (pure function, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dispatch.closure.coverage import ContractTerms, CoverageFacts, decide
from dispatch.enums import CoverageOutcome as O

DONE = date(2026, 11, 23)  # the job's completion day in the company's zone
FUTURE, PAST = DONE + timedelta(days=200), DONE - timedelta(days=1)


def contract(covers: str, *, starts: date = DONE - timedelta(days=300), ends: date = FUTURE,
             visits: int | None = None, used: int = 0) -> ContractTerms:
    return ContractTerms(7, frozenset(covers.split(",")), starts, ends, visits, used)


# id, facts, outcome, (labour, parts, callout) covered, words every listed reason set must contain
CASES = [
    ("in-warranty-both",
     dict(parts_warranty_until=FUTURE, labour_warranty_until=FUTURE, has_parts=True, has_callout=True),
     O.COVERED, (True, True, True), ["Labour: under the asset's warranty", "Parts: under the asset's"]),
    ("warranty-ends-on-completion-day",
     dict(parts_warranty_until=DONE, labour_warranty_until=DONE, has_parts=True),
     O.COVERED, (True, True, True), [f"until {DONE.isoformat()}"]),
    ("parts-only-warranty",
     dict(parts_warranty_until=FUTURE, labour_warranty_until=PAST, has_parts=True),
     O.PARTLY_COVERED, (False, True, False), [f"Labour: the asset's warranty ended on {PAST}"]),
    ("labour-via-contract",
     dict(labour_warranty_until=PAST, parts_warranty_until=PAST, contracts=[contract("labour")]),
     O.COVERED, (True, False, False), ["Labour: covered by contract 7"]),
    ("labour-via-contract-parts-charged",
     dict(labour_warranty_until=PAST, parts_warranty_until=PAST, contracts=[contract("labour")],
          has_parts=True),
     O.PARTLY_COVERED, (True, False, False), ["Parts: the asset's warranty ended"]),
    ("contract-covers-everything",
     dict(contracts=[contract("labour,parts,callout")], has_parts=True, has_callout=True),
     O.COVERED, (True, True, True), ["Call-out: covered by contract 7"]),
    ("callout-charged-under-labour-contract",
     dict(contracts=[contract("labour,parts")], has_parts=True, has_callout=True),
     O.PARTLY_COVERED, (True, True, False), ["Call-out: no warranty or contract covers it."]),
    ("expired",
     dict(parts_warranty_until=PAST, labour_warranty_until=PAST, has_parts=True, has_callout=True),
     O.CHARGEABLE, (False, False, False), ["Parts: the asset's warranty ended", "Call-out: no warranty"]),
    ("no-warranty-dates-no-contract",
     dict(has_parts=True),
     O.CHARGEABLE, (False, False, False), ["Labour: no warranty or contract covers it."]),
    ("contract-expired",
     dict(labour_warranty_until=PAST, contracts=[contract("labour,parts", ends=PAST)],
          has_parts=True),
     O.CHARGEABLE, (False, False, False), [f"Contract 7 expired on {PAST.isoformat()}."]),
    ("contract-not-started",
     dict(contracts=[contract("labour", starts=DONE + timedelta(days=1))]),
     O.CHARGEABLE, (False, False, False), ["Contract 7 starts only on"]),
    ("contract-visits-used-up",
     dict(contracts=[contract("labour", visits=2, used=2)]),
     O.CHARGEABLE, (False, False, False), ["all 2 included visits are used"]),
    ("contract-visit-left",
     dict(contracts=[contract("labour", visits=2, used=1)]),
     O.COVERED, (True, False, False), ["Labour: covered by contract 7"]),
    ("warranty-before-contract",
     dict(labour_warranty_until=FUTURE, contracts=[contract("labour")]),
     O.COVERED, (True, False, True), ["Labour: under the asset's warranty"]),
    ("unknown-asset",
     dict(asset_known=False, has_parts=True),
     O.NEEDS_REVIEW, (False, False, False), ["The asset is unknown", "An agent must decide."]),
    ("damage-flag-in-warranty",
     dict(parts_warranty_until=FUTURE, labour_warranty_until=FUTURE, technician_flags=frozenset({"damage"})),
     O.NEEDS_REVIEW, (False, False, False), ["reported damage"]),
    ("misuse-and-not-ours",
     dict(technician_flags=frozenset({"misuse", "not_our_installation"})),
     O.NEEDS_REVIEW, (False, False, False), ["reported misuse", "did not install this"]),
    ("no-parts-used-labour-covered",
     dict(labour_warranty_until=FUTURE, parts_warranty_until=PAST, has_parts=False),
     O.COVERED, (True, False, True), ["Labour: under the asset's warranty"]),
    ("nothing-recorded",
     dict(has_labour=False),
     O.COVERED, (False, False, False), ["No labour, parts or call-out were recorded."]),
    # Boundaries and combinations the rows above do not show.
    ("contract-ends-on-completion-day",
     dict(contracts=[contract("labour", ends=DONE)]),
     O.COVERED, (True, False, False), ["Labour: covered by contract 7"]),
    ("contract-starts-on-completion-day",
     dict(contracts=[contract("labour", starts=DONE)]),
     O.COVERED, (True, False, False), ["Labour: covered by contract 7"]),
    ("contract-unlimited-visits",
     dict(contracts=[contract("labour", visits=None, used=40)]),
     O.COVERED, (True, False, False), ["Labour: covered by contract 7"]),
    ("contract-last-included-visit",
     dict(contracts=[contract("labour,callout", visits=3, used=2)], has_callout=True),
     O.COVERED, (True, False, True), ["Call-out: covered by contract 7"]),
    ("callout-only-contract",
     dict(labour_warranty_until=PAST, contracts=[contract("callout")], has_callout=True),
     O.PARTLY_COVERED, (False, False, True), ["Labour: the asset's warranty ended", "Call-out: covered"]),
    ("parts-contract-after-parts-warranty",
     dict(parts_warranty_until=PAST, labour_warranty_until=FUTURE, contracts=[contract("parts")],
          has_parts=True),
     O.COVERED, (True, True, True), ["Parts: covered by contract 7", "Labour: under the asset's warranty"]),
    ("expired-contract-does-not-hide-a-valid-one",
     dict(contracts=[ContractTerms(3, frozenset({"labour"}), PAST - timedelta(days=400), PAST),
                     ContractTerms(9, frozenset({"labour"}), PAST, FUTURE)]),
     O.COVERED, (True, False, False), ["Contract 3 expired", "Labour: covered by contract 9"]),
    ("labour-warranty-only-parts-used",
     dict(labour_warranty_until=FUTURE, parts_warranty_until=None, has_parts=True),
     O.PARTLY_COVERED, (True, False, True), ["Parts: no warranty or contract covers it."]),
    ("unknown-asset-even-with-contract",
     dict(asset_known=False, contracts=[contract("labour,parts,callout")]),
     O.NEEDS_REVIEW, (False, False, False), ["The asset is unknown"]),
    ("not-our-installation-in-warranty",
     dict(labour_warranty_until=FUTURE, parts_warranty_until=FUTURE,
          technician_flags=frozenset({"not_our_installation"})),
     O.NEEDS_REVIEW, (False, False, False), ["did not install this", "An agent must decide."]),
    ("flag-under-contract",
     dict(contracts=[contract("labour,parts")], technician_flags=frozenset({"misuse"})),
     O.NEEDS_REVIEW, (False, False, False), ["reported misuse"]),
    ("changed-after-signing",
     dict(labour_warranty_until=FUTURE, changed_after_signing=True),
     O.NEEDS_REVIEW, (False, False, False), ["no longer matches what the customer signed"]),
]


@pytest.mark.parametrize(("facts", "outcome", "covered", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_decision_table(facts, outcome, covered, words):
    facts = {"asset_known": True, **facts}
    result = decide(CoverageFacts(completed_on=DONE, **facts))
    assert result.outcome == outcome
    assert (result.covers_labour, result.covers_parts, result.covers_callout) == covered
    text = " | ".join(str(reason) for reason in result.reasons)
    for word in words:
        assert word in text, text


def test_reasons_only_name_the_work_done():
    result = decide(CoverageFacts(completed_on=DONE, asset_known=True, labour_warranty_until=FUTURE,
                                  parts_warranty_until=PAST))
    assert [str(reason) for reason in result.reasons] == [
        f"Labour: under the asset's warranty until {FUTURE.isoformat()}."]
