"""The one gateway to the score database: versioned datasets, active slices, audit, original files.

* An import is a new dataset. It takes over every (year, level, block) slice it covers: the
  dataset that was active there becomes superseded for exactly those slices (``partial`` when it
  stays active elsewhere). A rollback hands a dataset's slices back to it. Nothing is deleted.
* Each import or rollback is one transaction, serialised by a lock (SQLite ``BEGIN IMMEDIATE``,
  PostgreSQL ``LOCK TABLE``); a writer that cannot get it in time gets StoreBusyError ("try
  again"), never a half-written state.
* Every write names an ``Actor`` the store itself issued (``store.accounts``: ``authenticate``,
  ``sso_actor``, ``system_actor``) with the role it needs: imports, rollbacks and remembered
  column mappings need an editor, user management an admin. Anything else is refused.
* Reads come from one Arrow frame per dataset, written in the same transaction as its rows and
  sorted by slice, so a slice is a row range; the `scores` table is the row-level record
  (traceable to sheet and row) and the fallback when a frame is missing.

The database URL is ``CCHC_DATABASE_URL``, else SQLite ``cchc.sqlite`` in the data directory
(WAL mode). PostgreSQL goes through psycopg 3, with COPY for the score rows.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa

from cchc_metrics import settings
from cchc_metrics.bands import band_spec, parse_bands
from cchc_metrics.contract import MAX_FILE_NAME_CHARS, SCORE_COLUMNS
from cchc_metrics.i18n import MsgError, t
from cchc_metrics.store import frames as sf
from cchc_metrics.store.accounts import USER_COLUMNS, Accounts
from cchc_metrics.store.auth import Actor, AuthError, NotAllowedError
from cchc_metrics.store.engine import (
    BUSY_TIMEOUT_S,
    StoreBusyError,
    StoreError,
    database_url,
    db_errors,
    make_engine,
    sqlite_path,
    upgrade_engine,
)
from cchc_metrics.store.schema import audit as audit_table
from cchc_metrics.store.schema import datasets as datasets_table
from cchc_metrics.store.schema import files as files_table
from cchc_metrics.store.schema import frames as frames_table
from cchc_metrics.store.schema import preferences as preferences_table
from cchc_metrics.store.schema import scores as scores_table
from cchc_metrics.store.schema import slices as slices_table

CHUNK_ROWS = 10_000  # rows per executemany / COPY chunk (and per progress report)
Slice = tuple[int, str, str]  # (year, level, block)
Progress = Callable[[int, int], None]  # (rows written, rows in all)

DATASET_COLUMNS = ["dataset_id", "created_at", "created_by", "file_name", "sha256", "note",
                   "bands", "years", "levels", "blocks", "provinces", "n_rows", "status",
                   "active_slices", "n_slices", "supersedes"]
SLICE_COLUMNS = ["dataset_id", "year", "level", "block", "n_rows", "active"]
AUDIT_COLUMNS = ["id", "ts", "actor", "action", "dataset_id", "detail"]
DEMO_USER = "demo"  # who loads the demo province: its datasets are sample data
# the audit actions that change what pages show (the revision): scores and the lineage
DATA_ACTIONS = ("import", "rollback", "lineage_import", "lineage_rollback", "indicator_import",
                "indicator_rollback", "targets_save", "targets_rollback", "criteria_import",
                "criteria_rollback")
IMPORT_VI_EN = ("nhập dữ liệu điểm", "import score data")
ROLLBACK_VI_EN = ("khôi phục phiên bản dữ liệu", "roll back a dataset")
REMEMBER_VI_EN = ("lưu cách ghép cột", "save a column mapping")
TEMPLATE_VI_EN = ("thay mẫu văn bản báo cáo", "change the report template")
TEMPLATE_KEY = "report_template"


@dataclass(frozen=True)
class ImportResult:
    """What an import did: the new dataset (or the existing one for the same bytes)."""

    dataset_id: int
    duplicate: bool
    file_name: str
    sha256: str
    n_rows: int
    slices: list[Slice]
    superseded: list[int]
    status: str = "active"
    warnings: list = field(default_factory=list)  # Problems from the reader (import_file)

    def message(self, lang: str = "vi") -> str:
        """One sentence for the command line and the upload page."""
        if self.duplicate:
            text = t("import_duplicate", lang, file=self.file_name, id=self.dataset_id,
                     status=t(f"status_{self.status}", lang))
            return text if self.status == "active" else text + t("import_duplicate_rollback",
                                                                 lang, id=self.dataset_id)
        ids = ", ".join(f"#{i}" for i in self.superseded)
        return t("import_done_superseding" if ids else "import_done", lang, n=self.n_rows,
                 id=self.dataset_id, ids=ids)


@dataclass(frozen=True)
class RollbackResult:
    """What a rollback did: the slices given back and the datasets that lost them."""

    dataset_id: int
    slices: list[Slice]
    superseded: list[int]
    changed: bool

    def message(self, lang: str = "vi") -> str:
        """One sentence for the command line and the page."""
        if not self.changed:
            return t("rollback_unchanged", lang, id=self.dataset_id)
        ids = ", ".join(f"#{i}" for i in self.superseded) or "—"
        return t("rollback_done", lang, id=self.dataset_id, ids=ids)


# Binary COPY types of the `scores` columns, in insert order (dataset_id first).
_PG_ROW_TYPES = ["int4", "int4", "varchar", "varchar", "int4", "text", "text", "text", "text",
                 "text", "float8", "float8", "float8", "text", "text", "int4"]


def _now() -> datetime:
    return datetime.now(UTC)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _utc(series: pd.Series) -> pd.Series:
    """Timestamps as UTC-aware (SQLite hands them back naive)."""
    stamps = pd.to_datetime(series)
    return stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")


def default_user() -> str:
    """Who is at the keyboard, for the audit log of command-line actions."""
    try:
        return settings.get("user") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """A score database: open it once, share it (the engine is thread-safe), close it at exit.

    Parameters
    ----------
    url : SQLAlchemy URL or SQLite path; default CCHC_DATABASE_URL or data/cchc.sqlite.
    create : when False, a missing SQLite file is an error instead of a new empty store.
    busy_timeout : seconds a writer waits for another writer before StoreBusyError.
    clock : returns the current UTC-aware time (lock-outs); tests inject a fixed one.
    sleep : pauses after a wrong password (default time.sleep); tests inject a recorder.
    hasher : an argon2 PasswordHasher (default argon2-cffi's recommended argon2id parameters).
    """

    def __init__(self, url: str | None = None, *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT_S,
                 clock: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] | None = None, hasher=None):
        self.accounts = Accounts(self, clock, sleep, hasher)
        from cchc_metrics.store.indicators import CRITERIA, INDICATORS, RowSets, Targets
        from cchc_metrics.store.lineage import Lineage

        self.lineage = Lineage(self)
        self.indicators = RowSets(self, INDICATORS)
        self.criteria = RowSets(self, CRITERIA)
        self.targets = Targets(self)
        self.url = database_url(url)
        self.busy_timeout = busy_timeout
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            if not create:
                raise StoreError(f"Không tìm thấy cơ sở dữ liệu «{path}». Hãy nhập dữ liệu trước.",
                                 f"No database at «{path}». Import some data first.")
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(self.url, busy_timeout)
        try:
            upgrade_engine(self.engine)
        except BaseException:
            self.engine.dispose()
            raise
        self.dialect = self.engine.dialect.name

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({sa.engine.make_url(self.url).render_as_string(hide_password=True)!r})"

    # -- transactions -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """A read transaction (one snapshot on SQLite)."""
        with db_errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def _write(self, lock: str | None = "datasets") -> Iterator[sa.Connection]:
        """The one writer at a time: everything inside commits together or not at all.

        On PostgreSQL `lock` names the table serialising this kind of write ("datasets" for
        score data, "users" for accounts, None for a sign-in's row updates); SQLite has one writer.
        """
        with db_errors(), self.engine.connect() as conn:
            conn.execution_options(cchc_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(
                        f"SET LOCAL lock_timeout = '{int(self.busy_timeout * 1000)}ms'")
                    if lock in ("datasets", "users"):
                        conn.exec_driver_sql(f"LOCK TABLE {lock} IN SHARE ROW EXCLUSIVE MODE")
                yield conn

    # -- writing ------------------------------------------------------------------------------

    def import_scores(self, scores: pd.DataFrame, *, file_name: str, file_bytes: bytes,
                      user: Actor | None = None, note: str = "", bands=None,
                      progress: Progress | None = None, warnings: list | None = None
                      ) -> ImportResult:
        """Store canonical scores as a new dataset that takes over the slices it covers.

        The same file bytes a second time are recognised: the earlier dataset is reported and
        nothing is written. `bands` is a scheme, a preset name or "Tốt:80,Khá:60,Kém:0".
        `user` is an editor or admin Actor issued by this store.
        """
        grant = self.accounts.authorise(user, "editor", IMPORT_VI_EN)
        try:
            frame = sf.canonical(scores)
            spec = band_spec(parse_bands(bands)) if bands is not None else None
        except MsgError as exc:
            raise StoreError(exc.msg) from None
        if frame.empty:
            raise StoreError("Không có dòng điểm nào để nhập.", "There are no score rows to import.")
        data = bytes(file_bytes)
        sha = hashlib.sha256(data).hexdigest()
        ordered, sizes = sf.by_slice(frame)
        parts = dict(sizes)
        with self._write() as conn:
            self.accounts.confirm(conn, grant, "editor", IMPORT_VI_EN)
            existing = self._dataset_of_file(conn, sha)
            if existing is not None:  # nothing written: the empty transaction just ends
                return _duplicate(existing, file_name, warnings)
            taken = self._active_holders(conn, list(parts))
            dataset_id = self._insert_dataset(conn, frame, file_name=file_name, sha=sha,
                                              data=data, user=grant.name, note=note, bands=spec,
                                              supersedes=sorted(set(taken.values())))
            if taken:
                self._set_active(conn, taken.items(), False)
            conn.execute(slices_table.insert(), [
                {"dataset_id": dataset_id, "year": y, "level": lv, "block": b,
                 "n_rows": n, "active": True} for (y, lv, b), n in sizes])
            self._insert_rows(conn, frame, dataset_id, progress)
            if sf.frames_available():
                conn.execute(frames_table.insert().values(
                    dataset_id=dataset_id, format=sf.FRAME_FORMAT, data=sf.encode(ordered)))
            self._refresh_status(conn, set(taken.values()))
            self._log(conn, grant.name, "import", dataset_id, {
                "file_name": file_name, "sha256": sha, "n_rows": len(frame),
                "slices": [list(k) for k in parts], "superseded": sorted(set(taken.values()))})
        return ImportResult(dataset_id=dataset_id, duplicate=False, file_name=file_name,
                            sha256=sha, n_rows=len(frame), slices=list(parts),
                            superseded=sorted(set(taken.values())), warnings=list(warnings or []))

    def import_file(self, source, name: str | None = None, *, user: Actor | None = None,
                    note: str = "",
                    year: int | None = None, level: str | None = None, sheet: str | None = None,
                    bands=None, progress: Progress | None = None) -> ImportResult:
        """Read a score file with the readers and import it; a bad file raises ScoreFileError.

        `source` is a path, bytes or a file-like object (an upload). Same bytes → reported.
        """
        from cchc_metrics.ingest.containers import read_source

        self.accounts.authorise(user, "editor", IMPORT_VI_EN)
        data, file_name = read_source(source, name)
        sha = hashlib.sha256(data).hexdigest()
        with self._read() as conn:
            existing = self._dataset_of_file(conn, sha)
        if existing is not None:
            return _duplicate(existing, file_name, [])
        from cchc_metrics.ingest.reader import read_workbook

        result = read_workbook(data, year=year, level=level, sheet=sheet, bands=bands,
                               name=file_name)
        return self.import_scores(result.scores, file_name=file_name, file_bytes=data, user=user,
                                  note=note, bands=bands if bands is not None else result.bands,
                                  progress=progress, warnings=result.warnings)

    def rollback(self, dataset_id: int, *, user: Actor | None = None,
                 note: str = "") -> RollbackResult:
        """Make a dataset active again for all its slices; their current holders are superseded."""
        grant = self.accounts.authorise(user, "editor", ROLLBACK_VI_EN)
        with self._write() as conn:
            self.accounts.confirm(conn, grant, "editor", ROLLBACK_VI_EN)
            own = conn.execute(sa.select(slices_table.c.year, slices_table.c.level,
                                         slices_table.c.block, slices_table.c.active)
                               .where(slices_table.c.dataset_id == int(dataset_id))).all()
            if not own:
                raise StoreError(f"Không có bộ dữ liệu #{dataset_id}.",
                                 f"There is no dataset #{dataset_id}.")
            keys = [(r.year, r.level, r.block) for r in own]
            if all(r.active for r in own):
                return RollbackResult(int(dataset_id), keys, [], changed=False)
            taken = {k: d for k, d in self._active_holders(conn, keys).items()
                     if d != int(dataset_id)}
            self._set_active(conn, taken.items(), False)
            self._set_active(conn, [((r.year, r.level, r.block), int(dataset_id))
                                    for r in own if not r.active], True)
            losers = sorted(set(taken.values()))
            self._refresh_status(conn, {int(dataset_id), *losers})
            self._log(conn, grant.name, "rollback", int(dataset_id), {
                "slices": [list(k) for k in keys], "superseded": losers, "note": note})
        return RollbackResult(int(dataset_id), keys, losers, changed=True)

    def _dataset_of_file(self, conn: sa.Connection, sha: str):
        """The first dataset imported from these bytes, if any."""
        return conn.execute(sa.select(datasets_table.c.id, datasets_table.c.status,
                                      datasets_table.c.n_rows, datasets_table.c.sha256)
                            .where(datasets_table.c.sha256 == sha)
                            .order_by(datasets_table.c.id).limit(1)).first()

    def _active_holders(self, conn: sa.Connection, keys: list[Slice]) -> dict[Slice, int]:
        """Which dataset is active for each of these slices now (those with one)."""
        wanted = set(keys)
        years = sorted({y for y, _, _ in wanted})
        rows = conn.execute(sa.select(slices_table.c.dataset_id, slices_table.c.year,
                                      slices_table.c.level, slices_table.c.block)
                            .where(slices_table.c.active, slices_table.c.year.in_(years))).all()
        return {(r.year, r.level, r.block): r.dataset_id for r in rows
                if (r.year, r.level, r.block) in wanted}

    def _set_active(self, conn: sa.Connection, holders: Iterable[tuple[Slice, int]],
                    active: bool) -> None:
        """Switch slices of given datasets on or off (off first, so one is active at a time)."""
        params = [{"d": d, "y": y, "lv": lv, "b": b, "a": active} for (y, lv, b), d in holders]
        if params:
            t = slices_table.c
            conn.execute(slices_table.update()
                         .where(t.dataset_id == sa.bindparam("d"), t.year == sa.bindparam("y"),
                                t.level == sa.bindparam("lv"), t.block == sa.bindparam("b"))
                         .values(active=sa.bindparam("a")), params)

    def _insert_dataset(self, conn, frame, *, file_name, sha, data, user, note, bands,
                        supersedes) -> int:
        """The file (once per hash) and the dataset row; returns the new id."""
        if conn.execute(sa.select(files_table.c.sha256)
                        .where(files_table.c.sha256 == sha)).first() is None:
            conn.execute(files_table.insert().values(sha256=sha, size=len(data), data=data))
        return conn.execute(datasets_table.insert().values(
            created_at=_now(), created_by=str(user), file_name=fitting_name(str(file_name)), sha256=sha,
            note=str(note or ""), bands=bands,
            years=_json(sorted(int(y) for y in frame["year"].unique())),
            levels=_json(_distinct(frame["level"])), blocks=_json(_distinct(frame["block"])),
            provinces=_json(_distinct(frame["province"])), n_rows=len(frame),
            status="active", supersedes=_json(supersedes))
            .returning(datasets_table.c.id)).scalar_one()

    def _insert_rows(self, conn: sa.Connection, frame: pd.DataFrame, dataset_id: int,
                     progress: Progress | None) -> None:
        """Bulk insert of the score rows: COPY on PostgreSQL, chunked executemany elsewhere."""
        rows = sf.row_tuples(frame, dataset_id)
        names = ["dataset_id", *sf.ROW_COLUMNS]
        total = len(rows)
        if self.dialect == "postgresql":
            cursor = conn.connection.driver_connection.cursor()
            with cursor.copy(f"COPY scores ({', '.join(names)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(_PG_ROW_TYPES)
                for start in range(0, total, CHUNK_ROWS):
                    for row in rows[start:start + CHUNK_ROWS]:
                        copy.write_row(row)
                    if progress:
                        progress(min(start + CHUNK_ROWS, total), total)
            return
        marks = ", ".join(["?"] * len(names))
        sql = f"INSERT INTO scores ({', '.join(names)}) VALUES ({marks})"
        cursor = conn.connection.driver_connection.cursor()
        for start in range(0, total, CHUNK_ROWS):
            cursor.executemany(sql, rows[start:start + CHUNK_ROWS])
            if progress:
                progress(min(start + CHUNK_ROWS, total), total)

    def _refresh_status(self, conn: sa.Connection, dataset_ids: set[int]) -> None:
        """Datasets' status from their slices: active, partial or superseded."""
        if not dataset_ids:
            return
        t = slices_table.c
        counts = conn.execute(
            sa.select(t.dataset_id, sa.func.count(), sa.func.sum(sa.case((t.active, 1), else_=0)))
            .where(t.dataset_id.in_(sorted(dataset_ids))).group_by(t.dataset_id)).all()
        for dataset_id, n, n_active in counts:
            status = "active" if n_active == n else "superseded" if not n_active else "partial"
            conn.execute(datasets_table.update().where(datasets_table.c.id == dataset_id)
                         .values(status=status))

    def _log(self, conn: sa.Connection, actor: str, action: str, dataset_id: int | None,
             detail: dict) -> None:
        """One audit row (never a password or hash); an import's or rollback's id is the revision."""
        conn.execute(audit_table.insert().values(ts=_now(), actor=str(actor)[:200], action=action,
                                                 dataset_id=dataset_id, detail=_json(detail)))

    # -- reading ------------------------------------------------------------------------------

    def scores(self, years=None, levels=None, blocks=None, province=None, parent=None, *,
               dataset_id: int | None = None) -> pd.DataFrame:
        """The active scores (or one dataset's, any status) as the canonical DataFrame.

        Each filter is a value or a list. Rows come by year, level, block, then file order.
        """
        t = slices_table.c
        query = sa.select(t.dataset_id, t.year, t.level, t.block)
        query = query.where(t.dataset_id == int(dataset_id)) if dataset_id is not None \
            else query.where(t.active)
        years = None if years is None else [int(y) for y in _as_list(years)]  # numpy ints too
        for column, wanted in ((t.year, years), (t.level, levels), (t.block, blocks)):
            if wanted is not None:
                query = query.where(column.in_(_as_list(wanted)))
        with self._read() as conn:
            keys = sorted(conn.execute(query).all(), key=lambda r: (r.year, r.level, r.block))
            frame = self._load(conn, keys)
        for column, wanted in (("province", province), ("parent", parent)):
            if wanted is not None:
                frame = frame[frame[column].isin([str(v) for v in _as_list(wanted)])]
        return frame.reset_index(drop=True)

    def _load(self, conn: sa.Connection, keys: list) -> pd.DataFrame:
        """The rows of these slices (in this order): ranges of dataset frames, else score rows."""
        if not keys:
            return sf.empty_scores()
        ids = sorted({k.dataset_id for k in keys})
        t, f = slices_table.c, frames_table.c
        blobs = {} if not sf.frames_available() else dict(conn.execute(
            sa.select(f.dataset_id, f.data).where(f.dataset_id.in_(ids),
                                                  f.format == sf.FRAME_FORMAT)).all())
        tables = {d: sf.read_table(blob) for d, blob in blobs.items()}
        offsets: dict[tuple, tuple[int, int]] = {}
        rows = sorted(conn.execute(sa.select(t.dataset_id, t.year, t.level, t.block, t.n_rows)
                                   .where(t.dataset_id.in_(list(blobs)))).all(),
                      key=lambda r: (r.dataset_id, r.year, r.level, r.block))
        for dataset_id in tables:
            mine, start = {}, 0
            for r in (r for r in rows if r.dataset_id == dataset_id):
                mine[(dataset_id, r.year, r.level, r.block)] = (start, r.n_rows)
                start += r.n_rows
            if start == tables[dataset_id].num_rows:  # else distrust the frame: read the rows
                offsets.update(mine)
        parts: list[pd.DataFrame] = []
        ranges: list[list] = []  # [dataset_id, start, length], neighbours merged
        for k in keys:
            key = (k.dataset_id, k.year, k.level, k.block)
            if key not in offsets:  # no frame (stored without pyarrow): the slow path
                parts.append(self._ranges(tables, ranges))
                parts.append(self._rows(conn, *key))
                ranges = []
                continue
            start, length = offsets[key]
            if ranges and ranges[-1][0] == k.dataset_id and sum(ranges[-1][1:]) == start:
                ranges[-1][2] += length
            else:
                ranges.append([k.dataset_id, start, length])
        parts.append(self._ranges(tables, ranges))
        parts = [p for p in parts if len(p)] or [sf.empty_scores()]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    @staticmethod
    def _ranges(tables: dict, ranges: list[list]) -> pd.DataFrame:
        """Row ranges of decoded dataset frames as one canonical frame."""
        return sf.to_frame([tables[d].slice(start, length) for d, start, length in ranges])

    def _rows(self, conn: sa.Connection, dataset_id: int, year: int, level: str,
              block: str) -> pd.DataFrame:
        """One slice read row by row from the `scores` table (the slow, always-there path)."""
        s = scores_table.c
        rows = conn.execute(sa.select(*[s[c] for c in SCORE_COLUMNS])
                            .where(s.dataset_id == dataset_id, s.year == year, s.level == level,
                                   s.block == block).order_by(s.seq)).all()
        return sf.from_rows([tuple(r) for r in rows])

    def rows_of(self, dataset_id: int) -> pd.DataFrame:
        """One dataset's stored rows with their sheet and row, to trace a number to its file."""
        s = scores_table.c
        with self._read() as conn:
            rows = conn.execute(sa.select(scores_table).where(s.dataset_id == int(dataset_id))
                                .order_by(s.year, s.level, s.block, s.seq)).all()
        columns = [c.name for c in scores_table.columns]
        return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)

    def datasets(self) -> pd.DataFrame:
        """Every dataset (version) with its status, newest last."""
        t = slices_table.c
        counts = (sa.select(t.dataset_id, sa.func.count().label("n_slices"),
                            sa.func.sum(sa.case((t.active, 1), else_=0)).label("active_slices"))
                  .group_by(t.dataset_id).subquery())
        d = datasets_table.c
        query = (sa.select(d.id.label("dataset_id"), d.created_at, d.created_by, d.file_name,
                           d.sha256, d.note, d.bands, d.years, d.levels, d.blocks, d.provinces,
                           d.n_rows, d.status, counts.c.active_slices, counts.c.n_slices,
                           d.supersedes)
                 .join(counts, counts.c.dataset_id == d.id, isouter=True).order_by(d.id))
        with self._read() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=DATASET_COLUMNS)
        for column in ("years", "levels", "blocks", "provinces", "supersedes"):
            # names hold commas («Sở, ban, ngành tỉnh»): they are listed with semicolons
            sep = "; " if column in ("blocks", "provinces") else ", "
            frame[column] = [sep.join(str(v) for v in json.loads(x)) for x in frame[column]]
        frame["created_at"] = _utc(frame["created_at"])
        text = ["created_by", "file_name", "sha256", "note", "bands", "years", "levels", "blocks",
                "provinces", "status", "supersedes"]
        return frame.astype({"dataset_id": "int64", "n_rows": "int64", "active_slices": "int64",
                             "n_slices": "int64", **dict.fromkeys(text, "str")})

    def slices(self, active_only: bool = False) -> pd.DataFrame:
        """Which dataset covers which (year, level, block), and which one is active there."""
        t = slices_table.c
        query = sa.select(*[t[c] for c in SLICE_COLUMNS]).order_by(t.year, t.level, t.block,
                                                                   t.dataset_id)
        if active_only:
            query = query.where(t.active)
        with self._read() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=SLICE_COLUMNS)
        return frame.astype({"dataset_id": "int64", "year": "int64", "n_rows": "int64",
                             "active": "bool"})

    def data_version(self, year: int | None = None, level: str | None = None) -> str:
        """Which active datasets a view's numbers come from ("#3, #7"), for exports' title blocks."""
        return ", ".join(f"#{i}" for i in self._active_ids(year, level))

    def is_sample(self, year: int | None = None, level: str | None = None) -> bool:
        """Whether a view's active numbers include the demo province's (loaded as DEMO_USER)."""
        ds = self.datasets()
        demo = set(ds.loc[ds["created_by"] == DEMO_USER, "dataset_id"].astype(int))
        return bool(demo & set(self._active_ids(year, level)))

    def _active_ids(self, year: int | None, level: str | None) -> list[int]:
        """The active datasets of a year and level (None: all), in order."""
        slices = self.slices(active_only=True)
        if year is not None:
            slices = slices[slices["year"] == year]
        if level is not None:
            slices = slices[slices["level"] == level]
        return sorted({int(i) for i in slices["dataset_id"]})

    def bands(self, years=None, levels=None, blocks=None):
        """The band scheme of the newest active dataset in the selection (None: none named)."""
        t, d = slices_table.c, datasets_table.c
        query = (sa.select(d.bands).join(slices_table, t.dataset_id == d.id)
                 .where(t.active, d.bands.is_not(None)).order_by(d.id.desc()).limit(1))
        years = None if years is None else [int(y) for y in _as_list(years)]
        for column, wanted in ((t.year, years), (t.level, levels), (t.block, blocks)):
            if wanted is not None:
                query = query.where(column.in_(_as_list(wanted)))
        with self._read() as conn:
            spec = conn.execute(query).scalar()
        return parse_bands(spec) if spec else None

    def revision(self) -> int:
        """A number that grows with every score-data write (import or rollback): a cache key.

        Sign-ins and user changes are audited too but do not move it.
        """
        a = audit_table.c
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(a.id), 0))
                                    .where(a.action.in_(DATA_ACTIONS))).scalar_one())

    def file_bytes(self, sha256: str) -> bytes:
        """The original bytes of an imported file, by its SHA-256."""
        with self._read() as conn:
            data = conn.execute(sa.select(files_table.c.data)
                                .where(files_table.c.sha256 == str(sha256).lower())).scalar()
        if data is None:
            raise StoreError(f"Không có tệp với SHA-256 {sha256}.", f"No file with SHA-256 {sha256}.")
        return bytes(data)

    def save_report_template(self, data: bytes | None, name: str = "", *,
                             user: Actor | None = None) -> None:
        """The province's Word template for reports (checked by reports.template first), kept
        with its name and audited; None goes back to the default layout. Editors and admins."""
        from cchc_metrics.store.indicators import _keep_file

        grant = self.accounts.authorise(user, "editor", TEMPLATE_VI_EN)
        p = preferences_table.c
        with self._write() as conn:
            self.accounts.confirm(conn, grant, "editor", TEMPLATE_VI_EN)
            value = None if data is None else {"sha256": _keep_file(conn, bytes(data)),
                                               "file_name": str(name)}
            conn.execute(preferences_table.delete().where(p.key == TEMPLATE_KEY))
            if value is not None:
                conn.execute(preferences_table.insert().values(
                    key=TEMPLATE_KEY, value=_json(value), updated_at=_now()))
            self._log(conn, grant.name, "report_template", None,
                      {"file_name": str(name)} if value else {"default": True})

    def report_template(self) -> tuple[str, bytes] | None:
        """(name, bytes) of the province's report template, or None (the default layout)."""
        kept = self.recall(TEMPLATE_KEY)
        return None if not kept else (kept["file_name"], self.file_bytes(kept["sha256"]))

    def remember(self, key: str, value, *, user: Actor | None = None) -> None:
        """Keep a small JSON-able choice for next time (not score data: the revision stays).

        Needs an editor or admin Actor, like the import the choice belongs to.
        """
        grant = self.accounts.authorise(user, "editor", REMEMBER_VI_EN)
        p = preferences_table.c
        with self._write() as conn:
            self.accounts.confirm(conn, grant, "editor", REMEMBER_VI_EN)
            found = conn.execute(sa.select(p.key).where(p.key == str(key))).first()
            stmt = (preferences_table.update().where(p.key == str(key)) if found
                    else preferences_table.insert().values(key=str(key)))
            conn.execute(stmt.values(value=_json(value), updated_at=_now()))

    def recall(self, key: str, default=None):
        """A choice kept with remember(), or `default`."""
        p = preferences_table.c
        with self._read() as conn:
            text = conn.execute(sa.select(p.value).where(p.key == str(key))).scalar()
        return default if text is None else json.loads(text)

    def audit(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, oldest first (the last `limit` entries when given)."""
        a = audit_table.c
        query = sa.select(*[a[c] for c in AUDIT_COLUMNS]).order_by(a.id.desc())
        if limit:
            query = query.limit(int(limit))
        with self._read() as conn:
            rows = conn.execute(query).all()[::-1]
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=AUDIT_COLUMNS)
        frame["ts"] = _utc(frame["ts"])
        return frame.astype({"id": "int64", "dataset_id": "Int64"})


def upgrade(url: str | None = None) -> None:
    """Migrate a database in place to the schema this code expects (no-op when current)."""
    Store(url).close()


def open_store(url: str | None = None, **options) -> Store:
    """Open (and migrate) the store at `url` or the configured one."""
    return Store(url, **options)


def fitting_name(name: str) -> str:
    """A file name cut to fit its column, keeping the extension ("…" marks the cut)."""
    if len(name) <= MAX_FILE_NAME_CHARS:
        return name
    ext = name[name.rfind("."):] if 0 < len(name) - name.rfind(".") <= 10 else ""
    return name[:MAX_FILE_NAME_CHARS - len(ext) - 1] + "…" + ext


def _duplicate(existing, file_name: str, warnings) -> ImportResult:
    """The report for bytes already imported."""
    return ImportResult(dataset_id=int(existing.id), duplicate=True, file_name=file_name,
                        sha256=existing.sha256, n_rows=int(existing.n_rows), slices=[],
                        superseded=[], status=existing.status, warnings=list(warnings or []))


def _distinct(column: pd.Series) -> list[str]:
    """The sorted non-empty values of a text column (without iterating every row in Python)."""
    return sorted(str(v) for v in column.unique() if v != "")


def _as_list(value) -> list:
    """A filter value as a list (a single string is one value, not its characters)."""
    if isinstance(value, (str, bytes, int)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


__all__ = ["BUSY_TIMEOUT_S", "USER_COLUMNS", "Actor", "AuthError", "ImportResult",
           "NotAllowedError", "RollbackResult", "Store", "StoreBusyError", "StoreError",
           "database_url", "default_user", "open_store", "upgrade"]
