"""The tree shows the flow: import contracts hold, each package says its job, summarize is light."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import builders as B

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in (ROOT / "cchc_metrics").rglob("__init__.py")) + [
    ROOT / "dashboard"]


def test_the_import_contracts_hold():
    """.importlinter: the library never imports streamlit; its layers import one way."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports")
    assert command, "import-linter is a dev dependency (pyproject.toml [dev])"
    done = subprocess.run([command, "--config", str(ROOT / ".importlinter")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_package_says_its_job_in_its_first_line(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()[0]) > 20, package


def test_summarize_imports_only_what_reading_and_ranking_need(tmp_path):
    """No database, charts or Streamlit on the path of `summarize FILE`."""
    path = tmp_path / "so.xlsx"
    path.write_bytes(B.xlsx({"Năm 2023": [["KẾT QUẢ CHỈ SỐ CCHC NĂM 2023 CÁC SỞ, BAN, NGÀNH"],
                                          ["STT", "Tên đơn vị", "Điểm tối đa", "Điểm đạt"],
                                          [1, "Sở A", 100, 80], [2, "Sở B", 100, 90]]}))
    probe = ("import json, sys\nfrom cchc_metrics.cli import main\n"
             "code = main(['summarize', sys.argv[1], '--format', 'csv'])\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('sqlalchemy', 'alembic', 'plotly', 'streamlit', 'psycopg', 'argon2') "
             "or m.startswith('cchc_metrics.store'))\n"
             "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}
    assert "Sở B,,1" not in done.stdout and "Sở B" in done.stdout


def test_cchc_is_the_same_command_as_python_m_cchc_metrics():
    script = shutil.which("cchc", path=str(Path(sys.executable).parent)) or shutil.which("cchc")
    assert script, "pyproject.toml installs the `cchc` console script"
    a = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    b = subprocess.run([sys.executable, "-m", "cchc_metrics", "--help"], capture_output=True,
                       text=True, timeout=60)
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout
    assert "summarize" in a.stdout and "settings" in a.stdout


def test_no_path_insertions_in_tests_or_benchmarks():
    offenders = [str(p.relative_to(ROOT)) for folder in ("tests", "bench")
                 for p in (ROOT / folder).rglob("*.py")
                 if "sys.path.insert" in p.read_text(encoding="utf-8") and p.name != Path(
                     __file__).name]
    assert not offenders, offenders


def test_the_public_names_stay_at_the_top_level():
    """Scripts and notebooks outside the repository import these from cchc_metrics itself."""
    import cchc_metrics as cm
    from cchc_metrics.store import Actor, AuthError, Store

    assert (cm.Store, cm.Actor, cm.AuthError) == (Store, Actor, AuthError)
    for name in ("read_scores", "read_workbook", "unit_table", "ScoreFileError"):
        assert callable(getattr(cm, name)), name
    with pytest.raises(AttributeError):
        cm.no_such_name  # noqa: B018
