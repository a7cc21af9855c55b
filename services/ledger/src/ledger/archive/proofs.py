"""The dossier's proofs: in the PDF, one appendix page that says what was proven and how to check it, naming
the entries by one digest over their leaf hashes; beside the PDF, the proofs for a program
(`GET /households/{id}/archive/proofs`, at the same `as_of`): each entry's bytes, leaf hash and audit path, and
the signed checkpoint they lead to. An inspector reads the page; a verifier runs on the JSON."""

import datetime as dt
import hashlib
import uuid
from typing import Any

from reportlab.platypus import PageBreak
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock, pdf
from ledger.archive.schemas import ArchiveProofs, EntryProof
from ledger.checkpoints.schemas import CheckpointPublic
from ledger.checkpoints.service import b64, public
from ledger.entries import service as log
from ledger.models import Checkpoint, Entry


async def signed_head(session: AsyncSession, rows: list[Entry]) -> Checkpoint:
    """The latest signed checkpoint, issued now if none yet covers every entry (the proofs lead to it)."""
    checkpoint = await log.latest_checkpoint(session)
    if checkpoint is None or checkpoint.tree_size <= max(r.leaf_index for r in rows):
        checkpoint = await log.issue_checkpoint(session)
    return checkpoint


def digest(rows: list[Entry]) -> str:
    """The entries as one number: SHA-256 over their leaf hashes in the log's order (hex)."""
    return hashlib.sha256(b"".join(r.leaf_hash for r in sorted(rows, key=lambda r: r.leaf_index))).hexdigest()


async def bundle(
    session: AsyncSession, household_id: uuid.UUID, as_of: dt.datetime, rows: list[Entry]
) -> ArchiveProofs:
    checkpoint = await signed_head(session, rows)
    paths = await log.inclusion_proofs(session, [r.leaf_index for r in rows], checkpoint.tree_size)
    return ArchiveProofs(
        household_id=household_id,
        as_of=as_of,
        digest=digest(rows),
        checkpoint=public(checkpoint),
        entries=[
            EntryProof(
                leaf_index=r.leaf_index,
                type=r.type,
                body=b64(r.body),
                leaf_hash=b64(r.leaf_hash),
                audit_path=[b64(h) for h in paths[r.leaf_index]],
            )
            for r in rows
        ],
    )


def appendix(household_id: uuid.UUID, as_of: dt.datetime, rows: list[Entry], head: CheckpointPublic) -> list[Any]:
    """One page: what the proofs establish, which entries (their count, range and digest), and the four steps
    that check them with the machine-readable proofs."""
    first, last = min(r.leaf_index for r in rows), max(r.leaf_index for r in rows)
    at = as_of.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return [
        PageBreak(),
        pdf.paragraph("附录：核验说明", "h"),
        pdf.paragraph(
            f"本档案所列内容来自防止返贫监测账本的{len(rows)}条记录（账本序号{first}至{last}，截至"
            f"{clock.official_time(as_of)}）。账本只增不改，记录按 RFC 9162 组成默克尔树；截至"
            f"{clock.official_time(head.issued_at)}（北京时间），账本共{head.tree_size}条记录，其根哈希由账本签名"
            f"密钥（Ed25519，密钥编号{head.key_id}）签名。"
        ),
        pdf.paragraph(
            "已证明的是：这些记录都在这棵经签名的树中，内容与登记时一致。任何一条被改动、删除或调换顺序，"
            "核验都会失败。核验无需使用本系统。"
        ),
        pdf.paragraph("这些记录的叶哈希按账本序号顺序拼接后的 SHA-256 摘要：", "sub"),
        pdf.paragraph(digest(rows), "mono"),
        pdf.paragraph("核验方法", "sub"),
        pdf.paragraph(
            f"1. 下载机读核验材料（JSON）：GET /households/{household_id}/archive/proofs?as_of={at}&through={last}，"
            "其中有每条记录的原文（body）、叶哈希、审计路径和签名检查点；"
        ),
        pdf.paragraph(
            "2. 对每条记录计算 SHA-256(0x00‖原文)，应等于其叶哈希；各叶哈希按序号拼接后的摘要应等于上面的摘要；"
        ),
        pdf.paragraph("3. 按 RFC 9162 第2.1.3.2节，用审计路径逐层计算 SHA-256(0x01‖左‖右)，结果应等于检查点的根哈希；"),
        pdf.paragraph("4. 用下面的账本公钥核验检查点签名（C2SP 签名便笺格式）。材料按下载时最新的检查点给出。"),
        pdf.paragraph(f"账本公钥（base64）：{head.public_key}", "mono"),
    ]
