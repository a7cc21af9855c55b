"""Who acted and who read, as the dossier shows them: officers by name and post (the login's name; its id only
where the login names no one), and the reads of the household's data in Chinese, forms by their titles."""

from typing import Any

from reportlab.platypus import Flowable

from common import pdf
from common.clock import official_time
from common.vocabulary import ROLE_ZH, SERVICE_ZH, access_zh, zh
from contracts.audit import PersonalDataAccessedV1
from ledger.archive import annexes, forms
from ledger.archive.records import every
from ledger.archive.stated import BLANK
from ledger.models import Entry


def actor(data: dict[str, Any]) -> str:
    who = data.get("actor") or data.get("recorded_by") or BLANK
    if who == "system":
        return "系统（自动）"
    role = data.get("actor_role")
    # By name and post where the login named the officer; a login id only where it did not.
    named = data.get("actor_name") or who
    return f"{named}（{ROLE_ZH.get(role, role)}）" if role else str(named)


def what(read: str) -> str:
    """What a read was, in Chinese: a form by its title (生成表单《监测对象认定乡镇核查表》), not its code."""
    for phrase, said in (("printed form ", "打印《{}》（户主姓名、身份证号）"), ("form ", "生成表单《{}》")):
        code = read.removeprefix(phrase)
        if read.startswith(phrase) and (title := forms.FORMS.get(code) or annexes.ANNEXES.get(code)):
            return said.format(title)
    return access_zh(read)


def reads_chapter(rows: list[Entry]) -> list[Flowable]:
    reads = every(rows, PersonalDataAccessedV1)
    flow: list[Flowable] = [pdf.paragraph("八、个人信息查阅记录", "h")]
    if not reads:
        return [*flow, pdf.paragraph("无")]
    return [
        *flow,
        pdf.table(
            [["时间（北京时间）", "查阅人", "系统", "查阅内容", "用途"]]
            + [
                [
                    official_time(a.accessed_at),
                    actor({"actor": a.actor, "actor_role": a.actor_role, "actor_name": a.actor_name}),
                    zh(SERVICE_ZH, a.service),
                    what(a.what),
                    access_zh(a.purpose),
                ]
                for a in reads
            ],
            [30, 44, 18, 48, 40],
        ),
    ]
