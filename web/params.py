"""Request parameters checked before use: ``null`` and wrong types refused with the parameter named.

An API is called by other programs, which send ``null``, numbers for strings and strings for
booleans. Each check returns the value in its proper type or raises :class:`ParamError`,
whose message names the parameter, what it should be and what came.

    >>> whole("k", "5", 1, 100), text("lead", None), flag("replace", None)
    (5, '', False)
    >>> whole("k", True, 1, 100)
    Traceback (most recent call last):
    web.params.ParamError: 参数 k 应为 1 到 100 的整数，收到 true
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from index.reading.conversation import MAX_HISTORY, Turn

_SHOWN = 60


def shown(value: Any) -> str:
    """A received value as an error message quotes it: text in “”, anything else as JSON; cut to 60 characters.

    >>> shown("5"), shown(True), shown({"query": "秦政通"}), shown(None)
    ('“5”', 'true', '{"query": "秦政通"}', 'null')
    """
    if isinstance(value, str):
        return f"“{value[:_SHOWN]}”" + ("…" if len(value) > _SHOWN else "")
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # a circular structure: never from JSON
        text = type(value).__name__
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def echoed(value: Any) -> Any:
    """A received value as an error body carries it: numbers, booleans and null as they are, else cut text."""
    if isinstance(value, (int, float, bool, type(None))):
        return value
    if isinstance(value, str):
        return value[:_SHOWN]
    return shown(value)


class ParamError(ValueError):
    """A parameter of the wrong type or out of range; ``name`` and ``value`` say which and what came."""

    def __init__(self, name: str, expected: str, value: Any) -> None:
        super().__init__(f"参数 {name} 应为{expected}，收到 {shown(value)}")
        self.name = name
        self.value = value

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON: the message, the parameter and the value received (cut to 60 characters)."""
        return {"error": str(self), "parameter": self.name, "value": echoed(self.value)}


def text(name: str, value: Any, *, required: bool = False) -> str:
    """A string parameter; ``None`` is "" unless ``required`` (then, like "", refused)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ParamError(name, "文字", value)
    if required and not value.strip():
        raise ParamError(name, "非空文字", value)
    return value


def whole(name: str, value: Any, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` (an int, an integral float or a string of digits; not a bool)."""
    expected = f" {low} 到 {high} 的整数"
    if isinstance(value, bool):
        raise ParamError(name, expected, value)
    integral = isinstance(value, float) and value.is_integer()
    if integral or (isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value)):
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise ParamError(name, expected, value)
    return value


def flag(name: str, value: Any) -> bool:
    """A boolean; ``None`` is False. Strings are refused: ``"false"`` would otherwise read as true."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ParamError(name, " true 或 false", value)
    return value


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices``; ``None`` is the first."""
    if value is None:
        return choices[0]
    if not isinstance(value, str) or value not in choices:
        raise ParamError(name, "以下之一：" + "、".join(f"“{c}”" for c in choices), value)
    return value


def turns_of(value: Any) -> list[Turn]:
    """A conversation's earlier turns (``history``): a list of questions or ``{"query", "chunk_ids"}``.

    At most :data:`index.reading.conversation.MAX_HISTORY` turns; ``None`` is none.
    """
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_HISTORY:
        raise ParamError("history", f"最多 {MAX_HISTORY} 轮的列表", value)
    try:
        return [Turn.of(item.model_dump() if hasattr(item, "model_dump") else item) for item in value]
    except ValueError as exc:
        raise ParamError("history", f"问题或 {{query, chunk_ids}} 的列表（{exc}）", value) from exc


def day(name: str, value: Any) -> str:
    """An ISO date (YYYY-MM-DD) that exists, or "" for none.

    Raises:
        ParamError: for anything else.

    >>> day("due_before", "2024-06-30"), day("due_before", "")
    ('2024-06-30', '')
    """
    value = text(name, value)
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else _not_a_day(name, value)
    except ValueError:
        return _not_a_day(name, value)


def _not_a_day(name: str, value: str) -> str:
    raise ParamError(name, " YYYY-MM-DD 格式的日期，如 2024-06-30", value)
