"""Where attachments are kept: a directory, or an S3-compatible object store (here moto's S3 server on the
loopback, spoken to over HTTP by the same boto3 client a deployment uses). Either way a file comes back as
kept, and one changed behind the store's back is refused, not served."""

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from common import attachments
from common.settings import CommonSettings

PDF = b"%PDF-1.4\n%signed commitment\n%%EOF\n"
DIGEST = hashlib.sha256(PDF).hexdigest()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


async def test_a_directory_store_keeps_files_by_hash_and_refuses_a_changed_one(tmp_path: Path) -> None:
    store = attachments.store(CommonSettings(attachments_dir=str(tmp_path)))
    assert isinstance(store, attachments.LocalStore)
    await store.put(DIGEST, PDF)
    await store.put(DIGEST, PDF)  # the same file again: one file
    assert await store.get(DIGEST) == PDF
    assert store.path(DIGEST) == tmp_path / DIGEST[:2] / DIGEST
    store.path(DIGEST).write_bytes(b"%PDF-1.4 altered")
    with pytest.raises(attachments.IntegrityFailure, match="does not match") as changed:
        await store.get(DIGEST)
    assert changed.value.reason == "changed"
    await store.put(DIGEST, PDF)  # the original sent again replaces the changed copy
    assert await store.get(DIGEST) == PDF
    store.path(DIGEST).unlink()
    with pytest.raises(attachments.IntegrityFailure, match="missing") as missing:
        await store.get(DIGEST)
    assert missing.value.reason == "missing"
    with pytest.raises(ValueError):
        await store.get("../../etc/passwd")


async def test_an_s3_store_keeps_files_by_hash_and_refuses_a_changed_one(s3_endpoint: str) -> None:
    settings = CommonSettings(
        attachments_s3_bucket="evidence",
        attachments_s3_endpoint=s3_endpoint,
        attachments_s3_access_key="safetynet",
        attachments_s3_secret_key="not-a-real-secret",
    )
    store = attachments.store(settings)
    assert isinstance(store, attachments.S3Store)
    store.client.create_bucket(  # type: ignore[attr-defined]
        Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"}
    )
    await store.put(DIGEST, PDF)
    assert await store.get(DIGEST) == PDF
    assert store.key(DIGEST) == f"attachments/{DIGEST[:2]}/{DIGEST}"
    store.client.put_object(Bucket="evidence", Key=store.key(DIGEST), Body=b"%PDF-1.4 altered")  # type: ignore[attr-defined]
    with pytest.raises(attachments.IntegrityFailure, match="does not match"):
        await store.get(DIGEST)
    store.client.delete_object(Bucket="evidence", Key=store.key(DIGEST))  # type: ignore[attr-defined]
    with pytest.raises(attachments.IntegrityFailure, match="missing") as missing:
        await store.get(DIGEST)
    assert missing.value.reason == "missing"
    with pytest.raises(ValueError):
        await store.put("not-a-hash", PDF)
