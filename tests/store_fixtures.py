"""Fixtures for the score store: a fresh database per test (SQLite always, PostgreSQL when asked)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from cchc_metrics.contract import DEFAULT_BLOCKS, LOCATION_COLUMNS, SCORE_COLUMNS

PG_ENV = "CCHC_TEST_POSTGRES_URL"
ROOT = Path(__file__).resolve().parent.parent
FIELD_NAMES = ["Công tác chỉ đạo, điều hành CCHC", "Cải cách thể chế", "Cải cách TTHC"]


def postgres_schema(base_url: str) -> tuple[str, callable]:
    """A URL into a new, empty schema of the server at base_url, and the function dropping it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    url = sa.engine.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A URL to an empty database: an SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    url, drop = postgres_schema(base)
    try:
        yield url
    finally:
        drop()


def make_scores(year: int, level: str = "department", block: str | None = None, *,
                n_units: int = 4, seed: int = 0, province: str = "Tỉnh Thử Nghiệm",
                file_name: str = "bang.xlsx", prefix: str = "Đơn vị") -> pd.DataFrame:
    """A small canonical frame: n_units × 3 fields, some self points missing, located rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):
        for k, component in enumerate(FIELD_NAMES):
            top = float(6 + 2 * k)
            rows.append({
                "year": year, "level": level, "block": block or DEFAULT_BLOCKS[level],
                "province": province, "parent": "" if level != "commune" else f"Huyện {u % 2}",
                "unit": f"{prefix} {u + 1}", "unit_code": "" if level == "department" else f"{u:05d}",
                "component": component, "max_points": top,
                "points": round(float(rng.uniform(0, top)) * 4) / 4,
                "self_points": np.nan if rng.random() < 0.3 else round(float(rng.uniform(0, top)), 2),
                "source": f"{file_name} · Năm {year} · dòng {u + 6}",
                "sheet": f"Năm {year}", "row": u + 6,
            })
    return pd.DataFrame(rows, columns=SCORE_COLUMNS + LOCATION_COLUMNS)


def big_scores(n_rows: int, year: int = 2024, seed: int = 1) -> pd.DataFrame:
    """A frame of n_rows commune rows (several insert chunks), for crash and lock tests."""
    units = n_rows // len(FIELD_NAMES) + 1
    return make_scores(year, "commune", n_units=units, seed=seed, prefix="Xã").head(n_rows)


def python(code: str, *args: str, **popen) -> subprocess.Popen:
    """Start `python -c code args…` with the project importable, output piped as text."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)
