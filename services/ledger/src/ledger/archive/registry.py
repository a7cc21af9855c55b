"""Every form the ledger draws, declared once: its code and title, what it is drawn for (a household, or a
key: a village's notice day, an approval number, a region), the events it reads, and the function that
fills it. The routes, `GET /forms` and the form tests are generated from this table; a new form is a row."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.assistance import (
    EliminationAcceptedV1,
    EliminationApprovedV1,
    EliminationNoticePublishedV1,
    EliminationVillageReviewedV1,
    PlanNoticePublishedV1,
    PlanVillageReviewedV1,
)
from contracts.base import EventContract
from contracts.intake import (
    CaseApprovedV1,
    CaseDeclaredV1,
    CaseHouseholdSurveyedV1,
    CaseNoticePublishedV1,
    CaseTownshipVerifiedV1,
    CaseVillageReviewedV1,
    ConsentSignedV1,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
)
from contracts.policy import PackValues
from contracts.screening import AlertConfirmedV1
from ledger.archive import annexes, forms, lists
from ledger.archive.forms import Form
from ledger.archive.heads import Head, Heads, Use
from ledger.models import Entry

HouseholdFill = Callable[[list[Entry], PackValues | None, Head | None], Form]
KeyFill = Callable[[AsyncSession, str, Callable[[str], bool], Heads], Awaitable[Form]]
HOUSEHOLD = (HouseholdRegisteredV1, HouseholdUpdatedV1)


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    keyed_by: Literal["household_id", "key"]
    reads: tuple[type[EventContract], ...]
    fill_household: HouseholdFill | None = None
    fill_key: KeyFill | None = None
    # The standard forms (仲恺's 附件1-8 and the measures' notice) are what a pack that names none files.
    standard: bool = True
    # Whether the form prints the heads' names (and ID numbers), read from intake at print time: on a notice
    # posted in the village (the name), or on a form filed (name and ID number); None: it prints neither.
    heads: Use | None = None


def _household(
    code: str, fill: HouseholdFill, *reads: type[EventContract], standard: bool = True, heads: Use | None = None
) -> FormSpec:
    title = forms.FORMS.get(code) or annexes.ANNEXES[code]
    return FormSpec(
        code, title, "household_id", (*HOUSEHOLD, *reads), fill_household=fill, standard=standard, heads=heads
    )


def _list(code: str, *reads: type[EventContract], standard: bool = True) -> FormSpec:
    title = forms.FORMS.get(code) or annexes.ANNEXES[code]
    if code in annexes.ANALYSIS:
        fill: KeyFill = partial(annexes.analysis, code=code)
    else:
        fill = partial(lists.list_form, code=code)
    heads: Use = "notice" if code in lists.NOTICES else "filed"
    return FormSpec(code, title, "key", (*HOUSEHOLD, *reads), fill_key=fill, standard=standard, heads=heads)


PLANS = annexes.PLANS
APPLICATION = (CaseDeclaredV1, HouseholdIncomeRecordedV1)
REGISTRY: dict[str, FormSpec] = {
    s.code: s
    for s in (
        _household("commitment", forms.commitment, ConsentSignedV1, CaseDeclaredV1, HouseholdIncomeRecordedV1),
        _list("village-preselection-notice", CaseNoticePublishedV1, CaseVillageReviewedV1),
        _household("township-verification", forms.township_verification, CaseTownshipVerifiedV1, heads="filed"),
        _list("county-approval", CaseApprovedV1),
        _list("measures-notice", PlanNoticePublishedV1, PlanVillageReviewedV1),
        _list("elimination-notice", EliminationNoticePublishedV1, EliminationVillageReviewedV1),
        _household("township-acceptance", forms.township_acceptance, EliminationAcceptedV1, heads="filed"),
        _list("elimination-approval", EliminationApprovedV1),
        _household("information-collection", forms.information_collection, HouseholdIncomeRecordedV1, heads="filed"),
        # 弥勒市's own (附件1-6): filed where its pack lists them.
        *(
            _household(
                code, partial(annexes.application, code), CaseDeclaredV1, HouseholdIncomeRecordedV1, standard=False
            )
            for code in ("application-unstable-lifted", "application-marginal")
        ),
        _household(
            "household-survey",
            annexes.household_survey,
            CaseDeclaredV1,
            CaseHouseholdSurveyedV1,
            standard=False,
            heads="filed",
        ),
        _household(
            "income-expense-estimate",
            annexes.income_expense_estimate,
            HouseholdIncomeRecordedV1,
            AlertConfirmedV1,
            standard=False,
        ),
        _household("measures-table", annexes.measures_table, CaseDeclaredV1, *PLANS, standard=False),
        *(
            _list(code, CaseApprovedV1, HouseholdIncomeRecordedV1, EliminationApprovedV1, *PLANS, standard=False)
            for code in annexes.ANALYSIS
        ),
    )
}
STANDARD = {code for code, spec in REGISTRY.items() if spec.standard}
