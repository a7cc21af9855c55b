"""Under Accept-Language: zh-CN a person never meets an English sentence: every field a client may send has
its Chinese name, every validator refuses in Chinese, every problem has a Chinese title. Reads the code and
the published OpenAPI; needs no database."""

import ast
import importlib
import json
import pkgutil
import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field, field_validator

from common.errors import Problem, install_problem_handlers
from common.messages import Invalid
from common.vocabulary.fields import FIELD_ZH, field_zh

ROOT = Path(__file__).resolve().parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _request_fields(spec: dict[str, Any]) -> set[str]:
    schemas, seen, names = spec.get("components", {}).get("schemas", {}), set(), set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref not in seen:
                seen.add(ref)
                walk(schemas[ref.rsplit("/", 1)[1]])
            for key, value in node.items():
                if key == "properties":
                    names.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                names.update(p["name"] for p in operation.get("parameters", []))
                walk(operation.get("requestBody", {}))
    return names


def test_every_field_of_every_request_has_its_chinese_name() -> None:
    fields = set().union(*(_request_fields(json.loads(p.read_text())) for p in (ROOT / "openapi").glob("*.json")))
    assert len(fields) > 250
    unnamed = sorted(fields - set(FIELD_ZH))
    assert not unnamed, unnamed
    assert all(CJK.search(name) for name in FIELD_ZH.values())


def _sources() -> list[Path]:
    return [p for p in ROOT.glob("*/*/src/**/*.py") if "/tests/" not in str(p)]


VALIDATOR_MODULES = {"pii.py", "clock.py", "regions.py", "attachments.py", "pagination.py", "envelope.py", "auth.py"}


def _validators(tree: ast.AST, whole_module: bool) -> list[ast.AST]:
    """Functions pydantic calls on a client's input: the decorated validators, and the helpers of the
    modules whose functions are used as validators (`Day`, resident IDs, region codes...)."""
    found: list[ast.AST] = []
    # A settings class refuses the environment it starts with: its reader is an operator, in the log.
    settings = {id(f) for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and c.name.endswith("Settings")
                for f in ast.walk(c)}  # fmt: skip
    for node in ast.walk(tree):
        if id(node) in settings:
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {ast.unparse(d).split("(")[0].rsplit(".", 1)[-1] for d in node.decorator_list}
            if names & {"field_validator", "model_validator"} or (whole_module and node.name != "__init__"):
                found.append(node)  # (a constructor refuses the keys it is configured with, for operators)
    return found


def test_every_validator_refuses_in_chinese() -> None:
    english_only: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text())
        for function in _validators(tree, path.name in VALIDATOR_MODULES):
            for node in ast.walk(function):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                name = ast.unparse(node.exc.func)
                zh = node.exc.args[1] if name == "Invalid" and len(node.exc.args) > 1 else None
                if name == "ValueError" or (name == "Invalid" and not (zh and CJK.search(ast.unparse(zh)))):
                    english_only.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not english_only, english_only


class _Member(BaseModel):
    labour_capacity: str = Field(pattern="^(full|none)$")

    @field_validator("labour_capacity")
    @classmethod
    def _known(cls, v: str) -> str:
        raise Invalid("never", "不会")


class _Household(BaseModel):
    address: str
    category: int
    members: list[_Member]


def _app() -> httpx.AsyncClient:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/households")
    async def _create(body: _Household) -> None:
        return None

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_a_schema_failure_names_its_fields_in_chinese_and_invalid_json_says_so() -> None:
    client = _app()
    zh = {"Accept-Language": "zh-CN"}
    r = await client.post("/households", json={"category": "x", "members": [{"labour_capacity": "some"}]}, headers=zh)
    assert r.status_code == 422
    assert r.json()["detail"] == "以下字段不符合要求：地址、类别、成员1的劳动能力"
    assert [e["field_zh"] for e in r.json()["errors"]] == ["地址", "类别", "成员1的劳动能力"]
    assert r.json()["errors"][0]["field"] == "address"  # the code stays, for programs
    english = (await client.post("/households", json={})).json()
    assert english["detail"] == "Invalid fields: address, category, members" and "field_zh" not in english["errors"][0]
    broken = await client.post(
        "/households", content=b'{"address": "x",', headers={**zh, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"].startswith("请求内容不是有效的JSON（第")
    assert field_zh(("body", "members", 0, "unknown")) == "成员1的“unknown”"
    assert field_zh(("query", "limit")) == "每页条数"


def test_every_problem_class_is_titled_in_chinese() -> None:
    for package in ("common", "intake", "screening", "assistance", "ledger"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not module.name.endswith(("main", "__main__")):
                importlib.import_module(module.name)

    def subclasses(cls: type[Problem]) -> list[type[Problem]]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    found = subclasses(Problem)
    assert len(found) > 30
    latin = [f"{c.__module__}.{c.__name__}" for c in found if not CJK.search(vars(c).get("title_zh", ""))]
    assert not latin, latin


def test_every_problem_raised_with_a_reason_gives_it_in_chinese() -> None:
    """A problem with an English detail and no `zh=` answers zh-CN clients with its title and the reason in
    `detail_en` only: every construction of a problem that gives a detail gives its Chinese."""
    test_every_problem_class_is_titled_in_chinese()  # imports every module

    def subclasses(cls: type[Problem]) -> list[type[Problem]]:
        return [s for c in cls.__subclasses__() for s in (c, *subclasses(c))]

    names = {c.__name__ for c in subclasses(Problem)} | {"Problem"}
    english_only = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and ast.unparse(node.func).rsplit(".", 1)[-1] in names and node.args:
                zh = next((k.value for k in node.keywords if k.arg == "zh"), None)
                if zh is None or (not CJK.search(ast.unparse(zh)) and "zh" not in ast.unparse(zh)):
                    english_only.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not english_only, english_only


def test_every_field_error_a_route_gives_has_its_chinese_message() -> None:
    from common.vocabulary.fields import path_zh

    assert path_zh("records[2].region_code") == "记录3的区划代码" and path_zh("body") == "请求内容"
    english_only = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if {"field", "message"} <= keys and "message_zh" not in keys:
                    english_only.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not english_only, english_only


def test_a_choice_names_its_codes_with_their_chinese_labels_and_no_english() -> None:
    from typing import Literal

    from pydantic import ValidationError

    from common.messages import message_zh
    from contracts.shared import LabourCapacity

    class Choices(BaseModel):
        labour: LabourCapacity
        other: Literal["x", "y"]

    try:
        Choices.model_validate({"labour": "some", "other": "z"})
    except ValidationError as exc:
        worded = [message_zh(e) for e in exc.errors()]
    assert worded == [
        "应为以下之一：普通劳动力（full）、弱劳动力或半劳动力（partial）、无劳动力（none）、丧失劳动力（lost）",
        "应为以下之一：x、y",  # pydantic's own list says "'x' or 'y'"
    ]
