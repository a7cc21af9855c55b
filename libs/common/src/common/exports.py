"""Cells of every CSV and XLSX export: a value a person typed (a name, an address, a note) must never run
as a formula in the spreadsheet program of the officer who opens the file (CSV/formula injection)."""

from typing import Any

# What spreadsheet programs read as the start of a formula (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: Any) -> Any:
    """A text cell that would start a formula is prefixed with an apostrophe, which makes it text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def xlsx_text_only(ws: Any) -> None:
    """openpyxl stores any string that starts with '=' as a formula: store every such cell of the
    worksheet as text (services that write XLSX depend on openpyxl; this module does not)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _display_width(value: Any) -> int:
    """Columns a value takes: a Chinese character is as wide as two Latin ones."""
    text = str(value) if value is not None else ""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def print_ready(ws: Any, *, first_row: int, header_row: int | None, span: int, landscape: bool = False) -> None:
    """An XLSX sheet an officer prints and files: the title (row 1) merged across the table and centred,
    thin borders on every cell from `first_row`, columns as wide as their content (wrapped past 40), A4
    with the table's header row repeated on every page, fitted to the page's width."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    thin = Side(style="thin", color="000000")
    for row in ws.iter_rows(min_row=first_row, max_col=span):
        if all(c.value is None for c in row):
            continue
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if isinstance(cell.value, (int, float)) or type(cell.value).__name__ == "Decimal":
                cell.number_format = "0" if float(cell.value) == int(cell.value) else "0.00"
    if header_row is not None:
        for cell in ws[header_row][:span]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.print_title_rows = f"{header_row}:{header_row}"
    spread = {(m.min_row, m.min_col) for m in ws.merged_cells.ranges if m.max_col > m.min_col}
    for col in range(1, span + 1):  # a value merged over several columns does not widen its first
        widest = max(
            (
                _display_width(ws.cell(r, col).value)
                for r in range(2, ws.max_row + 1)
                if (r, col) not in spread and r != header_row
            ),
            default=8,
        )
        # The header wraps onto up to three lines rather than widen its column.
        heading = -(-_display_width(ws.cell(header_row, col).value) // 3) if header_row else 0
        ws.column_dimensions[get_column_letter(col)].width = min(max(widest + 2, heading + 2, 6), 42)
    if header_row is not None:  # spreadsheet programs do not grow a row for wrapped text by themselves
        lines = max(
            -(
                -_display_width(ws.cell(header_row, col).value)
                // max(int(ws.column_dimensions[get_column_letter(col)].width) - 1, 1)
            )
            for col in range(1, span + 1)
        )
        ws.row_dimensions[header_row].height = 15 * max(lines, 1) + 3
    _heights(ws, first_row, header_row, span)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5


def _heights(ws: Any, first_row: int, header_row: int | None, span: int) -> None:
    """Each row as tall as its most wrapped cell: spreadsheet programs print a row at the height the file
    gives it, so a wrapped value in a row left at the default height prints over the next one. A cell merged
    across columns wraps at their total width; a row the sheet's writer sized itself (a letter's paragraph) is
    kept."""
    from openpyxl.utils import get_column_letter

    widths = [float(ws.column_dimensions[get_column_letter(c)].width or 8.43) for c in range(1, span + 1)]
    merged = {(m.min_row, m.min_col): m.max_col for m in ws.merged_cells.ranges if m.min_row == m.max_row}
    for r in range(first_row, ws.max_row + 1):
        if r == header_row or ws.row_dimensions[r].height is not None:
            continue
        lines = 1
        for c in range(1, span + 1):
            value = ws.cell(r, c).value
            if value is None:
                continue
            width = sum(widths[c - 1 : merged.get((r, c), c)])
            per_line = max(int(width) - 1, 1)
            lines = max(lines, sum(max(1, -(-_display_width(part) // per_line)) for part in str(value).split("\n")))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines + 3
