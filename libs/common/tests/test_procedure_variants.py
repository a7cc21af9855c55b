"""A jurisdiction's procedure variant is derived from the declared procedure, never forked."""

import pytest

from assistance.elimination.procedure import ELIMINATION, WITHOUT_NOTICE
from common.auth import Principal, Role
from contracts.policy import IdentificationPolicy
from intake.cases.procedure import IDENTIFICATION, IllegalTransition, variant

CADRE = Principal(sub="cadre", role=Role.village_cadre, region="532504102")
TOWNSHIP = Principal(sub="township", role=Role.township_officer, region="532504102")


def test_without_a_notice_the_township_verifies_after_the_village_review() -> None:
    plain = variant(IdentificationPolicy(public_notice=False))
    assert "publish_notice" not in plain.by_name and "file_objection" not in plain.by_name
    assert "in_public_notice" not in plain.states
    assert plain.check("village_reviewed", "township_verify", TOWNSHIP).target == "township_verified"
    assert plain.allowed("village_reviewed") == ["reject", "township_verify"]
    with pytest.raises(IllegalTransition):
        IDENTIFICATION.check("village_reviewed", "township_verify", TOWNSHIP)


def test_without_an_authorisation_the_village_reviews_the_declaration() -> None:
    plain = variant(IdentificationPolicy(consent_required=False, public_notice=False))
    assert plain.check("declared", "village_review", CADRE).target == "village_reviewed"
    assert "consent_signed" not in plain.states
    assert variant(IdentificationPolicy(household_survey=True)).steps == IDENTIFICATION.steps  # all, as declared
    assert "household_survey" not in variant(IdentificationPolicy()).by_name
    # 弥勒市 in 2020: no authorisation, the survey on the declaration, no notice
    mile = variant(IdentificationPolicy(consent_required=False, household_survey=True, public_notice=False))
    assert mile.allowed("declared") == ["household_survey", "reject", "village_review"]


def test_an_elimination_without_a_notice_is_accepted_after_the_review() -> None:
    assert WITHOUT_NOTICE.check("village_reviewed", "accept", TOWNSHIP).target == "township_accepted"
    assert ELIMINATION.allowed("village_reviewed") == ["notice"]
    assert {"object", "resolve", "notice"}.isdisjoint(WITHOUT_NOTICE.by_name)
