"""The store's service indicators, criterion scores and targets: imported, versioned and
audited like scores.

A Store holds them as ``store.indicators``, ``store.criteria`` and ``store.targets``. An import
of indicators or criteria is a set covering slices (indicators: year, level, months and kind;
criteria: a unit's tree of a year); for each slice the newest active set wins, and rolling a set
back (making it inactive) shows the one before it. Targets are saved whole: each save
supersedes the last, and any earlier one can be made active again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cchc_metrics.contract import CRITERION_COLUMNS, INDICATOR_COLUMNS, TARGET_COLUMNS
from cchc_metrics.store import frames as sf
from cchc_metrics.store.engine import StoreError
from cchc_metrics.store.schema import (
    criteria,
    criterion_sets,
    indicator_sets,
    indicators,
    target_sets,
    targets,
)
from cchc_metrics.store.schema import files as files_table

SET_COLUMNS = ["set_id", "created_at", "created_by", "file_name", "note", "n_rows", "active"]
TARGETS_VI_EN = ("lưu chỉ tiêu (mục tiêu)", "save targets")


def _keep_file(conn, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    if conn.execute(sa.select(files_table.c.sha256)
                    .where(files_table.c.sha256 == sha)).first() is None:
        conn.execute(files_table.insert().values(sha256=sha, size=len(data), data=data))
    return sha


def _from_arrow(blob: bytes) -> pd.DataFrame:
    """A set's frame back (text as Python strings, numbers as numbers)."""
    import pyarrow as pa

    table = sf.read_table(blob)
    table = pa.table([col.cast(pa.large_string()) if pa.types.is_dictionary(col.type) else col
                      for col in table.columns], names=table.column_names)
    return table.to_pandas()


@dataclass(frozen=True)
class Kind:
    """What a kind of row sets is: its tables and columns, how a slice is told, its words."""

    sets: sa.Table
    rows: sa.Table
    columns: list[str]
    integers: tuple[str, ...]
    numbers: tuple[str, ...]
    slice_of: Callable[[pd.DataFrame], pd.DataFrame]  # the rows' slice keys, a column each
    action: str  # audit: «<action>_import», «<action>_rollback»
    what: tuple[str, str]  # «nhập …», for a refusal
    empty: tuple[str, str]
    unknown: tuple[str, str]  # «Không có bộ … #{id}.»


class RowSets:
    """Imported sets of rows where, per slice, the newest active set wins (see the module
    docstring); kept as rows and as one Arrow frame per set."""

    def __init__(self, store, kind: Kind) -> None:
        self._store, self._kind = store, kind

    def import_rows(self, frame: pd.DataFrame, *, file_name: str, file_bytes: bytes, user,
                    note: str = "") -> int:
        """Store rows (the kind's columns) as a new active set; returns its id. Editors and
        admins only; nothing is stored when the rows are empty."""
        return self.import_batch([(frame, file_name, file_bytes)], user=user, note=note)[0]

    def import_batch(self, parts: list[tuple[pd.DataFrame, str, bytes]], *, user,
                     note: str = "") -> list[int]:
        """Several files (one self-assessment form per unit), each stored as its own set, in
        one transaction: all of them or none. Returns the sets' ids."""
        from cchc_metrics.store.database import fitting_name

        k = self._kind
        grant = self._store.accounts.authorise(user, "editor", k.what)
        if not parts or any(frame.empty for frame, _, _ in parts):
            raise StoreError(*k.empty)
        ready = []
        for frame, file_name, file_bytes in parts:
            frame = frame[k.columns].copy()
            for column in k.columns:
                if column not in k.integers and column not in k.numbers:
                    frame[column] = frame[column].fillna("").astype(str)
            encoded = sf.encode(frame, k.columns) if sf.frames_available() else None
            slices = sorted({tuple(int(v) if isinstance(v, (int, np.integer)) else str(v)
                                   for v in r)
                             for r in k.slice_of(frame).itertuples(index=False)})
            ready.append((frame, str(file_name), bytes(file_bytes), encoded, slices))
        ids = []
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", k.what)
            for frame, file_name, file_bytes, encoded, slices in ready:
                sha = _keep_file(conn, file_bytes)
                set_id = conn.execute(k.sets.insert().values(
                    created_at=datetime.now(UTC), created_by=grant.name,
                    file_name=fitting_name(file_name), sha256=sha, note=str(note or ""),
                    slices=json.dumps(slices, ensure_ascii=False), n_rows=len(frame),
                    active=True, frame=encoded)).inserted_primary_key[0]
                self._insert(conn, frame, set_id)
                self._store._log(conn, grant.name, f"{k.action}_import", None,
                                 {"set": set_id, "file_name": file_name, "n_rows": len(frame),
                                  "slices": len(slices), "note": note or ""})
                ids.append(int(set_id))
        return ids

    def _insert(self, conn, frame: pd.DataFrame, set_id: int) -> None:
        """The rows, by the driver's executemany in chunks (a million rows in seconds, where
        SQLAlchemy's per-row dictionaries take a minute)."""
        from cchc_metrics.store.database import CHUNK_ROWS

        k = self._kind
        values = [frame[c].to_numpy(dtype=object) for c in k.columns]
        for i, c in enumerate(k.columns):
            if c in k.integers:
                values[i] = [int(v) for v in values[i]]
            elif c in k.numbers:
                values[i] = [None if v != v else float(v) for v in values[i]]
        rows = list(zip([set_id] * len(frame), *values, strict=True))
        names = ["set_id", *k.columns]
        marks = ", ".join(["%s" if self._store.dialect == "postgresql" else "?"] * len(names))
        sql = f"INSERT INTO {k.rows.name} ({', '.join(names)}) VALUES ({marks})"
        cursor = conn.connection.driver_connection.cursor()
        for start in range(0, len(rows), CHUNK_ROWS):
            cursor.executemany(sql, rows[start:start + CHUNK_ROWS])

    def set_active(self, set_id: int, active: bool, *, user) -> None:
        """Roll a set back (inactive: the set before it shows again) or restore it, audited."""
        k = self._kind
        grant = self._store.accounts.authorise(user, "editor", k.what)
        s = k.sets.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", k.what)
            if conn.execute(sa.select(s.id).where(s.id == int(set_id))).first() is None:
                raise StoreError(k.unknown[0].format(id=set_id), k.unknown[1].format(id=set_id))
            conn.execute(k.sets.update().where(s.id == int(set_id)).values(active=bool(active)))
            self._store._log(conn, grant.name, f"{k.action}_rollback", None,
                             {"set": int(set_id), "active": bool(active)})

    def rows(self) -> pd.DataFrame:
        """What pages read: per slice, the rows of the newest active set covering it. Each set
        comes from its Arrow frame in one go (its rows, one by one, only without one)."""
        k = self._kind
        t, s = k.rows.c, k.sets.c
        parts = []
        with self._store._read() as conn:
            for set_id, blob in conn.execute(sa.select(s.id, s.frame).where(s.active)).all():
                if blob is not None and sf.frames_available():
                    part = _from_arrow(blob)
                else:
                    found = conn.execute(sa.select(*[t[c] for c in k.columns])
                                         .where(t.set_id == set_id)).all()
                    part = pd.DataFrame([tuple(r) for r in found], columns=k.columns)
                parts.append(part.assign(set_id=set_id))
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in k.columns})
        frame = pd.concat(parts, ignore_index=True)[["set_id", *k.columns]]
        keys = k.slice_of(frame)
        newest = frame["set_id"].groupby([keys[c] for c in keys.columns]).transform("max")
        frame = frame[frame["set_id"] == newest].drop(columns="set_id").reset_index(drop=True)
        for column in k.integers:
            frame[column] = frame[column].astype(int)
        for column in k.numbers:
            frame[column] = pd.to_numeric(frame[column])
        return frame

    def sets(self) -> pd.DataFrame:
        """Every set imported, newest last."""
        s = self._kind.sets.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(s.id, s.created_at, s.created_by, s.file_name,
                                           s.note, s.n_rows, s.active).order_by(s.id)).all()
        return pd.DataFrame([tuple(r) for r in found], columns=SET_COLUMNS)


def _indicator_slices(frame: pd.DataFrame) -> pd.DataFrame:
    """An indicator slice: year, level, months, and the kind — the service index's groups or
    counts, which come in different files."""
    from cchc_metrics.indicators.measures import GROUP_KEYS

    return frame[["year", "level", "month_from", "month_to"]].assign(
        kind=frame["measure"].isin(GROUP_KEYS).map({True: "service", False: "counts"}))


def _criterion_slices(frame: pd.DataFrame) -> pd.DataFrame:
    """A criterion slice: one unit's tree of a year (a workbook may hold one unit or many)."""
    return frame[["year", "level", "unit"]]


INDICATORS = Kind(
    indicator_sets, indicators, INDICATOR_COLUMNS, ("year", "month_from", "month_to"),
    ("value", "max_value"), _indicator_slices, "indicator",
    ("nhập số liệu chỉ tiêu phục vụ", "import service indicators"),
    ("Tệp không có số liệu chỉ tiêu nào.", "The file has no indicators."),
    ("Không có bộ số liệu chỉ tiêu #{id}.", "There is no indicator set #{id}."))
CRITERIA = Kind(
    criterion_sets, criteria, CRITERION_COLUMNS, ("year",),
    ("max_points", "self_points", "points"), _criterion_slices, "criteria",
    ("nhập điểm tiêu chí", "import criterion scores"),
    ("Tệp không có điểm tiêu chí nào.", "The file has no criterion scores."),
    ("Không có bộ điểm tiêu chí #{id}.", "There is no criterion set #{id}."))


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
