"""Service indicators and targets in the store: versioned per period, audited, rolled back."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_metrics.sample.services import demo_indicators, demo_targets
from cchc_metrics.store import NotAllowedError, Store


@pytest.fixture
def store(store_url):
    with Store(store_url) as opened:
        yield opened


def month(rows: pd.DataFrame, year: int, m: int) -> pd.DataFrame:
    return rows[(rows["year"] == year) & (rows["month_from"] == m)].reset_index(drop=True)


def sort(frame):
    return frame.sort_values(list(frame.columns)[:10], ignore_index=True)


def test_indicators_are_stored_read_back_and_a_newer_month_wins_until_rolled_back(store):
    rows = demo_indicators()
    march = month(rows, 2025, 3)
    editor = store.accounts.system_actor("bientap")
    before = store.revision()
    first = store.indicators.import_rows(rows, file_name="bc.xlsx", file_bytes=b"1", user=editor)
    assert store.revision() > before
    back = store.indicators.rows()
    assert len(back) == len(rows)
    assert sort(back).equals(sort(rows.astype(back.dtypes.to_dict())))
    fixed = march.assign(value=march["value"] + 1)  # a corrected March
    second = store.indicators.import_rows(fixed, file_name="t3.xlsx", file_bytes=b"2",
                                          user=editor, note="sửa tháng 3")
    now = store.indicators.rows()
    assert len(now) == len(rows)  # March replaced, the other months kept
    assert month(now, 2025, 3)["value"].sum() == pytest.approx(march["value"].sum() + len(march))
    store.indicators.set_active(second, False, user=editor)
    assert month(store.indicators.rows(), 2025, 3)["value"].sum() == pytest.approx(
        march["value"].sum())
    sets = store.indicators.sets()
    assert sets["set_id"].tolist() == [first, second] and sets["active"].tolist() == [True, False]
    assert store.audit()["action"].tolist()[-3:] == ["indicator_import", "indicator_import",
                                                     "indicator_rollback"]


def test_targets_are_saved_whole_and_an_earlier_set_comes_back(store):
    editor = store.accounts.system_actor("bientap")
    targets = demo_targets()
    first = store.targets.save(targets, user=editor, note="QĐ giao chỉ tiêu")
    assert sort(store.targets.rows()).equals(sort(targets))
    store.targets.save(targets.head(2), user=editor)
    assert len(store.targets.rows()) == 2
    store.targets.activate(first, user=editor)
    assert len(store.targets.rows()) == len(targets)
    assert store.audit()["action"].tolist()[-1] == "targets_rollback"


def test_only_editors_write_indicators_and_targets(store):
    viewer = store.accounts.system_actor("xem", role="viewer")
    with pytest.raises(NotAllowedError):
        store.indicators.import_rows(demo_indicators().head(5), file_name="a", file_bytes=b"a",
                                     user=viewer)
    with pytest.raises(NotAllowedError):
        store.targets.save(demo_targets(), user=viewer)
    assert store.indicators.rows().empty and store.targets.rows().empty


def test_the_service_index_and_the_counts_of_a_month_come_in_two_files_and_both_stay(store):
    rows = demo_indicators()
    service = rows["measure"].str.startswith("svc_")
    editor = store.accounts.system_actor("bientap")
    store.indicators.import_rows(rows[service], file_name="cs.xlsx", file_bytes=b"1", user=editor)
    store.indicators.import_rows(rows[~service], file_name="tk.xlsx", file_bytes=b"2",
                                 user=editor)
    assert len(store.indicators.rows()) == len(rows)


def test_criterion_trees_are_versioned_per_unit_and_year(store):
    from cchc_metrics.sample.criteria import demo_criteria

    rows = demo_criteria()
    editor = store.accounts.system_actor("bientap")
    store.criteria.import_rows(rows, file_name="tong_hop.xlsx", file_bytes=b"c", user=editor)
    back = store.criteria.rows()
    assert len(back) == len(rows)
    one = rows[(rows["unit"] == "Sở Nội vụ") & (rows["year"] == 2025)]
    fixed = one.assign(points=one["points"].where(one["criterion"] != "1.1.1", 0.0))
    later = store.criteria.import_rows(fixed, file_name="so_noi_vu.xlsx", file_bytes=b"d",
                                       user=editor, note="phúc khảo")
    now = store.criteria.rows()
    assert len(now) == len(rows)  # one unit's tree replaced, every other kept
    mine = now[(now["unit"] == "Sở Nội vụ") & (now["year"] == 2025) &
               (now["criterion"] == "1.1.1")]
    assert mine["points"].tolist() == [0.0]
    store.criteria.set_active(later, False, user=editor)
    assert store.criteria.rows()["points"].sum() == pytest.approx(rows["points"].sum())
    assert store.audit()["action"].tolist()[-1] == "criteria_rollback"


def test_forms_uploaded_together_are_stored_all_or_none_one_set_per_file(store):
    from cchc_metrics.sample.criteria import demo_criteria
    from cchc_metrics.store import StoreError

    rows = demo_criteria()
    rows = rows[rows["year"] == 2025]
    units = list(dict.fromkeys(rows["unit"]))[:3]
    parts = [(rows[rows["unit"] == u], f"{u}.xlsx", u.encode()) for u in units]
    editor = store.accounts.system_actor("bientap")
    with pytest.raises(StoreError):  # one file with nothing in it: none of them is stored
        store.criteria.import_batch([*parts, (rows.iloc[:0], "trong.xlsx", b"")], user=editor)
    assert store.criteria.rows().empty
    ids = store.criteria.import_batch(parts, user=editor, note="phiếu tự đánh giá")
    assert len(ids) == 3 and len(set(ids)) == 3
    assert list(dict.fromkeys(store.criteria.rows()["unit"])) == units
    assert store.audit()["action"].tolist()[-3:] == ["criteria_import"] * 3
