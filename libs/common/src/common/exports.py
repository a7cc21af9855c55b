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
