"""Department data-sharing feeds: one versioned topic per department (中农组发〔2021〕7号, 部门筛查预警).

Each record carries the department's own record id and a revision: (department, record_id) identifies a
record, a higher revision is a correction that supersedes, the same revision again is a duplicate. Records
carry a plaintext resident ID, the departments' shared key; its type is marked IDENTIFIER so that every
consumer that stores events (ledger) keeps only its blind index.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from contracts.base import IDENTIFIER, NOT_AFTER_TODAY, RESIDENT_ID, EventContract

ResidentId = Annotated[
    str,
    IDENTIFIER,
    RESIDENT_ID,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[0-9]{17}[0-9X]$"),
]
RecordDate = Annotated[dt.date, NOT_AFTER_TODAY]
Money = Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=14, decimal_places=2)]

CIVIL_AFFAIRS, MEDICAL_INSURANCE, EDUCATION, HOUSING, DISABILITY = (
    "civil-affairs",
    "medical-insurance",
    "education",
    "housing",
    "disability",
)
EMERGENCY, HUMAN_RESOURCES, HEALTH, WATER = "emergency-management", "human-resources", "health", "water"
FINANCE = "finance"
DEPARTMENT_ZH = {
    CIVIL_AFFAIRS: "民政",
    MEDICAL_INSURANCE: "医保",
    EDUCATION: "教育",
    HOUSING: "住建",
    DISABILITY: "残联",
    EMERGENCY: "应急管理",
    HUMAN_RESOURCES: "人社",
    HEALTH: "卫生健康",
    WATER: "水利",
    FINANCE: "金融",
}


# A department's export as its staff have it (spreadsheets with Chinese headers and Chinese values): each
# field's column names, the first the one a template prints, the rest synonyms read as well; and the Chinese
# label of each enumerated value, read as the code it stands for.
Columns = dict[str, tuple[str, ...]]
Labels = dict[str, dict[str, str]]
YES_NO_ZH = {"true": "是", "false": "否"}


class DeptRecordBase(EventContract):
    department: ClassVar[str]
    columns_zh: ClassVar[Columns] = {}
    values_zh: ClassVar[Labels] = {}
    base_columns_zh: ClassVar[Columns] = {
        "record_id": ("业务编号", "记录编号"),
        "revision": ("版本号", "修订版本"),
        "resident_id": ("身份证号", "公民身份号码", "身份证号码", "证件号码"),
        "event_date": ("发生日期", "业务日期", "日期"),
    }
    record_id: str = Field(min_length=1, max_length=100, description="the department's own record id")
    revision: int = Field(1, ge=1, le=1000, description="a higher revision corrects and supersedes")
    resident_id: ResidentId
    event_date: RecordDate

    @classmethod
    def column_names(cls) -> Columns:
        """Every field's Chinese column names, in the contract's field order."""
        names = {**cls.base_columns_zh, **cls.columns_zh}
        return {field: names[field] for field in cls.model_fields}


class CivilAffairsRecordV1(DeptRecordBase):
    """Civil affairs: 低保 and 特困 enrolment or exit, temporary assistance, low-income registration, death or
    household change, and the results of family economic-status checks."""

    topic: ClassVar[str] = "dept.civil-affairs.v1"
    type: ClassVar[str] = "dept.civil-affairs.record"
    department: ClassVar[str] = CIVIL_AFFAIRS
    columns_zh: ClassVar[Columns] = {
        "kind": ("业务类型", "类型"),
        "amount": ("金额", "救助金额"),
        "commercial_housing": ("有无商品房", "商品房"),
        "vehicles": ("车辆数", "车辆"),
        "enjoyment_vehicles": ("享受型车辆数",),
        "business_premises": ("有无营业房", "营业房"),
        "large_farm_machinery": ("有无大型农机具", "大型农机具"),
        "deposits": ("存款", "存款金额"),
        "business_registration": ("有无工商登记", "工商登记"),
        "public_employee": ("是否财政供养人员", "财政供养人员"),
        "request_id": ("核对请求编号",),
    }
    values_zh: ClassVar[Labels] = {
        "kind": {
            "dibao_enrolled": "纳入低保",
            "dibao_exited": "退出低保",
            "tekun_enrolled": "纳入特困供养",
            "tekun_exited": "退出特困供养",
            "temporary_assistance": "临时救助",
            "low_income_registered": "低收入人口登记",
            "death": "死亡",
            "household_change": "户籍变动",
            "economic_check_result": "家庭经济状况核对结果",
        }
    }
    kind: Literal[
        "dibao_enrolled",
        "dibao_exited",
        "tekun_enrolled",
        "tekun_exited",
        "temporary_assistance",
        "low_income_registered",
        "death",
        "household_change",
        "economic_check_result",
    ]
    amount: Money | None = None
    commercial_housing: bool | None = Field(None, description="economic check: owns commercial housing")
    vehicles: int | None = Field(None, ge=0, le=100, description="economic check: vehicles registered, of any kind")
    enjoyment_vehicles: int | None = Field(
        None, ge=0, le=100, description="economic check: of those, 享受型 (private cars, not a means of work)"
    )
    business_premises: bool | None = Field(None, description="economic check: owns business premises (营业房)")
    large_farm_machinery: bool | None = Field(None, description="economic check: owns large farm machinery")
    deposits: Money | None = None
    business_registration: bool | None = None
    public_employee: bool | None = None
    request_id: uuid.UUID | None = Field(None, description="economic_check_result: the screening request answered")


class MedicalInsuranceRecordV1(DeptRecordBase):
    """Medical insurance: a settlement, or the year's out-of-pocket accumulation."""

    topic: ClassVar[str] = "dept.medical-insurance.v1"
    type: ClassVar[str] = "dept.medical-insurance.record"
    department: ClassVar[str] = MEDICAL_INSURANCE
    columns_zh: ClassVar[Columns] = {
        "kind": ("业务类型", "类型"),
        "total": ("医疗总费用", "总费用"),
        "reimbursed": ("报销金额", "医保报销金额"),
        "out_of_pocket": ("个人自付", "自付金额"),
        "disease_category": ("疾病类别", "病种类别"),
    }
    values_zh: ClassVar[Labels] = {
        "kind": {"settlement": "结算", "annual_accumulation": "年度累计"},
        "disease_category": {"major": "大病", "chronic": "慢性病", "none": "无"},
    }
    kind: Literal["settlement", "annual_accumulation"]
    total: Money
    reimbursed: Money
    out_of_pocket: Money
    disease_category: Literal["major", "chronic", "none"] = "none"


class EducationRecordV1(DeptRecordBase):
    """Education: enrolment by level, dropout or dropout risk, aid granted, out-of-pocket cost."""

    topic: ClassVar[str] = "dept.education.v1"
    type: ClassVar[str] = "dept.education.record"
    department: ClassVar[str] = EDUCATION
    columns_zh: ClassVar[Columns] = {
        "level": ("学段", "教育阶段"),
        "status": ("就学状态", "状态"),
        "full_time": ("是否全日制", "全日制"),
        "aid_granted": ("资助金额", "已获资助"),
        "out_of_pocket": ("个人负担费用", "自付费用"),
    }
    values_zh: ClassVar[Labels] = {
        "level": {
            "compulsory": "义务教育",
            "high_school": "普通高中",
            "vocational": "中职",
            "higher": "普通高等教育",
            "higher_vocational": "高职",
        },
        "status": {"enrolled": "在读", "dropout": "辍学", "dropout_risk": "辍学风险", "graduated": "毕业"},
    }
    # vocational: secondary (中职); higher_vocational: full-time higher vocational college (高职)
    level: Literal["compulsory", "high_school", "vocational", "higher", "higher_vocational"]
    status: Literal["enrolled", "dropout", "dropout_risk", "graduated"]
    full_time: bool = True
    aid_granted: Money = Decimal(0)
    out_of_pocket: Money = Decimal(0)


class HousingRecordV1(DeptRecordBase):
    """Housing: a safety appraisal (grade A-D) or a completed renovation."""

    topic: ClassVar[str] = "dept.housing.v1"
    type: ClassVar[str] = "dept.housing.record"
    department: ClassVar[str] = HOUSING
    columns_zh: ClassVar[Columns] = {"kind": ("业务类型", "类型"), "grade": ("鉴定等级", "危房等级", "房屋等级")}
    values_zh: ClassVar[Labels] = {
        "kind": {"appraisal": "安全鉴定", "renovation_completed": "改造完成"},
        "grade": {"A": "A级", "B": "B级", "C": "C级", "D": "D级"},
    }
    kind: Literal["appraisal", "renovation_completed"]
    grade: Literal["A", "B", "C", "D"] | None = None


class DisabilityRecordV1(DeptRecordBase):
    """Disability federation: a certificate issued, changed or cancelled, with category and grade."""

    topic: ClassVar[str] = "dept.disability.v1"
    type: ClassVar[str] = "dept.disability.record"
    department: ClassVar[str] = DISABILITY
    columns_zh: ClassVar[Columns] = {
        "action": ("办证类型", "业务类型"),
        "category": ("残疾类别",),
        "grade": ("残疾等级",),
    }
    values_zh: ClassVar[Labels] = {
        "action": {"issued": "新办", "changed": "变更", "cancelled": "注销"},
        "category": {
            "visual": "视力残疾",
            "hearing": "听力残疾",
            "speech": "言语残疾",
            "physical": "肢体残疾",
            "intellectual": "智力残疾",
            "mental": "精神残疾",
            "multiple": "多重残疾",
        },
        "grade": {"1": "一级", "2": "二级", "3": "三级", "4": "四级"},
    }
    action: Literal["issued", "changed", "cancelled"]
    category: Literal["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"]
    grade: int = Field(ge=1, le=4)


class EmergencyRecordV1(DeptRecordBase):
    """Emergency management (应急管理): a household hit by a natural disaster (水旱、气象、地震、地质灾害……), a fire
    or another accident, with its direct loss; the resident ID is the household head's (中农组发〔2021〕7号: 因灾
    因意外事故……导致基本生活出现严重困难)."""

    topic: ClassVar[str] = "dept.emergency-management.v1"
    type: ClassVar[str] = "dept.emergency-management.record"
    department: ClassVar[str] = EMERGENCY
    columns_zh: ClassVar[Columns] = {
        "kind": ("业务类型", "类型"),
        "hazard": ("灾害种类", "灾种"),
        "direct_loss": ("直接经济损失", "直接损失"),
        "house_damaged": ("房屋是否受损", "房屋受损"),
        "injured": ("受伤人数",),
        "deaths": ("死亡人数",),
    }
    values_zh: ClassVar[Labels] = {
        "kind": {"natural_disaster": "自然灾害", "fire": "火灾", "accident": "意外事故"},
        "hazard": {
            "flood": "洪涝",
            "drought": "干旱",
            "meteorological": "气象灾害",
            "earthquake": "地震",
            "geological": "地质灾害",
            "biological": "生物灾害",
            "fire": "火灾",
            "traffic": "交通事故",
            "other": "其他",
        },
    }
    kind: Literal["natural_disaster", "fire", "accident"]
    hazard: Literal[
        "flood", "drought", "meteorological", "earthquake", "geological", "biological", "fire", "traffic", "other"
    ]
    direct_loss: Money = Field(description="the household's direct economic loss, yuan")
    house_damaged: bool = False
    injured: int = Field(0, ge=0, le=100)
    deaths: int = Field(0, ge=0, le=100)


class HumanResourcesRecordV1(DeptRecordBase):
    """Human resources and social security (人社): a member registered unemployed, whose employment ended, who
    came back from migrant work, or who started work again (which ends the others)."""

    topic: ClassVar[str] = "dept.human-resources.v1"
    type: ClassVar[str] = "dept.human-resources.record"
    department: ClassVar[str] = HUMAN_RESOURCES
    columns_zh: ClassVar[Columns] = {"kind": ("业务类型", "类型"), "monthly_wage": ("月工资", "月收入")}
    values_zh: ClassVar[Labels] = {
        "kind": {
            "unemployment_registered": "失业登记",
            "employment_ended": "就业终止",
            "returned_migrant": "返乡",
            "employment_started": "实现就业",
        }
    }
    kind: Literal["unemployment_registered", "employment_ended", "returned_migrant", "employment_started"]
    monthly_wage: Money | None = Field(None, description="the wage of the employment ended or started, yuan a month")


class HealthRecordV1(DeptRecordBase):
    """Health commission (卫生健康): a diagnosis or a hospital stay as the hospitals record it, beyond what medical
    insurance settles (《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(一): 重点关注大病重病和负担较重的
    慢性病患者)."""

    topic: ClassVar[str] = "dept.health.v1"
    type: ClassVar[str] = "dept.health.record"
    department: ClassVar[str] = HEALTH
    columns_zh: ClassVar[Columns] = {
        "kind": ("业务类型", "类型"),
        "disease_category": ("疾病类别", "病种类别"),
        "days": ("住院天数",),
    }
    values_zh: ClassVar[Labels] = {
        "kind": {"diagnosis": "确诊", "hospital_stay": "住院"},
        "disease_category": {"major": "大病", "chronic": "慢性病", "other": "其他"},
    }
    kind: Literal["diagnosis", "hospital_stay"]
    disease_category: Literal["major", "chronic", "other"]
    days: int = Field(0, ge=0, le=3660, description="hospital_stay: the days in hospital")


class WaterRecordV1(DeptRecordBase):
    """Water resources (饮水安全): a household's drinking water found unsafe (quantity, quality, access or
    the guarantee rate), or made safe again; the resident ID is the household head's."""

    topic: ClassVar[str] = "dept.water.v1"
    type: ClassVar[str] = "dept.water.record"
    department: ClassVar[str] = WATER
    columns_zh: ClassVar[Columns] = {"kind": ("业务类型", "类型"), "issue": ("问题类型",)}
    values_zh: ClassVar[Labels] = {
        "kind": {"unsafe": "饮水不安全", "made_safe": "已保障"},
        "issue": {
            "quantity": "水量不足",
            "quality": "水质不达标",
            "access": "取水不便",
            "guarantee_rate": "供水保证率不足",
        },
    }
    kind: Literal["unsafe", "made_safe"]
    issue: Literal["quantity", "quality", "access", "guarantee_rate"] | None = None


class FinanceRecordV1(DeptRecordBase):
    """Finance (人民银行及金融机构): a member's poverty-alleviation micro-loan (扶贫小额信贷) granted, overdue,
    extended or repaid, by the lending bank's loan id; an overdue loan is one of the nine risk types of
    《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 二(三) (小额贷款逾期风险)."""

    topic: ClassVar[str] = "dept.finance.v1"
    type: ClassVar[str] = "dept.finance.record"
    department: ClassVar[str] = FINANCE
    columns_zh: ClassVar[Columns] = {
        "kind": ("业务类型", "类型"),
        "loan_id": ("贷款编号", "借据号"),
        "amount": ("贷款金额", "贷款本金"),
        "overdue_days": ("逾期天数",),
    }
    values_zh: ClassVar[Labels] = {
        "kind": {"loan_granted": "发放", "loan_overdue": "逾期", "loan_extended": "展期", "loan_repaid": "结清"}
    }
    kind: Literal["loan_granted", "loan_overdue", "loan_extended", "loan_repaid"]
    loan_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_-]+$", description="the bank's loan id")
    amount: Money = Field(description="the loan's principal, yuan")
    overdue_days: int = Field(0, ge=0, le=3650, description="loan_overdue: the days past due")


DEPARTMENT_REPORT_TOPIC = "dept.reports.v1"


class DepartmentReportV1(EventContract):
    """What a department carried out for a measure on its list (各部门及时反馈), sent on the bus as its records
    are: the measure moves on, the department its evidence. `report_id` is the department's own: the same
    report again changes nothing."""

    topic: ClassVar[str] = DEPARTMENT_REPORT_TOPIC
    type: ClassVar[str] = "dept.reports.report"
    department: str = Field(pattern=r"^[a-z-]{2,40}$")
    report_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_.:-]+$")
    measure_id: uuid.UUID
    status: Literal["in_progress", "implemented", "failed"]
    description: str = Field(min_length=1, max_length=2000)
    amount: Money | None = None
    date: RecordDate | None = None
    reported_by: str = Field(min_length=1, max_length=200, description="the department system or officer")


DEPT_CONTRACTS: dict[str, type[DeptRecordBase]] = {
    c.department: c
    for c in (
        CivilAffairsRecordV1,
        MedicalInsuranceRecordV1,
        EducationRecordV1,
        HousingRecordV1,
        DisabilityRecordV1,
        EmergencyRecordV1,
        HumanResourcesRecordV1,
        HealthRecordV1,
        WaterRecordV1,
        FinanceRecordV1,
    )
}
