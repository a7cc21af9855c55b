"""Problems answered in Chinese to a client that asks (the cadres' app): every problem has a Chinese title,
schema failures are worded from their kind, English stays for everyone else. Needs no database."""

import importlib
import pkgutil

import pytest
from pydantic import BaseModel, Field, ValidationError

from common.errors import Problem, ValidationFailed, wants_chinese
from common.messages import message_zh


def _problems(cls: type[Problem]) -> list[type[Problem]]:
    return [s for c in cls.__subclasses__() for s in (c, *_problems(c))]


def test_every_problem_of_every_service_has_a_chinese_title() -> None:
    for package in ("common", "intake", "screening", "assistance", "ledger"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not module.name.endswith(("main", "__main__")):
                importlib.import_module(module.name)
    found = _problems(Problem)
    assert len(found) > 20
    untitled = [f"{c.__module__}.{c.__name__}" for c in found if "title_zh" not in vars(c)]
    assert not untitled, untitled


@pytest.mark.parametrize(
    ("header", "chinese"),
    [
        ("zh-CN", True),
        ("zh-CN,zh;q=0.9,en;q=0.8", True),
        ("zh", True),
        ("zh-Hans-CN", True),
        ("en-US,zh-CN;q=0.5", False),
        ("en;q=0.4, zh-CN;q=0.8", True),
        ("", False),
        (None, False),
        ("zh-CN;q=abc", False),
        ("*", False),
    ],
)
def test_the_preferred_language_decides(header: str | None, chinese: bool) -> None:
    assert wants_chinese(header) is chinese


class _Form(BaseModel):
    region_code: str = Field(pattern=r"^\d{12}$")
    people: int = Field(ge=1, le=30)
    kind: str = Field(min_length=2)


def _errors(**data: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate(data)
    return {str(e["loc"][0]): message_zh(e) for e in caught.value.errors()}  # type: ignore[arg-type]


def test_schema_failures_are_worded_in_plain_chinese() -> None:
    assert _errors(region_code="12", people=0, kind="x") == {
        "region_code": "格式不正确",
        "people": "应不小于1",
        "kind": "至少应有2个字符",
    }
    assert _errors(people="many") == {"region_code": "必须填写", "people": "应为整数", "kind": "必须填写"}


def test_the_body_has_the_language_asked_for_and_keeps_the_codes() -> None:
    problem = ValidationFailed.on("members.0.birth_date", "cannot be after today", zh="不能晚于今天")
    english, chinese = problem.body("/x"), problem.body("/x", chinese=True)
    assert english["title"] == "The request is not valid" and english["errors"][0]["message"] == "cannot be after today"
    assert chinese["title"] == "请求内容不符合要求" and chinese["detail"] == "不能晚于今天"
    assert chinese["errors"] == [
        {
            "field": "members.0.birth_date",
            "message": "不能晚于今天",
            "type": "value_error",
            "field_zh": "成员1的出生日期",
        }
    ]
    assert "message_zh" not in english["errors"][0] and "field_zh" not in english["errors"][0]
    assert problem.body("/x")["errors"] == english["errors"]
    untranslated = Problem("Disk on fire").body(chinese=True)
    assert untranslated["detail"] == "系统内部错误" and untranslated["detail_en"] == "Disk on fire"


def test_a_recorded_read_is_named_in_chinese_for_the_dossier() -> None:
    from common.vocabulary import access_zh

    assert access_zh("assistance plan") == "查看帮扶计划"
    assert access_zh("form township-verification") == "生成表单（township-verification）"
    assert access_zh("unmasked resident ID of member 42") == "查看完整身份证号（42）"
    assert access_zh("年度检查") == "年度检查"  # what an officer typed stays his
