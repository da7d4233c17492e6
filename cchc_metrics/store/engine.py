"""The store's plumbing: database URL, engines (SQLite WAL, our own BEGIN), migrations, errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from cchc_metrics import settings
from cchc_metrics.i18n import Msg, MsgError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another one before "try again"


class StoreError(MsgError):
    """A refusal or failure of the store, said in Vietnamese and English (its .msg)."""

    def __init__(self, vi: str | Msg, en: str | None = None):
        super().__init__(vi if isinstance(vi, Msg) else Msg(vi, en or vi))


class StoreBusyError(StoreError):
    """Another import or rollback holds the database: nothing was written, try again."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "Cơ sở dữ liệu đang bận với một lần nhập hoặc khôi phục khác; chưa có gì được ghi. "
            "Vui lòng thử lại sau ít phút.",
            "The database is busy with another import or rollback; nothing was written. "
            "Please try again in a moment.")
        self.detail = detail



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


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for other databases or in-memory)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str, busy_timeout: float) -> sa.Engine:
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


def alembic_config(conn: sa.Connection):
    """An Alembic config pointing at our migrations, bound to an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(conn: sa.Connection) -> str | None:
    """The migration a database is at (None for an empty one)."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade_engine(engine: sa.Engine) -> None:
    """Bring a database to the newest schema, once, even with several processes opening it."""
    head = head_revision()
    with db_errors(), engine.connect() as conn:
        with conn.begin():
            current = current_revision(conn)
        if current == head:
            return
        conn.execution_options(cchc_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('cchc_store_upgrade'))")
            if current_revision(conn) != head:
                from alembic import command

                command.upgrade(alembic_config(conn), "head")


def is_busy(exc: BaseException) -> bool:
    """Whether a driver error means "another writer holds the lock" rather than a fault."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in {"55P03", "40001", "40P01"}:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


@contextlib.contextmanager
def db_errors() -> Iterator[None]:
    """Driver errors as StoreError / StoreBusyError: a message, never a traceback."""
    try:
        yield
    except sa_exc.DBAPIError as exc:
        if is_busy(exc):
            raise StoreBusyError(str(exc.orig)) from None
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc).__name__
        raise StoreError(f"Lỗi cơ sở dữ liệu: {detail}", f"Database error: {detail}") from None
