"""The versioned score store: versions, rollback, one transaction per import, locks, CLI."""

from __future__ import annotations

import io
import json
import os
import selectors
import shutil
import signal
import time

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cchc_metrics.store.frames as sf
from cchc_metrics.cli import main
from cchc_metrics.contract import SCORE_COLUMNS
from cchc_metrics.ingest.problems import ScoreFileError
from cchc_metrics.store import Store, StoreBusyError, StoreError, database_url, upgrade
from cchc_metrics.store import database as store_module
from cchc_metrics.store import engine as store_engine
from cchc_metrics.store.schema import metadata
from tests.store_fixtures import ROOT, big_scores, make_scores, python

DEMO = ROOT / "data" / "demo"
TABLES = ["files", "datasets", "dataset_slices", "scores", "dataset_frames", "audit",
          "preferences", "users"]

# A separate process importing `n_rows` rows. mode "hang": sleep inside the transaction after the
# first chunk (to be killed); "hold": wait there until the file `flag` exists; "go": plain import.
IMPORTER = r"""
import pathlib, sys, time
from cchc_metrics.store import Store, StoreBusyError
from tests.store_fixtures import big_scores
url, n_rows, mode, flag, timeout, label, seed = sys.argv[1:8]
frame = big_scores(int(n_rows), seed=int(seed))
state = {"first": True}



def progress(done, total):
    if not state["first"]:
        return
    state["first"] = False
    if mode != "go":
        print("INSIDE", flush=True)
    if mode == "hang":
        time.sleep(600)
    while mode == "hold" and not pathlib.Path(flag).exists():
        time.sleep(0.02)
store = Store(url, busy_timeout=float(timeout))
if mode == "go":
    print("READY", flush=True)
start = time.monotonic()
try:
    result = store.import_scores(frame, file_name=label + ".xlsx", file_bytes=label.encode(),
                                 user=store.accounts.system_actor(label), progress=progress)
except StoreBusyError as exc:
    print("BUSY", exc, flush=True)
    sys.exit(75)
print("DONE", result.dataset_id, round(time.monotonic() - start, 2), flush=True)
"""



def stored(frame: pd.DataFrame) -> pd.DataFrame:
    """What the store gives back for a frame: its canonical columns (the contract's, no location)."""
    return sf.canonical(frame)[SCORE_COLUMNS]

def read_line(proc, timeout: float = 60.0) -> str:
    """The next stdout line of a subprocess, failing the test (with its stderr) on a timeout."""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    if not sel.select(timeout):
        proc.kill()
        pytest.fail(f"no output within {timeout}s; stderr: {proc.stderr.read()}")
    line = proc.stdout.readline()
    if not line:
        pytest.fail(f"subprocess ended early ({proc.wait()}): {proc.stderr.read()}")
    return line.strip()


def counts(url: str) -> dict[str, int]:
    """Rows in each table, straight from the database."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        result = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one() for t in TABLES}
    engine.dispose()
    return result


def imp(store: Store, frame: pd.DataFrame, label: str, **kw):
    """Import a frame under a file label (distinct labels = distinct bytes), as a trusted editor."""
    return store.import_scores(frame, file_name=f"{label}.xlsx", file_bytes=label.encode(),
                               user=as_(store, kw.pop("user", "tester")), **kw)


def as_(store: Store, name: str):
    """A trusted editor actor of this store (what the command line uses)."""
    return store.accounts.system_actor(name)


@pytest.fixture
def store(store_url):
    with Store(store_url) as opened:
        yield opened


# --------------------------------------------------------------------------------------------
# Schema and migrations


def test_new_database_is_migrated_to_head_and_matches_the_tables(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(store_url)
    upgrade(store_url)  # a second time is a no-op
    engine = sa.create_engine(store_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == store_engine.head_revision()
        diffs = compare_metadata(context, metadata)
    engine.dispose()
    assert diffs == []


def test_a_database_at_the_first_schema_upgrades_in_place(store_url):
    from alembic import command

    engine = sa.create_engine(store_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:  # a database deployed with revision 0001, holding data
        command.upgrade(store_engine.alembic_config(conn), "0001")
    engine.dispose()
    with Store(store_url) as store:  # opening migrates it
        assert store.recall("mapping:x") is None
        imp(store, make_scores(2023), "a")
    engine = sa.create_engine(store_url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        from alembic.runtime.migration import MigrationContext

        assert MigrationContext.configure(conn).get_current_revision() == \
            store_engine.head_revision()
    engine.dispose()


def test_remembered_choices_survive_and_do_not_touch_the_revision(store_url):
    with Store(store_url) as store:
        store.remember("mapping:abc", {"Ý kiến": "ignore"}, user=as_(store, "an"))
        store.remember("mapping:abc", {"Ý kiến": "survey"}, user=as_(store, "an"))
        assert store.revision() == 0
    with Store(store_url) as store:
        assert store.recall("mapping:abc") == {"Ý kiến": "survey"}
        assert store.recall("nothing", {}) == {}


def test_reopening_keeps_data_and_sqlite_is_in_wal_mode(store_url):
    with Store(store_url) as first:
        imp(first, make_scores(2023), "a")
    with Store(store_url) as second:
        assert len(second.scores()) == 12
        if second.dialect == "sqlite":
            with second.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("CCHC_DATABASE_URL", raising=False)
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path))
    assert database_url() == f"sqlite:///{tmp_path / 'cchc.sqlite'}"
    monkeypatch.setenv("CCHC_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url(str(tmp_path / "x.sqlite")) == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_missing_sqlite_file_is_not_created_for_reading(tmp_path):
    path = tmp_path / "nothing.sqlite"
    with pytest.raises(StoreError, match="Import some data first"):
        Store(str(path), create=False)
    assert not path.exists()


# --------------------------------------------------------------------------------------------
# Import and read back


def test_scores_read_back_exactly_as_imported(store):
    frame = pd.concat([make_scores(2023, seed=1), make_scores(2023, "commune", seed=2)],
                      ignore_index=True)
    result = imp(store, frame, "a", note="QĐ 2729/QĐ-UBND ngày 25/12/2023", bands="xuat-sac-5")
    assert not result.duplicate and result.n_rows == len(frame) and result.superseded == []
    assert result.slices == [(2023, "commune", "UBND xã, phường, thị trấn"),
                             (2023, "department", "Sở, ban, ngành tỉnh")]
    got = store.scores()
    expected = stored(frame).sort_values(["year", "level", "block"],
                                                              kind="stable")
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))
    assert got["self_points"].isna().sum() == frame["self_points"].isna().sum() > 0
    row = store.datasets().iloc[0]
    assert (row["note"], row["bands"], row["years"], row["status"], row["created_by"]) == (
        "QĐ 2729/QĐ-UBND ngày 25/12/2023", "Xuất sắc:90,Tốt:80,Khá:70,Trung bình:50,Yếu:0",
        "2023", "active", "tester")
    assert store.bands() == [("Xuất sắc", 90.0), ("Tốt", 80.0), ("Khá", 70.0),
                             ("Trung bình", 50.0), ("Yếu", 0.0)]


def test_rows_are_traceable_to_sheet_and_row(store):
    imp(store, make_scores(2022, n_units=2), "a")
    rows = store.rows_of(1)
    assert list(rows["sheet"].unique()) == ["Năm 2022"]
    assert rows["sheet_row"].tolist() == [6, 6, 6, 7, 7, 7]
    assert rows["seq"].tolist() == list(range(6))


def test_filters_select_years_levels_blocks_province_and_parent(store):
    imp(store, make_scores(2022), "a")
    imp(store, make_scores(2023, "commune", "Khối phường", province="Tỉnh B"), "b")
    imp(store, make_scores(2023, "commune", "Khối xã, đặc khu", province="Tỉnh B"), "c")
    assert set(store.scores(years=2022)["level"]) == {"department"}
    assert len(store.scores(years=[2022, 2023])) == 36
    assert len(store.scores(years=np.array([2023])[0])) == 24  # a numpy year, as pandas gives
    assert set(store.scores(levels="commune")["block"]) == {"Khối phường", "Khối xã, đặc khu"}
    assert len(store.scores(blocks=["Khối phường"])) == 12
    assert len(store.scores(province="Tỉnh B")) == 24
    assert set(store.scores(parent="Huyện 1")["unit"]) == {"Đơn vị 2", "Đơn vị 4"}
    empty = store.scores(years=1999)
    assert empty.empty and list(empty.columns) == SCORE_COLUMNS
    assert empty.dtypes["year"] == "int64" and empty.dtypes["points"] == "float64"


def test_same_bytes_again_are_reported_not_duplicated(store):
    first = imp(store, make_scores(2023), "same")
    before, revision = counts(store.url), store.revision()
    again = imp(store, make_scores(2023, seed=9), "same")
    assert again.duplicate and again.dataset_id == first.dataset_id
    assert "đã được nhập" in again.message("vi") and "imported before" in again.message("en")
    assert counts(store.url) == before and store.revision() == revision


def test_a_refused_frame_writes_nothing(store):
    imp(store, make_scores(2023), "a")
    before, revision = counts(store.url), store.revision()
    bad_level = make_scores(2024).assign(level="planet")
    with pytest.raises(StoreError, match="Unknown level"):
        imp(store, bad_level, "b")
    with pytest.raises(StoreError, match="lack columns: points"):
        imp(store, make_scores(2024).drop(columns=["points"]), "c")
    with pytest.raises(StoreError, match="no score rows"):
        imp(store, make_scores(2024).head(0), "d")
    with pytest.raises(StoreError, match="whole years"):
        imp(store, make_scores(2024).assign(year=2024.5), "e")
    assert counts(store.url) == before and store.revision() == revision


def test_original_bytes_are_kept_by_hash_not_by_name(store, tmp_path):
    payload = b"PK\x03\x04 original upload bytes"
    result = store.import_scores(make_scores(2023), file_name="../../etc/passwd",
                                 file_bytes=payload, user=as_(store, "tester"))
    assert store.file_bytes(result.sha256) == payload
    assert store.datasets().iloc[0]["file_name"] == "../../etc/passwd"
    with pytest.raises(StoreError, match="No file with SHA-256"):
        store.file_bytes("0" * 64)
    assert not (tmp_path.parent / "etc").exists()


def test_revision_changes_on_every_write(store):
    seen = [store.revision()]
    imp(store, make_scores(2022), "a")
    seen.append(store.revision())
    imp(store, make_scores(2022, seed=3), "b")
    seen.append(store.revision())
    store.rollback(1, user=as_(store, "boss"))
    seen.append(store.revision())
    store.rollback(1, user=as_(store, "boss"))  # already active: no write
    assert store.revision() == seen[-1]
    assert seen == sorted(set(seen)) and len(seen) == 4


# --------------------------------------------------------------------------------------------
# Versions: supersede exactly the slices covered, roll back, keep everything


def test_an_import_supersedes_exactly_the_slices_it_covers(store):
    old = pd.concat([make_scores(2022, seed=1), make_scores(2023, seed=2)], ignore_index=True)
    imp(store, old, "old")
    imp(store, make_scores(2023, "commune", seed=3), "communes")
    new = imp(store, make_scores(2023, seed=4, prefix="Sở"), "new")
    assert new.superseded == [1]
    status = store.datasets().set_index("dataset_id")["status"].to_dict()
    assert status == {1: "partial", 2: "active", 3: "active"}
    pd.testing.assert_frame_equal(store.scores(years=2023, levels="department"),
                                  stored(make_scores(2023, seed=4, prefix="Sở")))
    pd.testing.assert_frame_equal(store.scores(years=2022), stored(make_scores(2022, seed=1)))
    active = store.slices(active_only=True)
    assert active.groupby(["year", "level", "block"]).size().max() == 1
    assert dict(zip(active["year"].astype(str) + active["level"], active["dataset_id"],
                    strict=True)) == {"2022department": 1, "2023commune": 2, "2023department": 3}
    assert store.datasets().set_index("dataset_id").loc[3, "supersedes"] == "1"


def test_rollback_gives_the_slices_back_and_deletes_nothing(store):
    imp(store, pd.concat([make_scores(2022, seed=1), make_scores(2023, seed=2)]), "v1")
    imp(store, make_scores(2023, seed=5), "v2")
    before = counts(store.url)
    result = store.rollback(1, user=as_(store, "boss"), note="sai số liệu")
    assert result.changed and result.superseded == [2]
    assert "#1" in result.message("vi") and "#2" in result.message("en")
    pd.testing.assert_frame_equal(store.scores(years=2023), stored(make_scores(2023, seed=2)))
    status = store.datasets().set_index("dataset_id")["status"].to_dict()
    assert status == {1: "active", 2: "superseded"}
    after = counts(store.url)
    assert {t: after[t] for t in TABLES if t != "audit"} == \
        {t: before[t] for t in TABLES if t != "audit"}
    assert after["audit"] == before["audit"] + 1
    # the superseded version is still readable exactly as it was
    pd.testing.assert_frame_equal(store.scores(dataset_id=2), stored(make_scores(2023, seed=5)))
    log = store.audit()
    assert log["action"].tolist() == ["import", "import", "rollback"]
    assert log.iloc[-1]["actor"] == "boss"
    assert json.loads(log.iloc[-1]["detail"])["note"] == "sai số liệu"
    # and forward again
    assert store.rollback(2, user=as_(store, "boss")).superseded == [1]
    assert store.datasets().set_index("dataset_id")["status"].to_dict() == {1: "partial",
                                                                            2: "active"}


def test_rollback_of_an_unknown_dataset_is_refused(store):
    with pytest.raises(StoreError, match="no dataset #42"):
        store.rollback(42, user=as_(store, "boss"))


def test_duplicate_of_a_superseded_version_points_to_rollback(store):
    imp(store, make_scores(2023, seed=1), "v1")
    imp(store, make_scores(2023, seed=2), "v2")
    again = imp(store, make_scores(2023, seed=1), "v1")
    assert again.duplicate and again.status == "superseded"
    assert "rollback 1" in again.message("en") and "rollback 1" in again.message("vi")


# A small universe of slices; each step imports some of them or rolls back to an earlier version.
SLICES = [(2022, "department", "Sở, ban, ngành tỉnh"), (2023, "department", "Sở, ban, ngành tỉnh"),
          (2023, "commune", "Khối phường"), (2023, "commune", "Khối xã, đặc khu")]
steps = st.lists(st.one_of(
    st.tuples(st.just("import"), st.sets(st.sampled_from(range(len(SLICES))), min_size=1)),
    st.tuples(st.just("rollback"), st.integers(1, 8))), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    """A migrated empty SQLite file, copied for each hypothesis example (migrating is slow)."""
    path = tmp_path_factory.mktemp("template") / "empty.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_any_sequence_of_imports_and_rollbacks_matches_the_model(steps, template_db, tmp_path):
    path = tmp_path / f"model_{time.monotonic_ns()}.sqlite"
    shutil.copy(template_db, path)
    frames: dict[int, dict] = {}  # dataset id → slice → canonical frame
    active: dict[tuple, int] = {}  # the model: slice → active dataset id
    with Store(str(path)) as store:
        for kind, arg in steps:
            if kind == "import":
                n = len(frames) + 1
                parts = {SLICES[i]: make_scores(SLICES[i][0], SLICES[i][1], SLICES[i][2],
                                                seed=n * 10 + i, n_units=1 + (n + i) % 3)
                         for i in sorted(arg)}
                result = imp(store, pd.concat(parts.values(), ignore_index=True), f"f{n}")
                assert result.dataset_id == n
                assert result.superseded == sorted({active[s] for s in parts if s in active})
                frames[n] = parts
                active.update({s: n for s in parts})
            elif arg in frames:
                store.rollback(arg, user=as_(store, "u"))
                active.update({s: arg for s in frames[arg]})
            else:
                with pytest.raises(StoreError):
                    store.rollback(arg, user=as_(store, "u"))
        got = store.slices(active_only=True)
        assert {(y, lv, b): d for d, y, lv, b in
                zip(got["dataset_id"], got["year"], got["level"], got["block"], strict=True)} == active
        expected = [stored(frames[active[s]][s]) for s in sorted(active)]
        pd.testing.assert_frame_equal(store.scores(), pd.concat(expected, ignore_index=True)
                                      if expected else sf.empty_scores())
        for dataset_id, parts in frames.items():
            mine = [s for s in parts if active.get(s) == dataset_id]
            want = "active" if len(mine) == len(parts) else "partial" if mine else "superseded"
            assert store.datasets().set_index("dataset_id").loc[dataset_id, "status"] == want


# --------------------------------------------------------------------------------------------
# The two read paths agree; sources parse to sheet and row


texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_frames_and_rows_read_back_the_same(data, template_db, tmp_path):
    n = data.draw(st.integers(1, 12))
    numbers = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
    frame = pd.DataFrame({
        "year": data.draw(st.lists(st.integers(1990, 2100), min_size=n, max_size=n)),
        "level": data.draw(st.lists(st.sampled_from(["department", "district", "commune"]),
                                    min_size=n, max_size=n)),
        **{c: data.draw(st.lists(texts, min_size=n, max_size=n))
           for c in ["block", "province", "parent", "unit_code", "component", "source"]},
        "unit": data.draw(st.lists(texts.filter(bool), min_size=n, max_size=n)),
        **{c: pd.array(data.draw(st.lists(numbers, min_size=n, max_size=n)), dtype="Float64")
           .astype("float64") for c in ["max_points", "points", "self_points"]},
    })
    path = tmp_path / f"rt_{time.monotonic_ns()}.sqlite"
    shutil.copy(template_db, path)
    with Store(str(path)) as store:
        imp(store, frame, "x")
        via_frames = store.scores()
        keys = store.slices()[["dataset_id", "year", "level", "block"]]
        with store._read() as conn:
            via_rows = pd.concat([store._rows(conn, int(d), int(y), lv, b)
                                  for d, y, lv, b in keys.itertuples(index=False)],
                                 ignore_index=True)
    expected = stored(frame)
    expected = pd.concat([part for _, part in expected.groupby(["year", "level", "block"],
                                                               sort=True)], ignore_index=True)
    pd.testing.assert_frame_equal(via_frames, expected)
    pd.testing.assert_frame_equal(via_rows, expected)


def test_without_pyarrow_frames_the_rows_are_read(store, monkeypatch):
    imp(store, make_scores(2023), "a")
    fast = store.scores()
    monkeypatch.setattr(sf, "frames_available", lambda: False)
    pd.testing.assert_frame_equal(store.scores(), fast)
    imp(store, make_scores(2024), "b")  # stored without a frame
    monkeypatch.undo()
    assert len(store.scores()) == 24


def test_a_frame_that_disagrees_with_its_slices_is_not_trusted(store):
    imp(store, make_scores(2023), "a")
    expected = store.scores()
    with store.engine.begin() as conn:  # a frame of another dataset's size: stale or damaged
        conn.execute(sa.update(store_module.frames_table).values(
            data=sf.encode(stored(make_scores(2023, n_units=2)))))
    pd.testing.assert_frame_equal(store.scores(), expected)


def test_scores_without_a_location_are_stored_without_one(store):
    """Sheet and row come from the reader's columns, never parsed back out of `source`."""
    scores = make_scores(2022, n_units=1).drop(columns=["sheet", "row"])
    imp(store, scores, "a")
    rows = store.rows_of(1)
    assert set(rows["sheet"]) == {""} and rows["sheet_row"].isna().all()
    assert rows["source"].str.contains("dòng 6").all()  # the text is kept, as published


# --------------------------------------------------------------------------------------------
# Files through the readers


def test_import_file_reads_the_file_and_refuses_nothing_good(store):
    path = DEMO / "so_ban_nganh.xlsx"
    result = store.import_file(path, user=as_(store, "tester"), note="mẫu")
    from cchc_metrics.ingest.reader import read_scores

    expected = stored(read_scores(path))
    expected = pd.concat([p for _, p in expected.groupby(["year", "level", "block"], sort=True)],
                         ignore_index=True)
    pd.testing.assert_frame_equal(store.scores(), expected)
    assert result.file_name == "so_ban_nganh.xlsx" and store.file_bytes(result.sha256) == \
        path.read_bytes()
    again = store.import_file(io.BytesIO(path.read_bytes()), "copy.xlsx", user=as_(store, "other"))
    assert again.duplicate and again.dataset_id == result.dataset_id


def test_import_file_refuses_a_bad_file_and_writes_nothing(store):
    imp(store, make_scores(2023), "a")
    before = counts(store.url)
    with pytest.raises(ScoreFileError):
        store.import_file(b"this is not a spreadsheet\x00\x01", "bang.xlsx", user=as_(store, "tester"))
    assert counts(store.url) == before


# --------------------------------------------------------------------------------------------
# One transaction per import; concurrent writers


def test_a_failure_midway_leaves_the_database_as_before(store):
    imp(store, make_scores(2024, "commune"), "base")
    before, scores_before = counts(store.url), store.scores()

    def explode(done, total):
        if done >= store_module.CHUNK_ROWS:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        imp(store, big_scores(3 * store_module.CHUNK_ROWS), "big", progress=explode)
    assert counts(store.url) == before
    pd.testing.assert_frame_equal(store.scores(), scores_before)


def test_kill_9_in_the_middle_of_an_import_leaves_the_database_as_before(store_url):
    with Store(store_url) as store:
        imp(store, make_scores(2024, "commune", n_units=5), "base")
        before, scores_before, revision = counts(store_url), store.scores(), store.revision()
    proc = python(IMPORTER, store_url, str(6 * store_module.CHUNK_ROWS), "hang", "", "30",
                  "crash", "7")
    assert read_line(proc) == "INSIDE"  # the first chunk is written, uncommitted
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    with Store(store_url) as store:
        assert counts(store_url) == before
        assert store.revision() == revision
        pd.testing.assert_frame_equal(store.scores(), scores_before)
        assert store.datasets()["status"].tolist() == ["active"]
        if store.dialect == "sqlite":
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        # and the lock is gone: the next import goes through
        assert imp(store, make_scores(2024, "commune", seed=4), "after").superseded == [1]


def test_two_writers_at_once_both_succeed_in_order(store_url, tmp_path):
    upgrade(store_url)
    flag = tmp_path / "release"
    first = python(IMPORTER, store_url, "25000", "hold", str(flag), "30", "first", "1")
    assert read_line(first) == "INSIDE"  # holds the write lock mid-import
    second = python(IMPORTER, store_url, "300", "go", "", "30", "second", "2")
    assert read_line(second) == "READY"  # about to import: it will meet the lock
    time.sleep(1.5)
    assert second.poll() is None  # waiting for the first, not failing
    flag.touch()
    assert read_line(first).startswith("DONE 1 ")
    done, dataset_id, waited = read_line(second).split()
    assert (done, dataset_id) == ("DONE", "2") and float(waited) >= 1.0
    assert first.wait(30) == 0 and second.wait(30) == 0
    with Store(store_url) as store:
        table = store.datasets().set_index("dataset_id")
        assert table["status"].to_dict() == {1: "superseded", 2: "active"}
        assert table.loc[2, "supersedes"] == "1"
        pd.testing.assert_frame_equal(store.scores(), stored(big_scores(300, seed=2)))
        assert counts(store_url)["scores"] == 25300


def test_a_writer_that_cannot_wait_is_told_to_try_again(store_url, tmp_path):
    upgrade(store_url)
    flag = tmp_path / "release"
    holder = python(IMPORTER, store_url, "25000", "hold", str(flag), "30", "holder", "1")
    try:
        assert read_line(holder) == "INSIDE"
        with Store(store_url, busy_timeout=0.5) as impatient:
            revision = impatient.revision()
            with pytest.raises(StoreBusyError) as caught:
                imp(impatient, make_scores(2024, "commune"), "impatient")
            assert "thử lại" in caught.value.vi and "try again" in caught.value.en
            assert impatient.revision() == revision
    finally:
        flag.touch()
    assert read_line(holder).startswith("DONE 1 ") and holder.wait(30) == 0
    with Store(store_url) as store:
        assert store.datasets()["file_name"].tolist() == ["holder.xlsx"]


# --------------------------------------------------------------------------------------------
# Command line


def cli(args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_import_datasets_rollback_audit(store_url, capsys):
    code, out, err = cli(["import", DEMO / "huyen.xlsx", "--db", store_url, "--user", "an",
                          "--note", "QĐ 1", "--format", "json"], capsys)
    assert code == 0, err
    row = json.loads(out)[0]
    assert row["dataset_id"] == 1 and row["result"] == "imported" and row["n_rows"] > 0
    assert "bộ dữ liệu #1" in err and "dataset #1" in err
    code, out, err = cli(["import", DEMO / "huyen.xlsx", "--db", store_url, "--format", "csv"],
                         capsys)
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and table.loc[0, "result"] == "duplicate" and "before" in err
    code, out, _ = cli(["datasets", "--db", store_url, "--format", "csv"], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert code == 0 and table["status"].tolist() == ["active"]
    assert table.loc[0, "created_by"] == "an" and table.loc[0, "note"] == "QĐ 1"
    code, out, _ = cli(["rollback", "1", "--db", store_url, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)[0]["changed"] is False
    code, out, _ = cli(["audit", "--db", store_url], capsys)
    assert code == 0 and "Nhập dữ liệu tệp «huyen.xlsx»" in out and "  an  " in out


def test_cli_refusals_are_messages_not_tracebacks(store_url, tmp_path, capsys):
    bad = tmp_path / "bang.xlsx"
    bad.write_bytes(b"not a workbook")
    code, _, err = cli(["import", bad, "--db", store_url], capsys)
    assert code == 1 and "Traceback" not in err and err.strip()
    code, _, err = cli(["rollback", "7", "--db", store_url], capsys)
    assert code == 2 and "#7" in err and "Traceback" not in err
    code, _, err = cli(["datasets", "--db", str(tmp_path / "none.sqlite")], capsys)
    assert code == 2 and "Import some data first" in err
    with Store(store_url) as store:
        assert store.datasets().empty


def test_store_units_summarises_the_active_data(store_url):
    from cchc_metrics.cli.store import store_units

    with Store(store_url) as store:
        store.import_file(DEMO / "huyen.xlsx", user=as_(store, "an"))
    units = store_units(store_url)
    for column in ["year", "block", "unit", "points", "max_points", "index_pct", "rank",
                   "n_ranked", "band", "rank_change", "delta_pct"]:
        assert column in units.columns
    last = int(units["year"].max())
    one_year = store_units(store_url, year=last)
    assert set(one_year["year"]) == {last} and one_year["delta_pct"].notna().any()


def test_a_file_name_longer_than_its_column_is_cut_keeping_the_extension(store):
    name = "Quyết định công bố Chỉ số CCHC " * 30 + ".xlsx"
    store.import_scores(make_scores(2023), file_name=name, file_bytes=b"long name",
                        user=as_(store, "tester"))
    kept = store.datasets().iloc[0]["file_name"]
    assert len(kept) == 500 and kept.endswith("….xlsx") and name.startswith(kept[:400])
