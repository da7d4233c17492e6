"""The one gateway to the score database: versioned datasets, active slices, audit, original files.

* An import is a new dataset. It takes over every (year, level, block) slice it covers: the
  dataset that was active there becomes superseded for exactly those slices (``partial`` when it
  stays active elsewhere). A rollback hands a dataset's slices back to it. Nothing is deleted.
* Each import or rollback is one transaction, serialised by a lock (SQLite ``BEGIN IMMEDIATE``,
  PostgreSQL ``LOCK TABLE``); a writer that cannot get it in time gets StoreBusyError ("try
  again"), never a half-written state.
* Reads come from per-slice Arrow frames written in the same transaction as the rows (see
  store_frames); the `scores` table stays the row-level record, traceable to sheet and row.

The database URL is ``CCHC_DATABASE_URL``, else SQLite ``cchc.sqlite`` in the data directory
(WAL mode). PostgreSQL goes through psycopg 3, with COPY for the score rows.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from cchc_metrics import settings
from cchc_metrics import store_frames as sf
from cchc_metrics.model import SCORE_COLUMNS, band_spec, parse_bands
from cchc_metrics.store_schema import audit as audit_table
from cchc_metrics.store_schema import datasets as datasets_table
from cchc_metrics.store_schema import files as files_table
from cchc_metrics.store_schema import frames as frames_table
from cchc_metrics.store_schema import scores as scores_table
from cchc_metrics.store_schema import slices as slices_table

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another one before "try again"
CHUNK_ROWS = 10_000  # rows per executemany / COPY chunk (and per progress report)
Slice = tuple[int, str, str]  # (year, level, block)
Progress = Callable[[int, int], None]  # (rows written, rows in all)

DATASET_COLUMNS = ["dataset_id", "created_at", "created_by", "file_name", "sha256", "note",
                   "bands", "years", "levels", "blocks", "provinces", "n_rows", "status",
                   "active_slices", "n_slices", "supersedes"]
SLICE_COLUMNS = ["dataset_id", "year", "level", "block", "n_rows", "active"]
AUDIT_COLUMNS = ["id", "ts", "actor", "action", "dataset_id", "detail"]


class StoreError(Exception):
    """A refusal or failure of the store, said in Vietnamese and English."""

    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(f"{vi} / {en}")


class StoreBusyError(StoreError):
    """Another import or rollback holds the database: nothing was written, try again."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "Cơ sở dữ liệu đang bận với một lần nhập hoặc khôi phục khác; chưa có gì được ghi. "
            "Vui lòng thử lại sau ít phút.",
            "The database is busy with another import or rollback; nothing was written. "
            "Please try again in a moment.")
        self.detail = detail


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
        ids = ", ".join(f"#{i}" for i in self.superseded)
        if self.duplicate:
            if lang == "vi":
                return (f"Tệp «{self.file_name}» đã được nhập trước đây (bộ dữ liệu "
                        f"#{self.dataset_id}, {_STATUS_VI[self.status]}); không nhập lại. "
                        + ("" if self.status == "active" else
                           f"Dùng «rollback {self.dataset_id}» để dùng lại phiên bản đó."))
            return (f"The file «{self.file_name}» was imported before (dataset "
                    f"#{self.dataset_id}, {self.status}); not imported again. "
                    + ("" if self.status == "active" else
                       f"Use «rollback {self.dataset_id}» to make that version active again."))
        if lang == "vi":
            return (f"Đã nhập {self.n_rows} dòng điểm thành bộ dữ liệu #{self.dataset_id}"
                    + (f"; thay thế {ids} cho các năm và khối trùng." if ids else "."))
        return (f"Imported {self.n_rows} score rows as dataset #{self.dataset_id}"
                + (f"; supersedes {ids} for the same years and blocks." if ids else "."))


@dataclass(frozen=True)
class RollbackResult:
    """What a rollback did: the slices given back and the datasets that lost them."""

    dataset_id: int
    slices: list[Slice]
    superseded: list[int]
    changed: bool

    def message(self, lang: str = "vi") -> str:
        """One sentence for the command line and the page."""
        ids = ", ".join(f"#{i}" for i in self.superseded) or "—"
        if not self.changed:
            return (f"Bộ dữ liệu #{self.dataset_id} đang được dùng; không có gì thay đổi."
                    if lang == "vi" else
                    f"Dataset #{self.dataset_id} is already active; nothing changed.")
        if lang == "vi":
            return f"Đã dùng lại bộ dữ liệu #{self.dataset_id}; thay thế: {ids}."
        return f"Dataset #{self.dataset_id} is active again; superseded: {ids}."


# Binary COPY types of the `scores` columns, in insert order (dataset_id first).
_PG_ROW_TYPES = ["int4", "int4", "varchar", "varchar", "int4", "text", "text", "text", "text",
                 "text", "float8", "float8", "float8", "text", "text", "int4"]
_STATUS_VI = {"active": "đang dùng", "partial": "dùng một phần", "superseded": "đã bị thay thế"}


# ---------------------------------------------------------------------------------------------
# Engine, URL, migrations


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else CCHC_DATABASE_URL, else SQLite in the data dir.

    A plain path (no "://") means an SQLite file.
    """
    url = url or settings.get("database_url")
    if not url:
        return f"sqlite:///{Path(settings.get('data_dir')) / 'cchc.sqlite'}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def _sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases or in-memory)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _make_engine(url: str, busy_timeout: float) -> sa.Engine:
    """An engine with SQLite in WAL mode, our own BEGIN (IMMEDIATE for writers)."""
    if sa.engine.make_url(url).get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("cchc_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config(conn: sa.Connection):
    """An Alembic config pointing at our migrations, bound to an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    return cfg


def _head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def _current_revision(conn: sa.Connection) -> str | None:
    """The migration a database is at (None for an empty one)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _upgrade_engine(engine: sa.Engine) -> None:
    """Bring a database to the newest schema, once, even with several processes opening it."""
    head = _head_revision()
    with _db_errors(), engine.connect() as conn:
        with conn.begin():
            current = _current_revision(conn)
        if current == head:
            return
        conn.execution_options(cchc_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('cchc_store_upgrade'))")
            if _current_revision(conn) != head:
                from alembic import command

                command.upgrade(_alembic_config(conn), "head")


def upgrade(url: str | None = None) -> None:
    """Migrate a database in place to the schema this code expects (no-op when current)."""
    engine = _make_engine(database_url(url), BUSY_TIMEOUT_S)
    try:
        _upgrade_engine(engine)
    finally:
        engine.dispose()


def _is_busy(exc: BaseException) -> bool:
    """Whether a driver error means "another writer holds the lock" rather than a fault."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in {"55P03", "40001", "40P01"}:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


@contextlib.contextmanager
def _db_errors() -> Iterator[None]:
    """Driver errors as StoreError / StoreBusyError: a message, never a traceback."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        if _is_busy(exc):
            raise StoreBusyError(str(exc.orig)) from None
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
        raise StoreError(f"Lỗi cơ sở dữ liệu: {detail}", f"Database error: {detail}") from None


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
        return os.environ.get("CCHC_USER") or getpass.getuser()
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
    """

    def __init__(self, url: str | None = None, *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT_S):
        self.url = database_url(url)
        self.busy_timeout = busy_timeout
        path = _sqlite_path(self.url)
        if path is not None and not path.exists():
            if not create:
                raise StoreError(f"Không tìm thấy cơ sở dữ liệu «{path}». Hãy nhập dữ liệu trước.",
                                 f"No database at «{path}». Import some data first.")
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = _make_engine(self.url, busy_timeout)
        try:
            _upgrade_engine(self.engine)
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
        with _db_errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """The one writer at a time: everything inside commits together or not at all."""
        with _db_errors(), self.engine.connect() as conn:
            conn.execution_options(cchc_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(
                        f"SET LOCAL lock_timeout = '{int(self.busy_timeout * 1000)}ms'")
                    conn.exec_driver_sql("LOCK TABLE datasets IN SHARE ROW EXCLUSIVE MODE")
                yield conn

    # -- writing ------------------------------------------------------------------------------

    def import_scores(self, scores: pd.DataFrame, *, file_name: str, file_bytes: bytes,
                      user: str, note: str = "", bands=None,
                      progress: Progress | None = None, warnings: list | None = None
                      ) -> ImportResult:
        """Store canonical scores as a new dataset that takes over the slices it covers.

        The same file bytes a second time are recognised: the earlier dataset is reported and
        nothing is written. `bands` is a scheme, a preset name or "Tốt:80,Khá:60,Kém:0".
        """
        try:
            frame = sf.canonical(scores)
            spec = band_spec(parse_bands(bands)) if bands is not None else None
        except ValueError as exc:
            raise StoreError(*_split(str(exc))) from None
        if frame.empty:
            raise StoreError("Không có dòng điểm nào để nhập.", "There are no score rows to import.")
        if not user or not str(user).strip():
            raise StoreError("Thiếu tên người nhập.", "The importing user is missing.")
        data = bytes(file_bytes)
        sha = hashlib.sha256(data).hexdigest()
        parts = _split_slices(frame)
        with self._write() as conn:
            existing = self._dataset_of_file(conn, sha)
            if existing is not None:  # nothing written: the empty transaction just ends
                return _duplicate(existing, file_name, warnings)
            taken = self._active_holders(conn, list(parts))
            dataset_id = self._insert_dataset(conn, frame, file_name=file_name, sha=sha,
                                              data=data, user=user, note=note, bands=spec,
                                              supersedes=sorted(set(taken.values())))
            if taken:
                self._set_active(conn, taken.items(), False)
            conn.execute(slices_table.insert(), [
                {"dataset_id": dataset_id, "year": y, "level": lv, "block": b,
                 "n_rows": len(part), "active": True} for (y, lv, b), part in parts.items()])
            self._insert_rows(conn, frame, dataset_id, progress)
            self._insert_frames(conn, dataset_id, parts)
            self._refresh_status(conn, set(taken.values()))
            self._log(conn, user, "import", dataset_id, {
                "file_name": file_name, "sha256": sha, "n_rows": len(frame),
                "slices": [list(k) for k in parts], "superseded": sorted(set(taken.values()))})
        return ImportResult(dataset_id=dataset_id, duplicate=False, file_name=file_name,
                            sha256=sha, n_rows=len(frame), slices=list(parts),
                            superseded=sorted(set(taken.values())), warnings=list(warnings or []))

    def import_file(self, source, name: str | None = None, *, user: str, note: str = "",
                    year: int | None = None, level: str | None = None, sheet: str | None = None,
                    bands=None, progress: Progress | None = None) -> ImportResult:
        """Read a score file with the readers and import it; a bad file raises ScoreFileError.

        `source` is a path, bytes or a file-like object (an upload). Same bytes → reported.
        """
        from cchc_metrics.workbooks import read_source

        data, file_name = read_source(source, name)
        sha = hashlib.sha256(data).hexdigest()
        with self._read() as conn:
            existing = self._dataset_of_file(conn, sha)
        if existing is not None:
            return _duplicate(existing, file_name, [])
        from cchc_metrics.readers import read_workbook

        result = read_workbook(data, year=year, level=level, sheet=sheet, bands=bands,
                               name=file_name)
        return self.import_scores(result.scores, file_name=file_name, file_bytes=data, user=user,
                                  note=note, bands=bands if bands is not None else result.bands,
                                  progress=progress, warnings=result.warnings)

    def rollback(self, dataset_id: int, *, user: str, note: str = "") -> RollbackResult:
        """Make a dataset active again for all its slices; their current holders are superseded."""
        with self._write() as conn:
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
            self._log(conn, user, "rollback", int(dataset_id), {
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
            created_at=_now(), created_by=str(user), file_name=str(file_name), sha256=sha,
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

    def _insert_frames(self, conn: sa.Connection, dataset_id: int,
                       parts: dict[Slice, pd.DataFrame]) -> None:
        """Each slice as one Arrow frame, when pyarrow is there (reads fall back to rows)."""
        if not sf.frames_available():
            return
        conn.execute(frames_table.insert(), [
            {"dataset_id": dataset_id, "year": y, "level": lv, "block": b,
             "format": sf.FRAME_FORMAT, "data": sf.encode(part)}
            for (y, lv, b), part in parts.items()])

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

    def _log(self, conn: sa.Connection, user: str, action: str, dataset_id: int | None,
             detail: dict) -> None:
        """One audit row; its id is the new revision."""
        conn.execute(audit_table.insert().values(ts=_now(), actor=str(user), action=action,
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
        """The rows of these slices: from their Arrow frames, else from the score rows."""
        if not keys:
            return sf.empty_scores()
        blobs: dict = {}
        if sf.frames_available():
            f = frames_table.c
            wanted = {(k.dataset_id, k.year, k.level, k.block) for k in keys}
            query = (sa.select(f.dataset_id, f.year, f.level, f.block, f.data)
                     .where(f.dataset_id.in_(sorted({k.dataset_id for k in keys})),
                            f.format == sf.FRAME_FORMAT))
            blobs = {(r.dataset_id, r.year, r.level, r.block): r.data
                     for r in conn.execute(query) if (r.dataset_id, r.year, r.level, r.block) in wanted}
        parts = []
        for k in keys:
            key = (k.dataset_id, k.year, k.level, k.block)
            parts.append(sf.decode([blobs[key]]) if key in blobs else self._rows(conn, *key))
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

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
            frame[column] = [", ".join(str(v) for v in json.loads(x)) for x in frame[column]]
        frame["created_at"] = _utc(frame["created_at"])
        return frame.astype({"dataset_id": "int64", "n_rows": "int64", "active_slices": "int64",
                             "n_slices": "int64"})

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

    def bands(self, years=None, levels=None, blocks=None):
        """The band scheme of the newest active dataset in the selection (None: none named)."""
        t, d = slices_table.c, datasets_table.c
        query = (sa.select(d.bands).join(slices_table, t.dataset_id == d.id)
                 .where(t.active, d.bands.is_not(None)).order_by(d.id.desc()).limit(1))
        for column, wanted in ((t.year, years), (t.level, levels), (t.block, blocks)):
            if wanted is not None:
                query = query.where(column.in_(_as_list(wanted)))
        with self._read() as conn:
            spec = conn.execute(query).scalar()
        return parse_bands(spec) if spec else None

    def revision(self) -> int:
        """A number that grows with every write (import or rollback): a cache key for reads."""
        with self._read() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_table.c.id), 0)))
                       .scalar_one())

    def file_bytes(self, sha256: str) -> bytes:
        """The original bytes of an imported file, by its SHA-256."""
        with self._read() as conn:
            data = conn.execute(sa.select(files_table.c.data)
                                .where(files_table.c.sha256 == str(sha256).lower())).scalar()
        if data is None:
            raise StoreError(f"Không có tệp với SHA-256 {sha256}.", f"No file with SHA-256 {sha256}.")
        return bytes(data)

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


def open_store(url: str | None = None, **options) -> Store:
    """Open (and migrate) the store at `url` or the configured one."""
    return Store(url, **options)


def _duplicate(existing, file_name: str, warnings) -> ImportResult:
    """The report for bytes already imported."""
    return ImportResult(dataset_id=int(existing.id), duplicate=True, file_name=file_name,
                        sha256=existing.sha256, n_rows=int(existing.n_rows), slices=[],
                        superseded=[], status=existing.status, warnings=list(warnings or []))


def _split_slices(frame: pd.DataFrame) -> dict[Slice, pd.DataFrame]:
    """A canonical frame cut into its (year, level, block) slices, each in file order."""
    return {(int(y), str(lv), str(b)): part.reset_index(drop=True)
            for (y, lv, b), part in frame.groupby(["year", "level", "block"], sort=True)}


def _distinct(column: pd.Series) -> list[str]:
    """The sorted non-empty values of a text column (without iterating every row in Python)."""
    return sorted(str(v) for v in column.unique() if v != "")


def _split(message: str) -> tuple[str, str]:
    """A "vi / en" message back into its two halves."""
    vi, sep, en = message.partition(" / ")
    return (vi, en) if sep else (message, message)


def _as_list(value) -> list:
    """A filter value as a list (a single string is one value, not its characters)."""
    if isinstance(value, (str, bytes, int)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


__all__ = ["BUSY_TIMEOUT_S", "ImportResult", "RollbackResult", "Store", "StoreBusyError",
           "StoreError", "database_url", "default_user", "open_store", "upgrade"]
