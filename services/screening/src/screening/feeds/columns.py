"""A department's file read in its own words: Chinese column headers (and their synonyms) and Chinese
labels of enumerated values, as each contract declares them (`contracts.dept`), turned into the contract's
field names and codes before the record is validated. A file with English field names reads as before."""

import datetime as dt
import io
import typing
from decimal import Decimal
from functools import cache
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from common.errors import ValidationFailed
from common.messages import message_zh
from contracts.dept import DEPT_CONTRACTS, YES_NO_ZH, DeptRecordBase


class UnknownColumns(ValidationFailed):
    slug, title = "unknown-columns", "The file's header names columns the feed does not have"
    title_zh = "文件表头含有本部门数据项以外的列"


def _contract(department: str) -> type[DeptRecordBase]:
    return DEPT_CONTRACTS[department]


@cache
def header_map(department: str) -> dict[str, str]:
    """Every name a column may carry (the field name, its Chinese name and synonyms) to its field."""
    out: dict[str, str] = {}
    for field, names in _contract(department).column_names().items():
        for name in (field, *names):
            out[name] = field
    return out


def fields_of(department: str, header: list[str]) -> list[str]:
    """The header's fields, or 422 naming the columns not in the contract or named twice."""
    known = header_map(department)
    fields = [known.get(_bare(h), h) for h in header]
    unknown = [h for h in header if h and _bare(h) not in known]
    twice = sorted({h for h, f in zip(header, fields, strict=True) if h and fields.count(f) > 1})
    if unknown or twice:
        columns = {f: n[0] for f, n in _contract(department).column_names().items()}
        problems = [*(f"未知的列“{h}”" for h in unknown), *(f"同一数据项有多列“{h}”" for h in twice)]
        raise UnknownColumns(
            f"Unknown columns {unknown}, columns naming one field twice {twice}; the columns are: "
            + ", ".join(f"{n} ({f})" for f, n in columns.items()),
            zh="；".join(problems) + "。可用的列：" + "、".join(columns.values()),
            columns=list(columns.values()),
        )
    return fields


def _bare(header: str) -> str:
    # A spreadsheet header often carries a marker of required columns (*身份证号) or spaces inside.
    return "".join(header.split()).lstrip("*＊")


def codes(department: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row with each Chinese value label (鉴定等级 `C级`, 是/否) read as the code it stands for."""
    labelled = _labelled(department)
    out = row
    for field, value in row.items():
        code = labelled[field].get(value.strip()) if field in labelled and isinstance(value, str) else None
        if code is not None:
            out = {**out, field: code}
    return out


@cache
def _labelled(department: str) -> dict[str, dict[str, str]]:
    """Each enumerated or yes/no field's labels to codes (read once: a file has many rows)."""
    contract = _contract(department)
    return {
        field: {label: code for code, label in labels.items()}
        for field in contract.model_fields
        if (labels := contract.values_zh.get(field) or (YES_NO_ZH if _is_bool(contract, field) else None))
    }


def reason_zh(department: str, exc: ValueError) -> str:
    """Why a record was refused, each problem under its column's Chinese name, its values by their labels."""
    contract = _contract(department)
    names = {field: n[0] for field, n in contract.column_names().items()}
    parts = []
    for error in getattr(exc, "errors", None) or [{"type": "value_error", "loc": ()}]:
        loc = error.get("loc") or ()
        column = (names.get(str(loc[0])) or f"“{loc[0]}”") if loc else "记录"
        labels = contract.values_zh.get(str(loc[0])) if loc else None
        if labels and error.get("type") == "literal_error":
            parts.append(f"{column}：应为以下之一：{'、'.join(labels.values())}")
        else:
            parts.append(f"{column}：{message_zh(error)}")
    return "；".join(parts)


def _is_bool(contract: type[DeptRecordBase], field: str) -> bool:
    info = contract.model_fields.get(field)
    return info is not None and bool in (info.annotation, *typing.get_args(info.annotation))


def _choices(contract: type[DeptRecordBase], field: str) -> list[str] | None:
    if field in contract.values_zh:
        return list(contract.values_zh[field].values())
    return list(YES_NO_ZH.values()) if _is_bool(contract, field) else None


def _example(contract: type[DeptRecordBase], today: dt.date) -> dict[str, Any]:
    """A record the contract accepts, as a spreadsheet row: the first value of each list, a small amount."""
    example: dict[str, Any] = {
        "record_id": "示例-0001",
        "revision": 1,
        "resident_id": "11010519491231002X",  # GB 11643's own worked example, no one's number
        "event_date": today.isoformat(),
    }
    for field, info in contract.model_fields.items():
        if field in example or field == "request_id":
            continue
        choices = _choices(contract, field)
        if choices:
            example[field] = choices[0]
        elif info.is_required():
            kind = info.annotation
            example[field] = "1000.00" if kind is Decimal else 1 if kind is int else "示例-0001"
    return example


def template(department: str, today: dt.date) -> bytes:
    """The department's XLSX template: the Chinese headers, a list to choose from in each enumerated
    column, identifier columns formatted as text (a number cell loses a resident ID's digits), an example
    row, and a second sheet that lists each column's synonyms and values."""
    contract = _contract(department)
    columns = contract.column_names()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据"
    sheet.append([names[0] for names in columns.values()])
    example = _example(contract, today)
    sheet.append([example.get(field) for field in columns])
    for i, field in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, 3 * len(columns[field][0]))
        if field in ("record_id", "resident_id", "loan_id"):  # the column's style, taken by every new cell
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=i).number_format = "@"
        choices = _choices(contract, field)
        if choices:
            check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            check.error, check.errorTitle = "请从下拉列表中选择", "取值无效"
            check.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(check)
    notes = book.create_sheet("说明")
    notes.append(["列名", "也可写作", "字段代码", "可填的值"])
    for field, names in columns.items():
        notes.append([names[0], "、".join(names[1:]), field, "、".join(_choices(contract, field) or [])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
