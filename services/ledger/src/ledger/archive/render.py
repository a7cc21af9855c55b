"""A form's layout: the sheet to print (XLSX) and the PDF, from the form's content (forms.py)."""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border

from common import clock, pdf
from common.exports import print_ready, xlsx_text_only
from ledger.archive.forms import Form


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
        ws.append([label, value])
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


def to_pdf(form: Form) -> bytes:
    # A letter: its addressee (ending "：") set flush, then its paragraphs indented as written.
    flow: list[Any] = [
        pdf.paragraph(line, "letter_to" if i == 0 and line.endswith("：") else "letter")
        for i, line in enumerate(form.letter)
    ]
    if form.fields:
        flow.append(pdf.table([["项目", "内容"], *form.fields], [70, 110]))
    if form.table_header:
        flow.append(pdf.paragraph(" ", "p"))
        flow.append(pdf.table([form.table_header, *form.table]))
    for line in form.footer:
        flow.append(pdf.paragraph(line, "letter" if form.letter else "p"))
    for line in form.sign:
        flow.append(pdf.paragraph(line, "letter_sign"))
    flow.append(pdf.paragraph(f"生成于 {clock.official_time(clock.now())}（北京时间），数据来自防止返贫监测账本", "p"))
    return pdf.render(form.title, flow)
