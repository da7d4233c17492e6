"""The store's service indicators and targets: imported, versioned and audited like scores.

A Store holds them as ``store.indicators`` and ``store.targets``. An indicator import is a set
covering period slices (year, level, first and last month, and the kind: service index groups
or counts, which come in different files); for each slice the newest active set wins, and rolling a set back (making it inactive) shows the one before it. Targets are
saved whole: each save supersedes the last, and any earlier one can be made active again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from cchc_metrics.contract import INDICATOR_COLUMNS, TARGET_COLUMNS
from cchc_metrics.store import frames as sf
from cchc_metrics.store.engine import StoreError
from cchc_metrics.store.schema import files as files_table
from cchc_metrics.store.schema import indicator_sets, indicators, target_sets, targets

SLICE = ["year", "level", "month_from", "month_to"]


def _kind(measures: pd.Series) -> pd.Series:
    """A slice's kind: the service index's groups, or counts (they come in different files)."""
    from cchc_metrics.indicators.measures import GROUP_KEYS

    return measures.isin(GROUP_KEYS).map({True: "service", False: "counts"})
SET_COLUMNS = ["set_id", "created_at", "created_by", "file_name", "note", "n_rows", "active"]
IMPORT_VI_EN = ("nhập số liệu chỉ tiêu phục vụ", "import service indicators")
TARGETS_VI_EN = ("lưu chỉ tiêu (mục tiêu)", "save targets")
TEXT_COLUMNS = ("block", "province", "parent", "unit", "unit_code", "source")


def _keep_file(conn, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if conn.execute(sa.select(files_table.c.sha256)
                    .where(files_table.c.sha256 == sha)).first() is None:
        conn.execute(files_table.insert().values(sha256=sha, size=len(data), data=data))
    return sha


def _from_arrow(blob: bytes) -> pd.DataFrame:
    """A set's frame back as INDICATOR_COLUMNS (text as Python strings, numbers as numbers)."""
    import pyarrow as pa

    table = sf.read_table(blob)
    table = pa.table([col.cast(pa.large_string()) if pa.types.is_dictionary(col.type) else col
                      for col in table.columns], names=table.column_names)
    return table.to_pandas()


class Indicators:
    """Indicator sets of a store (see the module docstring)."""

    def __init__(self, store) -> None:
        self._store = store

    def import_rows(self, frame: pd.DataFrame, *, file_name: str, file_bytes: bytes, user,
                    note: str = "") -> int:
        """Store rows (contract.INDICATOR_COLUMNS) as a new active set; returns its id.
        Editors and admins only; nothing is stored when the rows are empty."""
        from cchc_metrics.store.database import fitting_name

        grant = self._store.accounts.authorise(user, "editor", IMPORT_VI_EN)
        if frame.empty:
            raise StoreError("Tệp không có số liệu chỉ tiêu nào.", "The file has no indicators.")
        frame = frame[INDICATOR_COLUMNS].copy()
        for column in TEXT_COLUMNS:
            frame[column] = frame[column].fillna("").astype(str)
        encoded = sf.encode(frame, INDICATOR_COLUMNS) if sf.frames_available() else None
        slices = sorted({(int(y), str(lv), int(a), int(b), k) for y, lv, a, b, k in
                         frame[SLICE].assign(kind=_kind(frame["measure"]))
                         .itertuples(index=False)})
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", IMPORT_VI_EN)
            sha = _keep_file(conn, bytes(file_bytes))
            set_id = conn.execute(indicator_sets.insert().values(
                created_at=datetime.now(UTC), created_by=grant.name,
                file_name=fitting_name(str(file_name)), sha256=sha, note=str(note or ""),
                slices=json.dumps(slices, ensure_ascii=False), n_rows=len(frame),
                active=True, frame=encoded)).inserted_primary_key[0]
            self._insert(conn, frame, set_id)
            self._store._log(conn, grant.name, "indicator_import", None,
                             {"set": set_id, "file_name": str(file_name), "n_rows": len(frame),
                              "periods": len(slices), "note": note or ""})
        return int(set_id)

    def _insert(self, conn, frame: pd.DataFrame, set_id: int) -> None:
        """The rows, by the driver's executemany in chunks (a million rows in seconds, where
        SQLAlchemy's per-row dictionaries take a minute)."""
        from cchc_metrics.store.database import CHUNK_ROWS

        values = [frame[c].to_numpy(dtype=object) for c in INDICATOR_COLUMNS]
        for i, c in enumerate(INDICATOR_COLUMNS):
            if c in ("year", "month_from", "month_to"):
                values[i] = [int(v) for v in values[i]]
            elif c in ("value", "max_value"):
                values[i] = [None if v != v else float(v) for v in values[i]]
        rows = list(zip([set_id] * len(frame), *values, strict=True))
        names = ["set_id", *INDICATOR_COLUMNS]
        marks = ", ".join(["%s" if self._store.dialect == "postgresql" else "?"] * len(names))
        sql = f"INSERT INTO indicators ({', '.join(names)}) VALUES ({marks})"
        cursor = conn.connection.driver_connection.cursor()
        for start in range(0, len(rows), CHUNK_ROWS):
            cursor.executemany(sql, rows[start:start + CHUNK_ROWS])

    def set_active(self, set_id: int, active: bool, *, user) -> None:
        """Roll a set back (inactive: the set before it shows again) or restore it, audited."""
        grant = self._store.accounts.authorise(user, "editor", IMPORT_VI_EN)
        s = indicator_sets.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", IMPORT_VI_EN)
            if conn.execute(sa.select(s.id).where(s.id == int(set_id))).first() is None:
                raise StoreError(f"Không có bộ số liệu chỉ tiêu #{set_id}.",
                                 f"There is no indicator set #{set_id}.")
            conn.execute(indicator_sets.update().where(s.id == int(set_id))
                         .values(active=bool(active)))
            self._store._log(conn, grant.name, "indicator_rollback", None,
                             {"set": int(set_id), "active": bool(active)})

    def rows(self) -> pd.DataFrame:
        """What pages read: per slice, the rows of the newest active set covering it. Each set
        comes from its Arrow frame in one go (its rows, one by one, only without one)."""
        t, s = indicators.c, indicator_sets.c
        parts = []
        with self._store._read() as conn:
            for set_id, blob in conn.execute(sa.select(s.id, s.frame).where(s.active)).all():
                if blob is not None and sf.frames_available():
                    part = _from_arrow(blob)
                else:
                    found = conn.execute(sa.select(*[t[c] for c in INDICATOR_COLUMNS])
                                         .where(t.set_id == set_id)).all()
                    part = pd.DataFrame([tuple(r) for r in found], columns=INDICATOR_COLUMNS)
                parts.append(part.assign(set_id=set_id))
        frame = pd.concat(parts, ignore_index=True) if parts else \
            pd.DataFrame(columns=[*INDICATOR_COLUMNS, "set_id"])
        frame = frame[["set_id", *INDICATOR_COLUMNS]]
        if frame.empty:
            return frame.drop(columns="set_id")
        newest = frame.groupby([*SLICE, _kind(frame["measure"])])["set_id"].transform("max")
        frame = frame[frame["set_id"] == newest].drop(columns="set_id").reset_index(drop=True)
        for column in ("year", "month_from", "month_to"):
            frame[column] = frame[column].astype(int)
        for column in ("value", "max_value"):
            frame[column] = pd.to_numeric(frame[column])
        return frame

    def sets(self) -> pd.DataFrame:
        """Every indicator set imported, newest last."""
        s = indicator_sets.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(s.id, s.created_at, s.created_by, s.file_name,
                                           s.note, s.n_rows, s.active).order_by(s.id)).all()
        return pd.DataFrame([tuple(r) for r in found], columns=SET_COLUMNS)


class Targets:
    """Target sets of a store: the active one is the province's targets."""

    def __init__(self, store) -> None:
        self._store = store

    def save(self, frame: pd.DataFrame, *, user, file_name: str = "", note: str = "") -> int:
        """Store targets (contract.TARGET_COLUMNS) as the active set; returns its id."""
        grant = self._store.accounts.authorise(user, "editor", TARGETS_VI_EN)
        frame = frame[TARGET_COLUMNS].assign(unit=frame["unit"].fillna("").astype(str))
        s = target_sets.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", TARGETS_VI_EN)
            conn.execute(target_sets.update().where(s.active).values(active=False))
            set_id = conn.execute(target_sets.insert().values(
                created_at=datetime.now(UTC), created_by=grant.name,
                file_name=str(file_name)[:500], note=str(note or ""), n_rows=len(frame),
                active=True)).inserted_primary_key[0]
            if len(frame):
                conn.execute(targets.insert(), [
                    {"set_id": set_id, "measure": r.measure, "level": r.level,
                     "year": int(r.year), "unit": r.unit, "value": float(r.value)}
                    for r in frame.itertuples(index=False)])
            self._store._log(conn, grant.name, "targets_save", None,
                             {"set": set_id, "n_rows": len(frame), "file_name": file_name,
                              "note": note or ""})
        return int(set_id)

    def activate(self, set_id: int, *, user) -> None:
        """Make an earlier set the province's targets again, audited."""
        grant = self._store.accounts.authorise(user, "editor", TARGETS_VI_EN)
        s = target_sets.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", TARGETS_VI_EN)
            if conn.execute(sa.select(s.id).where(s.id == int(set_id))).first() is None:
                raise StoreError(f"Không có bộ chỉ tiêu #{set_id}.",
                                 f"There is no target set #{set_id}.")
            conn.execute(target_sets.update().where(s.active).values(active=False))
            conn.execute(target_sets.update().where(s.id == int(set_id)).values(active=True))
            self._store._log(conn, grant.name, "targets_rollback", None, {"set": int(set_id)})

    def rows(self) -> pd.DataFrame:
        """The active targets (TARGET_COLUMNS)."""
        t, s = targets.c, target_sets.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(*[t[c] for c in TARGET_COLUMNS])
                                 .join(target_sets, s.id == t.set_id).where(s.active)).all()
        frame = pd.DataFrame([tuple(r) for r in found], columns=TARGET_COLUMNS)
        return frame.assign(year=frame["year"].astype(int), value=frame["value"].astype(float))

    def sets(self) -> pd.DataFrame:
        """Every target set saved, newest last."""
        s = target_sets.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(s.id, s.created_at, s.created_by, s.file_name,
                                           s.note, s.n_rows, s.active).order_by(s.id)).all()
        return pd.DataFrame([tuple(r) for r in found], columns=SET_COLUMNS)
