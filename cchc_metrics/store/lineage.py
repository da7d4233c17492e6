"""The store's lineage: crosswalks imported, versioned and audited like scores.

A Store holds one as ``store.lineage``. An import is a set (its file kept, who, when, a note);
it supersedes the active sets of the levels it covers, and any set can be made active again.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from cchc_metrics.contract import LINEAGE_COLUMNS
from cchc_metrics.store.engine import StoreError
from cchc_metrics.store.schema import files as files_table
from cchc_metrics.store.schema import lineage as lineage_table
from cchc_metrics.store.schema import lineage_sets as sets_table

SET_COLUMNS = ["set_id", "created_at", "created_by", "file_name", "note", "levels", "n_rows",
               "active"]
WHAT_VI_EN = ("nhập bảng đối chiếu đơn vị", "import a unit crosswalk")


class Lineage:
    """Crosswalk sets of a store (see the module docstring)."""

    def __init__(self, store) -> None:
        self._store = store

    def import_crosswalk(self, frame: pd.DataFrame, *, file_name: str, file_bytes: bytes,
                         user, note: str = "") -> int:
        """Store a crosswalk (ingest.crosswalk.read_crosswalk's rows) as the active set of its
        levels; returns the set's id. Editors and admins only."""
        from cchc_metrics.store.database import fitting_name

        grant = self._store.accounts.authorise(user, "editor", WHAT_VI_EN)
        if frame.empty:
            raise StoreError("Bảng đối chiếu không có dòng nào.", "The crosswalk has no rows.")
        data = bytes(file_bytes)
        sha = hashlib.sha256(data).hexdigest()
        levels = sorted(set(frame["level"]))
        s = sets_table.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", WHAT_VI_EN)
            if conn.execute(sa.select(files_table.c.sha256)
                            .where(files_table.c.sha256 == sha)).first() is None:
                conn.execute(files_table.insert().values(sha256=sha, size=len(data), data=data))
            replaced = [r.id for r in conn.execute(sa.select(s.id, s.levels).where(s.active))
                        if set(json.loads(r.levels)) <= set(levels)]
            if replaced:
                conn.execute(sets_table.update().where(s.id.in_(replaced)).values(active=False))
            set_id = conn.execute(sets_table.insert().values(
                created_at=datetime.now(UTC), created_by=grant.name,
                file_name=fitting_name(str(file_name)), sha256=sha, note=str(note or ""),
                levels=json.dumps(levels), n_rows=len(frame), active=True)).inserted_primary_key[0]
            frame = frame.reindex(columns=LINEAGE_COLUMNS)  # a frame without population: none
            conn.execute(lineage_table.insert(), [
                {"set_id": set_id, **{c: r[c] for c in LINEAGE_COLUMNS},
                 "population": None if pd.isna(r["population"]) else float(r["population"])}
                for r in frame.to_dict("records")])
            self._store._log(conn, grant.name, "lineage_import", None,
                             {"set": set_id, "file_name": str(file_name), "n_rows": len(frame),
                              "levels": levels, "superseded": replaced, "note": note or ""})
        return int(set_id)

    def activate(self, set_id: int, *, user) -> None:
        """Make an earlier set active again for its levels (a rollback), audited."""
        grant = self._store.accounts.authorise(user, "editor", WHAT_VI_EN)
        s = sets_table.c
        with self._store._write() as conn:
            self._store.accounts.confirm(conn, grant, "editor", WHAT_VI_EN)
            row = conn.execute(sa.select(s.levels).where(s.id == int(set_id))).first()
            if row is None:
                raise StoreError(f"Không có bảng đối chiếu #{set_id}.",
                                 f"There is no crosswalk #{set_id}.")
            levels = set(json.loads(row.levels))
            others = [r.id for r in conn.execute(sa.select(s.id, s.levels).where(s.active))
                      if set(json.loads(r.levels)) & levels]
            conn.execute(sets_table.update().where(s.id.in_(others)).values(active=False))
            conn.execute(sets_table.update().where(s.id == int(set_id)).values(active=True))
            self._store._log(conn, grant.name, "lineage_rollback", None, {"set": int(set_id)})

    def rows(self) -> pd.DataFrame:
        """The lineage: the rows of the active sets (LINEAGE_COLUMNS)."""
        t, s = lineage_table.c, sets_table.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(*[t[c] for c in LINEAGE_COLUMNS])
                                 .join(sets_table, s.id == t.set_id).where(s.active)
                                 .order_by(s.id.desc())).all()
        # two active sets may name the same merger (a preset beside a wider crosswalk): once,
        # as the newest says it
        out = pd.DataFrame([tuple(r) for r in found], columns=LINEAGE_COLUMNS).drop_duplicates(
            ["level", "successor", "predecessor", "effective"], ignore_index=True)
        return out.assign(population=pd.to_numeric(out["population"]))

    def sets(self) -> pd.DataFrame:
        """Every crosswalk imported, newest last."""
        s = sets_table.c
        with self._store._read() as conn:
            found = conn.execute(sa.select(s.id, s.created_at, s.created_by, s.file_name, s.note,
                                           s.levels, s.n_rows, s.active).order_by(s.id)).all()
        return pd.DataFrame([tuple(r) for r in found], columns=SET_COLUMNS)
