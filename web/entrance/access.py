"""Who may change the library: one rule for every write, whatever the route.

**A write (upload, replace, delete) needs the write token.** The JSON API takes it as
``Authorization: Bearer <token>``; the chat's 通知库 tab has a 写入令牌 field, and every write
callback checks what was typed there. The login (``--auth``) only lets a person reach the app:
it lets them read, not write. There is always a token: the operator's (``--api-token`` or
``$POLICY_QA_API_TOKEN``), or else one the app made on its first start and keeps in
``DATA_DIR/write-token`` (readable by its owner only), printed when the app starts. Tokens are
compared in constant time.

**A read key may read, never write.** Reads off loopback (the JSON API's, MCP's at ``/mcp``) and
Dify's retrieval take the write token or the read key: the key to hand to Dify or an agent. It
is the operator's (``--read-token`` or ``$POLICY_QA_READ_TOKEN``), or else one the app keeps in
``DATA_DIR/read-token``.

Example:
    >>> access = WriteAccess("s3cret")
    >>> access.refusal("s3cret") is None, access.refusal("guess")[:8], access.refusal("")[:7]
    (True, '写入令牌不正确：', '需要写入令牌：')
    >>> access.bearer_refusal("Bearer s3cret") is None
    True
    >>> both = WriteAccess("s3cret", read_token="look")
    >>> both.read_refusal("Bearer look") is None, both.bearer_refusal("Bearer look")[:8], both.may_read("s3cret")
    (True, '写入令牌不正确：', True)
"""

from __future__ import annotations

import argparse
import hmac
import os
import secrets
from pathlib import Path

#: The file under the data directory that holds the token the app made for itself.
TOKEN_FILE = "write-token"
#: The file under the data directory that holds the read key the app made for itself.
READ_TOKEN_FILE = "read-token"
#: The longest token compared (a longer one is refused before any comparison).
MAX_TOKEN_CHARS = 200


class WriteAccess:
    """The write token and the one check every write route makes against it."""

    def __init__(
        self, token: str, source: str = "--api-token", read_token: str | None = None, read_source: str = ""
    ) -> None:
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise ValueError(f"a write token has 1 to {MAX_TOKEN_CHARS} characters")
        if read_token is not None and (not read_token or len(read_token) > MAX_TOKEN_CHARS or read_token == token):
            raise ValueError(f"a read key has 1 to {MAX_TOKEN_CHARS} characters and is not the write token")
        self._token = token.encode("utf-8")
        self._read = read_token.encode("utf-8") if read_token else None
        #: Where the token came from, for the start-up line and the docs ("--api-token", or the file).
        self.source = source
        #: Where the read key came from ("--read-token", or the file; "" when there is none).
        self.read_source = read_source

    @classmethod
    def for_app(cls, token: str | None, data_dir: Path, read_token: str | None = None) -> WriteAccess:
        """The operator's token and read key, or those kept in ``DATA_DIR`` (made on first use, mode 0600)."""
        read_path = Path(data_dir) / READ_TOKEN_FILE
        read, read_source = (read_token, "--read-token") if read_token else (kept_token(read_path), str(read_path))
        if token:
            return cls(token, read_token=read, read_source=read_source)
        path = Path(data_dir) / TOKEN_FILE
        return cls(kept_token(path), str(path), read_token=read, read_source=read_source)

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
        value = _bearer(header)
        return self.refusal(value) if value else "需要令牌：请求头 Authorization: Bearer <token>"

    def matches(self, presented: str | None) -> bool:
        """Whether ``presented`` is the token (:meth:`refusal` is None)."""
        return self.refusal(presented) is None

    def may_read(self, presented: str | None) -> bool:
        """Whether ``presented`` is the write token or the read key."""
        sent = (presented or "").strip().encode("utf-8")
        if not sent or len(sent) > MAX_TOKEN_CHARS:
            return False
        read = self._read is not None and hmac.compare_digest(sent, self._read)
        return hmac.compare_digest(sent, self._token) or read

    def read_refusal(self, header: str | None) -> str | None:
        """Why a read with this ``Authorization`` header is refused (Chinese); None for the token or the read key."""
        value = _bearer(header)
        if not value:
            return "需要令牌：请求头 Authorization: Bearer <读取密钥或写入令牌>"
        return None if self.may_read(value) else "令牌不正确"


def _bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; "" for any other header or none."""
    scheme, _, value = (header or "").partition(" ")
    return value if scheme.lower() == "bearer" else ""


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


__all__ = ["READ_TOKEN_FILE", "TOKEN_FILE", "WriteAccess", "kept_token"]


def add_access_options(parser: argparse.ArgumentParser) -> None:
    """``--api-token``, ``--read-token`` and ``--auth`` of ``python app.py`` (each also from its environment)."""
    parser.add_argument(
        "--api-token",
        default=os.environ.get("POLICY_QA_API_TOKEN"),
        help="the write token: every upload, replacement and delete needs it, in the chat and the JSON API "
        "(also the JSON API's reads off loopback); default: the one kept in DATA_DIR/write-token "
        "($POLICY_QA_API_TOKEN)",
    )
    parser.add_argument(
        "--read-token",
        default=os.environ.get("POLICY_QA_READ_TOKEN"),
        help="a key that reads and never writes: Dify's API key, and reads off loopback (JSON API, MCP at /mcp); "
        "default: the one kept in DATA_DIR/read-token ($POLICY_QA_READ_TOKEN)",
    )
    parser.add_argument(
        "--auth",
        default=os.environ.get("POLICY_QA_AUTH"),
        help="user:password required to use the app (or $POLICY_QA_AUTH); needed off loopback",
    )
