"""The measure catalogue (the acceptance form of 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021),
departments from 弥勒市健全完善防止返贫致贫监测和帮扶机制的实施细则(2020)), shipped as data. A
jurisdiction may add its own measures (stored, see `MeasureExtension`); the shipped codes never change."""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from common.errors import Conflict

MeasureClass = Literal["income", "guarantees", "social_floor", "other", "motivation"]
MeasureKind = Literal["developmental", "guarantee", "floor", "other", "motivation"]


@dataclass(frozen=True)
class Measure:
    code: str
    measure_class: MeasureClass
    kind: MeasureKind
    zh: str
    en: str
    department: str
    department_en: str
    addresses: tuple[str, ...]


@cache
def catalogue() -> dict[str, Measure]:
    data = json.loads(resources.files("assistance").joinpath("data/measures.json").read_text(encoding="utf-8"))
    return {
        m["code"]: Measure(
            m["code"],
            m["class"],
            m["kind"],
            m["zh"],
            m["en"],
            m["department"],
            m["department_en"],
            tuple(m["addresses"]),
        )
        for m in data["measures"]
    }


def name_of(code: str) -> str:
    """A measure's Chinese name as the forms print it; a jurisdiction's own code as it is."""
    known = catalogue()
    return known[code].zh if code in known else code


class CodeTaken(Conflict):
    slug, title = "measure-code-taken", "A measure with this code exists"
    title_zh = "该措施编码已存在"
