"""The draft's recommendations, without the database (the fast tier)."""

from assistance.plans.recommend import recommend

PARTIAL_REFERRED = ("none", "partial")  # 中农组发〔2021〕7号 四(二), as the national pack has it


def codes(stable_income: bool | None) -> set[str]:
    return {r.code for r in recommend(["illness"], "partial", False, PARTIAL_REFERRED, stable_income)}


def test_partial_labour_is_drafted_for_the_floor_only_without_a_stable_income() -> None:
    """中农组发〔2021〕7号 四(二) and 《仲恺高新区健全防止返贫动态监测和帮扶机制工作方案》(2021) 四(二): 对无劳动能力或
    部分丧失劳动能力且无法通过产业就业获得稳定收入的，纳入农村低保或特困人员救助供养范围: the household's income
    below its line is the sign that it earns none; at or above it, or unknown, no floor is drafted."""
    assert codes(stable_income=False) == {"health", "dibao"}
    assert codes(stable_income=True) == {"health"}
    assert codes(stable_income=None) == {"health"}
    # No labour at all: the floor whatever the income (兜底).
    assert "dibao" in {r.code for r in recommend(["illness"], "none", False, PARTIAL_REFERRED, True)}
