"""What the catalogue routes take and answer."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.shared import RiskCategory


class MeasureDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    measure_class: Literal["income", "guarantees", "social_floor", "other", "motivation"]
    kind: Literal["developmental", "guarantee", "floor", "other", "motivation"]
    zh: str = Field(min_length=1, max_length=200)
    en: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=200)
    addresses: list[RiskCategory] = Field(default_factory=list)


class MeasureEntry(MeasureDef):
    region_prefix: str = Field("", description="'' for the shipped catalogue, else the jurisdiction that added it")


class ExtensionIn(MeasureDef):
    region_prefix: str = Field(pattern=r"^(\d{2}|\d{4}|\d{6}|\d{9})$")
