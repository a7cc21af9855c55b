"""docs/benchmarks.md states each target's verdict as bench/verdicts.py computes it from the figure beside
it: no verdict is typed by hand, none disagrees with its figure, and every target has its verdict."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from verdicts import TARGETS, number, verdicts  # noqa: E402

PAGE = (ROOT / "docs/benchmarks.md").read_text(encoding="utf-8")
MARKED = dict(re.findall(r"<!-- ([a-z0-9_]+) -->([^<]*)<!-- /\1 -->", PAGE))


def test_every_target_has_its_figure_target_and_verdict_in_the_page() -> None:
    for key in TARGETS:
        assert key in MARKED and f"{key}_target" in MARKED and f"{key}_verdict" in MARKED, key


def test_the_verdicts_in_the_page_are_the_ones_computed_from_its_figures() -> None:
    figures = {k: v for k, v in MARKED.items() if not k.endswith(("_target", "_verdict"))}
    for key, value in verdicts(figures).items():
        assert MARKED[key] == value, (key, MARKED[key], value)


def test_no_verdict_is_typed_outside_the_markers() -> None:
    unmarked = re.sub(r"<!-- ([a-z0-9_]+) -->[^<]*<!-- /\1 -->", "", PAGE)
    assert not re.search(r"\b(not met|met)\b", unmarked), "a verdict typed by hand"


@pytest.mark.parametrize(
    ("figure", "key", "verdict"),
    [("0.07", "reg_ratio", "not met"), ("0.25", "reg_ratio", "met"), ("249", "lat_p99", "met"),
     ("250", "lat_p99", "not met"), ("31,000", "append_rate", "met"), ("3", "rescreen_ratio", "met")],
)  # fmt: skip
def test_a_verdict_follows_its_comparison(figure: str, key: str, verdict: str) -> None:
    assert verdicts({key: figure})[f"{key}_verdict"] == verdict


def test_a_figure_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        number("n/a")
