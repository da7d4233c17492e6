"""How commands print: tables as csv, json or aligned text; problems located, on stderr."""

from __future__ import annotations

import json
import sys

import pandas as pd


def print_table(frame: pd.DataFrame, fmt: str, out=None, *, lang: str = "vi",
                people=None) -> None:
    """Print a table as csv or json (records) for scripts, or as text for people: `people(frame,
    lang)` gives the table people read (the catalog's headers, words, local times)."""
    from cchc_metrics.cli.text import text_table

    out = out or sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        out.write(text_table(people(frame, lang) if people else frame, lang))


def print_problems(problems, fmt: str, stream=None) -> None:
    """Problems (errors or warnings) on stderr, located, in Vietnamese then English."""
    stream = stream or sys.stderr
    if fmt == "json":
        stream.write(json.dumps([p.as_dict() for p in problems], ensure_ascii=False) + "\n")
        return
    for p in problems:
        tag = {"error": "LỖI / ERROR", "note": "GHI CHÚ / NOTE"}.get(p.severity, "CẢNH BÁO / WARNING")
        stream.write(f"{tag}: {p.text('vi')}\n    {p.text('en')}\n")
