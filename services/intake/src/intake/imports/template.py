"""The XLSX template a county fills in (or checks its export against): the headers the import reads, one
example household with its history, and the words each coded column takes."""

import datetime as dt
import io

from intake.imports import mapping

EXAMPLE = {
    "户编号": "5325041020010001",
    "行政区划代码": "532504102001",
    "家庭住址": "新哨镇新哨社区1组",
    "户类型": "脱贫户",
    "姓名": "张三",
    "证件号码": "11010519491231002X",
    "与户主关系": "户主",
    "劳动技能": "普通劳动力",
    "健康状况": "健康",
    "监测对象类别": "脱贫不稳定户",
    "纳入监测时间": "2021-06-15",
    "风险类型": "因病、因学",
    "帮扶措施": "产业帮扶:2021-07-01~2022-06-30；健康帮扶:2021-07-01",
    "风险消除时间": "2022-12-20",
}
WORDS = {
    "户类型": mapping.CATEGORY,
    "与户主关系": mapping.RELATION,
    "劳动技能": mapping.LABOUR,
    "健康状况": mapping.HEALTH,
    "监测对象类别": mapping.OBJECT_TYPE,
    "风险类型": mapping.RISK,
}


def workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "导入"
    sheet.append(mapping.TEMPLATE_COLUMNS)
    sheet.append([EXAMPLE.get(h, "") for h in mapping.TEMPLATE_COLUMNS])
    for i in range(1, len(mapping.TEMPLATE_COLUMNS) + 1):
        sheet.cell(1, i).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 18
        for row in (1, 2):  # identifiers and numbers as text: a number cell loses a resident ID's digits
            sheet.cell(row, i).number_format = "@"
    words = book.create_sheet("取值")
    words.append(["列", "可填的值"])
    for header, table in WORDS.items():
        words.append([header, "、".join(table)])
    words.append(["帮扶措施", "措施名称:开始日期 或 措施名称:开始日期~结束日期，多项以；分隔"])
    words.append(["日期", "YYYY-MM-DD"])
    book.properties.created = dt.datetime(2026, 12, 8)  # fixed: the shipped file does not change per build
    book.properties.modified = dt.datetime(2026, 12, 8)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
