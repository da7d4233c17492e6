"""One known result, rendered in the many forms provinces and ministries publish it.

`TRUTH` is a small result (two years, two ranking blocks, ties, an index that rounds at .005);
`render(form)` writes it as a file in one of many forms: containers, layouts, header wording,
header rows, block and summary rows, numbers as text, column order. `expected()` is the unit
table the reader must give back for every form, computed here independently of the library.
Everything is built from a fixed seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from tests import builders as B

YEARS = (2022, 2023)
FIELDS = (("Công tác chỉ đạo, điều hành CCHC", 20.0), ("Cải cách thể chế", 25.0),
          ("Cải cách thủ tục hành chính", 25.0))
SURVEY_MAX = 30.0
BLOCKS = {"Khối phường": ("Phường Bắc Sơn", "Phường Đông Hải", "Phường Tân An", "Phường Hòa Bình"),
          "Khối xã": ("Xã Long Hưng", "Xã Mỹ Phước", "Xã Thạnh Lộc", "Xã An Điền", "Xã Vĩnh Kim")}
# Band schemes a file may state in its «Xếp loại» column (the reader infers them)
SCHEMES = {"tot-kha-kem": (("Tốt", 80), ("Khá", 60), ("Kém", 0)),
           "five": (("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50), ("Yếu", 0))}
CONTAINERS = ("xlsx", "xls", "ods", "csv;utf-8-sig", "csv,utf-8", "tsv;utf-16", "csv;cp1258")
LAYOUTS = ("wide", "totals", "long", "index", "total")


@dataclass(frozen=True)
class Score:
    """One unit in one year: appraised points per field and the survey's points."""

    year: int
    block: str
    unit: str
    fields: tuple[float, ...]
    survey: float

    @property
    def total(self) -> Decimal:
        return sum((Decimal(str(p)) for p in self.fields), Decimal(str(self.survey)))

    @property
    def maximum(self) -> Decimal:
        return Decimal(str(sum(m for _, m in FIELDS) + SURVEY_MAX))

    @property
    def index(self) -> Decimal:
        return (100 * self.total / self.maximum).quantize(Decimal("0.01"), ROUND_HALF_UP)


def truth(seed: int = 20251206) -> list[Score]:
    """The known result: points in quarter steps, surveys to the thousandth, a tie per block."""
    rng = random.Random(seed)
    scores = []
    quality = {unit: q for units in BLOCKS.values()  # indices from the 40s to the 90s: every band
               for unit, q in zip(units, rng.sample([0.45, 0.55, 0.62, 0.68, 0.74, 0.8, 0.86,
                                                     0.92, 0.97], len(units)), strict=False)}
    for year in YEARS:
        for block, units in BLOCKS.items():
            for unit in units:
                share = [min(0.98, max(0.3, quality[unit] + rng.uniform(-0.04, 0.04)))
                         for _ in range(len(FIELDS) + 1)]
                fields = tuple(round(f * m * 4) / 4 for f, (_, m) in zip(share, FIELDS,
                                                                         strict=False))
                survey = round(share[-1] * SURVEY_MAX - 0.01, 3)
                scores.append(Score(year, block, unit, fields, survey))
    # a tie: the second unit of each block equals the first in 2023
    for block in BLOCKS:
        first, second = [s for s in scores if s.year == 2023 and s.block == block][:2]
        scores[scores.index(second)] = replace(second, fields=first.fields, survey=first.survey)
    # an index that rounds at the half: 100 × total / 100 ends in 5 at the third decimal
    one = next(s for s in scores if s.year == 2022 and s.block == "Khối xã")
    survey = Decimal(str(round(one.survey, 2))) + Decimal("0.005")
    scores[scores.index(one)] = replace(one, survey=float(survey))
    # parts that each round down while their sum rounds up: a decision printing every number to
    # two decimals prints a total its printed parts do not add up to (89,96 where 89,95 stands)
    three = [s for s in scores if s.year == 2023 and s.block == "Khối phường"][2]
    fields = (three.fields[0] + 0.004, *three.fields[1:])
    scores[scores.index(three)] = replace(three, fields=fields,
                                          survey=float(Decimal(str(round(three.survey, 2)))
                                                       + Decimal("0.004")))
    return scores


TRUTH = truth()


def band_in(scheme: str, index: float) -> str:
    """The band a scheme gives an index."""
    return next(label for label, bound in SCHEMES[scheme] if index >= bound)


def expected(scores: list[Score] = TRUTH) -> dict[tuple[int, str, str], dict]:
    """The unit table every form must read back: index, rank, units ranked, band, changes."""
    out = {}
    for s in scores:
        peers = [p for p in scores if p.year == s.year and p.block == s.block]
        rank = 1 + sum(1 for p in peers if p.index > s.index)
        out[(s.year, s.block, s.unit)] = {
            "points": float(s.total), "max_points": float(s.maximum), "index_pct": float(s.index),
            "rank": rank, "n_ranked": len(peers),
            "band": "Tốt" if s.index >= 80 else "Khá" if s.index >= 60 else "Kém"}
    for (year, block, unit), row in out.items():
        prev = out.get((year - 1, block, unit))
        row["rank_change"] = None if prev is None else prev["rank"] - row["rank"]
        row["delta_pct"] = None if prev is None else float(
            Decimal(str(row["index_pct"])) - Decimal(str(prev["index_pct"])))
    return out


# ---- forms --------------------------------------------------------------------------------------

UNIT_HEADERS = ("Tên đơn vị", "Đơn vị", "Tên xã, phường", "Địa phương", "Đơn vị hành chính",
                "Cơ quan, đơn vị", "Tên xã, phường, thị trấn")
RANK_HEADERS = ("Xếp hạng", "Thứ hạng", "Thứ tự xếp hạng", "Hạng")
INDEX_HEADERS = ("Chỉ số (%)", "Chỉ số CCHC (%)", "PAR INDEX", "Chỉ số cải cách hành chính")
SUMMARY_LABELS = ("Trung bình chung", "Tổng số", "Cộng", "Giá trị trung bình",
                  "Chỉ số CCHC bình quân của các xã, phường")


@dataclass(frozen=True)
class Form:
    """How one file is written; `describe()` names it in a failing test."""

    container: str = "xlsx"
    layout: str = "totals"
    years_in: str = "sheets"  # "sheets": a sheet per year; "column": one table with a Năm column
    unit_header: str = "Tên đơn vị"
    case: str = "as is"  # "as is", "upper", "plain" (no diacritics)
    title_rows: int = 2
    stt: bool = True
    block_numbers: str = "roman"  # "roman", "letters", "arabic", "none" (the block named only)
    summary: str = "none"  # "none", "top", "bottom", "between"
    summary_label: str = "Trung bình chung"
    numbers: str = "numbers"  # "numbers", "comma text", "point text"
    index_as: str = "number"  # "number", "percent text" (85,65%)
    shuffle: int = 0  # a seed for the order of the score columns (0: as published)
    header_rows: int = 1  # 2: a group over the score columns; 3 (wide): a group over the fields
    rank_first: bool = False  # the rank column before the unit's name (no STT then)
    rank_header: str = "Xếp hạng"
    index_header: str = "Chỉ số (%)"
    rounded: bool = False  # every number printed to 2 decimals: the parts then miss the total
    scheme: str = "tot-kha-kem"  # the bands the «Xếp loại» column states
    extras: tuple[str, ...] = field(default=())

    @property
    def states_bands(self) -> bool:
        return self.layout in ("totals", "index")

    def describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())


def forms(n: int, seed: int = 7) -> list[Form]:
    """n forms drawn from every combination's parts, the same ones on every run."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        container = CONTAINERS[i % len(CONTAINERS)]
        layout = LAYOUTS[(i // len(CONTAINERS)) % len(LAYOUTS)]
        out.append(Form(
            container=container, layout=layout,
            years_in="column" if container.startswith(("csv", "tsv")) else rng.choice(
                ("sheets", "column")),
            unit_header=rng.choice(UNIT_HEADERS), case=rng.choice(("as is", "upper", "plain")),
            title_rows=rng.choice((0, 1, 2, 3)), stt=rng.random() < 0.8,
            block_numbers=rng.choice(("roman", "letters", "arabic", "none")),
            summary=rng.choice(("none", "top", "bottom", "between")),
            summary_label=rng.choice(SUMMARY_LABELS),
            numbers=rng.choice(("numbers", "comma text", "point text")),
            index_as=rng.choice(("number", "percent text")),
            shuffle=rng.randrange(0, 4), header_rows=rng.choice((1, 2, 3)),
            rank_first=rng.random() < 0.15, rank_header=rng.choice(RANK_HEADERS),
            index_header=rng.choice(INDEX_HEADERS),
            rounded=layout in ("wide", "totals", "total") and rng.random() < 0.5,
            scheme=rng.choice(tuple(SCHEMES))))
    return out


def plain(text: str) -> str:
    """Vietnamese without its diacritics, as some offices type it."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) != "Mn")


def cased(form: Form, text: str) -> str:
    """A header as this form writes it."""
    if form.case == "upper":
        return text.upper()
    if form.case == "plain":
        return plain(text)
    return text


def number(form: Form, value) -> object:
    """A number as this form writes it: a number, or text with a decimal comma or point."""
    if value is None:
        return ""
    if form.rounded:
        value = Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    value = float(value)
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    if form.numbers == "comma text":
        return text.replace(".", ",")
    if form.numbers == "point text":
        return text
    return value


def index_cell(form: Form, value: Decimal) -> object:
    if form.index_as == "percent text":
        return f"{value:.2f}".replace(".", ",") + "%"
    return number(form, value)


def columns(form: Form) -> list[tuple[list[str], str]]:
    """(header path from the top row down, what the column holds) of the score columns."""
    if form.layout == "wide":
        cols = []
        for name, _ in FIELDS:
            cols += [([name, "Tối đa"], f"max:{name}"), ([name, "Tự đánh giá"], f"self:{name}"),
                     ([name, "Thẩm định"], f"points:{name}")]
        cols += [(["Điều tra xã hội học", "Tối đa"], "max:survey"),
                 (["Điều tra xã hội học", "Điểm"], "points:survey")]
        if form.header_rows == 3:  # a group over the fields' groups
            cols = [(["Điểm theo từng lĩnh vực", *path], what) for path, what in cols]
        cols += [(["Tổng điểm"], "total"), ([form.index_header], "index")]
        return cols + ([] if form.rank_first else [([form.rank_header], "rank")])
    if form.layout == "totals":
        cols = [(["Điểm tối đa"], "max"), (["Điểm thẩm định"], "appraised"),
                (["Điểm ĐTXHH (30)"], "points:survey"), (["Tổng điểm"], "total"),
                ([form.index_header], "index"), ([form.rank_header], "rank"),
                (["Xếp loại"], "band")]
    elif form.layout == "index":
        cols = [([form.index_header], "index"), ([form.rank_header], "rank"), (["Xếp loại"], "band")]
    elif form.layout == "total":
        cols = [(["Điểm tối đa"], "max"), (["Tổng điểm"], "total"), ([form.rank_header], "rank")]
    else:  # long
        return [(["Lĩnh vực"], "field"), (["Điểm tối đa"], "max"), (["Điểm thẩm định"], "points")]
    if form.rank_first:
        cols = [c for c in cols if c[1] != "rank"]
    if form.shuffle:
        random.Random(form.shuffle).shuffle(cols)
    if form.header_rows >= 2:  # «Kết quả Chỉ số CCHC» merged over every score column
        cols = [(["Kết quả Chỉ số CCHC", *path], what) for path, what in cols]
    return cols


def header_grid(paths: list[list[str]], first_row: int) -> tuple[B.Rows, list[str]]:
    """Header rows for columns given by their paths, merged as a decision's appendix merges them:
    a group across the columns under it, a short path's last text down to the last header row."""
    depth = max(len(p) for p in paths)
    grid = [[""] * len(paths) for _ in range(depth)]
    merges = []
    for c, path in enumerate(paths):
        for level, text in enumerate(path):
            grid[level][c] = text
        if len(path) < depth:
            merges.append(f"{B.letter(c + 1)}{first_row + len(path) - 1}:"
                          f"{B.letter(c + 1)}{first_row + depth - 1}")
    for level in range(depth - 1):
        c = 0
        while c < len(paths):
            if len(paths[c]) <= level + 1:
                c += 1
                continue
            end = c
            while end + 1 < len(paths) and len(paths[end + 1]) > level + 1 and \
                    paths[end + 1][:level + 1] == paths[c][:level + 1]:
                end += 1
            for k in range(c + 1, end + 1):
                grid[level][k] = ""
            if end > c:
                merges.append(f"{B.letter(c + 1)}{first_row + level}:"
                              f"{B.letter(end + 1)}{first_row + level}")
            c = end + 1
    return grid, merges


def cell(form: Form, s: Score, what: str, component: str | None = None) -> object:
    """The value a score column holds for one unit (long layout: for one component)."""
    fields = dict(zip([n for n, _ in FIELDS], s.fields, strict=True))
    maxima = dict(FIELDS)
    kind, _, name = what.partition(":")
    if what == "field":
        return component
    if form.layout == "long":
        if what == "max":
            return number(form, SURVEY_MAX if component == "Điều tra xã hội học"
                          else maxima[component])
        return number(form, s.survey if component == "Điều tra xã hội học"
                      else fields[component])
    if kind == "max" and name:
        return number(form, SURVEY_MAX if name == "survey" else maxima[name])
    if kind == "self":
        return number(form, fields[name])
    if kind == "points":
        return number(form, s.survey if name == "survey" else fields[name])
    if what == "max":
        return number(form, s.maximum - (Decimal(str(SURVEY_MAX)) if form.layout == "totals"
                                         else 0))
    if what == "appraised":
        return number(form, sum(Decimal(str(p)) for p in s.fields))
    if what == "total":
        return number(form, s.total)
    if what == "index":
        return index_cell(form, s.index)
    if what == "rank":
        exp = expected()[(s.year, s.block, s.unit)]
        return exp["rank"]
    if what == "band":
        return band_in(form.scheme, float(s.index))
    raise ValueError(what)


def table(form: Form, years: tuple[int, ...]) -> tuple[B.Rows, list[str]]:
    """The rows of one table (one sheet) and its merged ranges."""
    score_cols = columns(form)
    lead = ([(form.rank_header, "rank")] if form.rank_first else []) + (
        [("STT", "stt")] if form.stt and not form.rank_first else []) + (
        [("Năm", "year")] if form.years_in == "column" else []) + [(form.unit_header, "unit")]
    unit_at = len(lead) - 1
    rows: B.Rows = []
    titles = ["UBND TỈNH AN HÒA (DỮ LIỆU THỬ)",
              f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH{' NĂM ' + str(years[0]) if len(years) == 1 else ''}"
              " CỦA UBND CÁC XÃ, PHƯỜNG",
              "(Kèm theo Quyết định số 12/QĐ-UBND)"]
    rows += [[t] for t in titles[:form.title_rows]]
    if form.title_rows:
        rows.append([])
    paths = [[cased(form, h)] for h, _ in lead] + [[cased(form, t) for t in path]
                                                   for path, _ in score_cols]
    head, merges = header_grid(paths, len(rows) + 1)
    rows += head
    width = len(paths)

    def summary_row() -> list:
        row = [""] * width
        row[unit_at] = form.summary_label
        for i, (_, what) in enumerate(score_cols):
            if what in ("max", "total", "appraised") or what.startswith(("max:", "points:")):
                row[len(lead) + i] = number(form, 70)
        return row

    if form.summary == "top":
        rows.append(summary_row())
    number_of = {"roman": ("I", "II"), "letters": ("A", "B"), "arabic": ("1", "2"),
                 "none": ("", "")}[form.block_numbers]
    numbered = lead[0][1] in ("stt", "rank") and number_of[0]
    stt = 0
    for b, block in enumerate(BLOCKS):
        if form.summary == "between" and b:
            rows.append(summary_row())
        block_row = [""] * width
        if numbered:
            block_row[0] = number_of[b]
        block_row[unit_at] = block if numbered or not number_of[b] else f"{number_of[b]}. {block}"
        rows.append(block_row)
        for year in years:
            for s in (x for x in TRUTH if x.year == year and x.block == block):
                comps = [n for n, _ in FIELDS] + ["Điều tra xã hội học"] if \
                    form.layout == "long" else [None]
                for comp in comps:
                    stt += 1
                    values = {"stt": stt, "year": year, "unit": s.unit,
                              "rank": expected()[(s.year, s.block, s.unit)]["rank"]}
                    row = [values[kind] for _, kind in lead]
                    row += [cell(form, s, what, comp) for _, what in score_cols]
                    rows.append(row)
    if form.summary in ("bottom", "between"):
        rows.append(summary_row())
    rows += [[], [""] * unit_at + ["Người lập biểu"]]
    return rows, merges


def render(form: Form) -> tuple[bytes, str]:
    """The file's bytes and its name."""
    if form.years_in == "sheets":
        sheets = {f"Năm {y}": table(form, (y,)) for y in YEARS}
    else:
        sheets = {"Kết quả": table(form, YEARS)}
    if form.container in ("xlsx",):
        return B.xlsx({k: v[0] for k, v in sheets.items()},
                      {k: v[1] for k, v in sheets.items()}), "ket_qua.xlsx"
    if form.container == "xls":
        return B.xls({k: v[0] for k, v in sheets.items()}), "ket_qua.xls"
    if form.container == "ods":
        return B.ods({k: v[0] for k, v in sheets.items()}), "ket_qua.ods"
    (rows, _), = sheets.values()
    delimiter = {"csv;utf-8-sig": ";", "csv,utf-8": ",", "tsv;utf-16": "\t",
                 "csv;cp1258": ";"}[form.container]
    encoding = {"csv;utf-8-sig": "utf-8-sig", "csv,utf-8": "utf-8", "tsv;utf-16": "utf-16",
                "csv;cp1258": "cp1258"}[form.container]
    if encoding == "cp1258":  # as Excel on Vietnamese Windows saves it: tones as combining marks
        rows = [[windows_1258(v) if isinstance(v, str) else v for v in row] for row in rows]
    return B.csv_bytes(rows, delimiter=delimiter, encoding=encoding), "ket_qua.csv"


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> str:
    """Vietnamese text as Windows-1258 holds it: ư, ơ, ă, â, ê, ô whole, the tone after them."""
    import unicodedata

    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in parts if c not in TONES)
        out.append(unicodedata.normalize("NFC", base) + "".join(c for c in parts if c in TONES))
    return "".join(out)


# ---- criterion detail (issue 24): one known tree, in the layouts it comes in ---------------------
# fields → criteria → sub-criteria with their maxima; a criterion with parts is their sum
TREE = (("Công tác chỉ đạo, điều hành CCHC", (("Kế hoạch CCHC năm", (1.0, 1.0)),
                                             ("Báo cáo CCHC", (1.5,)))),
        ("Cải cách thể chế", (("Xây dựng văn bản QPPL", (2.0, 1.0, 1.0)),
                              ("Rà soát văn bản", (2.0,)))),
        ("Cải cách thủ tục hành chính", (("Công khai TTHC", (1.5, 1.5)),
                                         ("Kết quả giải quyết hồ sơ", (3.0, 2.0)),
                                         ("Tiếp nhận phản ánh, kiến nghị", (1.0,)))))
CRITERION_LAYOUTS = ("transposed", "long", "wide", "form")
PAIRS = (("Tự ĐG", "Thẩm định"), ("Tự chấm", "Điểm thẩm định"),
         ("Điểm tự đánh giá", "Kết quả thẩm định"))
MAXIMUM_HEADERS = ("Điểm tối đa", "Thang điểm", "Điểm chuẩn")


@dataclass(frozen=True)
class Node:
    """One unit's points at one node of the tree in one year."""

    year: int
    unit: str
    code: str  # the path: «2», «2.1», «2.1.2»
    name: str
    maximum: float
    self_points: float
    points: float


def nodes() -> list[tuple[str, str, float]]:
    """(path, name, maximum) of every node, fields first then their criteria and parts."""
    out = []
    for f, (field_name, criteria) in enumerate(TREE, start=1):
        kids = []
        for c, (name, parts) in enumerate(criteria, start=1):
            kids.append((f"{f}.{c}", name, sum(parts)))
            if len(parts) > 1:
                kids += [(f"{f}.{c}.{p}", f"{name} — ý {p}", m) for p, m in enumerate(parts, 1)]
        out += [(str(f), field_name, sum(m for code, _, m in kids if code.count(".") == 1)),
                *kids]
    return out


def criterion_truth(seed: int = 24) -> list[Node]:
    """Every unit of BLOCKS in both years: leaves in quarter steps, appraised at most
    self-assessed, each parent the sum of its parts (so the files add up)."""
    rng = random.Random(seed)
    tree = nodes()
    kids = {code: [k for k, _, _ in tree if k.rsplit(".", 1)[0] == code and "." in k]
            for code, _, _ in tree}
    out = []
    for year in YEARS:
        for unit in (u for units in BLOCKS.values() for u in units):
            got = {}
            for code, _, top in sorted(tree, key=lambda n: -n[0].count(".")):  # leaves first
                if kids[code]:
                    got[code] = tuple(sum(got[k][i] for k in kids[code]) for i in (0, 1))
                else:
                    own = round(rng.uniform(0.5, 1.0) * top * 4) / 4
                    got[code] = (own, round(rng.uniform(0.3, 1.0) * own * 4) / 4)
            out += [Node(year, unit, code, name, top, *got[code]) for code, name, top in tree]
    return out


CRITERION_TRUTH = criterion_truth()


@dataclass(frozen=True)
class CriterionForm:
    """How a criterion file is written; `describe()` names it in a failing test."""

    layout: str = "transposed"
    container: str = "xlsx"
    numbering: str = "roman"  # fields I, II … with criteria 1, 2 … under them; "arabic": paths
    pair: int = 0  # which «Tự ĐG | Thẩm định» wording
    maximum: int = 0  # which «Điểm tối đa» wording
    numbers: str = "numbers"  # or "comma text"
    title_rows: int = 2
    year_in: str = "title"  # "title", "sheet" (the sheet's name), "column" (long: a Năm column)

    def describe(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())


def criterion_forms(n: int, seed: int = 24) -> list[CriterionForm]:
    """n forms: every layout in turn, the other parts drawn from a fixed seed."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        layout = CRITERION_LAYOUTS[i % len(CRITERION_LAYOUTS)]
        container = rng.choice(("xlsx", "ods", "xls") + (("csv;utf-8-sig", "csv,utf-8")
                                                         if layout == "long" else ()))
        year_in = "column" if container.startswith("csv") else rng.choice(
            ("title", "sheet", "column") if layout == "long" else ("title", "sheet"))
        out.append(CriterionForm(
            layout=layout, container=container, numbering=rng.choice(("roman", "arabic")),
            pair=rng.randrange(len(PAIRS)), maximum=rng.randrange(len(MAXIMUM_HEADERS)),
            numbers=rng.choice(("numbers", "comma text")), title_rows=rng.choice((0, 1, 2)),
            year_in=year_in))
    return out


def _code(form: CriterionForm, code: str) -> str:
    """The code as the file prints it: «II», then «1», «1.2» under it (Roman), or the path."""
    if form.numbering == "arabic":
        return code
    head, _, rest = code.partition(".")
    return rest or ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")[int(head) - 1]


def _num(form: CriterionForm, value: float) -> object:
    if form.numbers == "comma text":
        return f"{value:g}".replace(".", ",")
    return value


def _title(form: CriterionForm, year: int, what: str) -> B.Rows:
    """Title lines; the year is in the first unless the sheet's name or a column gives it."""
    lines = [[f"{what} NĂM {year}" if form.year_in == "title" else what],
             ["(Kèm theo Quyết định số …/QĐ-UBND)"]]
    return lines[:max(form.title_rows, form.year_in == "title")]


def _criterion_sheet(form: CriterionForm, year: int, units: list[str]) -> B.Rows:
    """One year's table of the given units in the form's layout."""
    mine = {(n.unit, n.code): n for n in CRITERION_TRUTH if n.year == year}
    self_head, app_head = PAIRS[form.pair]
    top = MAXIMUM_HEADERS[form.maximum]
    if form.layout in ("transposed", "form"):
        rows = _title(form, year, "BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CCHC")
        if form.layout == "form":
            rows = [*rows, [f"Đơn vị: {units[0]}"]]
            rows += [["STT", "Lĩnh vực, tiêu chí", top, self_head, app_head]]
        else:
            over = ["", "", ""]
            under = ["STT", "Lĩnh vực, tiêu chí", top]
            for unit in units:
                over += [unit, ""]
                under += [self_head, app_head]
            rows += [over, under]
        for code, name, maximum in nodes():
            row = [_code(form, code), name, _num(form, maximum)]
            for unit in units:
                n = mine[unit, code]
                row += [_num(form, n.self_points), _num(form, n.points)]
            rows.append(row)
        return rows
    if form.layout == "wide":
        rows = _title(form, year, "KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CCHC")
        over, under = ["STT", "Đơn vị"], ["", ""]
        for code, name, _ in nodes():
            over += [f"{_code(form, code)}. {name}", "", ""]
            under += [top, self_head, app_head]
        rows += [over, under]
        for i, unit in enumerate(units, start=1):
            row = [i, unit]
            for code, _, maximum in nodes():
                n = mine[unit, code]
                row += [_num(form, maximum), _num(form, n.self_points), _num(form, n.points)]
            rows.append(row)
        return rows
    # long: a row per unit × node, with the full path as its code
    rows = _title(form, year, "ĐIỂM CHI TIẾT THEO TIÊU CHÍ") if form.year_in != "column" else []
    head = ["Đơn vị", "Mã tiêu chí", "Tiêu chí", top, self_head, app_head]
    rows.append((["Năm"] if form.year_in == "column" else []) + head)
    for unit in units:
        for code, name, maximum in nodes():
            n = mine[unit, code]
            rows.append(([year] if form.year_in == "column" else []) + [
                unit, code, name, _num(form, maximum), _num(form, n.self_points),
                _num(form, n.points)])
    return rows


def render_criteria(form: CriterionForm) -> list[tuple[str, bytes]]:
    """The files (name, bytes): one per unit and year for the self-assessment form, else one
    file with a sheet per year (or one table with a Năm column). Names never state the year:
    the title, the sheet's name or the column must."""
    units = [u for block in BLOCKS.values() for u in block]
    sheet = {y: f"Năm {y}" if form.year_in == "sheet" else f"Biểu {i}"
             for i, y in enumerate(YEARS, start=1)}
    if form.layout == "form":
        books = {f"tu_danh_gia_{i:02d}": {sheet[year]: _criterion_sheet(form, year, [unit])}
                 for i, (year, unit) in enumerate((y, u) for y in YEARS for u in units)}
    elif form.year_in == "column":
        first, *rest = [_criterion_sheet(form, y, units) for y in YEARS]
        books = {"ket_qua_tieu_chi": {"Tiêu chí": first + [r for t in rest for r in t[1:]]}}
    else:
        books = {"ket_qua_tieu_chi": {sheet[y]: _criterion_sheet(form, y, units)
                                      for y in YEARS}}
    out = []
    for stem, book in books.items():
        if form.container == "xlsx":
            out.append((f"{stem}.xlsx", B.xlsx(book, {k: _merges(form, v)
                                                       for k, v in book.items()})))
        elif form.container == "ods":
            out.append((f"{stem}.ods", B.ods(book)))
        elif form.container == "xls":
            out.append((f"{stem}.xls", B.xls(book)))
        else:
            (rows,) = book.values()
            delimiter, encoding = (";", "utf-8-sig") if form.container == "csv;utf-8-sig" else \
                (",", "utf-8")
            out.append((f"{stem}.csv", B.csv_bytes(rows, delimiter=delimiter, encoding=encoding)))
    return out


def _merges(form: CriterionForm, rows: B.Rows) -> list[str]:
    """Each unit's name merged over its «Tự ĐG | Thẩm định» pair (transposed), each criterion
    over its three columns (wide), as the published tables merge them."""
    if form.layout not in ("transposed", "wide"):
        return []
    stt = next(i for i, row in enumerate(rows) if row and row[0] == "STT")
    at, width, first = (stt - 1, 2, 3) if form.layout == "transposed" else (stt, 3, 2)
    return [f"{B.letter(c + 1)}{at + 1}:{B.letter(c + width)}{at + 1}"
            for c, v in enumerate(rows[at]) if v and c >= first]
