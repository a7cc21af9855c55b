"""In a real browser: a department uploads a file with one bad row and sees which row, and why."""

import uuid
from typing import Any

import pytest

from devkit.testing.fixtures import resident_id

from .test_identification_in_browser import shot, sign_in

pytestmark = pytest.mark.usefixtures("services")


async def test_a_department_sees_the_row_it_must_correct(console_url: str, browser: Any) -> None:
    housing = await sign_in(browser, console_url, "department", "", "住建局 刘", department="housing")
    await housing.get_by_role("link", name="上传部门数据").click()
    rows = [
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appraisal,D",
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,appraisal,E",  # no such grade of dangerous housing
        f"H-{uuid.uuid4().hex[:8]},{resident_id()},2026-10-01,renovation_completed,",
    ]
    content = ("record_id,resident_id,event_date,kind,grade\n" + "\n".join(rows) + "\n").encode()
    form = housing.locator("[data-testid=form-upload]")
    await form.locator("input[name=file]").set_input_files(
        {"name": "住房安全鉴定.csv", "mimeType": "text/csv", "buffer": content}
    )
    await form.locator("button").click()
    await housing.wait_for_url(f"{console_url}/uploads/*")
    counts = await housing.locator("[data-testid=upload-counts]").inner_text()
    assert "共 3 行" in counts and "已接收 2 行" in counts and "未接收 1 行" in counts, counts
    table = housing.locator("[data-testid=upload-outcome] table")
    assert await table.locator("tbody tr").count() == 1
    rejected = await table.locator("tbody tr").inner_text()
    assert rejected.startswith("2") and "鉴定等级" in rejected, rejected  # row 2, and its field by its Chinese name
    await shot(housing, "09-department-upload")

    # Nothing but a file the feed reads is sent on.
    await housing.goto(f"{console_url}/uploads")
    form = housing.locator("[data-testid=form-upload]")
    await form.locator("input[name=file]").set_input_files(
        {"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF"}
    )
    await form.locator("button").click()
    assert "文件须为CSV" in await housing.locator("[data-testid=form-upload]").inner_text()
