"""The sample province's criterion tree (issue 24): 8 fields, 35 criteria, 80 sub-criteria.

Fictional but shaped like the provincial frameworks (a field → its criteria → their
sub-criteria, each with a maximum). Every unit's sub-criterion points are its field points of
the demo split down the tree in the steps officials score in, so the tree adds up to the field
exactly; delivered as the transposed workbook appraisal councils publish (criteria down the
rows, a «Tự ĐG | Thẩm định» pair under each unit's name).
"""

from __future__ import annotations

import functools
import io
import zlib

import numpy as np
import pandas as pd

from cchc_metrics.contract import CRITERION_COLUMNS
from cchc_metrics.fields import FIELD_NAMES
from cchc_metrics.numbers import roman

CRITERIA_FILE = "tong_hop_tieu_chi_so_nganh_{year}_mau.xlsx"
# each field's criteria; each criterion's sub-criteria (the sample's own, fictional wording)
CRITERIA: dict[str, list[tuple[str, list[str]]]] = {
    FIELD_NAMES[0]: [
        ("Kế hoạch CCHC năm", ["Ban hành kế hoạch đúng thời hạn", "Mức độ hoàn thành kế hoạch"]),
        ("Báo cáo CCHC", ["Báo cáo đủ số lượng, đúng thời hạn", "Chất lượng báo cáo"]),
        ("Kiểm tra công tác CCHC", ["Tỷ lệ đơn vị được kiểm tra", "Xử lý tồn tại sau kiểm tra"]),
        ("Tuyên truyền CCHC", ["Kế hoạch tuyên truyền", "Hình thức tuyên truyền đa dạng"]),
        ("Sáng kiến, giải pháp mới", ["Có sáng kiến được công nhận", "Nhân rộng sáng kiến"]),
    ],
    FIELD_NAMES[1]: [
        ("Xây dựng văn bản quy phạm pháp luật", ["Đúng chương trình", "Đúng trình tự, thủ tục"]),
        ("Rà soát, hệ thống hóa văn bản", ["Kế hoạch rà soát", "Xử lý kết quả rà soát"]),
        ("Kiểm tra văn bản", ["Tự kiểm tra văn bản", "Xử lý văn bản trái pháp luật"]),
        ("Theo dõi thi hành pháp luật", ["Kế hoạch theo dõi", "Báo cáo kết quả theo dõi",
                                         "Xử lý kiến nghị"]),
    ],
    FIELD_NAMES[2]: [
        ("Công bố, công khai thủ tục hành chính", ["Công bố đúng hạn", "Công khai đầy đủ",
                                                   "Cập nhật trên Cổng dịch vụ công"]),
        ("Rà soát, đơn giản hóa thủ tục", ["Kế hoạch rà soát", "Phương án đơn giản hóa"]),
        ("Cơ chế một cửa, một cửa liên thông", ["Bộ phận một cửa đúng quy định",
                                                "Hồ sơ đúng hạn", "Xin lỗi khi trễ hạn"]),
        ("Dịch vụ công trực tuyến", ["Tỷ lệ hồ sơ trực tuyến", "Thanh toán trực tuyến"]),
        ("Số hóa hồ sơ, kết quả", ["Số hóa hồ sơ", "Số hóa kết quả giải quyết"]),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị", ["Công khai kênh tiếp nhận",
                                                  "Xử lý đúng hạn"]),
    ],
    FIELD_NAMES[3]: [
        ("Sắp xếp tổ chức bộ máy", ["Thực hiện đúng lộ trình", "Quy định chức năng, nhiệm vụ"]),
        ("Biên chế", ["Quản lý biên chế đúng quy định", "Tinh giản biên chế"]),
        ("Phân cấp, ủy quyền", ["Thực hiện phân cấp", "Kiểm tra sau phân cấp"]),
    ],
    FIELD_NAMES[4]: [
        ("Vị trí việc làm", ["Phê duyệt vị trí việc làm", "Bố trí đúng vị trí"]),
        ("Tuyển dụng, sử dụng công chức", ["Tuyển dụng đúng quy định", "Bổ nhiệm đúng quy trình"]),
        ("Đánh giá, xếp loại", ["Đánh giá đúng thời hạn", "Gắn với kết quả công việc"]),
        ("Đào tạo, bồi dưỡng", ["Kế hoạch đào tạo", "Mức độ hoàn thành"]),
        ("Kỷ luật, kỷ cương hành chính", ["Không vi phạm kỷ luật", "Kiểm tra công vụ",
                                          "Xử lý sau kiểm tra"]),
    ],
    FIELD_NAMES[5]: [
        ("Quản lý, sử dụng ngân sách", ["Giải ngân đúng tiến độ", "Công khai ngân sách"]),
        ("Cơ chế tự chủ tài chính", ["Quy chế chi tiêu nội bộ", "Thực hiện tự chủ"]),
        ("Quản lý tài sản công", ["Quy chế quản lý tài sản", "Báo cáo tài sản đúng hạn"]),
    ],
    FIELD_NAMES[6]: [
        ("Hạ tầng, nền tảng số", ["Mạng nội bộ, an toàn thông tin", "Kết nối nền tảng dùng chung"]),
        ("Văn bản điện tử, chữ ký số", ["Tỷ lệ văn bản điện tử", "Tỷ lệ văn bản ký số"]),
        ("Hệ thống thông tin giải quyết TTHC", ["Cập nhật hồ sơ đầy đủ", "Đồng bộ dữ liệu"]),
        ("Cổng, trang thông tin điện tử", ["Cung cấp thông tin đầy đủ", "Cập nhật thường xuyên"]),
        ("Chuyển đổi số", ["Kế hoạch chuyển đổi số", "Dữ liệu mở", "Hệ thống họp trực tuyến"]),
    ],
    FIELD_NAMES[7]: [
        ("Tác động đến chất lượng văn bản", ["Văn bản được ban hành đúng hạn",
                                             "Không có văn bản bị hủy bỏ"]),
        ("Tác động đến giải quyết TTHC", ["Hồ sơ không quá hạn", "Không có phản ánh tiêu cực"]),
        ("Tác động đến chỉ đạo, điều hành", ["Nhiệm vụ được giao hoàn thành",
                                             "Không có nhiệm vụ quá hạn"]),
        ("Tác động đến phát triển kinh tế - xã hội", ["Thu hút đầu tư", "Chỉ số PCI"]),
    ],
}
# how hard a sub-criterion is (its share of the points units lose): the same every year
DIFFICULTY_SEED = 24


def framework() -> pd.DataFrame:
    """The tree: code (2, 2.3, 2.3.1), name, depth (1 field, 2 criterion, 3 sub-criterion) and
    field, in the order the framework prints it."""
    rows = []
    for f, field in enumerate(FIELD_NAMES, start=1):
        rows.append((str(f), field, 1, field))
        for c, (name, subs) in enumerate(CRITERIA[field], start=1):
            rows.append((f"{f}.{c}", name, 2, field))
            rows += [(f"{f}.{c}.{s}", sub, 3, field) for s, sub in enumerate(subs, start=1)]
    return pd.DataFrame(rows, columns=["criterion", "criterion_name", "depth", "field"])


def _split(total: int, weights: np.ndarray, step: int) -> np.ndarray:
    """`total` hundredths as parts in multiples of `step`, proportional to `weights`."""
    chunks = total // step
    raw = weights / weights.sum() * chunks
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts))[:chunks - parts.sum()]:
        parts[i] += 1
    out = parts * step
    out[np.argmax(out)] += total - out.sum()  # a total off the step (never in the sample)
    return out


def _lose(loss: int, caps: np.ndarray, weights: np.ndarray, step: int,
          rng: np.random.Generator) -> np.ndarray:
    """`loss` hundredths taken from parts with these maxima, in steps, the harder parts more."""
    lost = np.zeros(len(caps), dtype=int)
    left = loss // step
    while left > 0:  # all steps at once, those past a part's room drawn again
        room = (caps - lost) // step
        if not (room > 0).any():
            break
        p = np.where(room > 0, weights, 0.0)
        take = np.minimum(rng.multinomial(left, p / p.sum()), room)
        lost += take * step
        left -= int(take.sum())
    rest = loss - lost.sum()
    if rest:  # what does not fit a whole step goes where there is room
        i = int(np.argmax(caps - lost))
        lost[i] += min(rest, caps[i] - lost[i])
    return lost


def demo_criteria(years=(2024, 2025)) -> pd.DataFrame:
    """The departments' trees (CRITERION_COLUMNS) for `years`: each one's demo field points
    split down to the sub-criteria, criteria and fields the sums of theirs. Departments with a
    lowered maximum (a field partly not applicable to them) have field results only, as when a
    unit's detail is not published."""
    from cchc_metrics.sample.demo import NOT_APPLICABLE, STEP, build_demo_scores

    scores = build_demo_scores()
    scores = scores[(scores["level"] == "department") & scores["year"].isin(years) &
                    scores["component"].isin(FIELD_NAMES) &
                    ~scores["unit"].isin(list(NOT_APPLICABLE))]
    tree = framework()
    names = dict(zip(tree["criterion"], tree["criterion_name"], strict=True))
    leaves = tree[tree["depth"] == 3]
    weight = np.random.default_rng(DIFFICULTY_SEED).gamma(1.2, 1.0, len(leaves))
    shape = {}  # per field: its leaves, their criteria, the framework's maxima, the weights
    for field in FIELD_NAMES:
        mine = (leaves["field"] == field).to_numpy()
        codes = leaves.loc[mine, "criterion"].tolist()
        parents = list(dict.fromkeys(c.rsplit(".", 1)[0] for c in codes))
        at = np.array([parents.index(c.rsplit(".", 1)[0]) for c in codes])
        shape[field] = (codes, parents, at, weight[mine])
    out = []
    source = "Bảng tổng hợp (dữ liệu mẫu)"
    for r in scores.itertuples(index=False):
        k = FIELD_NAMES.index(r.component)
        codes, parents, at, hard = shape[r.component]
        top = int(round(r.max_points * 100))
        caps = _split(top, np.ones(len(codes)), 25)  # the framework's maxima: equal shares
        rng = np.random.default_rng(zlib.crc32(f"{r.year}{r.unit}{k}".encode()))
        got = caps - _lose(top - int(round(r.points * 100)), caps, hard, STEP[k], rng)
        if r.self_points == r.self_points:
            own = caps - _lose(max(top - int(round(r.self_points * 100)), 0), caps, hard,
                               STEP[k], rng)
        else:
            own = np.full(len(caps), np.nan)
        sums = [np.bincount(at, weights=v, minlength=len(parents)) for v in (caps, own, got)]
        where = (r.year, r.level, r.block, r.province, r.parent, r.unit, r.unit_code,
                 r.component)
        out.append((*where, str(k + 1), r.component, top / 100, own.sum() / 100,
                    got.sum() / 100, source))
        for j, code in enumerate(parents):
            out.append((*where, code, names[code], sums[0][j] / 100, sums[1][j] / 100,
                        sums[2][j] / 100, source))
            out += [(*where, codes[i], names[codes[i]], caps[i] / 100, own[i] / 100,
                     got[i] / 100, source) for i in np.flatnonzero(at == j)]
    return pd.DataFrame(out, columns=CRITERION_COLUMNS)


@functools.lru_cache(maxsize=4)
def criteria_workbook(year: int = 2025) -> bytes:
    """The transposed table appraisal councils publish: criteria down the rows (fields bold,
    numbered I, II …), the maximum in its own column, a «Tự ĐG | Thẩm định» pair under each
    unit's name (merged over the pair)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = demo_criteria((year,))
    units = list(dict.fromkeys(rows["unit"]))
    tree = framework()
    book = Workbook()
    ws = book.active
    ws.title = f"Năm {year}"
    ws.append(["UBND TỈNH AN HÒA (DỮ LIỆU MẪU)"])
    ws.append([f"BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CÁC TIÊU CHÍ, TIÊU CHÍ THÀNH PHẦN "
               f"NĂM {year}"])
    ws.append(["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa",
               *[u for unit in units for u in (unit, None)]])
    ws.append([None, None, None, *["Tự ĐG", "Thẩm định"] * len(units)])
    for i in range(len(units)):
        ws.merge_cells(start_row=3, start_column=4 + 2 * i, end_row=3, end_column=5 + 2 * i)
    wide = rows.pivot_table(index="criterion", columns="unit", values=["self_points", "points"],
                            sort=False)
    top = rows.drop_duplicates("criterion").set_index("criterion")["max_points"]
    for t in tree.itertuples(index=False):
        f = int(t.criterion.split(".")[0])
        number = roman(f) if t.depth == 1 else t.criterion.split(".", 1)[1]
        values = [v for unit in units for v in (wide.loc[t.criterion, ("self_points", unit)],
                                                wide.loc[t.criterion, ("points", unit)])]
        ws.append([number, t.criterion_name, float(top[t.criterion]),
                   *[None if v != v else float(v) for v in values]])
        if t.depth == 1:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
