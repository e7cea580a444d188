"""Who may change the library: one rule for every write, whatever the route.

**A write (upload, replace, delete) needs the write token.** The JSON API takes it as
``Authorization: Bearer <token>``; the chat's 通知库 tab has a 写入令牌 field, and every write
callback checks what was typed there. The login (``--auth``) only lets a person reach the app:
it lets them read, not write. There is always a token: the operator's (``--api-token`` or
``$POLICY_QA_API_TOKEN``), or else one the app made on its first start and keeps in
``DATA_DIR/write-token`` (readable by its owner only), printed when the app starts. Tokens are
compared in constant time.

Example:
    >>> access = WriteAccess("s3cret")
    >>> access.refusal("s3cret") is None, access.refusal("guess")[:8], access.refusal("")[:7]
    (True, '写入令牌不正确：', '需要写入令牌：')
    >>> access.bearer_refusal("Bearer s3cret") is None
    True
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

#: The file under the data directory that holds the token the app made for itself.
TOKEN_FILE = "write-token"
#: The longest token compared (a longer one is refused before any comparison).
MAX_TOKEN_CHARS = 200


class WriteAccess:
    """The write token and the one check every write route makes against it."""

    def __init__(self, token: str, source: str = "--api-token") -> None:
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise ValueError(f"a write token has 1 to {MAX_TOKEN_CHARS} characters")
        self._token = token.encode("utf-8")
        #: Where the token came from, for the start-up line and the docs ("--api-token", or the file).
        self.source = source

    @classmethod
    def for_app(cls, token: str | None, data_dir: Path) -> WriteAccess:
        """The operator's token, or the one kept in ``DATA_DIR/write-token`` (made on first use, mode 0600)."""
        if token:
            return cls(token)
        path = Path(data_dir) / TOKEN_FILE
        return cls(kept_token(path), str(path))

    def refusal(self, presented: str | None) -> str | None:
        """Why a write carrying ``presented`` is refused, in Chinese; None when it may go ahead."""
        if not presented:
            return "需要写入令牌：上传、替换和删除须先在「写入令牌」中填写管理员提供的令牌；库未改变"
        sent = presented.strip().encode("utf-8")
        if len(sent) > MAX_TOKEN_CHARS or not hmac.compare_digest(sent, self._token):
            return "写入令牌不正确：库未改变"
        return None

    def bearer_refusal(self, header: str | None) -> str | None:
        """:meth:`refusal` for an ``Authorization`` header (``Bearer <token>``)."""
        scheme, _, value = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not value:
            return "需要令牌：请求头 Authorization: Bearer <token>"
        return self.refusal(value)

    def matches(self, presented: str | None) -> bool:
        """Whether ``presented`` is the token (:meth:`refusal` is None)."""
        return self.refusal(presented) is None


def kept_token(path: Path) -> str:
    """The token stored at ``path``; a new random one written there (owner-only) when there is none."""
    try:
        kept = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(18)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    return token


__all__ = ["TOKEN_FILE", "WriteAccess", "kept_token"]
