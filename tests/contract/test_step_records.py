"""A step's record is a typed contract: what the first contracts carried as a free object still parses, and a
field a producer renames is refused instead of passing silently to the paperwork."""

import datetime as dt

import pytest
from pydantic import ValidationError

from contracts.assistance import EliminationAcceptedV1, PlanNoticePublishedV1
from contracts.intake import CASE_EVENTS, CaseImportedV1, CaseTownshipVerifiedV1
from contracts.steps import VerificationRecord

CASE = {
    "case_id": "8d1e4c1a-0d7e-4a3e-9a53-6b3f7c3c1b11",
    "household_id": "2b5e1d44-6a31-4a53-8d4e-0f8c7e1c2a22",
    "region_code": "532504102001",
    "state": "township_verified",
    "previous_state": "in_public_notice",
    "channels": ["cadre_screening"],
    "object_type": "marginal",
    "risks": [{"category": "illness", "details": {}}],
    "actor": "officer",
    "actor_role": "township_officer",
    "occurred_at": "2026-10-20T02:00:00Z",
}
# A verification as the ledger holds it from before the record was typed: strings for dates and money, a risk's
# details beside its category.
VERIFIED = {
    "income_band": "below_6000",
    "per_capita_income": "5200.00",
    "income_year": 2025,
    "income_source": "income record 2025 revision 1",
    "object_type": "marginal",
    "channels": ["cadre_screening"],
    "risks": [{"category": "illness", "patient_member_id": "5c1f", "out_of_pocket_medical": "41000"}],
    "decision": "yes",
    "no_reasons": [],
    "verified_on": "2026-10-19",
    "village_secretary": "张书记",
    "officer_name": "李干部",
    "recheck_due": "2026-10-30",
    "recheck_late": False,
    "recheck_working_days": 15,
}


def test_an_old_free_record_parses_into_its_step_record() -> None:
    event = CaseTownshipVerifiedV1.model_validate({**CASE, "data": VERIFIED})
    assert isinstance(event.data, VerificationRecord)
    assert event.data.village_secretary == "张书记" and event.data.verified_on == dt.date(2026, 10, 19)
    assert event.data.risks[0].model_dump()["out_of_pocket_medical"] == "41000"  # the category's own details
    assert event.model_dump(mode="json")["data"]["verified_on"] == "2026-10-19"  # the wire form is unchanged


def test_every_case_step_parses_an_empty_record() -> None:
    # An imported case's origin and history are its content, not a step's record: always present.
    imported = {"imported_from": {"file_sha256": "0" * 64, "row": 2}, "history": {"identified_on": "2021-06-15"}}
    for contract in CASE_EVENTS.values():  # old entries of a step may lack any field
        contract.model_validate({**CASE, "data": {}, **(imported if contract is CaseImportedV1 else {})})


@pytest.mark.parametrize(
    ("contract", "record"),
    [
        (CaseTownshipVerifiedV1, {**VERIFIED, "village_party_secretary": "张书记"}),
        (EliminationAcceptedV1, {"accepted_on": "2026-11-02", "head_sign": True}),
        (PlanNoticePublishedV1, {"published_on": "2026-11-02", "ends_on": "2026-11-09"}),
    ],
)
def test_a_renamed_field_is_refused(contract: type, record: dict) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        contract.model_validate({**_base(contract), "data": record})


def _base(contract: type) -> dict:
    if contract is CaseTownshipVerifiedV1:
        return CASE
    common = {
        "household_id": CASE["household_id"],
        "region_code": CASE["region_code"],
        "actor": "officer",
        "occurred_at": CASE["occurred_at"],
        "plan_id": "3c6f2e55-7b42-4b64-9e5f-1a9d8f2d3b33",
    }
    if contract is EliminationAcceptedV1:
        return {
            **common,
            "elimination_id": "4d7a3f66-8c53-4c75-af60-2bae9a3e4c44",
            "state": "township_accepted",
            "previous_state": "in_public_notice",
            "actor_role": "township_officer",
        }
    return {**common, "case_id": CASE["case_id"], "state": "in_public_notice", "measures": []}
