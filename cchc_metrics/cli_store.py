"""`import`, `datasets`, `rollback`, `audit`, `users`: the score store from the command line.

The command line is trusted server-side code for imports and rollbacks (they are audited under
--user or the login name), but not for accounts: once an admin exists, `users` changes need
--admin NAME and that admin's password.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys

import pandas as pd

from cchc_metrics.auth import ROLES
from cchc_metrics.cli import CommandError, print_problems, print_table
from cchc_metrics.model import LEVELS
from cchc_metrics.store import Actor, Store, StoreBusyError, StoreError, default_user

EXIT_BUSY = 75  # EX_TEMPFAIL: another writer holds the database; the same command may be retried
IMPORT_COLUMNS = ["dataset_id", "result", "file_name", "n_rows", "years", "levels", "blocks",
                  "superseded", "sha256"]
ROLLBACK_COLUMNS = ["dataset_id", "changed", "slices", "superseded"]


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """--db [URL]: the store to use; alone it means the configured one (CCHC_DATABASE_URL)."""
    parser.add_argument(
        "--db", nargs="?", const="", default=None, metavar="URL",
        help="cơ sở dữ liệu (URL SQLAlchemy hoặc đường dẫn tệp SQLite); mặc định CCHC_DATABASE_URL "
             "hoặc data/cchc.sqlite / database URL or SQLite path (default: the configured one)")


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
    register_users(sub, add_format)


def handled(run):
    """Store refusals as messages: "busy" exits 75 so scripts can retry, others via CommandError."""

    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
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
    return Store(args.db or None, create=create)


def cli_actor(store: Store, args: argparse.Namespace) -> Actor:
    """The command line's editor for imports and rollbacks, audited as --user or the login."""
    return store.system_actor(args.user or default_user())


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
    }], columns=IMPORT_COLUMNS), args.format)
    return 0


@handled
def run_datasets(args: argparse.Namespace) -> int:
    """Every version with its status."""
    with open_from_args(args) as store:
        frame = store.datasets()
    frame["created_at"] = frame["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
    print_table(frame.drop(columns=["sha256"]) if args.format == "text" else frame, args.format)
    return 0


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
        args.format)
    return 0


@handled
def run_audit(args: argparse.Namespace) -> int:
    """The audit log, oldest first."""
    with open_from_args(args) as store:
        frame = store.audit(limit=args.limit)
    frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
    print_table(frame, args.format)
    return 0


def store_units(db: str | None, *, year: int | None = None, level: str | None = None,
                bands=None) -> pd.DataFrame:
    """The unit table of the active data in a store, for `summarize --db [URL]`.

    With `year`, only that year's units are returned, but the year before is loaded too so
    year-on-year changes are filled. Without `bands`, the newest active dataset's scheme is used.
    """
    from cchc_metrics.metrics import unit_table

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


# ---------------------------------------------------------------------------------------------
# users: accounts for the dashboard's sign-in

USERS_HELP = ("Mật khẩu được hỏi hai lần khi chạy ở cửa sổ lệnh; nếu không, đọc từ đầu vào chuẩn, "
              "mỗi dòng một mật khẩu: trước là mật khẩu của người thực hiện (--admin), sau là mật "
              "khẩu mới. / Passwords are asked twice at a terminal; otherwise read from standard "
              "input, one a line: first the acting user's (--admin), then the new one.")


def register_users(sub, add_format) -> None:
    """`users add|list|disable|enable|set-role|passwd`."""
    p = sub.add_parser("users", help="tài khoản đăng nhập / sign-in accounts",
                       description="Tài khoản đăng nhập của bảng điều khiển (vai trò viewer, "
                                   "editor, admin). Quản trị viên đầu tiên được tạo bằng «users add "
                                   "TÊN --role admin» khi chưa có ai. / The dashboard's accounts; "
                                   "the first admin is made with «users add NAME --role admin».")
    users = p.add_subparsers(dest="users_command", required=True)

    def command(name: str, help_: str, handler, *, admin: str = "") -> argparse.ArgumentParser:
        q = users.add_parser(name, help=help_, description=f"{help_}. {USERS_HELP}")
        if admin:
            q.add_argument("--admin", metavar="ADMIN", help=admin)
        add_db_option(q)
        add_format(q)
        q.set_defaults(handler=handler)
        return q

    admin_help = "quản trị viên thực hiện (mật khẩu được hỏi) / acting admin (password asked)"
    q = command("add", "thêm người dùng / add a user", run_users_add,
                admin=admin_help + "; bỏ trống khi tạo quản trị viên đầu tiên / omit for the "
                                   "first admin")
    q.add_argument("name", help="tên đăng nhập (hoặc e-mail khi dùng SSO) / user name")
    q.add_argument("--role", choices=ROLES, required=True, help="vai trò / role")
    q.add_argument("--display-name", default="", help="họ tên hiển thị / display name")
    command("list", "danh sách người dùng (không bao giờ in mật khẩu) / list users",
            run_users_list)
    q = command("disable", "vô hiệu hóa người dùng / disable a user", run_users_disable,
                admin=admin_help)
    q.add_argument("name")
    q = command("enable", "kích hoạt lại, mở khóa người dùng / enable or unlock a user",
                run_users_enable, admin=admin_help)
    q.add_argument("name")
    q = command("set-role", "đổi vai trò / change a role", run_users_set_role, admin=admin_help)
    q.add_argument("name")
    q.add_argument("role", choices=ROLES)
    q = command("passwd", "đổi mật khẩu / change a password", run_users_passwd,
                admin=admin_help + "; bỏ trống để tự đổi (hỏi mật khẩu hiện tại) / omit to change "
                                   "your own (current password asked)")
    q.add_argument("name")


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    """A password: getpass at a terminal (twice for a new one), else the next line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Nhập lại / Repeat: ") != first:
            raise CommandError("Hai lần nhập mật khẩu không khớp.\nThe two passwords differ.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CommandError("Không đọc được mật khẩu từ đầu vào chuẩn.\n"
                           "No password could be read from standard input.")
    return line.rstrip("\r\n")


def sign_in(store: Store, name: str) -> Actor:
    """Authenticate someone at the command line (the same lock-out as the dashboard)."""
    return store.authenticate(name, read_secret(f"Mật khẩu của / Password of {name}: "))


def acting_admin(store: Store, args: argparse.Namespace) -> Actor:
    """The admin named by --admin, signed in; without it, a clear refusal."""
    if not args.admin:
        raise CommandError("Cần đăng nhập quản trị: thêm «--admin TÊN».\n"
                           "An administrator must sign in: add «--admin NAME».")
    return sign_in(store, args.admin)


def printable_users(frame: pd.DataFrame) -> pd.DataFrame:
    """Users for printing: times as text in UTC (the frame never holds a hash)."""
    out = frame.copy()
    for column in ("created_at", "last_login", "locked_until"):
        out[column] = out[column].dt.strftime("%Y-%m-%d %H:%M:%S UTC").where(out[column].notna(),
                                                                              None)
    return out


def print_user(store: Store, name: str, fmt: str, vi: str, en: str) -> int:
    """Say what was done and print the account's row."""
    sys.stderr.write(f"{vi}\n{en}\n")
    frame = store.list_users()
    mine = frame[frame["name"].str.casefold() == name.strip().casefold()]
    print_table(printable_users(mine), fmt)
    return 0


@handled
def run_users_add(args: argparse.Namespace) -> int:
    """Add an account; without --admin only the first admin (the bootstrap)."""
    with open_from_args(args, create=True) as store:
        if args.admin:
            by = sign_in(store, args.admin)
        elif store.has_admin():
            raise CommandError("Đã có quản trị viên: hãy thêm «--admin TÊN» để đăng nhập.\n"
                               "An administrator exists: add «--admin NAME» to sign in as one.")
        elif args.role != "admin":
            raise CommandError("Chưa có quản trị viên: hãy tạo trước bằng «users add TÊN --role "
                               "admin».\nThere is no administrator yet: first run «users add NAME "
                               "--role admin».")
        else:
            by = None
        password = read_secret(f"Mật khẩu mới của / New password of {args.name}: ", confirm=True)
        store.add_user(args.name, password, args.role, by=by, display_name=args.display_name)
        return print_user(store, args.name, args.format,
                          f"Đã thêm người dùng «{args.name}» (vai trò {args.role}).",
                          f"Added user «{args.name}» (role {args.role}).")


@handled
def run_users_list(args: argparse.Namespace) -> int:
    """Every account: name, role, state, sign-in times."""
    with open_from_args(args) as store:
        print_table(printable_users(store.list_users()), args.format)
    return 0


@handled
def run_users_disable(args: argparse.Namespace) -> int:
    """Disable an account (it can no longer sign in or write)."""
    with open_from_args(args) as store:
        store.disable_user(args.name, by=acting_admin(store, args))
        return print_user(store, args.name, args.format, f"Đã vô hiệu hóa «{args.name}».",
                          f"Disabled «{args.name}».")


@handled
def run_users_enable(args: argparse.Namespace) -> int:
    """Enable (and unlock) an account again."""
    with open_from_args(args) as store:
        store.enable_user(args.name, by=acting_admin(store, args))
        return print_user(store, args.name, args.format, f"Đã kích hoạt lại «{args.name}».",
                          f"Enabled «{args.name}» again.")


@handled
def run_users_set_role(args: argparse.Namespace) -> int:
    """Change an account's role."""
    with open_from_args(args) as store:
        store.set_role(args.name, args.role, by=acting_admin(store, args))
        return print_user(store, args.name, args.format,
                          f"Đã đổi vai trò của «{args.name}» thành {args.role}.",
                          f"«{args.name}» now has the role {args.role}.")


@handled
def run_users_passwd(args: argparse.Namespace) -> int:
    """Set a password: as --admin for anyone, or as the user (current password) for oneself."""
    with open_from_args(args) as store:
        by = sign_in(store, args.admin or args.name)
        password = read_secret(f"Mật khẩu mới của / New password of {args.name}: ", confirm=True)
        store.set_password(args.name, password, by=by)
        return print_user(store, args.name, args.format,
                          f"Đã đổi mật khẩu của «{args.name}».",
                          f"Changed the password of «{args.name}».")
