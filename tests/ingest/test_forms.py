"""Every published form of one known result reads back as that result (a property over forms)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pandas as pd
import pytest

import cchc_metrics as cm
from tests.ingest import forms as F

N_FORMS = 560  # every container × layout pairing many times over, with the other parts varied
FORMS = F.forms(N_FORMS)
EXPECTED = F.expected()


def test_the_known_result_has_what_the_forms_must_get_right():
    """Ties, a block of its own each, two years, and an index that rounds at the half."""
    ranks = [r["rank"] for r in EXPECTED.values()]
    assert len(ranks) != len(set(ranks)) and {y for y, _, _ in EXPECTED} == set(F.YEARS)
    halves = [s for s in F.TRUTH if (100 * s.total / s.maximum) % Decimal("0.01") == Decimal("0.005")]
    assert halves and all(s.index == (100 * s.total / s.maximum + Decimal("0.005")).quantize(
        Decimal("0.01"), ROUND_DOWN) for s in halves)  # 85.655 rounds up, as Excel's ROUND
    assert any(r["rank_change"] not in (None, 0) for r in EXPECTED.values())


def read_back(form: F.Form) -> pd.DataFrame:
    data, name = F.render(form)
    result = cm.read_workbook(data, name=name)
    return cm.unit_table(result.scores, bands=result.bands or "tot-kha-kem")


@pytest.mark.parametrize("form", FORMS, ids=[f"{i}-{f.container}-{f.layout}"
                                             for i, f in enumerate(FORMS)])
def test_every_form_reads_back_the_published_result(form):
    try:
        units = read_back(form)
    except cm.ScoreFileError as exc:
        pytest.fail(f"{form.describe()}\nrefused:\n{exc.text('en')}")
    got = {(int(r.year), r.block, r.unit): r for r in units.itertuples()}
    assert set(got) == set(EXPECTED), form.describe()
    for key, want in EXPECTED.items():
        r = got[key]
        band = F.band_in(form.scheme if form.states_bands else "tot-kha-kem", want["index_pct"])
        assert (r.index_pct, int(r.rank), int(r.n_ranked), r.band) == (
            want["index_pct"], want["rank"], want["n_ranked"], band), (key, form.describe())
        assert (None if pd.isna(r.rank_change) else int(r.rank_change)) == want["rank_change"], key
        if want["delta_pct"] is not None:
            assert r.delta_pct == pytest.approx(want["delta_pct"], abs=1e-9), key
