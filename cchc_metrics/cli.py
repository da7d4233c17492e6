"""Command line: the same library functions the dashboard uses, for scripts and scheduled reports."""

from __future__ import annotations

import argparse
import importlib
import json
import sys

import pandas as pd

from cchc_metrics.problems import ScoreFileError

# Modules that add sub-commands; each has register(subparsers, add_format).
COMMAND_MODULES = ["cchc_metrics.cli_summarize", "cchc_metrics.cli_store", "cchc_metrics.cli_export"]


class CommandError(Exception):
    """A refusal to print as a message and exit 2 (never a traceback)."""


def add_format(parser: argparse.ArgumentParser, default: str = "text") -> None:
    """Every command takes --format csv|json|text, so scripts can read its output."""
    parser.add_argument("--format", choices=["csv", "json", "text"], default=default,
                        help="định dạng in ra / output format (mặc định %(default)s)")


def print_table(frame: pd.DataFrame, fmt: str, out=None) -> None:
    """Print a table as csv, json (records) or aligned text."""
    out = out or sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 200):
            out.write(frame.to_string(index=False, na_rep="—") + "\n")


def print_problems(problems, fmt: str, stream=None) -> None:
    """Problems (errors or warnings) on stderr, located, in Vietnamese then English."""
    stream = stream or sys.stderr
    if fmt == "json":
        stream.write(json.dumps([p.as_dict() for p in problems], ensure_ascii=False) + "\n")
        return
    for p in problems:
        tag = "LỖI / ERROR" if p.severity == "error" else "CẢNH BÁO / WARNING"
        stream.write(f"{tag}: {p.text('vi')}\n    {p.text('en')}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="python -m cchc_metrics",
        description="Chỉ số CCHC: đọc bảng điểm, xếp hạng, so sánh qua các năm. / "
                    "PAR INDEX: read score files, rank units, compare years.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, add_format)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ScoreFileError as exc:
        print_problems(exc.problems, getattr(args, "format", "text"))
        return 1
    except CommandError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except BrokenPipeError:
        return 0
