"""Accounts and the audit log as an administrator reads them: local times, actions in words."""

from __future__ import annotations

import json

import pandas as pd

from cchc_metrics.clock import VIETNAM, vietnam_time
from cchc_metrics.contract import ROLES
from cchc_metrics.i18n import t

TIME_ZONE = VIETNAM  # officials read times in Vietnam's time


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
        shown["role"] = shown["role"].map(lambda r: role_words(r, lang))
    return shown.rename(columns=cols)


def local_time(value, lang: str, *, seconds: bool = False) -> str:
    """A UTC timestamp as Vietnam's local time ("24/11/2026 07:21"); "—" when there is none."""
    if value is None or pd.isna(value):
        return "—"
    return vietnam_time(pd.Timestamp(value).to_pydatetime()).strftime(
        t("time_format_seconds" if seconds else "time_format", lang))


def audit_text(action: str, dataset_id, detail, lang: str) -> str:
    """One audit entry in words («Nhập dữ liệu tệp «a.xlsx» (120 dòng)»), never raw JSON."""
    d = json.loads(detail) if isinstance(detail, str) and detail.strip() else dict(detail or {})
    if action == "login":
        return t("audit.login_sso" if d.get("method") == "sso" else "audit.login", lang)
    if action == "login_failed":
        why = d.get("reason", "wrong")
        return t("audit.login_failed", lang, why=t(f"audit.why_{why}", lang) if why in (
            "wrong", "locked", "unknown", "disabled", "client_locked") else str(why))
    if action == "logout" and d.get("reason") == "session_taken":
        return t("audit.session_taken", lang)
    if action == "user_unlock":
        return "; ".join(([t("audit.user_unlock", lang, user=d["user"])] if d.get("user") else [])
                         + ([t("audit.clients_unlock", lang)] if d.get("clients") else []))
    if action == "import":
        text = t("audit.import", lang, file=d.get("file_name", "?"), n=int(d.get("n_rows", 0)))
    elif action == "rollback":
        text = t("audit.rollback", lang, id=dataset_id)
    elif action in ("lineage_import", "indicator_import", "targets_save", "criteria_import"):
        text = t(f"audit.{action}", lang, file=d.get("file_name", "?"), id=d.get("set", "?"),
                 n=int(d.get("n_rows", 0)))
    elif action == "report_template":
        text = t("audit.template_default" if d.get("default") else "audit.template", lang,
                 file=d.get("file_name", "?"))
    elif action in ("lineage_rollback", "targets_rollback"):
        text = t(f"audit.{action}", lang, id=d.get("set", "?"))
    elif action in ("indicator_rollback", "criteria_rollback"):
        kind = action.split("_")[0]
        text = t(f"audit.{kind}_restore" if d.get("active") else f"audit.{kind}_withdraw",
                 lang, id=d.get("set", "?"))
    elif action in ("logout", "user_add", "user_disable", "user_enable", "user_role",
                    "user_password"):
        text = t(f"audit.{action}", lang, user=d.get("user", ""),
                 role=role_words(d.get("role", ""), lang), old=role_words(d.get("from", ""), lang))
    else:
        pairs = "; ".join(f"{k}: {v}" for k, v in d.items())
        return f"{action} ({pairs})" if pairs else str(action)
    if d.get("superseded"):
        text += t("audit.supersedes", lang, ids=", ".join(f"#{i}" for i in d["superseded"]))
    if d.get("note"):
        text += t("audit.note", lang, note=d["note"])
    return text


def role_words(role: str, lang: str) -> str:
    """«quản trị» for admin; a role this code does not know, as it is."""
    return t(f"role_{role}", lang) if role in ROLES else str(role)


def audit_table(audit: pd.DataFrame, lang: str, *, newest_first: bool = True,
                seconds: bool = True) -> pd.DataFrame:
    """The audit log (newest first unless told), what was done in words, local times."""
    names = {column: t(f"col_audit_{column}", lang)
             for column in ("ts", "actor", "action", "dataset_id")}
    shown = audit[[c for c in names if c in audit.columns]].copy()
    if "action" in shown:
        shown["action"] = [audit_text(a, i, d, lang) for a, i, d in zip(
            audit["action"], audit["dataset_id"], audit.get("detail", [None] * len(audit)),
            strict=True)]
    if "ts" in shown:
        shown["ts"] = [local_time(v, lang, seconds=seconds) for v in shown["ts"]]
    if "dataset_id" in shown:  # a whole number, or nothing (sign-ins concern no dataset)
        shown["dataset_id"] = pd.to_numeric(shown["dataset_id"], errors="coerce").astype("Int64")
    shown = shown.iloc[::-1] if newest_first else shown
    return shown.rename(columns=names).reset_index(drop=True)
