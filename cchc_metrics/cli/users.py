"""`users`: the dashboard's sign-in accounts from the command line.

Not trusted like imports: once an admin exists, changes need --admin NAME and that admin's
password (asked at a terminal, else read from standard input).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

import pandas as pd

from cchc_metrics.cli import CommandError, add_db_option
from cchc_metrics.cli.output import print_table
from cchc_metrics.cli.store import handled, open_from_args
from cchc_metrics.contract import ROLES

if TYPE_CHECKING:
    from cchc_metrics.store import Actor, Store

USERS_HELP = ("Mật khẩu được hỏi hai lần khi chạy ở cửa sổ lệnh; nếu không, đọc từ đầu vào chuẩn, "
              "mỗi dòng một mật khẩu: trước là mật khẩu của người thực hiện (--admin), sau là mật "
              "khẩu mới. / Passwords are asked twice at a terminal; otherwise read from standard "
              "input, one a line: first the acting user's (--admin), then the new one.")


def register(sub, add_format) -> None:
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
    q = command("unlock", "mở khóa đăng nhập (người chạy máy chủ, không cần mật khẩu) / unlock "
                          "sign-in (whoever runs the server, no password)", run_users_unlock)
    q.add_argument("name", nargs="?", help="tên bị khóa / the locked name")
    q.add_argument("--clients", action="store_true",
                   help="mở cả các địa chỉ máy bị tạm chặn / also every held-off address")


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
    return store.accounts.authenticate(name, read_secret(f"Mật khẩu của / Password of {name}: "))


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


def print_users(frame: pd.DataFrame, args: argparse.Namespace) -> None:
    """Accounts as csv/json for scripts (times in UTC), or as the admin page shows them."""
    from cchc_metrics.views import users_table

    print_table(printable_users(frame) if args.format != "text" else frame, args.format,
                lang=args.lang, people=users_table)


def print_user(store: Store, name: str, args: argparse.Namespace, vi: str, en: str) -> int:
    """Say what was done and print the account's row."""
    sys.stderr.write(f"{vi}\n{en}\n")
    frame = store.accounts.list_users()
    print_users(frame[frame["name"].str.casefold() == name.strip().casefold()], args)
    return 0


@handled
def run_users_add(args: argparse.Namespace) -> int:
    """Add an account; without --admin only the first admin (the bootstrap)."""
    with open_from_args(args, create=True) as store:
        if args.admin:
            by = sign_in(store, args.admin)
        elif store.accounts.has_admin():
            raise CommandError("Đã có quản trị viên: hãy thêm «--admin TÊN» để đăng nhập.\n"
                               "An administrator exists: add «--admin NAME» to sign in as one.")
        elif args.role != "admin":
            raise CommandError("Chưa có quản trị viên: hãy tạo trước bằng «users add TÊN --role "
                               "admin».\nThere is no administrator yet: first run «users add NAME "
                               "--role admin».")
        else:
            by = None
        password = read_secret(f"Mật khẩu mới của / New password of {args.name}: ", confirm=True)
        store.accounts.add_user(args.name, password, args.role, by=by, display_name=args.display_name)
        from cchc_metrics.views.admin import role_words

        return print_user(store, args.name, args,
                          f"Đã thêm người dùng «{args.name}» (vai trò "
                          f"{role_words(args.role, 'vi')}).",
                          f"Added user «{args.name}» (role {role_words(args.role, 'en')}).")


@handled
def run_users_list(args: argparse.Namespace) -> int:
    """Every account: name, role, state, sign-in times."""
    with open_from_args(args) as store:
        print_users(store.accounts.list_users(), args)
    return 0


@handled
def run_users_disable(args: argparse.Namespace) -> int:
    """Disable an account (it can no longer sign in or write)."""
    with open_from_args(args) as store:
        store.accounts.disable_user(args.name, by=acting_admin(store, args))
        return print_user(store, args.name, args, f"Đã vô hiệu hóa «{args.name}».",
                          f"Disabled «{args.name}».")


@handled
def run_users_enable(args: argparse.Namespace) -> int:
    """Enable (and unlock) an account again."""
    with open_from_args(args) as store:
        store.accounts.enable_user(args.name, by=acting_admin(store, args))
        return print_user(store, args.name, args, f"Đã kích hoạt lại «{args.name}».",
                          f"Enabled «{args.name}» again.")


@handled
def run_users_unlock(args: argparse.Namespace) -> int:
    """Unlock a name (and held-off addresses) as trusted code: a locked admin can get back in."""
    if not args.name and not args.clients:
        raise CommandError("Cho biết tên cần mở khóa, hoặc «--clients».\n"
                           "Name the account to unlock, or give «--clients».")
    from cchc_metrics import settings

    with open_from_args(args) as store:
        by = store.accounts.system_actor(settings.get("user") or getpass.getuser(), "admin")
        store.accounts.unlock(args.name, by=by, clients=args.clients)
        if args.name:
            return print_user(store, args.name, args, f"Đã mở khóa «{args.name}».",
                              f"Unlocked «{args.name}».")
        sys.stderr.write("Đã mở mọi địa chỉ bị tạm chặn.\nEvery held-off address may try again.\n")
        return 0


@handled
def run_users_set_role(args: argparse.Namespace) -> int:
    """Change an account's role."""
    with open_from_args(args) as store:
        store.accounts.set_role(args.name, args.role, by=acting_admin(store, args))
        return print_user(store, args.name, args,
                          f"Đã đổi vai trò của «{args.name}» thành {args.role}.",
                          f"«{args.name}» now has the role {args.role}.")


@handled
def run_users_passwd(args: argparse.Namespace) -> int:
    """Set a password: as --admin for anyone, or as the user (current password) for oneself."""
    with open_from_args(args) as store:
        by = sign_in(store, args.admin or args.name)
        password = read_secret(f"Mật khẩu mới của / New password of {args.name}: ", confirm=True)
        store.accounts.set_password(args.name, password, by=by)
        return print_user(store, args.name, args,
                          f"Đã đổi mật khẩu của «{args.name}».",
                          f"Changed the password of «{args.name}».")
