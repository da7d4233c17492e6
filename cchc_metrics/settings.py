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
        return type(self.default)(raw) if self.default is not None else raw


SETTINGS = [
    Setting("max_file_mb", 50, "Largest score file accepted, in MB."),
    Setting("max_uncompressed_mb", 400, "Largest total uncompressed size of an .xlsx/.ods, in MB."),
    Setting("max_compression_ratio", 200, "Largest uncompressed/compressed ratio of a zip container."),
    Setting("max_rows", 1_000_000, "Most rows read from one sheet or CSV file."),
    Setting("max_columns", 1_000, "Most columns read from one sheet."),
    Setting("database_url", None, "SQLAlchemy URL of the score store; default SQLite in data/."),
    Setting("data_dir", str(PROJECT_DIR / "data"), "Where the default database and stored files live."),
]
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """Current value of a setting (environment first, then the declared default)."""
    return _BY_NAME[name].value()
