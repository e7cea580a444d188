"""The JSON API's errors: one body shape, in Chinese, named for the parameter; and how OpenAPI lists them.

Every error the API answers is ``{"error": "…"}``; a bad parameter adds ``"parameter"`` and the
``"value"`` received (:class:`ErrorBody`). A request FastAPI itself could not read (a missing
field, a string for a number) gets the same shape through :func:`validation_error`, with the
pydantic error said in Chinese, never a Python repr:

    >>> from fastapi.exceptions import RequestValidationError
    >>> missing = {"type": "missing", "loc": ("body", "question"), "msg": "Field required", "input": {"query": "x"}}
    >>> import json; json.loads(validation_error(RequestValidationError([missing])).body)["error"]
    '参数 question 缺少：此项必填'
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from web.params import echoed, shown


class ApiError(Exception):
    """An error answered as JSON with an HTTP status."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body


class ErrorBody(BaseModel):
    """What every error of the JSON API answers."""

    error: str = Field(description="what went wrong, in Chinese", examples=["库中没有这份通知：abc"])
    parameter: str | None = Field(None, description="the request parameter at fault, when one is")
    value: Any = Field(None, description="the value received for it (text cut to 60 characters)")


#: What each error status means on this API (the description OpenAPI gives it).
MEANINGS = {
    400: "the request cannot be carried out (an upload that is no notice, tasks of a department no item names)",
    401: "no token, or a wrong one (Authorization: Bearer <token>)",
    403: "no write token is set on this server: writes are closed",
    404: "no such notice",
    409: "a deletion without a valid confirmation token (missing, spent or expired)",
    413: "the upload is larger than the limit",
    422: "a parameter is missing, of the wrong type or out of range (named in `parameter`)",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route for these error statuses, each with :class:`ErrorBody`."""
    return {status: {"model": ErrorBody, "description": MEANINGS[status]} for status in statuses}


def error_response(status: int, body: dict[str, Any]) -> JSONResponse:
    """A JSON error with its status."""
    return JSONResponse(body, status_code=status)


_SAID = {
    "missing": "参数 {name} 缺少：此项必填",
    "string_type": "参数 {name} 应为文字，收到 {value}",
    "string_too_long": "参数 {name} 过长（最多 {max_length} 个字符）",
    "string_too_short": "参数 {name} 过短（至少 {min_length} 个字符）",
    "int_type": "参数 {name} 应为整数，收到 {value}",
    "int_parsing": "参数 {name} 应为整数，收到 {value}",
    "int_from_float": "参数 {name} 应为整数，收到 {value}",
    "greater_than_equal": "参数 {name} 应不小于 {ge}，收到 {value}",
    "less_than_equal": "参数 {name} 应不大于 {le}，收到 {value}",
    "bool_type": "参数 {name} 应为 true 或 false，收到 {value}",
    "bool_parsing": "参数 {name} 应为 true 或 false，收到 {value}",
    "list_type": "参数 {name} 应为列表，收到 {value}",
    "too_long": "参数 {name} 的项数过多（最多 {max_length} 项）",
    "too_short": "参数 {name} 的项数不足（至少 {min_length} 项）",
    "dict_type": "参数 {name} 应为对象，收到 {value}",
    "model_type": "参数 {name} 应为对象，收到 {value}",
    "model_attributes_type": "参数 {name} 应为对象，收到 {value}",
    "json_invalid": "请求体不是合法的 JSON",
    "float_type": "参数 {name} 应为数字，收到 {value}",
    "float_parsing": "参数 {name} 应为数字，收到 {value}",
}


def validation_error(exc: RequestValidationError) -> JSONResponse:
    """A request FastAPI could not read, in this API's own shape: the first bad parameter named, in Chinese."""
    first = exc.errors()[0] if exc.errors() else {}
    where = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "form", "header")]
    name = ".".join(where) or "body"
    value = first.get("input")
    template = _SAID.get(str(first.get("type", "")), "参数 {name} 不合要求，收到 {value}")
    message = template.format(name=name, value=shown(value), **{k: v for k, v in (first.get("ctx") or {}).items()})
    return error_response(422, {"error": message, "parameter": name, "value": echoed(value)})


__all__ = ["MEANINGS", "ApiError", "ErrorBody", "error_response", "errors", "validation_error"]
