"""Every layout criterion detail comes in reads back as the one known tree (a property over
forms rendered by tests/ingest/forms.py), one form per unit included, uploaded together."""

from __future__ import annotations

import pandas as pd
import pytest

from cchc_metrics.ingest.criteria import CriteriaResult, read_criteria, read_criteria_files
from cchc_metrics.ingest.problems import ScoreFileError
from tests.ingest import forms as F

FORMS = F.criterion_forms(40)
TRUTH = {(n.year, n.unit, n.code): (n.maximum, n.self_points, n.points) for n in F.CRITERION_TRUTH}


def test_the_known_tree_adds_up_and_has_three_levels():
    depths = {code.count(".") for _, _, code in TRUTH}
    assert depths == {0, 1, 2}
    for (year, unit, code), (_, own, got) in TRUTH.items():
        parts = [v for (y, u, c), v in TRUTH.items() if (y, u) == (year, unit)
                 and c.rsplit(".", 1)[0] == code and "." in c]
        if parts:
            assert (own, got) == (sum(p[1] for p in parts), sum(p[2] for p in parts))
        assert got <= own


def read_back(form: F.CriterionForm):
    files = F.render_criteria(form)
    if len(files) == 1:
        (name, data), = files
        return read_criteria(data, name=name)
    read = read_criteria_files(files)
    return CriteriaResult(pd.concat([r.rows for _, r in read], ignore_index=True),
                          [w for _, r in read for w in r.warnings])


@pytest.mark.parametrize("form", FORMS, ids=[f"{i}-{f.layout}-{f.container}"
                                             for i, f in enumerate(FORMS)])
def test_every_criterion_layout_reads_back_the_known_tree(form):
    try:
        got = read_back(form)
    except ScoreFileError as exc:
        pytest.fail(f"{form.describe()}\nrefused:\n{exc.text('en')}")
    rows = {(int(r.year), r.unit, r.criterion): (r.max_points, r.self_points, r.points)
            for r in got.rows.itertuples()}
    assert rows == TRUTH, form.describe()
    assert not got.warnings, form.describe()  # the tree adds up: no sum warnings
    names = dict(zip(got.rows["criterion"], got.rows["criterion_name"], strict=False))
    assert names["2"] == "Cải cách thể chế" and names["2.1.3"].startswith("Xây dựng văn bản")


def test_forms_uploaded_together_refuse_a_unit_two_files_both_give():
    form = F.CriterionForm(layout="form", container="xlsx", year_in="title")
    files = F.render_criteria(form)
    twice = [*files, ("ban_sao.xlsx", files[0][1])]
    with pytest.raises(ScoreFileError) as refused:
        read_criteria_files(twice)
    (found,) = refused.value.problems
    assert found.code == "criteria_twice" and found.sheet == "ban_sao.xlsx"
    assert "tu_danh_gia_00.xlsx" in found.msg.vi


def test_a_bad_cell_in_one_form_of_a_batch_is_located_in_that_file():
    form = F.CriterionForm(layout="form", container="xlsx", year_in="title")
    files = F.render_criteria(form)
    rows = F._criterion_sheet(form, F.YEARS[0], [F.BLOCKS["Khối xã"][0]])
    rows[-1][4] = "ba"
    from tests import builders as B

    files[3] = ("xa_long_hung.xlsx", B.xlsx({"Tự đánh giá": rows}))
    with pytest.raises(ScoreFileError) as refused:
        read_criteria_files(files)
    (found,) = refused.value.problems
    assert (found.code, found.sheet, found.row, found.column) == (
        "criteria_number", "xa_long_hung.xlsx · Tự đánh giá", len(rows), "E")
