"""Evidence attachments (a photo of the house, the signed commitment, a certificate): what a file is, checked
before it is kept, and where it is kept. Files are stored by their SHA-256 under the attachments directory
(content-addressed: the same file twice is one file, and a stored file cannot be changed without its name
no longer matching it); the record of which step or measure it proves is the service's."""

import hashlib
import os
import tempfile
from pathlib import Path

from common.errors import ValidationFailed

# What an attachment may be, by the bytes it starts with (the declared Content-Type must agree): a photo or
# a scan. Anything else is refused, so nothing runnable or scriptable is ever served back.
MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


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


class LocalStore:
    """Files on a local (or mounted) disk under `root`, at <root>/<first two hex>/<sha256>."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes) -> None:
        """Keep the file (written to a temporary name and renamed, so a reader never sees half of it)."""
        target = self.path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(content)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)

    def get(self, sha256: str) -> bytes:
        content = self.path(sha256).read_bytes()
        if hashlib.sha256(content).hexdigest() != sha256:  # what is served is what was kept
            raise OSError(f"attachment {sha256} does not match its hash")
        return content
