"""Whatever the bytes, read_workbook raises nothing but ScoreFileError."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cchc_metrics as cm
from tests import builders as B
from tests.ingest import hostile_files as HF

VALID = {
    "xlsx": B.xlsx({"S": B.totals_table(2022)}),
    "csv": B.csv_bytes(B.totals_table(2022)),
    "xls": B.xls({"S": B.totals_table(2022)}),
}


def read_only_score_file_errors(data: bytes, name: str = "fuzz.xlsx") -> None:
    try:
        cm.read_workbook(data, name=name)
    except cm.ScoreFileError as exc:
        assert exc.problems and all(p.vi and p.en for p in exc.problems)
        # "unreadable" is the safety net for a reader bug: the fuzz must never reach it
        assert "unreadable" not in {p.code for p in exc.problems}, exc.problems[0].value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    read_only_score_file_errors(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(VALID)), st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_mutated_valid_files(kind, seed, flips):
    data = HF.mutate(VALID[kind], random.Random(seed), flips)
    read_only_score_file_errors(data, f"fuzz.{kind}")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(max_size=12), st.floats(allow_nan=True),
                                   st.integers(-10**6, 10**6), st.none()), max_size=8),
                max_size=12))
def test_arbitrary_tables_behind_a_real_header(rows):
    header = [["NĂM 2022 CÁC SỞ, BAN, NGÀNH"],
              ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]]
    read_only_score_file_errors(B.csv_bytes(header + rows), "fuzz.csv")
