"""A schema failure in plain Chinese, worded from its kind (pydantic's error type and context), for the
cadre who reads it on the app: "格式不正确" rather than "String should match pattern '^\\d{9}$'".

Our own validators refuse with `Invalid(english, zh)`: pydantic keeps the exception in the error's context,
and its Chinese is what the cadre reads. A plain ValueError is worded 取值无效 alone (its English stays in
`message`); a test holds every validator to `Invalid`."""

import re
from collections.abc import Mapping
from typing import Any

from contracts.base import Invalid  # the lowest layer has it, for the contracts' own validators

__all__ = ["Invalid", "message_zh"]


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) and their wording.
_TEMPLATES: dict[str, str] = {
    "missing": "必须填写",
    "extra_forbidden": "不是可以提交的字段",
    "string_type": "应为文字",
    "string_pattern_mismatch": "格式不正确",
    "string_too_short": "至少应有{min_length}个字符",
    "string_too_long": "最多{max_length}个字符",
    "too_short": "至少应有{min_length}项",
    "too_long": "最多{max_length}项",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_max_digits": "数字位数过多（最多{max_digits}位）",
    "decimal_max_places": "小数位数过多（最多{decimal_places}位）",
    "decimal_whole_digits": "整数部分位数过多",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "应不小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "应不大于{le}",
    "multiple_of": "应为{multiple_of}的倍数",
    "bool_type": "应为是或否（true/false）",
    "bool_parsing": "应为是或否（true/false）",
    "date_type": "应为日期（年-月-日，如2026-11-27）",
    "date_parsing": "应为日期（年-月-日，如2026-11-27）",
    "date_from_datetime_parsing": "应为日期（年-月-日，如2026-11-27）",
    "date_from_datetime_inexact": "应为日期，不带时间",
    "date_past": "应为过去的日期",
    "date_future": "应为将来的日期",
    "datetime_type": "应为日期时间（如2026-11-27T09:30:00+08:00）",
    "datetime_parsing": "应为日期时间（如2026-11-27T09:30:00+08:00）",
    "datetime_from_date_parsing": "应为日期时间（如2026-11-27T09:30:00+08:00）",
    "timezone_aware": "应带时区（如+08:00）",
    "uuid_type": "应为编号（UUID）",
    "uuid_parsing": "应为编号（UUID）",
    "enum": "应为以下之一：{expected}",
    "literal_error": "应为以下之一：{expected}",
    "list_type": "应为列表",
    "set_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的JSON（请检查括号、引号和逗号）",
    "json_type": "不是有效的JSON",
    "bytes_type": "应为文字",
    "string_unicode": "应为有效的UTF-8文字",
    "url_parsing": "应为网址",
    "union_tag_invalid": "类型应为以下之一：{expected_tags}",
    "union_tag_not_found": "缺少类型字段{discriminator}",
    "value_error": "取值无效",
    "assertion_error": "取值无效",
}


def message_zh(error: Mapping[str, Any]) -> str:
    """One error of pydantic's `errors()` in Chinese; a kind without wording says 取值无效, and a value error
    of our own validators says its Chinese (they name the rule, e.g. a region code's level)."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    try:
        text = _TEMPLATES.get(kind, "取值无效").format(**{k: _shown(v) for k, v in context.items()})
    except (KeyError, IndexError):
        text = _TEMPLATES.get(kind, "取值无效").split("{", 1)[0].rstrip("（：")
    if kind in ("enum", "literal_error") and (codes := re.findall(r"'([^']*)'", str(context.get("expected", "")))):
        text = f"应为以下之一：{_labelled(codes)}"  # not pydantic's list, which says "or"
    zh = getattr(context.get("error"), "zh", None)
    if kind in ("value_error", "assertion_error") and zh:
        text = f"{text}：{zh}"
    return text


def _shown(value: Any) -> str:
    return str(value).replace("'", "") if value is not None else ""


def _labelled(codes: list[str]) -> str:
    """The codes pydantic expected each with its Chinese label, when one table of the vocabulary names them
    all (a code alone means nothing to a cadre); the codes alone when none does."""
    from common import vocabulary  # the vocabulary reads the contracts, which read this module's Invalid

    tables = (
        vocabulary.LABOUR_ZH, vocabulary.RELATION_ZH, vocabulary.SEX_ZH, vocabulary.HEALTH_ZH,
        vocabulary.CATEGORY_ZH, vocabulary.CHANNEL_ZH, vocabulary.OBJECT_ZH, vocabulary.RISK_ZH,
        vocabulary.SCOPE_ZH, vocabulary.NO_REASON_ZH,
    )  # fmt: skip
    for table in tables:
        if all(c in table for c in codes):
            return "、".join(f"{table[c]}（{c}）" for c in codes)
    return "、".join(codes)
