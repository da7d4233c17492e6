"""The store's accounts: sign-in (password, single sign-on, trusted code), users, checks on writes.

A Store holds one as ``store.accounts``: it uses the store's transactions (``_read``,
``_write``) and audit (``_log``), and the clock, pause and password hasher the Store is given
(tests inject a fixed clock and no pause). A person's sign-in is a row of the sessions table,
found by a hash of the Actor's random token: replicas share it, a cleared cache keeps it, and a
password or role change ends it. Trusted code's actors (command line, demo loader) live in
memory, per Store object. An Actor built anywhere else is refused. Each write also re-reads
the user's row inside its transaction, so disabling or demoting someone takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import NamedTuple, NoReturn

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cchc_metrics import settings
from cchc_metrics.store import auth
from cchc_metrics.store.auth import Actor, NotAllowedError
from cchc_metrics.store.engine import StoreError
from cchc_metrics.store.schema import sessions as sessions_table
from cchc_metrics.store.schema import throttle as throttle_table
from cchc_metrics.store.schema import users as users_table

USER_COLUMNS = ["name", "display_name", "role", "enabled", "created_at", "last_login",
                "failed_count", "locked_until"]
USERS_VI_EN = ("quản lý người dùng", "manage users")
_USER_LOOKUP_COLUMNS = [c for c in users_table.c if c.name != "created_at"]
# A sign-in lasts at most this long, however active (a browser closed without signing out
# leaves its row behind; each new sign-in clears the ones past this age).
SESSION_MAX = timedelta(hours=24)
THROTTLE_MEMORY = timedelta(hours=24)  # failures older than this start the count afresh


class Grant(NamedTuple):
    """What the store remembers about an Actor it issued."""

    name: str
    key: str
    role: str
    system: bool
    binding: str | None = None  # what the session is bound to (see current_actor)
    session: str | None = None  # the sessions row's token hash (a person's sign-in)


def token_hash(token: str) -> str:
    """What the sessions table keeps of a token: enough to find it, useless to replay."""
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime | None) -> datetime | None:
    """A stored time as UTC-aware (SQLite hands times back naive)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _lock_state(failures: int, until: datetime | None, now: datetime) -> tuple[int, datetime | None]:
    """(failures, lock end) as they stand now: an expired lock starts the count again."""
    if until is not None and until <= now:
        return 0, None
    return failures, until


# Each password check allocates 64 MiB (argon2id): checks beyond this many wait their turn,
# so 50 attempts at once queue instead of taking 3 GB (setting login_concurrency).
_CHECKS: dict[int, threading.BoundedSemaphore] = {}
_CHECKS_GUARD = threading.Lock()


def hashing_slots() -> threading.BoundedSemaphore:
    """The process's bound on concurrent argon2 work (one semaphore per configured size)."""
    size = int(settings.get("login_concurrency"))
    with _CHECKS_GUARD:
        return _CHECKS.setdefault(size, threading.BoundedSemaphore(size))


class BoundedHasher:
    """The password hasher with at most `login_concurrency` hashes or checks at a time."""

    def __init__(self, hasher) -> None:
        self._hasher = hasher

    def hash(self, password):
        with hashing_slots():
            return self._hasher.hash(password)

    def verify(self, hashed, password):
        with hashing_slots():
            return self._hasher.verify(hashed, password)

    def __getattr__(self, name):  # check_needs_rehash and the like cost nothing
        return getattr(self._hasher, name)


def client_key(client: str) -> str:
    """The throttle's key of a client address (hashed: the table holds no addresses)."""
    return "client:" + hashlib.sha256(client.encode()).hexdigest()[:40]


def masked(name: str) -> str:
    """An unknown name as the audit log keeps it: «M… (19)», its first letter and its length."""
    return f"{name[:1]}… ({len(name)})" if name and name != "?" else "?"


def _no_user(name: str) -> StoreError:
    """The refusal for a name that has no account."""
    return StoreError(f"Không có người dùng «{name}».", f"There is no user «{name}».")


class Accounts:
    """Sign-in, users and the authorisation of writes, held by a Store (see the module docstring)."""

    def __init__(self, store, clock: Callable[[], datetime] | None,
                 sleep: Callable[[float], None] | None, hasher) -> None:
        """The store to work in, the clock, pause and hasher, no actor issued yet."""
        self._store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sleep = sleep or time.sleep
        self.hasher = BoundedHasher(hasher or auth.new_hasher())
        self._issued: dict[str, Grant] = {}
        self._guard = threading.Lock()
        self._dummy: str | None = None

    def _now_utc(self) -> datetime:
        """The (injectable) clock as an aware UTC time."""
        return _aware(self.clock())

    # -- issuing actors ----------------------------------------------------------------------

    def system_actor(self, name: str, role: str = "editor") -> Actor:
        """An actor for trusted server-side code (command line, demo loader); audited by name."""
        label = auth.clean_label(name)
        if not label:
            raise StoreError("Thiếu tên người thực hiện.", "Who is doing this is missing (user).")
        return self._issue(label, label.casefold(), auth.check_role(role), system=True)

    def authenticate(self, name: str, password: str, *, binding: str | None = None,
                     client: str | None = None) -> Actor:
        """Sign in with a password: an Actor, or AuthError after a pause that grows with failures.

        An unknown name is refused exactly like a wrong password (same message, same pause, a
        hash verified all the same), and is locked out the same way.
        """
        key = auth.name_key(name)
        row = self._user(key) if key else None
        now = self._now_utc()
        if client and (until := self._held(client_key(client), now)) is not None:
            # a client that failed too often: held off whatever the name, real or made up
            auth.verify_password(self.hasher, self._dummy_hash(), password)
            self._refused(masked(auth.clean_label(name) or "?"),
                          {"reason": "client_locked"}, self._max_failures())
            raise auth.locked(until)
        try:
            actor = self._check(name, key, row, password, now, binding)
        except auth.AuthError:
            if client:
                self._count(client_key(client), now, settings.get("login_client_max_failures"))
            raise
        if client:
            self._forget(client_key(client))  # an office's typos do not add up over weeks
        return actor

    def _check(self, name, key, row, password, now, binding) -> Actor:
        """authenticate's answer for one name (see there)."""
        if row is None:
            self._stranger_failed(name, key, password, now)
        failures, until = _lock_state(row.failed_count, _aware(row.locked_until), now)
        if until is not None:
            auth.verify_password(self.hasher, self._dummy_hash(), password)
            self._refused(row.name, {"reason": "locked", "known": True}, self._max_failures())
            raise auth.locked(until)
        # an account without a password (single sign-on only) costs the same check
        ok = auth.verify_password(self.hasher, row.password_hash or self._dummy_hash(),
                                  password) and row.password_hash is not None
        if not row.enabled:  # counted and answered as a wrong password: it confirms nothing
            self._password_failed(row, now, reason="disabled")
        if not ok:
            self._password_failed(row, now)
        return self._signed_in(row, password, now, binding)

    def sso_actor(self, login: str, *, binding: str | None = None) -> Actor:
        """An actor for a single sign-on identity (e.g. an e-mail) that has an enabled account."""
        key = auth.name_key(login)
        row = self._user(key) if key else None
        label = auth.clean_label(login) or "?"
        if row is None:
            self._refused(label, {"reason": "unknown", "method": "sso"}, 0)
            raise auth.unknown_sso(label)
        if not row.enabled:
            self._refused(row.name, {"reason": "disabled", "method": "sso"}, 0)
            raise auth.disabled()
        with self._store._write(lock=None) as conn:
            conn.execute(users_table.update().where(users_table.c.id == row.id)
                         .values(last_login=self._now_utc()))
            self._store._log(conn, row.name, "login", None, {"method": "sso", "role": row.role})
        return self._issue(row.name, row.name_key, row.role, display_name=row.display_name,
                           binding=binding)

    def sign_out(self, actor: Actor) -> None:
        """End a sign-in: its token is refused from now on (signing out twice is harmless)."""
        grant = self._grant_of(actor)
        if grant is None:
            return
        with self._guard:
            self._issued.pop(actor.token, None)
        if not grant.system:
            with self._store._write(lock=None) as conn:
                conn.execute(sessions_table.delete().where(
                    sessions_table.c.token_hash == token_hash(actor.token)))
                self._store._log(conn, grant.name, "logout", None, {})

    def current_actor(self, actor: Actor, *, binding: str | None = None) -> Actor | None:
        """The actor as the store stands now, or None: signed out, its session ended (password
        or role changed, account disabled), or used from another browser than the one that
        signed in (`binding` differs from the one given at sign-in). A new display name gives
        a new actor for the same session."""
        grant = self._grant_of(actor)
        if grant is None or grant.system:
            return None if grant is None else actor
        if grant.binding is not None and binding != grant.binding:
            self._end(actor, grant, "session_taken")  # e.g. a session id read from a log
            return None
        row = self._user(grant.key)
        if row is None or not row.enabled:
            self._revoke(grant.key)
            return None
        if row.role != grant.role:  # e.g. an admin who demoted themself: sign in again
            self._end(actor, grant, "role_changed")
            return None
        if row.display_name == actor.display_name:
            return actor
        return Actor(name=actor.name, role=actor.role, token=actor.token,
                     display_name=row.display_name)

    def _end(self, actor: Actor, grant: Grant, why: str) -> None:
        """End one session the store no longer trusts, and say so in the audit log."""
        with self._store._write(lock=None) as conn:
            conn.execute(sessions_table.delete().where(
                sessions_table.c.token_hash == token_hash(actor.token)))
            self._store._log(conn, grant.name, "logout", None, {"reason": why})

    def _issue(self, name: str, key: str, role: str, *, system: bool = False,
               display_name: str = "", binding: str | None = None) -> Actor:
        """A new actor with a random token the store will recognise: in memory for trusted
        code, in the sessions table for a person."""
        token = secrets.token_urlsafe(32)
        if system:
            with self._guard:
                self._issued[token] = Grant(name, key, role, system)
        else:
            now = self._now_utc()
            with self._store._write(lock=None) as conn:
                conn.execute(sessions_table.delete().where(
                    sessions_table.c.created_at < now - SESSION_MAX))
                conn.execute(sessions_table.insert().values(
                    token_hash=token_hash(token), user_key=key, name=name, role=role,
                    binding=binding, created_at=now))
        return Actor(name=name, role=role, token=token, display_name=display_name or name)

    def _grant_of(self, actor) -> Grant | None:
        """What the store issued for this actor, or None for anything it did not issue."""
        if not isinstance(actor, Actor) or not isinstance(actor.token, str):
            return None
        with self._guard:
            grant = self._issued.get(actor.token)
        if grant is None:
            s = sessions_table.c
            with self._store._read() as conn:
                row = conn.execute(sa.select(s.name, s.user_key, s.role, s.binding).where(
                    s.token_hash == token_hash(actor.token),
                    s.created_at >= self._now_utc() - SESSION_MAX)).first()
            grant = None if row is None else Grant(row.name, row.user_key, row.role, False,
                                                    row.binding, token_hash(actor.token))
        if grant is None or (grant.name, grant.role) != (actor.name, actor.role):
            return None
        return grant

    def _revoke(self, key: str, keep: Actor | None = None) -> None:
        """End every session of one user (disabled, password or role changed), but `keep`'s."""
        s = sessions_table.c
        where = s.user_key == key
        if isinstance(keep, Actor) and isinstance(keep.token, str):
            where &= s.token_hash != token_hash(keep.token)
        with self._store._write(lock=None) as conn:
            conn.execute(sessions_table.delete().where(where))

    # -- failed sign-ins -------------------------------------------------------------------

    @staticmethod
    def _max_failures() -> int:
        """Consecutive wrong passwords before a lock (setting login_max_failures)."""
        return settings.get("login_max_failures")  # at least 1: settings.py checks it

    def _lock_end(self, failures: int, now: datetime) -> datetime | None:
        """When a lock that starts now ends, if this many failures call for one."""
        if failures < self._max_failures():
            return None
        return now + timedelta(minutes=float(settings.get("login_lock_minutes")))

    def _password_failed(self, row, now: datetime, reason: str = "wrong") -> NoReturn:
        """Count a wrong password for a known user (locking at the limit), audit, pause, refuse."""
        t = users_table.c
        with self._store._write(lock=None) as conn:
            current = conn.execute(sa.select(t.failed_count, t.locked_until)
                                   .where(t.id == row.id).with_for_update()).one()
            failures, _ = _lock_state(current.failed_count, _aware(current.locked_until), now)
            until = self._lock_end(failures + 1, now)
            conn.execute(users_table.update().where(t.id == row.id)
                         .values(failed_count=failures + 1, locked_until=until))
            self._store._log(conn, row.name, "login_failed", None,
                      {"reason": "locked" if until else reason, "known": True,
                       "failures": failures + 1})
        self.sleep(auth.login_delay(failures + 1, float(settings.get("login_delay_s"))))
        raise auth.locked(until) if until else auth.wrong_password()

    def _stranger_failed(self, name, key: str | None, password, now: datetime) -> NoReturn:
        """An unknown name: verify a dummy hash, count and lock like an account (in the database,
        so every replica and a restarted one answer alike), audit, pause, refuse."""
        auth.verify_password(self.hasher, self._dummy_hash(), password)
        label = auth.clean_label(name) or "?"
        failures, until = self._count("name:" + hashlib.sha256(
            (key or label.casefold()).encode()).hexdigest()[:40], now, self._max_failures())
        # a name nobody has may be a password typed in the wrong box: the log keeps its first
        # letter and its length, never the text
        self._refused(masked(label), {"reason": "locked" if until else "wrong", "known": False,
                                      "failures": failures}, failures)
        raise auth.locked(until) if until else auth.wrong_password()

    def _held(self, key: str, now: datetime) -> datetime | None:
        """When a throttled name or client may try again (None: it may now)."""
        t = throttle_table.c
        with self._store._read() as conn:
            row = conn.execute(sa.select(t.failures, t.locked_until).where(t.key == key)).first()
        return None if row is None else _lock_state(row.failures, _aware(row.locked_until), now)[1]

    def _count(self, key: str, now: datetime, most: int) -> tuple[int, datetime | None]:
        """One more failure for a throttle key; (failures, lock end) after it."""
        t = throttle_table.c
        with self._store._write(lock=None) as conn:
            # the row exists first (two first failures at once must not collide on its key),
            # then it is locked and counted
            insert = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(
                throttle_table).values(key=key, failures=0, locked_until=None, updated_at=now)
            conn.execute(insert.on_conflict_do_nothing(index_elements=["key"]))
            row = conn.execute(sa.select(t.failures, t.locked_until, t.updated_at)
                               .where(t.key == key).with_for_update()).one()
            failures, until = _lock_state(row.failures, _aware(row.locked_until), now)
            if _aware(row.updated_at) < now - THROTTLE_MEMORY:
                failures = 0  # failures long ago are not «in a row» any more
            if until is None:
                failures += 1
                until = now + timedelta(minutes=float(settings.get("login_lock_minutes"))) \
                    if failures >= most else None
            conn.execute(throttle_table.update().where(t.key == key).values(
                failures=failures, locked_until=until, updated_at=now))
        return failures, until

    def _forget(self, key: str) -> None:
        """A good sign-in: the throttle key's failures no longer count."""
        with self._store._write(lock=None) as conn:
            conn.execute(throttle_table.delete().where(throttle_table.c.key == key))

    def unlock(self, name: str | None, *, by: Actor, clients: bool = False) -> None:
        """Let a locked name sign in again now (and, with `clients`, every held-off address).

        Trusted code may do it (the command line, for whoever runs the server): an admin whose
        own account is locked can always get back in.
        """
        grant = self.authorise(by, "admin", USERS_VI_EN)
        t = throttle_table.c
        with self._store._write(lock="users") as conn:
            self.confirm(conn, grant, "admin", USERS_VI_EN)
            if name:
                key = auth.name_key(name)
                if key is None:
                    raise _no_user(auth.clean_label(name))
                conn.execute(users_table.update().where(users_table.c.name_key == key)
                             .values(failed_count=0, locked_until=None))
                conn.execute(throttle_table.delete().where(
                    t.key == "name:" + hashlib.sha256(key.encode()).hexdigest()[:40]))
            if clients:
                conn.execute(throttle_table.delete().where(t.key.like("client:%")))
            self._store._log(conn, grant.name, "user_unlock", None,
                             {"user": auth.clean_label(name) if name else None,
                              "clients": clients})

    def _refused(self, label: str, detail: dict, failures: int) -> None:
        """Audit a refused sign-in by the name tried, then pause as for `failures` failures."""
        with self._store._write(lock=None) as conn:
            self._store._log(conn, auth.clean_label(label) or "?", "login_failed", None, detail)
        if failures:
            self.sleep(auth.login_delay(failures, float(settings.get("login_delay_s"))))

    def _signed_in(self, row, password: str, now: datetime, binding: str | None) -> Actor:
        """Record a good sign-in (count reset, hash upgraded if parameters changed), audit it."""
        t = users_table.c
        values = {"failed_count": 0, "locked_until": None, "last_login": now}
        if self.hasher.check_needs_rehash(row.password_hash):
            values["password_hash"] = auth.hash_password(self.hasher,
                                                        auth.normalise_password(password))
        with self._store._write(lock=None) as conn:
            current = conn.execute(sa.select(t.password_hash, t.enabled, t.role)
                                   .where(t.id == row.id).with_for_update()).one()
            if current.password_hash != row.password_hash or not current.enabled:
                raise auth.wrong_password() if current.enabled else auth.disabled()
            conn.execute(users_table.update().where(t.id == row.id).values(**values))
            self._store._log(conn, row.name, "login", None, {"method": "password", "role": current.role,
                                                      "rehashed": "password_hash" in values})
        return self._issue(row.name, row.name_key, current.role, display_name=row.display_name,
                           binding=binding)

    def _dummy_hash(self) -> str:
        """A hash of a random secret, verified for unknown names so timing reveals nothing."""
        if self._dummy is None:
            self._dummy = auth.hash_password(self.hasher, secrets.token_urlsafe(24))
        return self._dummy

    # -- checks on writes ------------------------------------------------------------------

    def authorise(self, user, need: str, what: tuple[str, str]) -> Grant:
        """The grant of an actor this store issued with at least the `need` role, or refuse."""
        grant = self._grant_of(user)
        if grant is None or auth.ROLE_RANK[grant.role] < auth.ROLE_RANK[need]:
            raise auth.not_allowed(*what, need)
        return grant

    def confirm(self, conn: sa.Connection, grant: Grant, need: str,
                 what: tuple[str, str]) -> None:
        """Inside a write: the user still exists, is enabled and still has the role."""
        if grant.system:
            return
        t = users_table.c
        if grant.session is not None and conn.execute(sa.select(sessions_table.c.user_key).where(
                sessions_table.c.token_hash == grant.session)).first() is None:
            raise auth.not_allowed(*what, need)  # the sign-in ended while this write began
        row = conn.execute(sa.select(t.role, t.enabled).where(t.name_key == grant.key)).first()
        if row is None or not row.enabled:
            self._revoke(grant.key)
        if row is None or not row.enabled or auth.ROLE_RANK[row.role] < auth.ROLE_RANK[need]:
            raise auth.not_allowed(*what, need)

    # -- users ------------------------------------------------------------------------------

    def _user(self, key: str):
        """A user's row by case-folded name (None when there is none)."""
        with self._store._read() as conn:
            return conn.execute(sa.select(*_USER_LOOKUP_COLUMNS)
                                .where(users_table.c.name_key == key)).first()

    @staticmethod
    def _admins(conn: sa.Connection) -> int:
        """How many enabled admins there are."""
        t = users_table.c
        return int(conn.execute(sa.select(sa.func.count()).select_from(users_table)
                                .where(t.role == "admin", t.enabled)).scalar_one())

    def has_admin(self) -> bool:
        """Whether an enabled admin exists (if not, the first one is made on the command line)."""
        with self._store._read() as conn:
            return self._admins(conn) > 0

    def list_users(self) -> pd.DataFrame:
        """Every account, by name: role, state and sign-in times; never a password hash."""
        t = users_table.c
        with self._store._read() as conn:
            rows = conn.execute(sa.select(*[t[c] for c in USER_COLUMNS]).order_by(t.name_key)).all()
        frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=USER_COLUMNS)
        for column in ("created_at", "last_login", "locked_until"):
            frame[column] = pd.to_datetime(frame[column].map(_aware), utc=True)
        return frame.astype({"enabled": "bool", "failed_count": "int64",
                             "name": "str", "display_name": "str", "role": "str"})

    def add_user(self, name: str, password: str | None, role: str, *, by: Actor | None,
                 display_name: str = "") -> None:
        """Create an account (admins only; by=None only for the first admin, from the CLI).

        `password=None` makes an account that signs in only by single sign-on.
        """
        grant = None if by is None else self.authorise(by, "admin", USERS_VI_EN)
        name, role = auth.check_name(name), auth.check_role(role)
        if grant is None:
            self._check_bootstrap(role)
        label = auth.clean_label(display_name) or name
        hashed = None if password is None else auth.hash_password(
            self.hasher, auth.check_password(password, name))
        with self._store._write(lock="users") as conn:
            if grant is not None:
                self.confirm(conn, grant, "admin", USERS_VI_EN)
            elif self._admins(conn):
                raise self._bootstrap_refused()
            if conn.execute(sa.select(users_table.c.id)
                            .where(users_table.c.name_key == auth.name_key(name))).first():
                raise StoreError(f"Tên đăng nhập «{name}» đã có.", f"The user «{name}» exists.")
            conn.execute(users_table.insert().values(
                name=name, name_key=auth.name_key(name), display_name=label, role=role,
                password_hash=hashed, enabled=True, created_at=self._now_utc(), failed_count=0))
            self._store._log(conn, grant.name if grant else name, "user_add", None,
                      {"user": name, "role": role, "display_name": label,
                       "bootstrap": grant is None, "password": hashed is not None})

    def _check_bootstrap(self, role: str) -> None:
        """Without a signed-in admin, only the first admin may be created."""
        if self.has_admin():
            raise self._bootstrap_refused()
        if role != "admin":
            raise NotAllowedError(
                "Chưa có quản trị viên: tài khoản đầu tiên phải có vai trò admin.",
                "There is no administrator yet: the first account must have the admin role.")

    @staticmethod
    def _bootstrap_refused() -> NotAllowedError:
        """The refusal of an unauthenticated add once an admin exists."""
        return NotAllowedError(
            "Bạn không có quyền thêm người dùng: đã có quản trị viên, hãy đăng nhập bằng tài khoản "
            "quản trị.",
            "You are not allowed to add users: an administrator exists, sign in as one.")

    def disable_user(self, name: str, *, by: Actor) -> None:
        """Stop an account signing in or writing (its sessions end at their next write)."""
        self._change_user(name, by, "user_disable",
                          lambda row, conn: self._keep_an_admin(row, conn, None),
                          {"enabled": False})

    def enable_user(self, name: str, *, by: Actor) -> None:
        """Let a disabled (or locked) account sign in again."""
        self._change_user(name, by, "user_enable", None,
                          {"enabled": True, "failed_count": 0, "locked_until": None})

    def set_role(self, name: str, role: str, *, by: Actor) -> None:
        """Change an account's role (the last enabled admin cannot be demoted)."""
        role = auth.check_role(role)
        self._change_user(name, by, "user_role",
                          lambda row, conn: self._keep_an_admin(row, conn, role), {"role": role})

    def set_password(self, name: str, password: str, *, by: Actor) -> None:
        """Set a new password (an admin for anyone, anyone for themselves); unlocks the account."""
        need = "viewer" if self._is_self(by, name) else "admin"
        grant = self.authorise(by, need, ("đổi mật khẩu của người khác",
                                           "change another user's password"))
        hashed = auth.hash_password(self.hasher, auth.check_password(password, str(name)))
        self._change_user(name, by, "user_password", None,
                          {"password_hash": hashed, "failed_count": 0, "locked_until": None},
                          grant=grant, need=need)

    def _is_self(self, by, name) -> bool:
        """Whether an actor is acting on its own account."""
        grant = self._grant_of(by)
        return grant is not None and not grant.system and grant.key == auth.name_key(name)

    def _change_user(self, name: str, by, action: str, check, values: dict, *,
                     grant: Grant | None = None, need: str = "admin") -> None:
        """Update one account in a transaction: authorise, check, write, audit (never a hash)."""
        grant = grant or self.authorise(by, need, USERS_VI_EN)
        key = auth.name_key(name)
        t = users_table.c
        with self._store._write(lock="users") as conn:
            self.confirm(conn, grant, need, USERS_VI_EN)
            row = conn.execute(sa.select(t.id, t.name, t.role, t.enabled)
                               .where(t.name_key == key)).first() if key else None
            if row is None:
                raise _no_user(auth.clean_label(name))
            if check is not None:
                check(row, conn)
            conn.execute(users_table.update().where(t.id == row.id).values(**values))
            detail = {"user": row.name, **{k: v for k, v in values.items()
                                           if k in ("role", "enabled")}}
            if "role" in values:
                detail["from"] = row.role
            self._store._log(conn, grant.name, action, None, detail)
        if values.get("enabled") is False or {"role", "password_hash"} & set(values):
            self._revoke(key, keep=by)  # the account's other sessions end now

    def _keep_an_admin(self, row, conn: sa.Connection, new_role: str | None) -> None:
        """Refuse to disable or demote the last enabled admin (new_role None: disabling)."""
        losing = row.role == "admin" and row.enabled and new_role != "admin"
        if losing and self._admins(conn) <= 1:
            raise StoreError("Không thể bỏ quyền hoặc vô hiệu hóa quản trị viên cuối cùng.",
                             "The last enabled administrator cannot be disabled or demoted.")
