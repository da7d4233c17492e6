"""The demo province and the upload template: realistic, deterministic, labelled as sample data,
and read back by our own readers exactly as generated."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import cchc_metrics as cm
from cchc_metrics.contract import SCORE_COLUMNS, SURVEY
from cchc_metrics.exports import template
from cchc_metrics.fields import FIELDS
from cchc_metrics.names import unit_key
from cchc_metrics.numbers import parse_number, roman, round_half_up
from cchc_metrics.sample import demo

FIELD_NAMES = [name for name, _, _ in FIELDS]
# Compared on a round trip; `source` differs by design and `province` is not in the xlsx files.
COMPARED = ["year", "level", "block", "unit", "component", "max_points", "points", "self_points"]
KEY = ["year", "level", "block", "unit", "component"]
DEMO_FILES = ["so_ban_nganh.xlsx", "huyen.xlsx", "xa_2021_2022.xlsx", "xa_2023_2024.xlsx",
              "xa_2025.csv"]
WIDE_FILES = ["so_ban_nganh.xlsx", "huyen.xlsx", "xa_2021_2022.xlsx"]
ROMAN = {roman(i) for i in range(1, 13)}  # the blocks a demo table numbers


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return demo.build_demo_scores()


@pytest.fixture(scope="module")
def units(scores) -> pd.DataFrame:
    """One row per year × level × block × unit with its totals and index (not rounded)."""
    out = scores.groupby(["year", "level", "block", "unit"], sort=False).agg(
        points=("points", "sum"), max_points=("max_points", "sum"), parent=("parent", "first"),
        unit_code=("unit_code", "first")).reset_index()
    out["index_pct"] = 100 * out["points"] / out["max_points"]
    return out


@pytest.fixture(scope="module")
def fresh_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo.write_demo_files(folder)
    return folder


def expected_for(scores: pd.DataFrame, name: str) -> pd.DataFrame:
    """The generated rows a demo file carries (each row's `source` names its file)."""
    return scores[scores["source"].str.split(" · ").str[0] == name]


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """The compared columns with plain dtypes, sorted, so two score tables can be diffed."""
    out = frame[COMPARED].copy()
    out = out.astype({"year": "int64", "max_points": "float64", "points": "float64",
                      "self_points": "float64"})
    for col in ("level", "block", "unit", "component"):
        out[col] = out[col].astype(str)
    return out.sort_values(KEY).reset_index(drop=True)


def assert_same_scores(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Equal on COMPARED; on failure say which keys are missing/extra and which values differ."""
    exp, act = comparable(expected), comparable(got)
    keys_e = set(map(tuple, exp[KEY].to_numpy()))
    keys_a = set(map(tuple, act[KEY].to_numpy()))
    missing, extra = sorted(keys_e - keys_a)[:5], sorted(keys_a - keys_e)[:5]
    assert not missing and not extra and len(exp) == len(act), (
        f"rows: expected {len(exp)}, read {len(act)}; missing e.g. {missing}; extra e.g. {extra}")
    merged = exp.merge(act, on=KEY, suffixes=("", "_read"))
    for col in ("max_points", "points", "self_points"):
        a, b = merged[col].to_numpy(), merged[f"{col}_read"].to_numpy()
        bad = ~(np.isclose(a, b, rtol=0, atol=1e-9) | (np.isnan(a) & np.isnan(b)))
        assert not bad.any(), (
            f"{col} differs in {bad.sum()} rows, e.g.\n"
            f"{merged.loc[bad, KEY + [col, col + '_read']].head().to_string()}")


# ---------------------------------------------------------------------------------------------
# The generator


def test_generator_is_deterministic():
    pd.testing.assert_frame_equal(demo.build_demo_scores(), demo.build_demo_scores())


def test_scores_have_the_canonical_columns(scores):
    assert list(scores.columns) == SCORE_COLUMNS
    assert scores["year"].dtype == np.int64
    assert (scores["province"] == "Tỉnh An Hòa (dữ liệu mẫu)").all()
    assert not scores[["level", "block", "unit", "component", "source"]].isna().any().any()


def test_about_twenty_departments_merging_in_2025(units):
    deps = units[units["level"] == "department"]
    counts = deps.groupby("year")["unit"].nunique()
    assert all(counts[y] == 20 for y in range(2021, 2025))
    assert 12 <= counts[2025] < 20
    names_2025 = set(deps.loc[deps["year"] == 2025, "unit"])
    assert {"Sở Nông nghiệp và Môi trường", "Sở Tài chính", "Sở Xây dựng"} <= names_2025
    assert not names_2025 & {"Sở Kế hoạch và Đầu tư", "Sở Giao thông vận tải",
                             "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông",
                             "Sở Lao động - Thương binh và Xã hội"}
    assert (deps["block"] == "Sở, ban, ngành tỉnh").all()
    assert (deps["unit_code"] == "").all()


def test_exactly_ten_districts_until_2024_and_none_in_2025(units):
    dis = units[units["level"] == "district"]
    counts = dis.groupby("year")["unit"].nunique()
    assert counts.to_dict() == {2021: 10, 2022: 10, 2023: 10, 2024: 10}
    assert (dis["block"] == "UBND huyện, thị xã, thành phố").all()
    assert dis["unit_code"].str.fullmatch(r"\d{3}").all()
    assert dis.groupby("unit")["unit_code"].nunique().eq(1).all()


def test_about_150_communes_under_their_district_until_2024(units):
    com = units[(units["level"] == "commune") & (units["year"] <= 2024)]
    districts = set(units.loc[units["level"] == "district", "unit"])
    for _year, part in com.groupby("year"):
        assert 140 <= len(part) <= 160
        assert set(part["parent"]) == districts
        assert (part["block"] == part["parent"]).all()  # ranked within their district
        assert part["unit_code"].str.fullmatch(r"\d{5}").all()
        assert part["unit_code"].is_unique
        assert part["unit"].map(unit_key).is_unique  # names unique within the province
        assert part["parent"].value_counts().between(10, 20).all()
    assert com.groupby("unit")["unit_code"].nunique().eq(1).all()  # codes are stable


def test_2025_has_departments_and_merged_communes_in_two_blocks(units):
    y = units[units["year"] == 2025]
    assert set(y["level"]) == {"department", "commune"}
    assert 40 <= len(y) <= 60
    com = y[y["level"] == "commune"]
    assert set(com["block"]) == {"Khối phường", "Khối xã, đặc khu"}
    wards = com["unit"].str.startswith("Phường ")
    assert (wards == (com["block"] == "Khối phường")).all()
    assert com["unit"].str.startswith("Đặc khu ").sum() == 1
    assert (y["parent"] == "").all()
    assert com["unit_code"].str.fullmatch(r"\d{5}").all() and com["unit_code"].is_unique
    older = set(units.loc[(units["level"] == "commune") & (units["year"] < 2025), "unit_code"])
    assert not older & set(com["unit_code"])  # merged communes got new codes


def test_points_are_never_negative_nor_above_the_maximum(scores):
    assert (scores["max_points"] > 0).all()
    assert scores["points"].between(0, scores["max_points"]).all()
    fields = scores[scores["component"] != SURVEY]
    assert fields["self_points"].notna().all()
    assert fields["self_points"].between(0, fields["max_points"]).all()
    assert scores.loc[scores["component"] == SURVEY, "self_points"].isna().all()


def test_self_assessment_is_mostly_generous(scores):
    fields = scores[scores["component"] != SURVEY]
    generous = (fields["self_points"] >= fields["points"]).mean()
    assert 0.85 <= generous < 1.0
    assert (fields["self_points"] > fields["points"]).mean() > 0.5


def test_points_are_quantised_as_officials_score(scores):
    for col in ("max_points", "points", "self_points"):
        hundredths = scores[col].dropna() * 100
        assert np.allclose(hundredths, hundredths.round())
        assert (hundredths.round().astype(int) % 5 == 0).all()


def test_survey_for_departments_and_districts_only(scores):
    has_survey = scores.assign(s=scores["component"] == SURVEY).groupby(
        ["year", "level", "unit"])["s"].any().reset_index()
    assert has_survey.loc[has_survey["level"] != "commune", "s"].all()
    assert not has_survey.loc[has_survey["level"] == "commune", "s"].any()


def test_eight_fields_with_realistic_maxima(scores):
    fields = scores[scores["component"] != SURVEY]
    per_unit = fields.groupby(["year", "level", "unit"])["component"].apply(list)
    assert all(comps == FIELD_NAMES for comps in per_unit)
    maxima = fields.groupby(["level", "unit", "year"])["max_points"].sum()
    assert (maxima.loc["commune"] == 70).all()
    assert (maxima.loc["district"] == 70).all()
    tthc = fields[fields["component"] == "Cải cách thủ tục hành chính"]
    assert (tthc.loc[tthc["level"] == "commune", "max_points"] == 21).all()
    total = scores.groupby(["year", "level", "unit"])["max_points"].sum()
    deps = total.xs("department", level="level")
    assert (deps == 100).mean() > 0.6
    assert ((deps < 100) & (deps >= 70)).any()  # criteria that do not apply lower the maximum
    assert total.loc[(2023, "department", "Thanh tra tỉnh")] == 71.5


def test_every_index_is_realistic(units):
    assert units["index_pct"].between(50, 98).all()
    assert units["index_pct"].between(70, 95).mean() >= 0.85


def test_units_keep_their_quality_but_ranks_move(units):
    dis = units[units["level"] == "district"].pivot(index="unit", columns="year",
                                                    values="index_pct")
    ranks = dis.rank(ascending=False, method="min")
    assert (ranks[2022] != ranks[2021]).sum() >= 3
    assert dis[2021].corr(dis[2022]) > 0.2
    com = units[(units["level"] == "commune") & (units["year"] <= 2024)].pivot(
        index="unit", columns="year", values="index_pct")
    assert 0.3 < com[2023].corr(com[2024]) < 0.98


# ---------------------------------------------------------------------------------------------
# The files


def test_write_demo_files_writes_the_five_layouts(fresh_dir):
    assert sorted(p.name for p in fresh_dir.iterdir()) == sorted(DEMO_FILES)


def test_regeneration_gives_the_same_bytes(fresh_dir, tmp_path):
    paths = demo.write_demo_files(tmp_path)
    assert [p.name for p in paths] == DEMO_FILES
    for path in paths:
        assert path.read_bytes() == (fresh_dir / path.name).read_bytes(), path.name


@functools.cache
def load_book(path: Path) -> openpyxl.Workbook:
    """A demo workbook opened once per test session (openpyxl, no reader involved)."""
    return openpyxl.load_workbook(path)


def sheet_values(path) -> dict[str, list[tuple]]:
    """Every sheet's cell values."""
    wb = load_book(path) if isinstance(path, Path) else openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


@pytest.mark.parametrize("name", DEMO_FILES)
def test_committed_files_hold_what_the_generator_writes(name, fresh_dir):
    committed = demo.DEMO_DIR / name
    assert committed.exists(), f"run `python -m cchc_metrics.sample.demo` to write {name}"
    if name.endswith(".csv"):
        assert committed.read_bytes() == (fresh_dir / name).read_bytes()
    else:
        assert sheet_values(committed) == sheet_values(fresh_dir / name), (
            f"{name} is stale: run `python -m cchc_metrics.sample.demo`")
        props = load_book(committed).properties
        assert props.created == props.modified == template.FIXED_TIME


@pytest.mark.parametrize("name", [n for n in DEMO_FILES if n.endswith(".xlsx")])
def test_every_sheet_is_labelled_as_sample_data(name, fresh_dir):
    for sheet, rows in sheet_values(fresh_dir / name).items():
        title = " ".join(str(v) for row in rows[:3] for v in row if v)
        assert "DỮ LIỆU MẪU" in title and "không phải số liệu thật" in title, sheet


def test_sheet_names_are_the_years(fresh_dir):
    def names(n):
        return load_book(fresh_dir / n).sheetnames
    assert names("so_ban_nganh.xlsx") == [f"Năm {y}" for y in range(2021, 2026)]
    assert names("huyen.xlsx") == [str(y) for y in range(2021, 2025)]
    assert names("xa_2021_2022.xlsx") == ["Năm 2021", "Năm 2022"]
    assert names("xa_2023_2024.xlsx") == ["2023", "2024"]


def wide_table(ws) -> tuple[list[str], list[list]]:
    """Headers ("group / sub") and data rows (block rows and the average row included)."""
    top = [ws.cell(5, c).value for c in range(1, ws.max_column + 1)]
    group, headers = None, []
    for c, label in enumerate(top, start=1):
        group = label if label is not None else group
        sub = ws.cell(6, c).value
        headers.append(f"{group} / {sub}" if sub else group)
    rows = [list(r) for r in ws.iter_rows(min_row=7, values_only=True)]
    return headers, rows


def num(value) -> float:
    v = parse_number(value)
    return float("nan") if v is None else v


@pytest.mark.parametrize("name", WIDE_FILES)
def test_wide_tables_state_exactly_what_their_components_give(name, fresh_dir):
    """Totals, index (round half up), competition rank within block and band all agree."""
    for ws in load_book(fresh_dir / name):
        headers, rows = wide_table(ws)
        col = {h: i for i, h in enumerate(headers)}
        assert headers[0] == "STT" and headers[-1] in ("Xếp loại", "Xếp hạng")
        assert ws.merged_cells and "A5:A6" in {str(r) for r in ws.merged_cells.ranges}
        idx_col = next(h for h in headers if h.startswith("Chỉ số"))
        appraised = [h for h in headers if h.endswith("/ Thẩm định")]
        own = [h for h in headers if h.endswith("/ Tự đánh giá") and not h.startswith("Tổng")]
        tops = [h for h in headers if h.endswith("/ Tối đa") and not h.startswith("Tổng")]
        assert len(appraised) == 8
        assert rows[-1][1] == "Giá trị trung bình"
        block, table = None, []
        for row in rows[:-1]:
            if row[0] in ROMAN:
                block = row[1]
                continue
            got = sum(num(row[col[h]]) for h in appraised)
            got += num(row[col["Điều tra xã hội học / Điểm"]]) if "Điều tra xã hội học / Điểm" in col else 0
            top = sum(num(row[col[h]]) for h in tops)
            assert num(row[col["Tổng điểm / Đạt"]]) == pytest.approx(got, abs=1e-9)
            assert num(row[col["Tổng điểm / Tối đa"]]) == pytest.approx(top, abs=1e-9)
            assert num(row[col["Tổng điểm / Tự đánh giá"]]) == pytest.approx(
                sum(num(row[col[h]]) for h in own), abs=1e-9)
            index = float(round_half_up(100 * got / top, 2))
            assert num(row[col[idx_col]]) == pytest.approx(index, abs=1e-9)
            table.append((block, index, row[col["Xếp hạng"]],
                          row[col["Xếp loại"]] if "Xếp loại" in col else None))
        frame = pd.DataFrame(table, columns=["block", "index", "rank", "band"])
        expected_rank = frame.groupby("block", dropna=False)["index"].rank(
            ascending=False, method="min")
        assert (frame["rank"] == expected_rank).all(), ws.title
        if "Xếp loại" in col:
            bands = np.where(frame["index"] >= 80, "Tốt",
                             np.where(frame["index"] >= 60, "Khá", "Kém"))
            assert (frame["band"] == bands).all()
        if name == "xa_2021_2022.xlsx":
            assert frame["block"].nunique() == 10  # one Roman-numeral row per district
            assert (frame.groupby("block")["rank"].min() == 1).all()  # ranks restart


def test_2022_commune_sheet_has_numbers_typed_as_text(fresh_dir):
    wb = load_book(fresh_dir / "xa_2021_2022.xlsx")

    def texts(ws, pattern):
        return [c.value for row in ws.iter_rows(min_row=7) for c in row[3:]  # after STT, name and code
                if isinstance(c.value, str) and re.fullmatch(pattern, c.value)]
    assert len(texts(wb["Năm 2022"], r"\d+,\d\d")) == 1
    assert len(texts(wb["Năm 2022"], r"\d+,\d\d%")) == 1
    assert not texts(wb["Năm 2021"], r"[\d,%]+")


def test_long_commune_workbook_layout(fresh_dir, scores):
    for ws in load_book(fresh_dir / "xa_2023_2024.xlsx"):
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0].startswith(f"KẾT QUẢ CHẤM ĐIỂM CCHC CẤP XÃ NĂM {ws.title}")
        assert not any(rows[1])
        assert list(rows[2]) == demo.LONG_HEADER
        data = rows[3:]
        assert len(data) == 8 * len(expected_for(scores, "xa_2023_2024.xlsx")
                                    .query(f"year == {ws.title}")["unit"].unique())
        assert all(r[1] == r[2] for r in data)  # block = the district


def test_csv_is_utf8_bom_semicolon_decimal_comma(fresh_dir):
    raw = (fresh_dir / "xa_2025.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";") == ["Tỉnh"] + demo.LONG_HEADER
    cells = [line.split(";") for line in lines[1:]]
    assert all(len(c) == 10 for c in cells)
    assert {c[2] for c in cells} == {"Khối phường", "Khối xã, đặc khu"}
    assert all(c[3] == "" for c in cells)
    numbers = [v for c in cells for v in c[7:]]
    assert all(re.fullmatch(r"\d+(,\d{1,2})?", v) for v in numbers)
    assert any("," in v for v in numbers)


# ---------------------------------------------------------------------------------------------
# Round trip through our own readers


@functools.cache
def read_book(path: Path) -> cm.ReadResult:
    """What our reader makes of a demo file, read once per test session."""
    return cm.read_workbook(path)


def read(path: Path) -> pd.DataFrame:
    return read_book(path).scores


@pytest.mark.parametrize("name", DEMO_FILES)
def test_each_demo_file_reads_back_as_generated(name, scores):
    assert_same_scores(expected_for(scores, name), read(demo.DEMO_DIR / name))


def test_all_demo_files_together_are_the_whole_province(scores):
    got = pd.concat([read(demo.DEMO_DIR / n) for n in DEMO_FILES], ignore_index=True)
    assert_same_scores(scores, got)


@pytest.mark.parametrize("name", DEMO_FILES)
def test_committed_files_read_like_fresh_ones(name, fresh_dir):
    assert_same_scores(read(fresh_dir / name), read(demo.DEMO_DIR / name))


@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_files_raise_no_warnings(name):
    assert read_book(demo.DEMO_DIR / name).warnings == []


@pytest.mark.parametrize("name", WIDE_FILES)
def test_our_metrics_reproduce_the_published_index_rank_and_band(name):
    result = read_book(demo.DEMO_DIR / name)
    table = cm.unit_table(result.scores, bands=result.bands)
    both = table.merge(result.stated, on=["year", "block", "unit"])
    assert len(both) == len(table) == len(result.stated)
    assert np.allclose(both["index_pct"], both["stated_index"], rtol=0, atol=1e-9)
    assert (both["rank"] == both["stated_rank"]).all()
    if result.bands is not None:
        assert (both["band"] == both["stated_band"]).all()


@pytest.mark.parametrize("name", [n for n in DEMO_FILES if n != "so_ban_nganh.xlsx"])
def test_codes_survive_the_round_trip(name, scores):
    def codes(frame):
        pairs = frame[["year", "unit", "unit_code"]].astype(str).drop_duplicates()
        return sorted(map(tuple, pairs.to_numpy()))
    assert codes(read(demo.DEMO_DIR / name)) == codes(expected_for(scores, name))


@pytest.mark.parametrize("name", ["xa_2021_2022.xlsx", "xa_2023_2024.xlsx", "xa_2025.csv"])
def test_parent_and_province_columns_are_read(name, scores):
    got = read(demo.DEMO_DIR / name)
    exp = expected_for(scores, name)
    pairs = {tuple(r) for r in got[["unit", "parent"]].fillna("").astype(str).to_numpy()}
    assert pairs == {tuple(r) for r in exp[["unit", "parent"]].to_numpy()}
    if name.endswith(".csv"):
        assert set(got["province"]) == {demo.PROVINCE}


# ---------------------------------------------------------------------------------------------
# The upload template


@pytest.fixture(scope="module")
def template_book():
    return openpyxl.load_workbook(io.BytesIO(template.build_template()))


def test_template_has_instructions_then_the_scores_sheet(template_book):
    assert template_book.sheetnames == ["Hướng dẫn", "Điểm"]
    ws = template_book["Điểm"]
    assert [c.value for c in ws[1]] == [
        "Năm", "Cấp", "Khối xếp hạng", "Tỉnh", "Đơn vị cấp huyện", "Tên đơn vị", "Mã đơn vị",
        "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]
    assert ws.max_column == 11 and all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert not any(v is not None for row in ws.iter_rows(min_row=2, values_only=True) for v in row)


def named_list(book, name: str) -> list[str]:
    """The values a defined name (a drop-down's source) points at."""
    (sheet, ref), = book.defined_names[name].destinations
    return [row[0].value for row in book[sheet][ref.replace("$", "")]]


def test_template_drop_downs_offer_levels_and_fields(template_book):
    rules = {str(dv.sqref).split(":")[0]: dv for dv in
             template_book["Điểm"].data_validations.dataValidation}
    assert set(rules) == {"B2", "H2"}
    assert named_list(template_book, rules["B2"].formula1) == [
        "Sở, ban, ngành", "UBND cấp huyện", "UBND cấp xã"]
    assert named_list(template_book, rules["H2"].formula1) == FIELD_NAMES + ["Điều tra xã hội học"]


def test_template_instructions_explain_the_columns_and_the_index(template_book):
    text = "\n".join(str(v) for row in template_book["Hướng dẫn"].iter_rows(values_only=True)
                     for v in row if v)
    for column in template.HEADER:
        assert column in text
    assert "Chỉ số (%) = 100 × (điểm thẩm định + điểm ĐTXHH) / điểm tối đa" in text
    assert "dấu phẩy" in text and "dấu chấm" in text
    assert "mỗi dòng là một đơn vị × một lĩnh vực" in text
    assert "Ví dụ" in text


def test_committed_template_is_current():
    assert template.TEMPLATE_PATH.exists(), "run `python -m cchc_metrics.template`"
    committed = sheet_values(template.TEMPLATE_PATH)
    assert committed == sheet_values(io.BytesIO(template.build_template()))
    assert template.build_template() == template.build_template()


def test_a_filled_template_reads_back(scores, tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(template.build_template()))
    ws = book["Điểm"]
    rows = scores[(scores["year"] == 2024) & scores["unit"].isin(["Sở Tư pháp", "Huyện Mỹ Lâm"])]
    level_label = {"department": "Sở, ban, ngành", "district": "UBND cấp huyện"}
    for i, r in enumerate(rows.itertuples(index=False), start=2):
        field = "Điều tra xã hội học" if r.component == SURVEY else r.component
        own = None if np.isnan(r.self_points) else str(r.self_points).replace(".", ",")
        for c, value in enumerate([r.year, level_label[r.level], r.block, r.province, "", r.unit,
                                   r.unit_code, field, r.max_points, own, r.points], start=1):
            ws.cell(i, c, value)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    assert_same_scores(rows, cm.read_scores(path))
