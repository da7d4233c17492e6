"""`import`, `datasets`, `rollback`, `audit`: the score store from the command line.

The command line is trusted server-side code for imports and rollbacks: they are audited under
--user or the login name (accounts are `users`, which is not trusted this way).
"""

from __future__ import annotations

import argparse
import functools
import sys
from typing import TYPE_CHECKING

import pandas as pd

from cchc_metrics.cli import CommandError, add_db_option
from cchc_metrics.cli.output import print_problems, print_table
from cchc_metrics.contract import LEVELS

if TYPE_CHECKING:
    from cchc_metrics.store import Actor, Store

EXIT_BUSY = 75  # EX_TEMPFAIL: another writer holds the database; the same command may be retried
IMPORT_COLUMNS = ["dataset_id", "result", "file_name", "n_rows", "years", "levels", "blocks",
                  "superseded", "sha256"]
ROLLBACK_COLUMNS = ["dataset_id", "changed", "slices", "superseded"]


def register(sub, add_format) -> None:
    """Add the store's sub-commands to the parser."""
    p = sub.add_parser("import", help="nhập một tệp điểm vào cơ sở dữ liệu / import a score file",
                       description="Đọc, kiểm tra rồi lưu một tệp điểm thành một phiên bản mới; "
                                   "tệp lỗi bị từ chối và không có gì được ghi. / Read, check and "
                                   "store a score file as a new version; a bad file writes nothing.")
    p.add_argument("file", help="tệp .xlsx/.xlsm/.xls/.ods/.csv")
    p.add_argument("--year", type=int, help="năm đánh giá nếu tệp không ghi / assessment year")
    p.add_argument("--level", choices=LEVELS, help="cấp đơn vị / unit level")
    p.add_argument("--sheet", help="chỉ đọc trang tính này / read only this sheet")
    p.add_argument("--bands", help='thang xếp loại, vd. "Tốt:80,Khá:60,Kém:0" / band scheme')
    p.add_argument("--note", default="", help="ghi chú, vd. số quyết định công bố / note")
    p.add_argument("--user", default=None, help="người nhập (mặc định: tài khoản máy) / who")
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run_import)

    p = sub.add_parser("datasets", help="các phiên bản dữ liệu đã nhập / imported versions",
                       description="Mọi bộ dữ liệu đã nhập với trạng thái: active (đang dùng), "
                                   "partial (dùng một phần), superseded (đã bị thay thế). / Every "
                                   "imported dataset with its status.")
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run_datasets)

    p = sub.add_parser("rollback", help="dùng lại một phiên bản cũ / make a version active again",
                       description="Dùng lại bộ dữ liệu cho mọi năm và khối của nó; các bộ đang "
                                   "dùng ở đó bị thay thế. Không xóa gì. / Make a dataset active "
                                   "again for its years and blocks; nothing is deleted.")
    p.add_argument("dataset_id", type=int, help="số bộ dữ liệu (xem «datasets») / dataset id")
    p.add_argument("--user", default=None, help="người thực hiện / who")
    p.add_argument("--note", default="", help="lý do / reason")
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run_rollback)

    p = sub.add_parser("audit", help="nhật ký thao tác / audit log",
                       description="Ai đã đăng nhập, nhập, khôi phục dữ liệu hoặc thay đổi người "
                                   "dùng, khi nào. / Who signed in, imported, rolled back or "
                                   "changed users, and when.")
    p.add_argument("--limit", type=int, default=None, help="chỉ N dòng cuối / only the last N")
    add_db_option(p)
    add_format(p)
    p.set_defaults(handler=run_audit)


def handled(run):
    """Store refusals as messages: "busy" exits 75 so scripts can retry, others via CommandError."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        from cchc_metrics.store import StoreBusyError, StoreError

        try:
            return run(args)
        except (EOFError, KeyboardInterrupt):
            raise CommandError("Đã hủy; không có gì thay đổi.\nCancelled; nothing changed.") from None
        except StoreBusyError as exc:
            sys.stderr.write(f"{exc.vi}\n{exc.en}\n")
            return EXIT_BUSY
        except StoreError as exc:
            raise CommandError(f"{exc.vi}\n{exc.en}") from None

    return wrapper


def open_from_args(args: argparse.Namespace, create: bool = False) -> Store:
    """The store named by --db (or the configured one); reading never creates a database."""
    from cchc_metrics.store import Store

    return Store(args.db or None, create=create)


def cli_actor(store: Store, args: argparse.Namespace) -> Actor:
    """The command line's editor for imports and rollbacks, audited as --user or the login."""
    from cchc_metrics.store import default_user

    return store.accounts.system_actor(args.user or default_user())


@handled
def run_import(args: argparse.Namespace) -> int:
    """Import FILE; print the new (or existing, for the same bytes) dataset as one row."""
    with open_from_args(args, create=True) as store:
        result = store.import_file(args.file, user=cli_actor(store, args), note=args.note,
                                   year=args.year, level=args.level, sheet=args.sheet,
                                   bands=args.bands)
    print_problems(result.warnings, args.format)
    sys.stderr.write(f"{result.message('vi')}\n{result.message('en')}\n")
    print_table(pd.DataFrame([{
        "dataset_id": result.dataset_id, "result": "duplicate" if result.duplicate else "imported",
        "file_name": result.file_name, "n_rows": result.n_rows,
        "years": ", ".join(sorted({str(y) for y, _, _ in result.slices})),
        "levels": ", ".join(sorted({lv for _, lv, _ in result.slices})),
        "blocks": ", ".join(sorted({b for _, _, b in result.slices})),
        "superseded": ", ".join(str(i) for i in result.superseded), "sha256": result.sha256,
    }], columns=IMPORT_COLUMNS), args.format, lang=args.lang, people=import_text)
    return 0


def import_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An import's row for people: words, no checksum."""
    from cchc_metrics.i18n import t

    return pd.DataFrame({
        t("col_audit_dataset_id", lang): frame["dataset_id"],
        t("cli.col_result", lang): [t(f"cli.{r}", lang) for r in frame["result"]],
        t("col_file", lang): frame["file_name"], t("cli.col_rows", lang): frame["n_rows"],
        t("year", lang): frame["years"], t("block", lang): frame["blocks"],
        t("cli.col_superseded", lang): frame["superseded"]})


@handled
def run_datasets(args: argparse.Namespace) -> int:
    """Every version with its status."""
    with open_from_args(args) as store:
        frame = store.datasets()
    frame["created_at"] = frame["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC") \
        if args.format != "text" else frame["created_at"]
    print_table(frame, args.format, lang=args.lang, people=datasets_text)
    return 0


def datasets_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The versions as the upload page lists them (local times, status in words), oldest first."""
    from cchc_metrics.views import history_table

    return history_table(frame, lang).iloc[::-1]


@handled
def run_rollback(args: argparse.Namespace) -> int:
    """Make DATASET_ID active again for its slices."""
    with open_from_args(args) as store:
        result = store.rollback(args.dataset_id, user=cli_actor(store, args), note=args.note)
    sys.stderr.write(f"{result.message('vi')}\n{result.message('en')}\n")
    print_table(pd.DataFrame([{
        "dataset_id": result.dataset_id, "changed": result.changed,
        "slices": "; ".join(f"{y} · {lv} · {b}" for y, lv, b in result.slices),
        "superseded": ", ".join(str(i) for i in result.superseded)}], columns=ROLLBACK_COLUMNS),
        args.format, lang=args.lang, people=rollback_text)
    return 0


def rollback_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A rollback's row for people."""
    from cchc_metrics.i18n import t

    return pd.DataFrame({
        t("col_audit_dataset_id", lang): frame["dataset_id"],
        t("cli.col_changed", lang): frame["changed"].astype(bool),
        t("cli.col_slices", lang): frame["slices"],
        t("cli.col_superseded", lang): frame["superseded"]})


@handled
def run_audit(args: argparse.Namespace) -> int:
    """The audit log, oldest first."""
    from cchc_metrics.views import audit_table

    with open_from_args(args) as store:
        frame = store.audit(limit=args.limit)
    if args.format != "text":
        frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
    print_table(frame, args.format, lang=args.lang, people=lambda f, lang: audit_table(
        f, lang, newest_first=False, seconds=False))
    return 0


def store_units(db: str | None, *, year: int | None = None, level: str | None = None,
                bands=None) -> pd.DataFrame:
    """The unit table of the active data in a store, for `summarize --db [URL]`.

    With `year`, only that year's units are returned, but the year before is loaded too so
    year-on-year changes are filled. Without `bands`, the newest active dataset's scheme is used.
    """
    from cchc_metrics.metrics import unit_table
    from cchc_metrics.store import Store, StoreError

    years = None if year is None else [year - 1, year]
    try:
        with Store(db or None, create=False) as store:
            scores = store.scores(years=years, levels=level)
            bands = bands or store.bands(years=year, levels=level)
    except StoreError as exc:
        raise CommandError(f"{exc.vi}\n{exc.en}") from None
    if scores.empty:
        raise CommandError("Cơ sở dữ liệu chưa có điểm nào phù hợp. / "
                           "The database holds no matching scores.")
    units = unit_table(scores, bands=bands)
    return units if year is None else units[units["year"] == year]
