"""What is counted and how rates are made of it: the one home of the indicators' names.

Counts are stored as counts; a rate is always Σ numerators ÷ Σ denominators (a block's rate, a
quarter's rate), never a mean of units' rates. The monthly service index (QĐ 766/QĐ-TTg) is
five groups of points, each with its maximum as the file gives it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc_metrics.i18n import Msg


@dataclass(frozen=True)
class Measure:
    """Something counted per unit and period."""

    key: str
    name: Msg
    stock: bool = False  # a state at the period's end (pending dossiers), not summed over months


@dataclass(frozen=True)
class Rate:
    """A share: Σ of the numerators ÷ Σ of the denominator, in %."""

    key: str
    name: Msg
    numerators: tuple[str, ...]
    denominator: str
    decimals: int = 2
    numerator_name: Msg | None = None  # several numerators read as one («trước hạn, đúng hạn»)


def _m(key, vi, en, stock=False) -> Measure:
    return Measure(key, Msg(vi, en), stock)


COUNTS = (
    _m("received", "Hồ sơ tiếp nhận", "Dossiers received"),
    _m("resolved", "Hồ sơ đã giải quyết", "Dossiers resolved"),
    _m("early", "Giải quyết trước hạn", "Resolved early"),
    _m("on_time", "Giải quyết đúng hạn", "Resolved on time"),
    _m("late", "Giải quyết trễ hạn", "Resolved late"),
    _m("pending", "Đang giải quyết", "Pending", stock=True),
    _m("online_received", "Tiếp nhận trực tuyến", "Received online"),
    _m("online_full", "Trực tuyến toàn trình", "Fully online"),
    _m("online_partial", "Trực tuyến một phần", "Partly online"),
    _m("digitised_dossiers", "Hồ sơ được số hóa", "Dossiers digitised"),
    _m("digitised_results", "Kết quả được số hóa", "Results digitised"),
    _m("online_payments", "Thanh toán trực tuyến", "Online payments"),
    _m("documents", "Văn bản phát hành", "Documents issued"),
    _m("signed_documents", "Văn bản ký số", "Documents signed digitally"),
)

# QĐ 766/QĐ-TTg: 100 points in five groups (the maxima a file states take precedence)
SERVICE_GROUPS = (
    (_m("svc_public", "Công khai, minh bạch", "Publicity and transparency"), 18.0),
    (_m("svc_progress", "Tiến độ, kết quả giải quyết", "Progress and results"), 20.0),
    (_m("svc_online", "Cung cấp dịch vụ trực tuyến", "Online services"), 22.0),
    (_m("svc_satisfaction", "Mức độ hài lòng", "Satisfaction"), 18.0),
    (_m("svc_digitisation", "Số hóa hồ sơ", "Digitisation"), 22.0),
)
SERVICE_INDEX = "service_index"  # the five groups' total
SERVICE_NAME = Msg("Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766)",
                   "Service index for citizens and businesses (QĐ 766)")

RATES = (
    Rate("on_time_rate", Msg("Tỷ lệ giải quyết trước hạn, đúng hạn",
                             "Resolved early or on time"), ("early", "on_time"), "resolved",
         numerator_name=Msg("Giải quyết trước hạn, đúng hạn", "Resolved early or on time")),
    Rate("online_rate", Msg("Tỷ lệ hồ sơ trực tuyến", "Dossiers received online"),
         ("online_received",), "received"),
    Rate("digitised_rate", Msg("Tỷ lệ hồ sơ được số hóa", "Dossiers digitised"),
         ("digitised_dossiers",), "received"),
    Rate("results_digitised_rate", Msg("Tỷ lệ kết quả được số hóa", "Results digitised"),
         ("digitised_results",), "resolved"),
    Rate("signed_rate", Msg("Tỷ lệ văn bản ký số", "Documents signed digitally"),
         ("signed_documents",), "documents"),
)

MEASURES = {m.key: m for m in COUNTS} | {m.key: m for m, _ in SERVICE_GROUPS}
RATE_BY_KEY = {r.key: r for r in RATES}
GROUP_KEYS = tuple(m.key for m, _ in SERVICE_GROUPS)
GROUP_MAX = {m.key: top for m, top in SERVICE_GROUPS}
# what a page ranks units by: the service index, then each rate
INDICATORS = (SERVICE_INDEX, *RATE_BY_KEY)


def indicator_name(key: str, lang: str = "vi") -> str:
    """An indicator's or a measure's name in the language."""
    if key == SERVICE_INDEX:
        return SERVICE_NAME.text(lang)
    if key in RATE_BY_KEY:
        return RATE_BY_KEY[key].name.text(lang)
    return MEASURES[key].name.text(lang)
