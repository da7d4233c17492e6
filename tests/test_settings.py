"""Settings: declared once, checked at start, printed by `cchc settings`, all in the README."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cchc_metrics as cm
from cchc_metrics import settings
from cchc_metrics.cli import main
from tests import builders as B

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in settings.SETTINGS if f"`{s.env}`" not in readme]
    assert not missing, f"README.md does not list {missing}"


@pytest.mark.parametrize(("variable", "raw"), [
    ("CCHC_MAX_FILE_MB", "50MB"), ("CCHC_REQUIRE_LOGIN", "maybe"), ("CCHC_XLS_TIMEOUT_S", "-1"),
])
def test_a_bad_value_names_the_variable_and_what_it_takes(monkeypatch, variable, raw):
    monkeypatch.setenv(variable, raw)
    with pytest.raises(settings.SettingError) as caught:
        settings.validate()
    assert variable in caught.value.msg.vi and repr(raw) in caught.value.msg.en
    assert "Hãy sửa biến môi trường" in caught.value.msg.vi


def test_a_bad_limit_is_not_blamed_on_the_uploaded_file(monkeypatch):
    """CCHC_MAX_FILE_MB=50MB made every upload fail with a message about the person's file."""
    monkeypatch.setenv("CCHC_MAX_FILE_MB", "50MB")
    with pytest.raises(settings.SettingError) as caught:
        cm.read_workbook(B.xlsx({"S": [["Tên đơn vị", "Điểm tối đa", "Điểm đạt"],
                                       ["Sở A", 100, 80]]}))
    assert "CCHC_MAX_FILE_MB" in caught.value.msg.vi


def test_cchc_settings_prints_each_value_and_its_help(monkeypatch, capsys):
    monkeypatch.setenv("CCHC_MAX_ROWS", "5000")
    with redirect_stdout(io.StringIO()) as out:
        assert main(["settings"]) == 0
    text = out.getvalue()
    assert "CCHC_MAX_ROWS = 5000\n" in text and "Most rows read from one sheet" in text
    assert "CCHC_SESSION_MINUTES = 60 (mặc định / default)" in text
    monkeypatch.setenv("CCHC_MAX_ROWS", "many")
    with redirect_stdout(io.StringIO()) as out:
        assert main(["settings"]) == 2
    assert "CCHC_MAX_ROWS = INVALID: 'many'" in out.getvalue()


def test_any_command_refuses_to_start_with_a_bad_setting(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("CCHC_SESSION_MINUTES", "an hour")
    assert main(["datasets", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "CCHC_SESSION_MINUTES" in capsys.readouterr().err


def test_the_dashboard_says_which_setting_is_wrong(monkeypatch, tmp_path):
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    monkeypatch.setenv("CCHC_MAX_FILE_MB", "50MB")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "CCHC_MAX_FILE_MB" in at.error[0].value and not at.title  # stopped before any page
