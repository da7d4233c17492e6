"""Hostile files: each refused with a clear message, or read safely, in bounded time and memory.

The corpus is built in code (tests/ingest/hostile_files.py). Every case runs in its own child process
with an address-space cap and a CPU-time limit (a wall-clock one behind it), two at a time; a case that hangs, aborts the
interpreter or escapes with anything but ScoreFileError fails alone. Known reader bugs are strict
xfails that name the bug: they turn into failures the day the bug is fixed, so the mark goes too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sys
import types
import zipfile
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest

import cchc_metrics as cm
from cchc_metrics.exports import XlsxExport, to_csv_bytes, to_xlsx_bytes
from cchc_metrics.exports.cells import DANGEROUS_PREFIXES
from tests.ingest import hostile_files as HF


def corpus_params() -> list:
    """Every case, a known bug marked as a strict xfail that says what is wrong."""
    return [pytest.param(spec.id, id=spec.id,
                         marks=[pytest.mark.xfail(strict=True, reason=f"reader bug: {spec.bug}")]
                         if spec.bug else [])
            for spec in HF.CASES.values()]


@pytest.fixture(scope="module")
def outcome(request):
    """What each case did in its bounded child; the selected cases start together, two at once."""
    ctx = HF.context()
    pool = ThreadPoolExecutor(max_workers=2)
    futures: dict = {}
    if not hasattr(request.config, "workerinput"):  # under xdist a worker runs only some
        selected = [item.callspec.params["case_id"] for item in request.session.items
                    if getattr(item, "originalname", "") == "test_hostile_file"
                    and hasattr(item, "callspec")]
        # the known slow bug first, so the two workers finish together
        for case_id in sorted(selected, key=lambda c: HF.CASES[c].timeout_s):
            futures[case_id] = pool.submit(HF.run_in_child, case_id, ctx)

    def get(case_id: str) -> dict:
        if case_id not in futures:
            futures[case_id] = pool.submit(HF.run_in_child, case_id, ctx)
        return futures[case_id].result()

    yield get
    pool.shutdown(wait=True, cancel_futures=True)


def summary(out: dict) -> str:
    """One line for the log: outcome, codes or units, times and memory."""
    if out["outcome"] == "refused":
        what = ",".join(sorted({p[0] for p in out["problems"]}))
    elif out["outcome"] == "accepted":
        what = f"{out['kind']} {len(out['scores'])} rows, warnings {out['warnings']}"
    else:
        what = f"{out.get('error', '')} exit code {out.get('exitcode')}"
    return (f"{out['id']}: {out['outcome']} [{what}] size {out.get('size', 0):,} B, read "
            f"{out.get('seconds', float('nan')):.2f} s, CPU {out.get('cpu_s', float('nan')):.2f} s, "
            f"wall {out['wall_s']:.2f} s, peak RSS "
            f"{out.get('peak_rss_mb', float('nan')):.0f} MB")


@pytest.mark.parametrize("case_id", corpus_params())
def test_hostile_file(case_id, outcome, record_property):
    """Refused with a clear Vietnamese and English message, or read safely, in bounded time/memory."""
    spec = HF.CASES[case_id]
    out = outcome(case_id)
    record_property("outcome", summary(out))
    print(summary(out))
    assert out["outcome"] != "timeout", f"still running after {spec.timeout_s:.0f} s of CPU time"
    assert out["outcome"] != "killed", \
        f"the reader's process died (exit code {out['exitcode']}): {out['stderr']}"
    assert out["outcome"] != "escaped", out.get("traceback") or out.get("error")
    assert out["peak_rss_mb"] <= spec.max_rss_mb, f"peak RSS {out['peak_rss_mb']:.0f} MB"
    leaked = [bad for bad in spec.forbid if any(bad in text for text in out["texts"])]
    assert not leaked, f"{leaked!r} reached a value or a message"
    if out["outcome"] == "refused":
        assert spec.expect in (HF.REFUSE, HF.EITHER), f"refused: {out['problems'][0][2]}"
        codes = {code for code, *_ in out["problems"]}
        # "unreadable" is the safety net for a reader bug, "too_complex" a MemoryError caught
        assert not codes & {"unreadable", "too_complex"}, out["problems"][0][3]
        assert not spec.codes or codes <= spec.codes, codes
        for _, vi, en, _ in out["problems"]:
            assert vi and en and vi != en and not vi.isascii(), (vi, en)
    else:
        assert spec.expect in (HF.ACCEPT, HF.EITHER), "accepted a file that must be refused"
        scores = out["scores"]
        if spec.units is not None:
            assert list(dict.fromkeys(scores["unit"])) == list(spec.units)
        if spec.points is not None:
            assert scores["points"].tolist() == list(spec.points)
    assert out["describe"] == "ok", f"describe_columns (the upload page's column list) raised " \
        f"{out['describe']}"


# ---- names that look like formulas stay text, and exports keep them inert -----------------------

EXCEL_CELL_CHARS = 32_767


def first_unit(result) -> str:
    """The name the reader kept for the unit on Excel row 3 (where the hostile name was)."""
    scores = result.scores
    return scores.loc[scores["source"].str.endswith("dòng 3"), "unit"].iloc[0]


@pytest.mark.parametrize("key", list(HF.HOSTILE_NAMES))
def test_a_hostile_unit_name_stays_plain_text_in_csv_and_xlsx_exports(key):
    """The reader keeps the text; CSV gets a leading apostrophe, XLSX a text cell, no formula."""
    name = HF.HOSTILE_NAMES[key]
    if key == "long-100k":  # refused, located: no name is that long
        with pytest.raises(cm.ScoreFileError) as caught:
            cm.read_workbook(HF.name_in_xlsx(name)(), name="diem.xlsx")
        assert caught.value.problems[0].code == "unit_name_too_long"
        return
    result = cm.read_workbook(HF.name_in_xlsx(name)(), name="diem.xlsx")
    kept = first_unit(result)
    assert HF.same_text(kept, name) and not HF.INVISIBLE & set(kept), repr(kept)
    if key not in ("control-chars", "rtl-override", "zero-width"):
        assert kept == HF.name_expect(name)
    units = cm.unit_table(result.scores)[["unit", "index_pct", "rank", "band"]]

    text = to_csv_bytes(units).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    want = "'" + kept if kept.startswith(DANGEROUS_PREFIXES) else kept
    assert want in cells

    book = to_xlsx_bytes(XlsxExport(sheets={"Điểm": units}, title="Kết quả"))
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        sheets = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in sheets and b"<f " not in sheets
    ws = openpyxl.load_workbook(io.BytesIO(book))["Điểm"]
    in_a_cell = kept[:EXCEL_CELL_CHARS]  # openpyxl cuts longer text to what Excel can hold
    found = [c for row in ws.iter_rows() for c in row if c.value == in_a_cell]
    assert found and all(c.data_type == "s" for c in found)


def test_a_hostile_file_name_is_neutralised_where_it_is_exported():
    """The upload's name reaches the source column; the CSV export still starts it with '."""
    result = cm.read_workbook(HF.raw_xlsx(), name=HF.DDE + ".xlsx")
    assert result.scores["source"].iloc[0].startswith(HF.DDE)
    text = to_csv_bytes(result.scores[["unit", "source"]]).decode("utf-8-sig")
    sources = [row[1] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert sources and all(s.startswith("'" + HF.DDE) for s in sources)


# ---- the store: a refused file leaves no trace ----------------------------------------------------

STORE_CASES = ["truncated-xlsx-half", "zip-bomb-honest-120x4mb", "zip-bomb-lying-sizes-forged-crc",
               "pdf", "docx-with-score-table", "encrypted-ooxml-in-ole", "budget-table",
               "formula-without-cached-value", "zip-bomb-overlapping-entries"]


def who(store_module, store) -> dict:
    """The import's keyword naming a trusted editor the store issued."""
    return {"user": store.accounts.system_actor("test")}


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory):
    """A store holding one good dataset, so "nothing changed" is not "still empty"."""
    from cchc_metrics import store as S

    st = S.open_store(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'store.sqlite'}")
    st.import_file(HF.raw_xlsx(), name="diem.xlsx", **who(S, st))
    yield st
    st.close()


@pytest.mark.parametrize("case_id", STORE_CASES)
def test_importing_a_refused_file_changes_nothing_stored(case_id, seeded_store, monkeypatch):
    """import_file raises ScoreFileError; datasets, revision and stored files stay as they were."""
    from cchc_metrics import store as S

    spec = HF.CASES[case_id]
    for key, value in spec.env.items():
        monkeypatch.setenv(key, value)
    data = spec.build()
    before = (len(seeded_store.datasets()), seeded_store.revision())
    with pytest.raises(cm.ScoreFileError) as refused:
        seeded_store.import_file(io.BytesIO(data), name=spec.name, **who(S, seeded_store))
    assert refused.value.problems and "unreadable" not in {p.code for p in refused.value.problems}
    assert (len(seeded_store.datasets()), seeded_store.revision()) == before
    with pytest.raises(S.StoreError):
        seeded_store.file_bytes(hashlib.sha256(data).hexdigest())


EXTENT_SHEETS = {
    # (sheet XML, rows, columns) the reach a parser would allocate for
    "numbered rows": ('<row r="1"><c r="A1"/></row><row r="2"><c r="AB2"/></row>', 2, 28),
    "unnumbered rows follow the previous": ('<row r="7"><c r="A7"/></row><row><c/></row><row/>',
                                           9, 0),
    "a far empty row": ('<row r="1"><c r="A1"/></row><row r="250000"/>', 250000, 0),
    "a far cell in a near row": ('<row r="3"><c r="B3"/><c r="C99999"/></row>', 99999, 0),
    "namespaced rows": ('<x:row r="4"><x:c r="AAA4"/></x:row>', 4, 703),
}


@pytest.mark.parametrize("chunk", [1 << 20, 7])
@pytest.mark.parametrize("name", EXTENT_SHEETS)
def test_extent_counts_the_reach_of_a_sheet_in_any_chunking(name, chunk):
    """The pre-parse scan finds the farthest row and column, even when XML is cut mid-tag."""
    from cchc_metrics.ingest.extent import Extent

    xml, rows, cols = EXTENT_SHEETS[name]
    data = f"<worksheet><sheetData>{xml}</sheetData></worksheet>".encode()
    extent = Extent("xl/worksheets/sheet1.xml", "xlsx")
    for i in range(0, len(data), chunk):
        extent.feed(data[i:i + chunk])
    if chunk > len(data):
        assert (extent.rows, extent.cols) == (rows, cols)
    else:  # a row number cut in two may be missed, never a far cell (the 64-byte overlap)
        assert extent.rows >= (rows if rows >= 10000 else 0) and extent.cols >= cols


def test_a_case_does_not_run_the_main_module_again(tmp_path, monkeypatch):
    """After an AppTest, sys.modules["__main__"] is app.py: a case's child must not run it."""
    marker = tmp_path / "ran"
    script = tmp_path / "stray_main.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    stray = types.ModuleType("__main__")
    stray.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", stray)
    out = HF.run_in_child("truncated-xlsx-10-bytes")
    assert out["outcome"] == "refused", out
    assert not marker.exists(), "the child ran the parent's __main__ file"
