"""The columns of the files a county already has (the national monitoring system's export and the poverty
census's), by their Chinese headers, and the words in their cells, as this system's fields and codes.

One row per member; a household's rows follow each other, its first row carries the household's columns
(later rows may repeat them, never contradict them). The case columns are the household's monitoring
history: present when the national system identified it. docs/imports.md is the same table for people."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from contracts.shared import LabourCapacity, ObjectType, RiskCategory

# header -> field; several headers name one field (the national system's and the census's wording)
HEADERS: dict[str, str] = {
    "户编号": "household_no",
    "行政区划代码": "region_code",
    "村级区划代码": "region_code",
    "家庭住址": "address",
    "户类型": "category",
    "户属性": "category",
    "姓名": "name",
    "证件号码": "resident_id",
    "身份证号": "resident_id",
    "与户主关系": "relation",
    "劳动技能": "labour_capacity",
    "劳动能力": "labour_capacity",
    "健康状况": "health",
    "联系电话": "phone",
    "监测对象类别": "object_type",
    "纳入监测时间": "identified_on",
    "识别时间": "identified_on",
    "风险类型": "risks",
    "致贫返贫风险": "risks",
    "帮扶措施": "measures",
    "风险消除时间": "eliminated_on",
}
# The template's columns, in order: the first header of each field.
TEMPLATE_COLUMNS = [h for i, (h, f) in enumerate(HEADERS.items()) if f not in list(HEADERS.values())[:i]]
REQUIRED = ("household_no", "region_code", "address", "category", "name", "resident_id", "relation", "labour_capacity")
HOUSEHOLD_FIELDS = (
    "household_no",
    "region_code",
    "address",
    "category",
    "object_type",
    "identified_on",
    "risks",
    "measures",
    "eliminated_on",
)
FIELD_ZH = {f: next(h for h, g in HEADERS.items() if g == f) for f in set(HEADERS.values())}

CATEGORY = {"脱贫户": "lifted", "脱贫不稳定户": "lifted", "一般农户": "ordinary", "边缘易致贫户": "ordinary"}
RELATION = {
    "户主": "head", "本人": "head", "配偶": "spouse", "之子": "child", "之女": "child", "子女": "child",
    "儿子": "child", "女儿": "child", "之儿媳": "child_in_law", "儿媳": "child_in_law", "之女婿": "child_in_law",
    "女婿": "child_in_law", "之孙子": "grandchild", "之孙女": "grandchild", "孙子女": "grandchild",
    "之父": "parent", "之母": "parent", "父母": "parent", "祖父母": "grandparent", "兄弟姐妹": "sibling",
    "其他": "other",
}  # fmt: skip
LABOUR = {
    "普通劳动力": LabourCapacity.full, "技能劳动力": LabourCapacity.full, "弱劳动力或半劳动力": LabourCapacity.partial,
    "弱劳动力": LabourCapacity.partial, "半劳动力": LabourCapacity.partial, "无劳动力": LabourCapacity.none,
    "丧失劳动力": LabourCapacity.lost,
}  # fmt: skip
HEALTH = {
    "健康": "healthy",
    "长期慢性病": "chronic_illness",
    "患有大病": "major_illness",
    "大病": "major_illness",
    "残疾": "disabled",
}
OBJECT_TYPE = {
    "脱贫不稳定户": ObjectType.unstable_lifted, "边缘易致贫户": ObjectType.marginal,
    "突发严重困难户": ObjectType.sudden_hardship,
}  # fmt: skip
RISK = {
    "因病": RiskCategory.illness, "因学": RiskCategory.schooling, "因残": RiskCategory.disability,
    "因自然灾害": RiskCategory.natural_disaster, "因灾": RiskCategory.natural_disaster,
    "因意外事故": RiskCategory.accident, "因产业项目失败": RiskCategory.industry_failure,
    "因务工就业不稳": RiskCategory.unstable_employment, "缺劳动力": RiskCategory.lack_of_labour,
    "住房出现安全问题": RiskCategory.housing_unsafe, "饮水安全问题": RiskCategory.drinking_water_unsafe,
    "其他": RiskCategory.other,
}  # fmt: skip
SEPARATORS = re.compile(r"[、,，;；/]")
MEASURE = re.compile(r"^(?P<name>[^:：]{1,100})[:：](?P<start>[\d./-]{8,10})(?:[~～至](?P<end>[\d./-]{8,10}))?$")


class Refused(ValueError):
    """A row that cannot be taken, with the reason in Chinese (the per-row report's words)."""


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number: the header is row 1
    cells: dict[str, str]  # field -> the cell's text (empty cells absent)


def fields_of(header: list[str]) -> list[str | None]:
    """The field each column carries (None: a column this system does not read), or Refused naming the
    headers that are missing."""
    fields = [HEADERS.get(h.strip()) for h in header]
    missing = [FIELD_ZH[f] for f in REQUIRED if f not in fields]
    if missing:
        raise Refused(f"表头缺少必填列：{'、'.join(missing)}")
    return fields


def word(table: dict[str, Any], value: str, field: str) -> Any:
    found = table.get(value.strip())
    if found is None:
        raise Refused(f"「{FIELD_ZH[field]}」的值「{value}」无法识别，可填：{'、'.join(table)}")
    return found


def day(value: str, field: str) -> dt.date:
    text = value.strip().replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Refused(f"「{FIELD_ZH[field]}」的日期「{value}」无效，应为 YYYY-MM-DD") from None


def risks(value: str) -> list[dict[str, Any]]:
    return [{"category": word(RISK, v, "risks"), "details": {}} for v in SEPARATORS.split(value) if v.strip()]


def measures(value: str) -> list[dict[str, Any]]:
    found = []
    for part in re.split(r"[;；\n]", value):
        part = part.strip()
        if not part:
            continue
        m = MEASURE.match(part)
        if m is None:
            raise Refused(f"「帮扶措施」的「{part}」应写作「措施名称:开始日期」或「措施名称:开始日期~结束日期」")
        start = day(m["start"], "measures")
        end = day(m["end"], "measures") if m["end"] else None
        if end is not None and end < start:
            raise Refused(f"「帮扶措施」「{m['name']}」的结束日期早于开始日期")
        found.append({"name": m["name"].strip(), "started_on": start, "ended_on": end})
    return found
