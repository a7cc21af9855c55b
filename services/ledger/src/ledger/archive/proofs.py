"""The dossier's proofs: in the PDF, one appendix page that says what was proven and how to check it, with
the leaf hash of every entry the dossier is drawn from; beside the PDF, the same proofs for a program
(`GET /households/{id}/archive/proofs`): each entry's bytes, leaf hash and audit path, and the signed
checkpoint they lead to. An inspector reads the page; a verifier runs on the JSON."""

import uuid
from typing import Any

from reportlab.platypus import Flowable, PageBreak
from sqlalchemy.ext.asyncio import AsyncSession

from common import clock, pdf
from ledger.archive.schemas import ArchiveEntry, ArchiveProofs, EntryProof
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


async def bundle(session: AsyncSession, household_id: uuid.UUID, rows: list[Entry]) -> ArchiveProofs:
    checkpoint = await signed_head(session, rows)
    paths = await log.inclusion_proofs(session, [r.leaf_index for r in rows], checkpoint.tree_size)
    return ArchiveProofs(
        household_id=household_id,
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


def appendix(household_id: uuid.UUID, entries: list[ArchiveEntry], head: CheckpointPublic) -> list[Flowable]:
    """One page: what the proofs establish, the four steps that check them, and each entry's leaf hash."""
    first, last = min(e.leaf_index for e in entries), max(e.leaf_index for e in entries)
    flow: list[Any] = [
        PageBreak(),
        pdf.paragraph("附录：核验说明", "h"),
        pdf.paragraph(
            f"本档案所列内容来自防止返贫监测账本的{len(entries)}条记录（账本序号{first}至{last}）。账本只增不改，"
            f"记录按 RFC 9162 组成默克尔树。截至{clock.official_time(head.issued_at)}（北京时间），账本共"
            f"{head.tree_size}条记录，其根哈希由账本签名密钥（Ed25519，密钥编号{head.key_id}）签名。"
        ),
        pdf.paragraph(
            "已证明的是：下表每条记录都在这棵经签名的树中，内容与登记时一致。任何一条被改动、删除或调换顺序，"
            "核验都会失败。核验无需使用本系统。"
        ),
        pdf.paragraph("核验方法", "sub"),
        pdf.paragraph(
            f"1. 下载机读核验材料（JSON）：GET /households/{household_id}/archive/proofs，"
            "其中有每条记录的原文（body）、叶哈希、审计路径和签名检查点；"
        ),
        pdf.paragraph("2. 对每条记录计算 SHA-256(0x00‖原文)，结果应与下表所列叶哈希一致；"),
        pdf.paragraph("3. 按 RFC 9162 第2.1.3.2节，用审计路径逐层计算 SHA-256(0x01‖左‖右)，结果应等于检查点的根哈希；"),
        pdf.paragraph(
            "4. 用账本公钥核验检查点签名（C2SP 签名便笺格式）。公钥、根哈希和签名见机读材料；"
            "材料按下载时最新的检查点给出，叶哈希与下表一致即为同一批记录。"
        ),
        pdf.paragraph(f"账本公钥（base64）：{head.public_key}", "mono"),
        pdf.table(
            [["序号", "时间（北京时间）", "事件", "叶哈希（前24位）"]]
            + [[e.leaf_index, clock.official_time(e.time), e.type_zh, e.leaf_hash[:24]] for e in entries],
            [14, 32, 64, 70],
        ),
    ]
    return flow
