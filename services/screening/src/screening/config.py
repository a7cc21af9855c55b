from pydantic import Field

from common.settings import CommonSettings


class ScreeningSettings(CommonSettings):
    service_name: str = "screening"
    # Scale-level risk's window and thresholds are policy: the pack's thresholds.regional_* (ADR 0013).
    # An XLSX upload is a zip: a small file can expand to gigabytes of XML or millions of rows (an archive
    # bomb). Its central directory is checked against these before a byte of it is parsed, then the XML is
    # scanned (without parsing) for its rows and shared strings; over a limit, the upload is refused (413).
    # Larger data goes as CSV or JSON lines, which stream. feeds/files.py applies them.
    xlsx_max_bytes: int = Field(64 * 1024**2, ge=1024, description="the workbook file as sent")
    xlsx_max_uncompressed_bytes: int = Field(256 * 1024**2, ge=1024, description="all its members expanded")
    xlsx_max_member_bytes: int = Field(200 * 1024**2, ge=1024, description="one member expanded")
    xlsx_max_ratio: int = Field(100, ge=2, description="expanded:compressed, of a member over 1 MiB expanded")
    xlsx_max_members: int = Field(1000, ge=10)
    xlsx_max_rows: int = Field(200_000, ge=1, description="rows of a sheet")
    xlsx_max_shared_strings_bytes: int = Field(16 * 1024**2, ge=1024, description="the shared-strings table")
    xlsx_max_shared_strings: int = Field(500_000, ge=1, description="entries of the shared-strings table")
    # Rows of one CSV or JSON-lines upload (UPLOAD_MAX_ROWS), which stream and so are bounded as they are read:
    # a local default (no document states one), the same as a workbook's. Past it the upload stops and is
    # refused (413): the rows before it were taken, as a re-sent row is, once (a duplicate is not applied again).
    upload_max_rows: int = Field(200_000, ge=1, description="rows of one CSV or JSON-lines upload")


settings = ScreeningSettings()
