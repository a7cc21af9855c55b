"""A file sent as a browser or an office system sends it: the `file` part of a `multipart/form-data` form.
The part is spooled by the form parser (to disk past 1 MiB) and read back in chunks, so the upload path
that follows is the same as for a raw body; the body's size was bounded at the door (common.limits)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from common.errors import BadRequest
from screening.feeds.files import CSV, JSONL, XLSX

FORM = "multipart/form-data"
CHUNK = 64 * 1024
# A part sent as application/octet-stream (what most clients send for a file) is known by its extension.
BY_EXTENSION = {".csv": CSV, ".txt": CSV, ".jsonl": JSONL, ".ndjson": JSONL, ".xlsx": XLSX}


@asynccontextmanager
async def file_part(request: Request) -> AsyncIterator[tuple[str, AsyncIterator[bytes]]]:
    """The `file` part's content type (with its charset, if the part declares one) and its bytes."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except HTTPException as exc:  # the parser's own 400: a form cut short, too many parts, a bad boundary
        raise BadRequest(
            f"Not a readable multipart form ({exc.detail})", zh="表单无法读取（multipart/form-data 格式有误）"
        ) from None
    try:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise BadRequest("Send the file as the form's `file` part", zh="请将文件放在表单的 file 字段中上传")
        yield _content_type(part), _chunks(part)
    finally:
        await form.close()


def _content_type(part: UploadFile) -> str:
    declared = part.headers.get("content-type", "")
    if declared and declared.split(";")[0].strip().lower() not in ("application/octet-stream", ""):
        return declared
    name = (part.filename or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    return BY_EXTENSION.get(extension, declared or "application/octet-stream")


async def _chunks(part: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await part.read(CHUNK):
        yield chunk
