"""Crosswalks in the store: imported by editors, versioned, audited, made active again."""

from __future__ import annotations

import pytest

from cchc_metrics.ingest.crosswalk import read_crosswalk
from cchc_metrics.sample.demo import crosswalk_workbook, demo_lineage
from cchc_metrics.store import NotAllowedError, Store


@pytest.fixture
def store(store_url):
    with Store(store_url) as opened:
        yield opened


def test_a_crosswalk_is_stored_read_back_and_audited(store):
    data = crosswalk_workbook()
    frame = read_crosswalk(data, name="doi_chieu.xlsx")
    before = store.revision()
    editor = store.accounts.system_actor("bientap")
    set_id = store.lineage.import_crosswalk(frame, file_name="doi_chieu.xlsx", file_bytes=data,
                                            user=editor, note="QĐ sắp xếp")
    rows = store.lineage.rows().sort_values(["level", "successor", "predecessor"],
                                            ignore_index=True)
    want = demo_lineage().assign(source="crosswalk:doi_chieu.xlsx").sort_values(
        ["level", "successor", "predecessor"], ignore_index=True)
    assert rows.equals(want)
    assert store.revision() > before  # pages see it at their next run
    entry = store.audit().iloc[-1]
    assert entry["action"] == "lineage_import" and f'"set": {set_id}' in entry["detail"]
    assert store.file_bytes(__import__("hashlib").sha256(data).hexdigest()) == data


def test_a_new_crosswalk_supersedes_and_an_old_one_comes_back(store):
    editor = store.accounts.system_actor("bientap")
    frame = demo_lineage()
    first = store.lineage.import_crosswalk(frame, file_name="a.xlsx", file_bytes=b"a", user=editor)
    fewer = frame[frame["level"] == "department"].head(2)
    second = store.lineage.import_crosswalk(fewer, file_name="b.xlsx", file_bytes=b"b",
                                            user=editor)
    sets = store.lineage.sets().set_index("set_id")
    # the second covers departments only: the first (departments and communes) stays active
    assert sets.loc[first, "active"] and sets.loc[second, "active"]
    again = store.lineage.import_crosswalk(frame, file_name="c.xlsx", file_bytes=b"c",
                                           user=editor)
    sets = store.lineage.sets().set_index("set_id")
    assert not sets.loc[first, "active"] and not sets.loc[second, "active"]
    store.lineage.activate(first, user=editor)
    sets = store.lineage.sets().set_index("set_id")
    assert sets.loc[first, "active"] and not sets.loc[again, "active"]
    assert len(store.lineage.rows()) == len(frame)


def test_only_editors_import_a_crosswalk(store):
    with pytest.raises(NotAllowedError):
        store.lineage.import_crosswalk(demo_lineage(), file_name="a.xlsx", file_bytes=b"a",
                                       user=store.accounts.system_actor("xem", "viewer"))
    assert store.lineage.rows().empty


def test_a_merger_named_by_two_active_sets_is_listed_once(store):
    editor = store.accounts.system_actor("bientap")
    frame = demo_lineage()
    store.lineage.import_crosswalk(frame, file_name="a.xlsx", file_bytes=b"a", user=editor)
    preset = frame[frame["level"] == "department"].assign(source="preset")
    store.lineage.import_crosswalk(preset, file_name="b.csv", file_bytes=b"b", user=editor)
    rows = store.lineage.rows()
    assert len(rows) == len(frame)  # the department rows once, not twice
    assert set(rows.loc[rows["level"] == "department", "source"]) == {"preset"}  # the newest
