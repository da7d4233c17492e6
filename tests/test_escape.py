"""Names from a file are shown as typed: never links, images, formulas or markup."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import cchc_metrics as cm
from cchc_metrics import charts, escape
from cchc_metrics.bands import band_counts
from cchc_metrics.metrics import field_summary, unit_fields
from tests import builders as B

TRACKER = "![t](http://host/track.png)"
LINK = '<a href="http://host/">Xã Lạ</a>'
HOSTILE = (TRACKER, LINK, "$x^2$ **Xã**", ":material/home: Xã")


def hostile_scores() -> pd.DataFrame:
    rows = [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CỦA UBND CÁC XÃ, PHƯỜNG"],
            ["STT", "Tên đơn vị", "Khối", "Cải cách thể chế", "", "Cải cách TTHC", ""],
            ["", "", "", "Tối đa", "Thẩm định", "Tối đa", "Thẩm định"]]
    rows += [[i + 1, name, "Khối <b>xã</b>", 10, 8 - i, 10, 7] for i, name in enumerate(HOSTILE)]
    rows += [[9, "Xã Yên Bình", "Khối <b>xã</b>", 10, 9, 10, 9]]
    return cm.read_scores(B.xlsx({"S": rows}))


def test_markdown_escaping_keeps_the_text_and_kills_the_syntax():
    assert escape.markdown(TRACKER) == r"\!\[t\](http\://host/track.png)"
    assert escape.markdown("Sở Văn hóa, Thể thao và Du lịch (tỉnh)") == \
        "Sở Văn hóa, Thể thao và Du lịch (tỉnh)"  # ordinary names unchanged
    assert escape.html(LINK) == "&lt;a href=&quot;http://host/&quot;&gt;Xã Lạ&lt;/a&gt;"


def test_no_chart_draws_a_name_as_markup():
    scores = hostile_scores()
    units = cm.unit_table(scores)
    fields = unit_fields(scores)
    figures = [charts.ranking_bars(units, "tot-kha-kem"), charts.index_distribution(
        units, "tot-kha-kem"), charts.unit_history(units[units["unit"] == LINK]),
        charts.fields_vs_block(fields[fields["unit"] == LINK]),
        charts.self_vs_appraised(fields[fields["unit"] == LINK]),
        charts.compare_radar(fields), charts.compare_bars(fields), charts.trend_lines(units),
        charts.rank_bump(units), charts.movers(units), charts.fields_heatmap(fields),
        charts.field_means(field_summary(scores)), charts.points_lost(field_summary(scores)),
        charts.band_counts_over_time(band_counts(units), "tot-kha-kem")]
    for fig in figures:
        text = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
        assert "<a href" not in text and "<b>xã</b>" not in text, fig.layout.title.text
    assert "&lt;a href" in json.dumps(figures[0].to_plotly_json(), ensure_ascii=False,
                                      default=str)


@pytest.fixture
def hostile_app(tmp_path, monkeypatch):
    import streamlit as st

    from cchc_metrics.store import open_store

    url = f"sqlite:///{tmp_path / 'hostile.sqlite'}"
    with open_store(url) as store:
        store.import_scores(hostile_scores(), file_name="x.xlsx", file_bytes=b"x",
                            user=store.accounts.system_actor("test"))
    monkeypatch.setenv("CCHC_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(B.__file__).replace("tests/builders.py", "app.py"),
                             default_timeout=120)


def test_pages_show_names_as_text(hostile_app):
    at = hostile_app.run()
    assert not at.exception
    assert all(TRACKER not in m.label for m in at.metric)  # cards: the best unit is the tracker
    at.switch_page("app_pages/ho-so.py").run()
    at.selectbox(key="unit").set_value(TRACKER).run()
    assert not at.exception
    paragraph = at.markdown[0].value
    assert "\\!\\[t\\]" in paragraph and TRACKER not in paragraph
