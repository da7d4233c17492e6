"""Command line: the same library functions the dashboard uses, for scripts and scheduled reports."""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that add sub-commands; each has register(subparsers, add_format) and imports what its
# commands need (the database, plotly) only when one of them runs: `summarize FILE` stays light.
COMMAND_MODULES = ["cchc_metrics.cli.summarize", "cchc_metrics.cli.store", "cchc_metrics.cli.users",
                   "cchc_metrics.cli.export", "cchc_metrics.cli.settings",
                   "cchc_metrics.cli.resolve", "cchc_metrics.cli.lineage",
                   "cchc_metrics.cli.report"]


class CommandError(Exception):
    """A refusal to print as a message and exit 2 (never a traceback)."""


def add_format(parser: argparse.ArgumentParser, default: str = "text") -> None:
    """Every command takes --format csv|json|text, so scripts can read its output, and --lang
    for the text people read (Vietnamese headers and decimal comma unless --lang en)."""
    parser.add_argument("--format", choices=["csv", "json", "text"], default=default,
                        help="định dạng in ra / output format (mặc định %(default)s)")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi",
                        help="ngôn ngữ của --format text / language of text output (vi)")


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """--db [URL]: the store to use; alone it means the configured one (CCHC_DATABASE_URL)."""
    parser.add_argument(
        "--db", nargs="?", const="", default=None, metavar="URL",
        help="cơ sở dữ liệu (URL SQLAlchemy hoặc đường dẫn tệp SQLite); mặc định CCHC_DATABASE_URL "
             "hoặc data/cchc.sqlite / database URL or SQLite path (default: the configured one)")


def bands_of(args: argparse.Namespace):
    """The --bands scheme (None when not given); a malformed one is a CommandError."""
    from cchc_metrics.bands import BandSchemeError, parse_bands

    try:
        return parse_bands(args.bands) if args.bands else None
    except BandSchemeError as exc:
        raise CommandError(str(exc.msg)) from None


def build_parser() -> argparse.ArgumentParser:
    """The parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="cchc",
        description="Chỉ số CCHC: đọc bảng điểm, xếp hạng, so sánh qua các năm. / "
                    "PAR INDEX: read score files, rank units, compare years.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, add_format)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    from cchc_metrics import settings
    from cchc_metrics.cli.output import print_problems
    from cchc_metrics.ingest.problems import ScoreFileError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "validate_settings", True):
            settings.validate()
        return int(args.handler(args) or 0)
    except settings.SettingError as exc:
        sys.stderr.write(f"{exc.msg}\n")
        return 2
    except ScoreFileError as exc:
        print_problems(exc.problems, getattr(args, "format", "text"))
        return 1
    except CommandError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    except BrokenPipeError:
        return 0
