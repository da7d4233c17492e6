"""Settings declared once with their defaults and help; each can be overridden by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One tunable: its environment variable, default and what it is for."""

    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return "CCHC_" + self.name.upper()

    def value(self):
        raw = os.environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        if isinstance(self.default, bool):
            return raw.strip().lower() in ("1", "true", "yes", "on", "có")
        return type(self.default)(raw) if self.default is not None else raw


SETTINGS = [
    Setting("max_file_mb", 50, "Largest score file accepted, in MB."),
    Setting("max_uncompressed_mb", 400, "Largest total uncompressed size of an .xlsx/.ods, in MB."),
    Setting("max_compression_ratio", 200, "Largest uncompressed/compressed ratio of a zip container."),
    Setting("max_rows", 1_000_000, "Most rows read from one sheet or CSV file."),
    Setting("max_columns", 1_000, "Most columns read from one sheet."),
    Setting("max_cells", 5_000_000, "Most cells one sheet may span (the parser allocates them all)."),
    Setting("max_sheets", 100, "Most sheets in one workbook."),
    Setting("xls_memory_mb", 4096, "Memory cap of the child process that parses an .xls file."),
    Setting("xls_timeout_s", 120.0, "Seconds the child process parsing an .xls file may take."),
    Setting("database_url", None, "SQLAlchemy URL of the score store; default SQLite in data/."),
    Setting("data_dir", str(PROJECT_DIR / "data"), "Where the default database and stored files live."),
    Setting("require_login", False, "Whether viewing the dashboard needs signing in (changes "
            "always do)."),
    Setting("session_minutes", 60, "Minutes of inactivity after which a signed-in session ends."),
    Setting("login_max_failures", 5, "Consecutive wrong passwords after which an account is locked."),
    Setting("login_lock_minutes", 15, "Minutes an account stays locked after too many wrong passwords."),
    Setting("login_delay_s", 0.25, "Seconds of delay per consecutive wrong password (capped at 2 s)."),
]
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """Current value of a setting (environment first, then the declared default)."""
    return _BY_NAME[name].value()
