"""A form's layout: the sheet to print (XLSX) and the PDF, from the form's content (forms.py). The PDF is a
template (ADR 0026): the shipped one of the form's kind, or the one the jurisdiction's pack names."""

import io
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border

from common import clock, paper
from common.errors import ServiceUnavailable
from common.exports import print_ready, xlsx_text_only
from contracts.policy import PackValues
from ledger.archive.annexes import ANALYSIS
from ledger.archive.forms import Form, Signature
from ledger.archive.lists import APPROVALS, NOTICES
from ledger.config import settings

SHIPPED = Path(__file__).parent / "templates"
LETTERS = {"commitment", "application-unstable-lifted", "application-marginal"}


def shipped(code: str) -> str:
    """The shipped template of a form's kind: a letter, a notice or decision to post and file, a record."""
    if code in LETTERS:
        return "letter.html"
    if (code in NOTICES or code in APPROVALS) and code not in ANALYSIS:
        return "notice.html"
    return "record.html"


def template_of(form: Form, words: PackValues | None) -> str:
    """The pack's template for the form, else the shipped one."""
    own = words.paperwork.templates.get(form.code) if words is not None else None
    return own or shipped(form.code)


def _value(value: Any) -> Any:
    return "" if isinstance(value, Signature) else value


def to_xlsx(form: Form) -> bytes:
    """The form as a sheet to print: its title merged over the table, the fields as label and value, the
    list under its header row (repeated on every printed page), numbers as numbers, A4."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.code[:31]
    span = max(2, len(form.table_header))
    ws.append([form.title])
    for line in form.letter:  # a letter's paragraphs, each over the sheet's width
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=span)
        ws.row_dimensions[ws.max_row].height = 15 * max(1, -(-len(line) // 42)) + 6
    for label, value in form.fields:
        ws.append([label, _value(value)])
        if isinstance(value, Signature):  # a place to sign: a row tall enough for a pen
            ws.row_dimensions[ws.max_row].height = 42
        if span > 2:  # the value spans the table's width
            ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=span)
    header_row = None
    if form.table_header:
        ws.append([])
        ws.append(form.table_header)
        header_row = ws.max_row
        for row in form.table:
            ws.append(list(row))
    footer_from = ws.max_row + 1
    for line in form.footer:
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=span)
    for s in form.signatures:  # each place to sign under the table, a tall row for the pen or the seal
        ws.append([f"{s.label}：", *[None] * (span - 2), None if s.seal else "年　　月　　日"])
        ws.cell(ws.max_row, span).alignment = Alignment(horizontal="right", vertical="bottom")
        ws.row_dimensions[ws.max_row].height = 90 if s.seal else 42
    sign_from = ws.max_row + 1
    for line in form.sign:  # signature, seal and date, to the right as signed
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=span)
    xlsx_text_only(ws)
    print_ready(ws, first_row=2, header_row=header_row, span=span, landscape=span > 6)
    if form.letter and not form.table_header:  # a letter alone is read across the page, not in a column
        ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 44
    for r in range(2, 2 + len(form.letter)):  # a letter's paragraphs are text, unboxed
        for cell in ws[r]:
            cell.border = Border()
    for r in range(footer_from, ws.max_row + 1):  # the footer's lines are text under the table, unboxed
        for cell in ws[r]:
            cell.border = Border()
    for r in range(sign_from, ws.max_row + 1):
        ws.cell(r, 1).alignment = Alignment(horizontal="right")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(form: Form, words: PackValues | None = None) -> bytes:
    """The form printed with its template, the jurisdiction's own where its pack names one."""
    template = template_of(form, words)
    rows = [
        {"label": label, "value": _value(value), "signature": value if isinstance(value, Signature) else None}
        for label, value in form.fields
    ]
    try:
        return paper.render(
            (settings.form_templates_dir, str(SHIPPED)),
            template,
            form=form,
            rows=rows,
            landscape=len(form.table_header) > 8,  # a list of many columns; a household's record stays upright
            generated=clock.official_time(clock.now()),
        )
    except TemplateNotFound as e:  # the pack names a file this ledger's template directory does not hold
        raise ServiceUnavailable(
            f"The jurisdiction's pack prints {form.code} with the template {template}, which this ledger lacks",
            zh=f"本地政策包指定的表单模板 {template} 未部署到账本服务（FORM_TEMPLATES_DIR）",
        ) from e
