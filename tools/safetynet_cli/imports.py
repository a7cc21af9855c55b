"""`safetynet import FILE`: send a county's file to intake's import and follow it with a progress bar until
every row is applied, then print the refusals (row and reason, in Chinese). Sent again after an
interruption (the command, the network or the service), the same file continues its job where it stopped."""

import argparse
import time
from pathlib import Path

CONTENT_TYPES = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def run_import(args: argparse.Namespace, token: str) -> int:
    import httpx
    from tqdm import tqdm

    path = Path(args.file)
    kind = CONTENT_TYPES.get(path.suffix.lower())
    if kind is None:
        print(f"{path.name}: send a .csv or .xlsx file")
        return 2
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    with httpx.Client(base_url=args.intake, timeout=300, headers=headers) as client:
        r = client.post("/imports", params={"filename": path.name}, content=path.read_bytes(),
                        headers={"Content-Type": kind})  # fmt: skip
        if r.status_code != 202:
            print(r.json().get("detail", r.text))
            return 1
        job = r.json()
        with tqdm(total=1000, unit="‰", desc=path.name, bar_format="{l_bar}{bar}| {postfix}") as bar:
            while True:
                bar.n = int(job["progress"] * 1000)
                bar.set_postfix_str(
                    f"导入 {job['households_imported']} 户，未变 {job['households_unchanged']} 户，"
                    f"拒绝 {job['rows_refused']} 行"
                )
                if job["state"] in ("done", "failed"):
                    break
                time.sleep(args.interval)
                job = client.get(f"/imports/{job['id']}").json()
        if job["state"] == "failed":
            print(job["failure_zh"])
            return 1
        cursor = None
        while job["rows_refused"]:
            params: dict[str, str | int] = {"outcome": "refused", "limit": 200}
            if cursor:
                params["cursor"] = cursor
            page = client.get(f"/imports/{job['id']}/rows", params=params).json()
            for row in page["items"]:
                print(f"第 {row['row']} 行（户编号 {row['household_no']}）：{row['reason_zh']}")
            cursor = page["next_cursor"]
            if not cursor:
                break
    print(f"import {job['id']}: {job['state']}")
    return 0
