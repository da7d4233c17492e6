"""`python -m cchc_metrics summarize`: the unit table for scripts; located problems, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from cchc_metrics.cli import main
from tests import builders as B

REQUIRED = ["year", "block", "unit", "points", "max_points", "index_pct", "rank", "n_ranked",
            "band", "rank_change", "delta_pct"]


@pytest.fixture
def two_years(tmp_path):
    path = tmp_path / "huyen.xlsx"
    path.write_bytes(B.xlsx({"2021": B.totals_table(2021), "2022": B.totals_table(2022)}))
    return path


def run(args, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_summarize_csv_has_the_contract_columns(two_years, capsys):
    code, out, err = run(["summarize", two_years, "--format", "csv"], capsys)
    assert code == 0 and err == ""
    table = pd.read_csv(io.StringIO(out))
    assert set(REQUIRED) <= set(table.columns)
    row = table[(table["year"] == 2022) & (table["unit"] == "Huyện Mỹ Lộc")].iloc[0]
    assert (row["index_pct"], row["rank"], row["n_ranked"], row["band"]) == (85.65, 2, 3, "Tốt")
    assert row["rank_change"] == 0 and row["delta_pct"] == 0


def test_summarize_json_and_text(two_years, capsys):
    code, out, _ = run(["summarize", two_years, "--format", "json"], capsys)
    records = json.loads(out)
    assert code == 0 and len(records) == 6 and set(REQUIRED) <= set(records[0])
    code, out, _ = run(["summarize", two_years, "--bands", "A:90,B:80,C:0"], capsys)
    assert code == 0 and "Huyện Mỹ Lộc" in out and " B " in out


def test_year_and_level_options(tmp_path, capsys):
    path = tmp_path / "bang.xlsx"
    path.write_bytes(B.xlsx({"Sheet1": B.totals_table(2022)[3:]}))  # no year anywhere
    code, _, err = run(["summarize", path], capsys)
    assert code == 1 and "--year" in err and "Traceback" not in err
    code, out, _ = run(["summarize", path, "--year", "2020", "--level", "district",
                        "--format", "csv"], capsys)
    assert code == 0 and "2020,district" in out


def test_warnings_go_to_stderr_with_the_row(tmp_path, capsys):
    rows = B.totals_table(2022)
    rows[6][6] = 90  # stated total disagrees
    path = tmp_path / "sai.xlsx"
    path.write_bytes(B.xlsx({"S": rows}))
    code, out, err = run(["summarize", path, "--format", "csv"], capsys)
    assert code == 0 and "CẢNH BÁO" in err and "dòng 7" in err and "row 7" in err
    assert "Huyện Mỹ Lộc" in out


def test_bad_files_and_bad_options_exit_non_zero_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    code, out, err = run(["summarize", bad], capsys)
    assert code == 1 and out == "" and "LỖI" in err and "corrupt" in err.lower()
    code, _, err = run(["summarize", bad, "--bands", "Tốt"], capsys)
    assert code == 2 and "Thang xếp loại" in err
    code, _, err = run(["summarize", tmp_path / "none.xlsx"], capsys)
    assert code == 1 and "Không mở được" in err


def test_the_module_runs_as_a_process(two_years):
    proc = subprocess.run([sys.executable, "-m", "cchc_metrics", "summarize", str(two_years),
                           "--format", "csv"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("year,")
    proc = subprocess.run([sys.executable, "-m", "cchc_metrics", "summarize", "/dev/null"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_summarize_db_gives_the_same_table_as_the_file(two_years, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    code, out, err = run(["import", two_years, "--db", url, "--user", "kiểm thử"], capsys)
    assert code == 0, err
    _, from_file, _ = run(["summarize", two_years, "--format", "csv"], capsys)
    code, from_db, _ = run(["summarize", "--db", url, "--format", "csv"], capsys)
    assert code == 0 and from_db == from_file
    code, _, err = run(["summarize", two_years, "--db", url], capsys)
    assert code == 2 and "không cả hai" in err


def test_export_command_writes_xlsx_and_csv(two_years, tmp_path, capsys):
    import openpyxl

    url = f"sqlite:///{tmp_path / 'exp.sqlite'}"
    assert run(["import", two_years, "--db", url, "--user", "kiểm thử"], capsys)[0] == 0
    out = tmp_path / "bao_cao.xlsx"
    code, _, err = run(["export", "--db", url, "--year", "2022", "--level", "district",
                        "--format", "xlsx", "-o", out], capsys)
    assert code == 0, err
    ws = openpyxl.load_workbook(out).worksheets[0]
    values = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "Huyện Mỹ Lộc" in values and 85.65 in values
    code, _, _ = run(["export", "--db", url, "--year", "2022", "--format", "csv",
                      "-o", tmp_path / "b.csv"], capsys)
    assert code == 0 and (tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    code, _, err = run(["export", "--db", url, "--year", "1999", "-o", tmp_path / "x.csv",
                        "--format", "csv"], capsys)
    assert code == 2 and "Không có dữ liệu" in err


def test_export_command_keeps_one_province(tmp_path, capsys):
    from cchc_metrics.store import open_store
    from tests.store_fixtures import make_scores

    both = pd.concat([make_scores(2024, "commune", n_units=4, seed=1, province="Tỉnh An Giang",
                                  prefix="Xã An"),
                      make_scores(2024, "commune", n_units=4, seed=2, province="Tỉnh Bến Tre",
                                  prefix="Xã Bến")], ignore_index=True)
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    with open_store(url) as store:
        store.import_scores(both, file_name="hai-tinh.xlsx", file_bytes=b"2",
                            user=store.accounts.system_actor("test"))
    out = tmp_path / "ben-tre.csv"
    code, _, err = run(["export", "--db", url, "--province", "Tỉnh Bến Tre", "--format", "csv",
                        "-o", out], capsys)
    assert code == 0, err
    text = out.read_text(encoding="utf-8-sig")
    assert text.count("Xã Bến") == 4 and "Xã An" not in text


# ---- text for people, csv and json for scripts (issue 20) ---------------------------------------

LONG = "Ủy ban nhân dân huyện Mỹ Lộc, tỉnh Nam Định (tên rất dài để thử cắt ngắn) " * 2


def test_text_is_vietnamese_aligned_and_within_100_characters(tmp_path, capsys):
    rows = B.totals_table(2022)
    rows[6][1] = LONG.strip()
    path = tmp_path / "dai.xlsx"
    path.write_bytes(B.xlsx({"S": rows}))
    code, out, _ = run(["summarize", path], capsys)
    lines = out.splitlines()
    assert code == 0 and all(len(line) <= 100 for line in lines), max(map(len, lines))
    assert lines[0].split() == ["Hạng", "Đơn", "vị", "Chỉ", "số", "(%)",
                                "Xếp", "loại", "Thay", "đổi", "hạng", "±", "Chỉ", "số"]
    assert "85,65" in out and "85.65" not in out and "…" in out and LONG[:15] in out
    assert "mới" in out and "—" in out and "nan" not in out.lower() and "<NA>" not in out
    code, out, _ = run(["summarize", path, "--lang", "en"], capsys)
    assert out.splitlines()[0].split()[:2] == ["Rank", "Unit"]
    assert "85.65" in out and "85,65" not in out and "new" in out


def test_csv_and_json_stay_for_scripts(two_years, capsys):
    _, csv_out, _ = run(["summarize", two_years, "--format", "csv", "--lang", "en"], capsys)
    assert csv_out.splitlines()[0] == ",".join(
        ["year", "level", "block", "parent", "unit", "unit_code", "points", "max_points",
         "index_pct", "rank", "n_ranked", "band", "prev_index_pct", "delta_pct", "prev_rank",
         "rank_change"])
    _, csv_out, _ = run(["summarize", two_years, "--format", "csv", "--codes"], capsys)
    rows = list(csv.DictReader(io.StringIO(csv_out)))
    mylam = next(r for r in rows if r["unit"] == "Huyện Mỹ Lộc")
    nam_dinh = next(r for r in rows if r["unit"] == "Thành phố Nam Định")
    assert (nam_dinh["code"], nam_dinh["code_source"]) == ("356", "exact")
    assert mylam["code_source"] == "unknown"  # merged in January 2025: not in the list


def test_datasets_audit_and_users_print_vietnam_time_and_words(two_years, tmp_path, capsys,
                                                              monkeypatch):
    from cchc_metrics.clock import vietnam_time
    from cchc_metrics.store import Store

    url = f"sqlite:///{tmp_path / 'gio.sqlite'}"
    assert run(["import", two_years, "--db", url, "--user", "Nguyễn Văn An", "--note", "QĐ 5"],
               capsys)[0] == 0
    with Store(url) as store:
        store.accounts.add_user("quantri", "mật khẩu đủ dài 123", "admin", by=None)
        store.accounts.authenticate("quantri", "mật khẩu đủ dài 123")
        stamps = store.audit()["ts"].tolist()
    local = [vietnam_time(s.to_pydatetime()).strftime("%d/%m/%Y %H:%M") for s in stamps]
    code, out, _ = run(["audit", "--db", url], capsys)
    assert code == 0 and "UTC" not in out and "{" not in out and '"' not in out
    assert all(when in out for when in local)
    assert "Nhập dữ liệu tệp «huyen.xlsx» (12 dòng)" in out and "Đăng nhập" in out
    assert "Thêm tài khoản «quantri» (vai trò quản trị)" in out
    code, out, _ = run(["audit", "--db", url, "--lang", "en"], capsys)
    assert "Imported the file «huyen.xlsx» (12 rows)" in out and "Signed in" in out
    code, out, _ = run(["datasets", "--db", url], capsys)
    assert code == 0 and local[0] in out and "UTC" not in out and "đang dùng" in out
    assert "QĐ 5" in out and "Nguyễn Văn An" in out
    code, out, _ = run(["users", "list", "--db", url], capsys)
    assert code == 0 and local[-1] in out and "quản trị" in out and "UTC" not in out
    assert all(len(line) <= 100 for line in out.splitlines())
    code, out, _ = run(["audit", "--db", url, "--format", "json"], capsys)
    assert json.loads(json.loads(out)[0]["detail"])["file_name"] == "huyen.xlsx"


def test_export_says_what_it_wrote_and_marks_sample_data(two_years, tmp_path, capsys):
    import openpyxl

    from cchc_metrics.store import Store

    url = f"sqlite:///{tmp_path / 'mau.sqlite'}"
    with Store(url) as store:
        store.import_file(two_years, user=store.accounts.system_actor("demo"))
    out = tmp_path / "bao_cao.xlsx"
    code, _, err = run(["export", "--db", url, "--year", "2022", "-o", out], capsys)
    assert code == 0, err
    size = out.stat().st_size
    kb = f"{size / 1000:.1f}"
    assert f"Đã ghi «{out}» ({kb.replace('.', ',')} kB): 3 đơn vị; trang tính: «" in err
    assert f"Wrote «{out}» ({kb} kB): 3 units; sheets: «" in err
    ws = openpyxl.load_workbook(out).worksheets[0]
    title = [ws.cell(r, 1).value for r in range(1, 7)]
    assert title[1] == "Tỉnh Nam Định" and title[2].startswith("DỮ LIỆU MẪU")
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Hạng")
    at = header.index("Thay đổi hạng")
    changes = [row[at] for row in ws.iter_rows(min_row=9, values_only=True)]
    assert changes == [0, 0, 0]  # the year before was loaded, so the changes are filled
    code, _, err = run(["export", "--db", url, "--year", "2022", "--format", "csv",
                        "-o", tmp_path / "b.csv"], capsys)
    assert code == 0 and "3 đơn vị." in err and "3 units." in err


def test_resolve_prints_each_units_code_and_how_it_was_found(tmp_path, capsys):
    path = tmp_path / "huyen_2022.xlsx"
    path.write_bytes(B.xlsx({"S": B.totals_table(2022)}))  # districts of Tỉnh Nam Định
    code, out, _ = run(["resolve", path, "--format", "json"], capsys)
    rows = {r["unit"]: r for r in json.loads(out)}
    assert code == 0 and rows["Huyện Vụ Bản"]["code_source"] == "exact"
    assert rows["Thành phố Nam Định"]["code"] == "356"
    # merged into Thành phố Nam Định in January 2025: not in the package's list, said so
    assert rows["Huyện Mỹ Lộc"]["code"] is None and rows["Huyện Mỹ Lộc"]["code_source"] == "unknown"
    code, out, _ = run(["resolve", path], capsys)
    assert "Mã ĐVHC" in out and "tìm thấy đúng một" in out and "không có trong danh mục" in out


def test_lineage_imports_a_crosswalk_and_prints_it(tmp_path, capsys):
    from cchc_metrics.sample.demo import crosswalk_workbook

    path, url = tmp_path / "doi_chieu.xlsx", f"sqlite:///{tmp_path / 's.sqlite'}"
    path.write_bytes(crosswalk_workbook())
    code, _, err = run(["lineage", "--import", path, "--db", url, "--note", "QĐ 01"], capsys)
    assert code == 0 and "Đã nhập bảng đối chiếu #1: 161 dòng." in err
    code, out, _ = run(["lineage", "--db", url, "--unit", "Sở Tài nguyên và Môi trường",
                        "--format", "json"], capsys)
    (row,) = json.loads(out)
    assert row["successor"] == "Sở Nông nghiệp và Môi trường"
    code, out, _ = run(["lineage", "--db", url, "--unit", "Sở Nội vụ"], capsys)
    assert "Đơn vị mới" in out and "01/03/2025" in out and "Sở, ban, ngành" in out


def test_lineage_from_the_package_for_a_stores_real_communes(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    rows = [["STT", "Tên đơn vị", "Đơn vị cấp huyện", "Điểm tối đa", "Điểm đạt"],
            [1, "Xã An Bình", "Huyện Nam Sách", 100, 90], [2, "Xã An Lâm", "Huyện Nam Sách", 100, 80]]
    path = tmp_path / "xa_2024.xlsx"
    path.write_bytes(B.xlsx({"Năm 2024": [["KẾT QUẢ CHỈ SỐ CCHC CẤP XÃ NĂM 2024 TỈNH HẢI DƯƠNG"],
                                          *rows]}))
    code, _, err = run(["import", path, "--db", url, "--level", "commune", "--year", "2024"],
                       capsys)
    assert code == 0, err
    code, _, err = run(["lineage", "--from-package", "--db", url], capsys)
    assert code == 0 and "từ danh mục chuyển đổi" in err, err
    code, out, _ = run(["lineage", "--db", url, "--format", "json"], capsys)
    found = {r["predecessor"]: r for r in json.loads(out)}
    assert found["Xã An Bình"]["successor"] == "Xã An Phú"
    # the former commune's code, resolved in its province before the reform
    assert found["Xã An Bình"]["predecessor_code"] == "10630"


def test_export_codes_adds_each_units_official_code(two_years, tmp_path, capsys):
    from cchc_metrics.store import Store

    url = f"sqlite:///{tmp_path / 'codes.sqlite'}"
    with Store(url) as store:
        store.import_file(two_years, user=store.accounts.system_actor("bientap"))
    out = tmp_path / "huyen.csv"
    code, _, err = run(["export", "--db", url, "--year", "2022", "--format", "csv", "--codes",
                        "-o", out], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    by_unit = {r["Đơn vị"]: r for r in rows}
    assert by_unit["Thành phố Nam Định"]["Mã ĐVHC"] == "356"
    assert by_unit["Huyện Mỹ Lộc"]["Cách xác định mã"] == "không có trong danh mục"
    code, _, _ = run(["export", "--db", url, "--year", "2022", "--format", "csv", "-o", out],
                     capsys)
    assert "Mã ĐVHC" not in out.read_bytes().decode("utf-8-sig").splitlines()[0]
