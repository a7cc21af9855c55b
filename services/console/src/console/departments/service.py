"""A department's file, passed to screening as it streams in, and each row's outcome read back."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.datastructures import UploadFile

from console.session import Session
from console.upstream import Refused, Upstream

# What screening reads (its POST /feeds/{department}/uploads), by the file's extension.
KINDS = {
    ".csv": "text/csv",
    ".jsonl": "application/x-ndjson",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 1024 * 1024
OUTCOME_ZH = {"accepted": "已接收", "duplicate": "重复", "rejected": "未接收"}


def kind_of(filename: str) -> str | None:
    name = filename.lower()
    return next((kind for ext, kind in KINDS.items() if name.endswith(ext)), None)


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk


async def send(
    upstream: Upstream, session: Session, department: str, upload: UploadFile, kind: str, upload_id: uuid.UUID
) -> tuple[dict[str, Any] | None, Refused | None]:
    """The file to screening, streamed (a workbook of tens of megabytes is not held twice); the upload's id is
    the console's, so a form sent twice is one upload to follow."""
    response = await upstream.send(
        session,
        "screening",
        "POST",
        f"/feeds/{department}/uploads",
        content=_chunks(upload),
        headers={"Content-Type": kind, "Upload-Id": str(upload_id)},
    )
    if response.status_code >= 400:
        return None, Refused.of(response)
    result: dict[str, Any] = response.json()
    return result, None


async def rejected_rows(
    upstream: Upstream, session: Session, upload_id: uuid.UUID, cursor: str | None
) -> dict[str, Any]:
    page: dict[str, Any] = await upstream.get(
        session, "screening", f"/feeds/uploads/{upload_id}/rows", outcome="rejected", limit=100, cursor=cursor
    )
    return page
