"""Evidence attachments (a photo of the house, the signed commitment, a certificate): what a file is, checked
before it is kept, and where it is kept. Files are stored by their SHA-256 (content-addressed: the same file
twice is one file, and a stored file cannot be changed without its name no longer matching it), on a local
disk under the data directory or in an S3-compatible object store; what is served is checked against its
hash. The record of which step or measure a file proves is the service's; receiving and serving are here,
one way for every service."""

import asyncio
import base64
import datetime as dt
import hashlib
import os
import tempfile
import uuid
from pathlib import Path
from typing import Any, Protocol

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from common.db import stamped
from common.errors import Problem, ValidationFailed
from common.logging import log
from common.messages import Invalid
from common.metrics import ATTACHMENT_INTEGRITY
from common.settings import CommonSettings

# What an attachment may be, by the bytes it starts with (the declared Content-Type must agree): a photo or
# a scan. Anything else is refused, so nothing runnable or scriptable is ever served back.
MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
# The request body of an upload route, for the OpenAPI: the file as sent, one of the kinds above.
UPLOAD_BODY = {"requestBody": {"content": {k: {"schema": {"type": "string", "format": "binary"}} for k in MAGIC}}}
DOWNLOAD: dict[int | str, dict[str, Any]] = {200: {"content": {k: {} for k in MAGIC}}}


def check(content: bytes, media_type: str, claimed_sha256: str, limit: int) -> str:
    """The file's SHA-256, once it is known to be what it says: an allowed kind whose bytes agree, within
    the size limit, and the hash the client computed (a transfer that lost bytes is refused)."""
    kind = media_type.split(";")[0].strip().lower()
    if kind not in MAGIC:
        raise ValidationFailed.on(
            "content-type", f"must be one of {', '.join(MAGIC)}", zh="只接受JPEG、PNG图片或PDF文件"
        )
    if not content:
        raise ValidationFailed.on("body", "the file is empty", zh="文件为空")
    if len(content) > limit:
        raise ValidationFailed.on("body", f"larger than {limit:,} bytes", zh=f"文件超过{limit:,}字节")
    if not content.startswith(MAGIC[kind]):
        raise ValidationFailed.on("body", f"the bytes are not a {kind} file", zh="文件内容与声明的类型不符")
    digest = hashlib.sha256(content).hexdigest()
    if claimed_sha256.lower() != digest:
        raise ValidationFailed.on("sha256", "does not match the file received", zh="文件摘要与收到的文件不符")
    return digest


def _checked(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise Invalid("not a SHA-256", "不是SHA-256摘要（64位十六进制）")
    return sha256


class IntegrityFailure(OSError):
    """A kept file is not what was kept: changed (its bytes no longer match its hash) or missing."""

    def __init__(self, sha256: str, reason: str) -> None:
        what = "does not match its hash" if reason == "changed" else "is missing from the store"
        super().__init__(f"attachment {sha256} {what}")
        self.sha256, self.reason = sha256, reason


class AttachmentIntegrity(Problem):
    """The record of an attachment is there, its file is not as it was kept: nothing is served (a changed
    file could be anything), the failure is counted (an operator is alerted) and logged with the hash."""

    slug, title, status = "attachment-integrity", "The stored file of this attachment failed its integrity check", 500
    title_zh = "附件文件完整性校验失败"


def _verified(sha256: str, content: bytes) -> bytes:
    if hashlib.sha256(content).hexdigest() != sha256:  # what is served is what was kept
        raise IntegrityFailure(sha256, "changed")
    return content


class Store(Protocol):
    async def put(self, sha256: str, content: bytes) -> None: ...
    async def get(self, sha256: str) -> bytes: ...


class LocalStore:
    """Files on a local (or mounted) disk under `root`, at <root>/<first two hex>/<sha256>."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / _checked(sha256)[:2] / sha256

    def _put(self, sha256: str, content: bytes) -> None:
        target = self.path(sha256)
        if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == sha256:
            return  # kept already; a changed copy is replaced by the file sent again
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(content)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)

    async def put(self, sha256: str, content: bytes) -> None:
        """Keep the file (written to a temporary name and renamed, so a reader never sees half of it)."""
        await asyncio.to_thread(self._put, sha256, content)

    async def get(self, sha256: str) -> bytes:
        try:
            content = await asyncio.to_thread(self.path(sha256).read_bytes)
        except FileNotFoundError:
            raise IntegrityFailure(sha256, "missing") from None
        return _verified(sha256, content)


class S3Store:
    """Objects in a bucket of an S3-compatible store, at attachments/<first two hex>/<sha256>, written with
    the store checking their SHA-256 on receipt."""

    def __init__(self, bucket: str, client: object) -> None:
        self.bucket, self.client = bucket, client

    @classmethod
    def from_settings(cls, s: CommonSettings) -> "S3Store":
        import boto3  # only where a store is configured
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=s.attachments_s3_endpoint,
            region_name=s.attachments_s3_region,
            aws_access_key_id=s.attachments_s3_access_key,
            aws_secret_access_key=s.attachments_s3_secret_key.get_secret_value()
            if s.attachments_s3_secret_key
            else None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"}),
        )
        assert s.attachments_s3_bucket is not None
        return cls(s.attachments_s3_bucket, client)

    def key(self, sha256: str) -> str:
        return f"attachments/{_checked(sha256)[:2]}/{sha256}"

    def _put(self, sha256: str, content: bytes) -> None:
        checksum = base64.b64encode(bytes.fromhex(sha256)).decode()
        self.client.put_object(  # type: ignore[attr-defined]
            Bucket=self.bucket, Key=self.key(sha256), Body=content, ChecksumSHA256=checksum
        )

    def _get(self, sha256: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))  # type: ignore[attr-defined]
        except self.client.exceptions.NoSuchKey:  # type: ignore[attr-defined]
            raise IntegrityFailure(sha256, "missing") from None
        return bytes(answer["Body"].read())

    async def put(self, sha256: str, content: bytes) -> None:
        await asyncio.to_thread(self._put, sha256, content)

    async def get(self, sha256: str) -> bytes:
        return _verified(sha256, await asyncio.to_thread(self._get, sha256))


def store(s: CommonSettings) -> Store:
    """The store the settings name: the S3-compatible bucket when ATTACHMENTS_S3_BUCKET is set, else the
    directory ATTACHMENTS_DIR."""
    return S3Store.from_settings(s) if s.attachments_s3_bucket else LocalStore(s.attachments_dir)


async def receive(request: Request, sha256: str, s: CommonSettings) -> tuple[str, str, bytes]:
    """An uploaded file, checked (common.attachments.check): its SHA-256, media type and bytes."""
    content = await request.body()
    media_type = request.headers.get("content-type", "")
    digest = check(content, media_type, sha256, s.max_attachment_bytes)
    return digest, media_type.split(";")[0].strip().lower(), content


class AttachmentFields(BaseModel):
    """An attachment as answered; each service's adds what the file proves."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    sha256: str
    media_type: str
    size: int
    description: str
    uploaded_by: str
    uploaded_at: dt.datetime


class AttachmentColumns:
    """What every service's attachment record holds beside its link to what the file proves (a measure, a
    case's step): whose household, the file by its hash, and who uploaded it. Never deleted."""

    household_id: Mapped[uuid.UUID] = mapped_column()
    region_code: Mapped[str] = mapped_column(String(12))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[dt.datetime] = stamped()


async def attach(
    session: AsyncSession,
    model: Any,
    request: Request,
    sha256: str,
    settings: CommonSettings,
    kept: Store,
    *,
    proves: dict[str, Any],
    owner: tuple[uuid.UUID, str],
    description: str,
    uploaded_by: str,
) -> Any:
    """An uploaded file, checked and kept, recorded against what it `proves` (the columns that link it); the
    same file again for the same thing answers the first record. `owner`: the household and its region."""
    digest, media_type, content = await receive(request, sha256, settings)
    same = select(model).where(model.sha256 == digest, *(getattr(model, k) == v for k, v in proves.items()))
    existing = (await session.execute(same)).scalar_one_or_none()
    await kept.put(digest, content)  # sent again, a file lost or changed in the store is kept anew
    if existing is not None:
        return existing
    record = model(
        id=uuid.uuid4(),
        **proves,
        household_id=owner[0],
        region_code=owner[1],
        sha256=digest,
        media_type=media_type,
        size=len(content),
        description=description,
        uploaded_by=uploaded_by,
    )
    session.add(record)
    await session.flush()
    return record


async def serve(kept: Store, sha256: str, media_type: str) -> Response:
    """A stored file as its download: never sniffed as anything else, named by its hash. A file changed or
    missing in the store is the `attachment-integrity` problem, counted and logged, never served."""
    try:
        content = await kept.get(sha256)
    except IntegrityFailure as failure:
        ATTACHMENT_INTEGRITY.labels(reason=failure.reason).inc()
        log.error("attachment integrity failure", sha256=sha256, reason=failure.reason)
        zh = "附件文件已被改动,与登记的摘要不符" if failure.reason == "changed" else "附件文件在存储中缺失"
        raise AttachmentIntegrity(
            f"The stored file {sha256[:16]} {'was changed' if failure.reason == 'changed' else 'is missing'}: "
            "it is not served; upload the original again to restore it",
            zh=f"{zh},不予提供;请重新上传原件以恢复",
            reason=failure.reason,
        ) from None
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{sha256[:16]}"',
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{sha256}"',
        },
    )
