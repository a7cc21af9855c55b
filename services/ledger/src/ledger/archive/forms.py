"""The standard forms of the monitoring ledger (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021),
附件), generated from the log as XLSX and PDF.

Data entered once is never refilled (减轻基层负担): every value comes from the recorded events. Names and
ID numbers never enter the log: the head's are given to the filler at print time (`heads.py`), read from intake;
without them the cells are left to be written by hand."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock
from common.errors import NotFound
from common.regions import full_name, regions
from common.vocabulary import (
    CATEGORY_ZH,
    CHANNEL_ZH,
    DETAIL_VALUE_ZH,
    FORM_RISK_ZH,
    HEALTH_ZH,
    LABOUR_ZH,
    NO_REASON_ZH,
    OBJECT_ZH,
    RELATION_ZH,
    RISK_DETAIL_ZH,
    RISK_ZH,
    SCOPE_ZH,
    SEX_ZH,
    band_labels,
    band_zh,
    form_risk,
    zh,
)
from contracts.assistance import EliminationAcceptedV1
from contracts.intake import (
    CaseDeclaredV1,
    CaseRisk,
    CaseTownshipVerifiedV1,
    ConsentSignedV1,
    HouseholdEventBase,
    HouseholdIncomeRecordedV1,
    HouseholdRegisteredV1,
    HouseholdUpdatedV1,
    MemberFacts,
)
from contracts.policy import PackValues
from contracts.steps import StepRisk, VerificationRecord
from ledger.archive.heads import Head
from ledger.archive.records import latest, types
from ledger.archive.stated import BLANK, shown
from ledger.models import Entry


@dataclass(frozen=True)
class Signature:
    """A place for a pen or a seal (户主签字, 村委会（盖章）): the paper draws it empty and large enough to sign
    or stamp, whatever the record says about who signed; who recorded the step belongs to the dossier."""

    label: str
    seal: bool = False


@dataclass
class Form:
    code: str
    title: str
    fields: list[tuple[str, Any]] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    table: list[list[Any]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    letter: list[str] = field(default_factory=list)  # a form that is a letter (申请书, 授权书): its paragraphs
    # The lines at the foot, set to the right: signature, seal and date (户主签字, 村委会（盖章）, 年 月 日).
    sign: list[str] = field(default_factory=list)
    # The signature and seal areas at the foot, drawn side by side under the table; a field whose value is a
    # Signature is an area to sign inside the table.
    signatures: list[Signature] = field(default_factory=list)
    # The region whose pack lays out the paper (the household's, the notice's village, the approval's area);
    # empty: the household's, as the request found it.
    region: str = ""


FORMS = {
    "commitment": "农户承诺授权书",
    "village-preselection-notice": "监测对象认定村级初选名单公示",
    "township-verification": "监测对象认定乡镇核查表",
    "county-approval": "监测对象认定区级审定批复",
    # 中农组发〔2021〕7号 三(二): 落实帮扶措施……应进行民主评议和公开公示 (no document gives its layout: the
    # identification notice's, with the measures listed).
    "measures-notice": "监测对象帮扶措施村级公示",
    "elimination-notice": "监测对象风险消除村级初选名单公示",
    "township-acceptance": "监测对象风险消除乡镇验收表",
    "elimination-approval": "监测对象风险消除区级审定批复",
    "information-collection": "防止返贫监测对象信息采集表",
}


def risks_text(risks: list[CaseRisk] | list[str]) -> str:
    # A case's risks are records (CaseRisk); a plan's are their categories.
    codes = [r if isinstance(r, str) else str(r.category) for r in risks]
    return "、".join(RISK_ZH.get(c, c) for c in codes) or "—"


HOUSEHOLD_TYPES = types(HouseholdRegisteredV1, HouseholdUpdatedV1)


async def households_of(
    session: AsyncSession, household_ids: set[str], more: tuple[str, ...] = ()
) -> dict[str, list[Entry]]:
    """The registration and updates of many households (and the entries of `more` types), in one query."""
    found: dict[str, list[Entry]] = {h: [] for h in household_ids}
    q = select(Entry).where(Entry.subject.in_(household_ids), Entry.type.in_((*HOUSEHOLD_TYPES, *more)))
    for r in (await session.execute(q.order_by(Entry.leaf_index))).scalars():
        found[r.subject].append(r)
    return found


def _income(form: VerificationRecord) -> str:
    """The band the pack's form has (仲恺), else the recorded amount (the form of a jurisdiction without bands)."""
    band = band_zh(form.income_band or "")
    amount = form.per_capita_income
    if band and amount:
        return f"{band}（{amount}元）"
    return band or (f"{amount}元" if amount else BLANK)


def _amount(amount: Any) -> Any:
    """An amount as a form's cell holds it: the number itself (the label says 元), blank where none is recorded."""
    return amount if amount not in (None, "") else BLANK


def household_of(rows: list[Entry]) -> HouseholdEventBase:
    """The household as its latest registration or update has it."""
    h = latest(rows, HouseholdRegisteredV1, HouseholdUpdatedV1)
    if h is None:
        raise NotFound("The household's registration is not in the log", zh="日志中没有该户的登记记录")
    return h


def active(h: HouseholdEventBase) -> list[MemberFacts]:
    return [m for m in h.members if m.active]


def labour_of(members: list[MemberFacts]) -> int:
    return sum(1 for m in members if m.labour_capacity in ("full", "partial"))


def _place(region: str) -> tuple[str, str]:
    return region, full_name(region) or region


@dataclass(frozen=True)
class Household:
    """What every household form heads with: the household as the log last has it."""

    h: HouseholdEventBase
    members: list[MemberFacts]
    labour: int
    income: HouseholdIncomeRecordedV1 | None
    place: str
    base: list[tuple[str, Any]]


def household(rows: list[Entry]) -> Household:
    h = household_of(rows)
    members = active(h)
    region, place = _place(h.region_code)
    base: list[tuple[str, Any]] = [
        ("地区", f"{place}（{region}）"),
        ("户编号", h.household_no),
        ("家庭人口", len(members)),
    ]
    return Household(h, members, labour_of(members), latest(rows, HouseholdIncomeRecordedV1), place, base)


def head_line(head: Head | None, *more: str) -> str:
    """The head's name and ID number as a form's field shows them (`张三 / 532504…`), blank when unread."""
    if head is None:
        return " / ".join([BLANK, BLANK, *more])
    return " / ".join([head.name, head.resident_id, *more])


def commitment(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件1 农户承诺授权书: the letter, filled from the record."""
    hh = household(rows)
    h, members, labour, income, place = hh.h, hh.members, hh.labour, hh.income, hh.place
    consent = latest(rows, ConsentSignedV1)
    case = latest(rows, CaseDeclaredV1)
    letter = commitment_letter(h.region_code, len(members), labour, income, case, consent)
    return Form(
        "commitment",
        FORMS["commitment"],
        letter=letter[:-2],
        sign=letter[-2:],
        footer=[f"户编号：{h.household_no}（{place}，由防止返贫监测账本生成）"],
    )


def township_verification(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件3 乡镇核查表: the township's verification as recorded, its boxes ticked."""
    hh = household(rows)
    h, base = hh.h, hh.base
    v = latest(rows, CaseTownshipVerifiedV1)
    if v is None:
        raise NotFound("No township verification is recorded for this household", zh="该户没有乡镇核查记录")
    form = v.data
    risks = form.risks
    bands = [*band_labels(words.identification.income_bands)] if words else []
    return Form(
        "township-verification",
        FORMS["township-verification"],
        [
            ("所在地", _address_line(h.region_code)),
            *base[1:],
            ("户主姓名 / 身份证号 / 联系电话", head_line(head, BLANK)),
            (
                "年人均可支配收入",
                _boxes({form.income_band or ""}, {b: band_zh(b) or b for b in bands}) + f"（{_income(form)}）"
                if bands
                else _income(form),
            ),
            ("监测对象类型", _boxes({str(form.object_type or "")}, OBJECT_ZH)),
            ("预警监测渠道（勾选至少一项）", _boxes({str(c) for c in form.channels}, CHANNEL_ZH)),
            (
                "返贫致贫风险（勾选至少一项并登记具体内容）",
                _boxes({form_risk(str(r.category)) for r in risks}, FORM_RISK_ZH),
            ),
            ("是否拟定为监测对象", _boxes({form.decision or ""}, {"yes": "是", "no": "否"})),
            ("否定原因（勾选至少一项）", _boxes(set(form.no_reasons), NO_REASON_ZH)),
            # Signed by pen on the printed form: who recorded the step is the dossier's to show.
            ("村支部书记签字", Signature("村支部书记签字")),
            ("镇街干部签字", Signature("镇街干部签字")),
            ("核查时间", shown(form.verified_on, clock.cst_date(v.occurred_at))),
        ],
        table_header=["返贫致贫风险", "登记内容"],
        table=[[zh(RISK_ZH, str(r.category)), _details(r)] for r in risks],
        signatures=[Signature("户主签字（承诺提供情况真实可靠，授权查询家庭资产信息）")],
    )


def township_acceptance(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """附件6 乡镇验收表: the township's acceptance as recorded, its boxes ticked."""
    hh = household(rows)
    h, base = hh.h, hh.base
    a = latest(rows, EliminationAcceptedV1)
    if a is None:
        raise NotFound("No township acceptance is recorded for this household", zh="该户没有乡镇验收记录")
    accepted = a.data
    criteria = accepted.criteria
    measures = set(accepted.measures)

    def yes_no(key: str) -> str:
        return _boxes({str(criteria.get(key)).lower()}, {"true": "是", "false": "否"})

    return Form(
        "township-acceptance",
        FORMS["township-acceptance"],
        [
            ("所在地", _address_line(h.region_code)),
            *base[1:],
            ("户主姓名 / 身份证号 / 联系电话", head_line(head, BLANK)),
            # An amount, stored as a number: the sheet computes with it (the unit is the label's).
            ("年人均可支配收入（元）（以验收当月倒推连续12个月计）", _amount(accepted.income_12_months_total)),
            ("监测对象类别", _boxes({str(accepted.object_type or "")}, OBJECT_ZH)),
            ("二、原返贫致贫风险", _boxes(set(accepted.original_risks), RISK_ZH)),
            *(
                (
                    f"三、帮扶措施：{label}",
                    _boxes({n for n, codes in items.items() if measures & codes}, {n: n for n in items}),
                )
                for label, items in ACCEPTANCE_MEASURES.items()
            ),
            ("四、1 根据返贫致贫风险原因落实了对应的帮扶措施", yes_no("risks_matched")),
            ("四、2 “两不愁三保障”及饮水安全持续巩固", yes_no("guarantees_secured")),
            ("四、3 收入持续稳定，家庭年人均可支配收入稳定超出当地当年度收入监测范围", yes_no("income_stable")),
            ("四、4 大额刚性支出问题稳定解决", yes_no("rigid_expense_resolved")),
            # Signed by pen on the printed form: who recorded the step is the dossier's to show.
            ("户主签字（同意标注消除风险，不再监测帮扶）", Signature("户主签字")),
            ("村支部书记签字", Signature("村支部书记签字")),
            ("镇街干部签字", Signature("镇街干部签字")),
            ("监测联系人签字", Signature("监测联系人签字")),
            ("验收时间", shown(accepted.accepted_on, clock.cst_date(a.occurred_at))),
        ],
    )


def information_collection(rows: list[Entry], words: PackValues | None = None, head: Head | None = None) -> Form:
    """防止返贫监测对象信息采集表: the household, its income and its members."""
    hh = household(rows)
    h, members, labour, income, base = hh.h, hh.members, hh.labour, hh.income, hh.base
    return Form(
        "information-collection",
        FORMS["information-collection"],
        [*base, ("类别", zh(CATEGORY_ZH, h.category)), ("有劳动能力人数", labour)]
        + (
            [
                (f"{income.year}年人均纯收入（元）", income.per_capita_net_income),
                # Each amount in its own cell, as a number, so the sheet sums them.
                ("工资性收入（元）", income.wages),
                ("生产经营性收入（元）", income.production),
                ("财产性收入（元）", income.property),
                ("转移性收入（元）", income.transfers),
                ("医疗支出（元）", income.medical_expense),
                ("教育支出（元）", income.schooling_expense),
                ("其他刚性支出（元）", income.other_rigid_expense),
            ]
            if income
            else []
        ),
        table_header=["序号", "与户主关系", "性别", "出生日期", "劳动能力", "健康状况", "姓名 / 身份证号"],
        table=[
            [
                i + 1,
                zh(RELATION_ZH, m.relation),
                zh(SEX_ZH, m.sex),
                m.birth_date.isoformat(),
                zh(LABOUR_ZH, str(m.labour_capacity)),
                zh(HEALTH_ZH, m.health),
                head_line(head) if m.relation == "head" else BLANK,
            ]
            for i, m in enumerate(members)
        ],
    )


# 附件6 三、帮扶措施: the form's classes and boxes, each box ticked by the catalogue codes it covers.
ACCEPTANCE_MEASURES: dict[str, dict[str, set[str]]] = {
    "增收类": {
        "产业帮扶": {"industry"},
        "就业帮扶": {"employment"},
        "金融帮扶": {"micro_credit"},
        "公益岗位帮扶": {"public_welfare_job"},
        "住房安全保障": {"housing_safety"},
    },
    "“三保障”和饮水安全类": {
        "饮水安全保障": {"drinking_water"},
        "健康帮扶（含医保个人缴费补贴、大病保险、医疗救助等）": {"health"},
        "义务教育保障": {"compulsory_education"},
        "教育帮扶": {"education_aid"},
    },
    "兜底保障类": {
        "综合保障（含低保、特困，临时救助、残疾人补贴、防贫保险等）": {
            "dibao",
            "tekun",
            "temporary_assistance",
            "disability_allowance",
            "anti_poverty_insurance",
        },
    },
    "其他类": {
        "社会帮扶": {"social_assistance"},
        "搬迁": {"relocation"},
        "生产生活条件改善": {"living_conditions"},
        "基础设施建设": {"infrastructure"},
    },
}


def _boxes(chosen: set[str], labels: dict[str, str], sep: str = "  ") -> str:
    """A form's checkboxes, every choice it offers, the recorded ones marked (■)."""
    return sep.join(f"{'■' if code in chosen else '□'}{label}" for code, label in labels.items())


def _checkboxes(chosen: set[str]) -> str:
    """The form's risk checkboxes, the recorded ones marked (■), as 附件1 lists them."""
    return _boxes({form_risk(c) for c in chosen}, FORM_RISK_ZH, "、")


def _address_line(village: str) -> str:
    """The form's header line: 区（县、市）、镇（街道）、村（社区）by name, the group (组) left to be written."""
    names = [regions().name(village[:n]) or BLANK for n in (6, 9, 12)]
    return f"{names[0]}  {names[1]}  {names[2]}  {BLANK}组（自然村）"


def cn_date(value: Any) -> str:
    """A date as official documents print it (2026年9月20日): the Beijing date of what was recorded, whether
    the record holds a date or an instant; blanks to be written in where it holds neither."""
    try:
        return clock.official(clock.beijing_date(value)) if value else f"{BLANK}年{BLANK}月{BLANK}日"
    except (TypeError, ValueError):
        return f"{BLANK}年{BLANK}月{BLANK}日"


def commitment_letter(
    village: str,
    people: int,
    labour: int,
    income: HouseholdIncomeRecordedV1 | None,
    case: CaseDeclaredV1 | None,
    consent: ConsentSignedV1 | None,
) -> list[str]:
    """附件1 农户承诺授权书, in its own words, filled from the record: the village committee it is addressed
    to, the household's people and labour, the year's income, the risks checked; the group (组), which the
    log does not hold, and the head's signature are left to be written."""
    declared = case.risks if case else []
    risks = {str(r.category) for r in declared}
    year = f"{income.year}年" if income else f"20{BLANK}年"
    amount = str(income.per_capita_net_income) if income else BLANK
    scopes = "、".join(zh(SCOPE_ZH, x) for x in consent.scopes) if consent else BLANK
    return [
        f"{regions().name(village) or BLANK}村委会：",
        f"我家住{BLANK}组（自然村），家庭人口{people}人，其中有劳动能力{labour}人。{year}家庭人均可支配收入{amount}元，"
        f"主要返贫致贫风险为{risks_text(declared)}（{_checkboxes(risks)}）。"
        "现申请为防止返贫致贫监测对象。",
        "我承诺提供的家庭情况、资产信息等真实准确，同意授权乡（镇）级及以上政府部门查询比对我的家庭财产信息。"
        "如查实我有故意隐瞒或提供虚假、伪造材料等违规行为，本人愿意承担3年内取消申请防贫监测对象资格和相应的"
        f"政策扶持，以及列入失信人员名单等后果。（授权范围：{scopes}）",
        f"户主签字：{BLANK}",
        cn_date(consent.signed_at if consent else None),
    ]


def _details(risk: StepRisk) -> str:
    """A risk's registered details as the form words them (当年医疗自付支出（元）：41000)."""
    return (
        "；".join(
            f"{zh(RISK_DETAIL_ZH, k)}：{zh(DETAIL_VALUE_ZH, v)}"
            for k, v in (risk.model_extra or {}).items()
            if k != "category" and not k.endswith("member_id")
        )
        or "—"
    )
