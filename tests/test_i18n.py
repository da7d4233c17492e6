"""Bilingual text: the Msg type, the one catalog, plural forms and the one rank-change rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cchc_metrics import catalog
from cchc_metrics.bands import BandSchemeError, parse_bands
from cchc_metrics.i18n import Msg, MsgError, rank_change_text, rank_change_texts, t

ROOT = Path(__file__).resolve().parents[1]


def test_a_message_keeps_both_languages_apart():
    m = Msg("Tốt / Khá không hợp lệ", "Good / Fair is invalid")
    assert m.text("vi") == "Tốt / Khá không hợp lệ" and m.text("en") == "Good / Fair is invalid"
    assert str(MsgError(m)) == "Tốt / Khá không hợp lệ\nGood / Fair is invalid"


def test_a_band_scheme_error_is_not_cut_at_a_slash_inside_its_text():
    """«Tốt / Khá» was split at its " / " as if it separated the Vietnamese from the English."""
    with pytest.raises(BandSchemeError) as caught:
        parse_bands("Tốt / Khá")
    assert "«Tốt / Khá»" in caught.value.msg.vi and "«Tốt / Khá»" in caught.value.msg.en
    assert "Viết dạng" in caught.value.msg.vi and "write" in caught.value.msg.en
    assert isinstance(caught.value, ValueError)  # callers that caught ValueError still do


@pytest.mark.parametrize(("key", "n", "en"), [
    ("errors_found", 1, "The file has 1 error and cannot be imported. Fix it and upload again."),
    ("errors_found", 3, "The file has 3 errors and cannot be imported. Fix them and upload again."),
    ("warnings_found", 1, "1 warning: the file's own figures differ from the recomputed ones."),
    ("chart.gap", 1, "⋯ 1 more unit ⋯"),
    ("chart.gap", 10_035, "⋯ 10,035 more units ⋯"),
])
def test_english_counts_take_their_plural_and_numbers_their_locale(key, n, en):
    assert t(key, "en", n=n) == en


def test_vietnamese_counts_are_written_with_the_dot_for_thousands():
    assert t("chart.gap", "vi", n=10_035) == "⋯ 10.035 đơn vị khác ⋯"
    assert t("errors_found", "vi", n=1).startswith("Tệp có 1 lỗi")


def test_every_catalog_entry_has_both_languages_and_the_same_placeholders():
    for key, (vi, en) in catalog.STRINGS.items():
        forms = list(en.values()) if isinstance(en, dict) else [en]
        fields = set(re.findall(r"{(\w+)}", vi))
        for form in forms:
            assert form or key == "first_year", key  # only «năm đầu có kết quả» has no English
            assert set(re.findall(r"{(\w+)}", form)) <= fields | {"n"}, key
        if isinstance(en, dict):
            assert set(en) == {"one", "other"} and "{n}" in vi, key


def test_one_rendering_of_a_rank_change_in_arrows_and_in_words():
    changes, prev = [2, -1, 0, None, 3], [5, 1, 4, None, 9]
    assert rank_change_texts(changes, prev, "vi").tolist() == ["▲ 2", "▼ 1", "=", "mới", "▲ 3"]
    assert rank_change_texts(changes, prev, "vi", style="words").tolist() == [
        "tăng 2 bậc", "giảm 1 bậc", "giữ nguyên thứ hạng", "mới", "tăng 3 bậc"]
    assert rank_change_texts([1, -4], [2, 1], "en", style="words").tolist() == [
        "up 1 place", "down 4 places"]
    assert rank_change_text(None, 3, "vi") == "—"  # ranked last year, but in another block
    assert rank_change_text(2, 5, "en") == "▲ 2"


def test_no_language_choice_is_written_inline_outside_the_catalog():
    """Every text a person reads comes from catalog.py (one home), not `"…" if lang == "vi"`."""
    words = r"""["'][^"'\n]*[A-Za-zÀ-ỹ][^"'\n]*["']"""  # a text, not a separator like ",."
    inline = re.compile(words + r"""\s+if\s+(lang|lg|vi)\b[^\n]*\belse\s+["']""")
    found = []
    for path in [*ROOT.glob("cchc_metrics/**/*.py"), *ROOT.glob("dashboard/*.py"),
                 *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if inline.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_preset_band_names_are_said_in_english_and_a_provinces_own_kept():
    from cchc_metrics.i18n import band_label, band_labels

    assert band_label("Tốt", "en") == "Good" and band_label("Tốt", "vi") == "Tốt"
    assert band_label("B", "en") == "B"  # a province's own band name is data
    assert band_labels(pd.Series(["Khá", None, "Kém"]), "en").tolist()[::2] == ["Fair", "Poor"]


def test_the_band_schemes_fit_the_sidebar_and_the_help_names_every_bound():
    from cchc_metrics.bands import BAND_PRESETS

    for lang in ("vi", "en"):
        help_text = t("bands_help", lang)
        for preset, bands in BAND_PRESETS.items():
            assert len(t(f"bands_{preset}", lang)) <= 28  # the box shows about 28 characters
            for _label, bound in bands:
                if bound > 0:
                    assert f"≥ {bound:g}\u00a0%" in help_text.replace(" %", "\u00a0%")
