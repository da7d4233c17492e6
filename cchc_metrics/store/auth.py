"""Who may change data: actors, roles, name and password rules, argon2id hashing, refusals.

Nothing here touches the database: the store (``store.accounts``) issues the ``Actor`` objects, after
a password, a single sign-on or for trusted server code, and checks them on every write.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cchc_metrics.contract import ROLES
from cchc_metrics.i18n import t
from cchc_metrics.store.engine import StoreError

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # longer input is refused before hashing
MAX_NAME_CHARS = 100
MAX_LABEL_CHARS = 200  # the audit log's actor column
DELAY_CAP_S = 2.0  # longest pause after a wrong password
VIETNAM_TZ = timezone(timedelta(hours=7), "UTC+7")  # lock times are shown in Vietnam's time
_NAME = re.compile(r"[\w.@+-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Actor:
    """Someone the store has let in: only the store issues these, and it checks them on writes."""

    name: str
    role: str
    token: str = field(repr=False)
    display_name: str = ""

    def allows(self, need: str) -> bool:
        """Whether this role is at least `need` (the store still checks the token)."""
        return ROLE_RANK.get(self.role, -1) >= ROLE_RANK[need]


class AuthError(StoreError):
    """A refused sign-in; `reason` is "wrong", "locked", "disabled" (or "unknown" for SSO)."""

    def __init__(self, reason: str, vi: str, en: str, until: datetime | None = None):
        super().__init__(vi, en)
        self.reason, self.until = reason, until


class NotAllowedError(StoreError):
    """A write by someone without the role it needs (or by no one the store let in)."""


def wrong_password() -> AuthError:
    """The one message for a wrong password and for a name that does not exist."""
    return AuthError("wrong", "Tên đăng nhập hoặc mật khẩu không đúng.",
                     "Wrong user name or password.")


def locked(until: datetime) -> AuthError:
    """Too many wrong passwords: locked until a time shown in Vietnam's time."""
    at = until.astimezone(VIETNAM_TZ).strftime("%H:%M")
    return AuthError("locked", f"Tài khoản tạm khóa đến {at} do nhập sai mật khẩu nhiều lần.",
                     f"The account is locked until {at} (UTC+7) after repeated wrong passwords.",
                     until=until)


def disabled() -> AuthError:
    """A disabled account, said only to someone who knew its password (or its SSO identity)."""
    return AuthError("disabled", "Tài khoản đã bị vô hiệu hóa; hãy liên hệ quản trị viên.",
                     "This account is disabled; please contact an administrator.")


def unknown_sso(login: str) -> AuthError:
    """A single sign-on identity with no account in the users table."""
    return AuthError("unknown", f"Tài khoản «{login}» chưa được cấp quyền truy cập; hãy nhờ "
                                "quản trị viên thêm tài khoản này.",
                     f"«{login}» has no account here yet; please ask an administrator to add it.")


def not_allowed(what_vi: str, what_en: str, need: str) -> NotAllowedError:
    """The refusal of a write to someone without the `need` role."""
    vi, en = t(f"role_{need}", "vi"), t(f"role_{need}", "en")
    return NotAllowedError(f"Bạn không có quyền {what_vi}: cần đăng nhập với vai trò {vi} trở lên.",
                           f"You are not allowed to {what_en}: sign in with the {en} role or "
                           "higher.")


def name_key(name) -> str | None:
    """The case-insensitive key of a login name (None when it cannot be one)."""
    if not isinstance(name, str):
        return None
    text = unicodedata.normalize("NFC", name.strip())
    if not 0 < len(text) <= MAX_NAME_CHARS or not _NAME.fullmatch(text):
        return None
    return text.casefold()


def check_name(name) -> str:
    """A login name as stored (trimmed, NFC), or a StoreError saying what is wrong."""
    if name_key(name) is None:
        raise StoreError(
            f"Tên đăng nhập phải có 1–{MAX_NAME_CHARS} ký tự gồm chữ, số và . _ @ + - "
            "(không có dấu cách).",
            f"A user name has 1–{MAX_NAME_CHARS} characters: letters, digits and . _ @ + - "
            "(no spaces).")
    return unicodedata.normalize("NFC", name.strip())


def check_role(role) -> str:
    """A known role, or a StoreError listing them."""
    if role not in ROLE_RANK:
        raise StoreError(f"Vai trò không hợp lệ: «{role}» (dùng {', '.join(ROLES)}).",
                         f"Unknown role «{role}» (use {', '.join(ROLES)}).")
    return role


def check_password(password, name: str = "") -> str:
    """A password that meets the rules, NFC-normalised, or a StoreError saying which rule fails."""
    if not isinstance(password, str):
        raise StoreError("Thiếu mật khẩu.", "The password is missing.")
    text = normalise_password(password)
    if len(text) < MIN_PASSWORD_CHARS:
        raise StoreError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự.",
                         f"The password must have at least {MIN_PASSWORD_CHARS} characters.")
    if len(text) > MAX_PASSWORD_CHARS:
        raise StoreError(f"Mật khẩu dài quá {MAX_PASSWORD_CHARS} ký tự.",
                         f"The password is longer than {MAX_PASSWORD_CHARS} characters.")
    if name and text.casefold() == name.strip().casefold():
        raise StoreError("Mật khẩu không được trùng tên đăng nhập.",
                         "The password must not be the user name.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError("Mật khẩu có ký tự không hợp lệ.",
                         "The password contains invalid characters.") from None
    return text


def normalise_password(password: str) -> str:
    """Passwords compare in Unicode NFC, so Vietnamese typed by any keyboard matches."""
    return unicodedata.normalize("NFC", password)


def new_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's recommended parameters (RFC 9106, low-memory profile)."""
    return PasswordHasher()


def hash_password(hasher: PasswordHasher, password: str) -> str:
    """The argon2id hash of a checked password."""
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, hashed: str, password) -> bool:
    """Whether a password matches a hash; any malformed input is simply "no"."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_CHARS:
        password = ""
    try:
        return hasher.verify(hashed, normalise_password(password))
    except (VerificationError, InvalidHashError, UnicodeEncodeError, ValueError):
        return False


def login_delay(failures: int, step_s: float) -> float:
    """The pause after the n-th consecutive wrong password: growing, capped at DELAY_CAP_S."""
    return max(0.0, min(step_s * failures, DELAY_CAP_S))


def clean_label(text, limit: int = MAX_LABEL_CHARS) -> str:
    """Text from outside (a name someone typed) made safe to store: no control characters."""
    return _CONTROL.sub("", str(text if text is not None else "")).strip()[:limit]


__all__ = ["Actor", "AuthError", "NotAllowedError", "ROLES", "check_name", "check_password",
           "check_role", "name_key"]
