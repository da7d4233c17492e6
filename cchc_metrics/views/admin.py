"""Accounts and the audit log as an administrator reads them."""

from __future__ import annotations

import pandas as pd

from cchc_metrics.i18n import t

TIME_ZONE = "Asia/Ho_Chi_Minh"  # officials read times in Vietnam's time


def users_table(users: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Accounts as an admin sees them: never a password or hash."""
    cols = {"name": t("login_name", lang), "display_name": t("display_name", lang),
            "role": t("role", lang), "enabled": t("col_enabled", lang),
            "last_login": t("col_last_login", lang), "locked_until": t("col_locked_until", lang)}
    shown = users[[c for c in cols if c in users.columns]].copy()
    for column in ("last_login", "locked_until"):
        if column in shown:
            shown[column] = [local_time(v, lang) for v in shown[column]]
    if "role" in shown:
        shown["role"] = shown["role"].map(lambda r: t(f"role_{r}", lang))
    return shown.rename(columns=cols)


def local_time(value, lang: str) -> str:
    """A UTC timestamp as Vietnam's local time ("24/11/2026 07:21"); "—" when there is none."""
    if value is None or pd.isna(value):
        return "—"
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(TIME_ZONE).strftime(t("time_format", lang))


def audit_table(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit log, newest first, with Vietnamese or English headers."""
    names = {column: t(f"col_audit_{column}", lang)
             for column in ("ts", "actor", "action", "dataset_id", "detail")}
    shown = audit[[c for c in names if c in audit.columns]].iloc[::-1].copy()
    if "ts" in shown:
        shown["ts"] = shown["ts"].dt.tz_convert(TIME_ZONE).dt.strftime(
            t("time_format_seconds", lang))
    return shown.rename(columns=names).reset_index(drop=True)
