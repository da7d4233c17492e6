"""Sign-in, roles and audit at the store: who may change data, lock-outs, the users command."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher, Type
from argon2.profiles import CHEAPEST

from cchc_metrics.cli import main
from cchc_metrics.store import Actor, AuthError, NotAllowedError, Store, StoreError, auth
from tests.store_fixtures import ROOT, make_scores

FAST = PasswordHasher.from_parameters(CHEAPEST)  # argon2id, tiny cost: tests only
ADMIN_PW = "Quản trị viên 2025!"
EDITOR_PW = "biên tập số liệu"
VIEWER_PW = "chỉ xem thôi nhé"
START = datetime(2026, 3, 5, 3, 30, tzinfo=UTC)  # 10:30 in Vietnam


class Clock:
    """A clock tests move by hand."""

    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pauses() -> list[float]:
    """The pauses the store asked for (instead of sleeping)."""
    return []


@pytest.fixture
def store(store_url, clock, pauses):
    with Store(store_url, clock=clock, sleep=pauses.append, hasher=FAST) as opened:
        yield opened


@pytest.fixture
def admin(store) -> Actor:
    store.accounts.add_user("quantri", ADMIN_PW, "admin", by=None, display_name="Trần Quản Trị")
    return store.accounts.authenticate("quantri", ADMIN_PW)


@pytest.fixture
def editor(store, admin) -> Actor:
    store.accounts.add_user("bientap", EDITOR_PW, "editor", by=admin, display_name="Nguyễn Văn An")
    return store.accounts.authenticate("bientap", EDITOR_PW)


@pytest.fixture
def viewer(store, admin) -> Actor:
    store.accounts.add_user("nguoixem", VIEWER_PW, "viewer", by=admin)
    return store.accounts.authenticate("nguoixem", VIEWER_PW)


def raw_users(url: str) -> list[dict]:
    """The users table straight from the database."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.exec_driver_sql("SELECT * FROM users")]
    engine.dispose()
    return rows


def snapshot(store: Store) -> tuple:
    """What a refused write must leave alone: datasets, revision, remembered choices, rows."""
    return (len(store.datasets()), store.revision(), store.recall("mapping:x"),
            len(store.scores()))


def last_entry(store: Store) -> pd.Series:
    """The newest audit row."""
    return store.audit().iloc[-1]


# --------------------------------------------------------------------------------------------
# Hashes and passwords


def test_hashes_are_argon2id_and_never_returned_or_logged(store, admin, editor, store_url):
    hashes = [row["password_hash"] for row in raw_users(store_url)]
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)
    assert auth.new_hasher().type is Type.ID  # the default: argon2id, recommended parameters
    listed = store.accounts.list_users()
    assert "password_hash" not in listed.columns
    assert listed.columns.tolist() == ["name", "display_name", "role", "enabled", "created_at",
                                       "last_login", "failed_count", "locked_until"]
    everything = (listed.to_json(force_ascii=False, date_format="iso")
                  + store.audit().to_json(force_ascii=False, date_format="iso"))
    for secret in [*hashes, ADMIN_PW, EDITOR_PW, "$argon2"]:
        assert secret not in everything
    assert "token" not in repr(editor) and editor.token not in repr(editor)


def test_password_and_name_rules_say_what_is_wrong(store, admin):
    with pytest.raises(StoreError, match="ít nhất 10 ký tự") as caught:
        store.accounts.add_user("ngan", "ngắn quá", "viewer", by=admin)
    assert "at least 10 characters" in caught.value.en
    with pytest.raises(StoreError, match="must not be the user name"):
        store.accounts.add_user("mot_hai_ba_bon", "Mot_Hai_Ba_Bon", "viewer", by=admin)
    with pytest.raises(StoreError, match="exists"):
        store.accounts.add_user("QuanTri", "một mật khẩu khác", "viewer", by=admin)
    with pytest.raises(StoreError, match="no spaces"):
        store.accounts.add_user("có dấu cách", "một mật khẩu dài", "viewer", by=admin)
    with pytest.raises(StoreError, match="Unknown role"):
        store.accounts.add_user("sep", "một mật khẩu dài", "boss", by=admin)
    with pytest.raises(StoreError, match="invalid characters"):
        store.accounts.add_user("lo", "mật khẩu \ud800 lỗi", "viewer", by=admin)
    assert store.accounts.list_users()["name"].tolist() == ["quantri"]


def test_vietnamese_passwords_match_whatever_the_keyboard_normalisation(store, admin):
    import unicodedata

    store.accounts.add_user("hoa", "Hòa Bình Việt Nam", "viewer", by=admin)
    decomposed = unicodedata.normalize("NFD", "Hòa Bình Việt Nam")
    assert decomposed != "Hòa Bình Việt Nam"
    assert store.accounts.authenticate("hoa", decomposed).role == "viewer"


def test_the_hash_is_upgraded_at_sign_in_when_parameters_change(store, admin, store_url):
    store.accounts.hasher = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    store.accounts.authenticate("quantri", ADMIN_PW)
    assert "m=2048,t=2,p=1" in raw_users(store_url)[0]["password_hash"]
    assert json.loads(last_entry(store)["detail"])["rehashed"] is True
    store.accounts.authenticate("quantri", ADMIN_PW)
    assert json.loads(last_entry(store)["detail"])["rehashed"] is False


# --------------------------------------------------------------------------------------------
# Signing in


def test_the_right_password_gives_an_actor_with_the_role(store, admin, editor, clock):
    assert (editor.name, editor.role, editor.display_name) == ("bientap", "editor",
                                                               "Nguyễn Văn An")
    assert editor.allows("editor") and not editor.allows("admin") and admin.allows("admin")
    again = store.accounts.authenticate("BienTap", EDITOR_PW)  # names are case-insensitive
    assert again.name == "bientap" and again.token != editor.token
    row = store.accounts.list_users().set_index("name").loc["bientap"]
    assert row["last_login"] == clock.now and row["failed_count"] == 0
    entry = last_entry(store)
    assert (entry["actor"], entry["action"]) == ("bientap", "login")


def test_a_wrong_password_is_refused_paused_and_audited(store, admin, pauses):
    revision = store.revision()
    with pytest.raises(AuthError) as caught:
        store.accounts.authenticate("quantri", "không phải mật khẩu")
    assert caught.value.reason == "wrong"
    assert caught.value.vi == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert caught.value.en == "Wrong user name or password."
    assert pauses == [0.25]
    entry = last_entry(store)
    assert (entry["actor"], entry["action"]) == ("quantri", "login_failed")
    assert json.loads(entry["detail"]) == {"reason": "wrong", "known": True, "failures": 1}
    assert store.revision() == revision  # sign-ins never move the data revision


def test_an_unknown_name_is_refused_exactly_like_a_wrong_password(store, admin, pauses):
    with pytest.raises(AuthError) as known:
        store.accounts.authenticate("quantri", "sai mật khẩu rồi")
    with pytest.raises(AuthError) as unknown:
        store.accounts.authenticate("khongco", "sai mật khẩu rồi")
    assert (unknown.value.reason, str(unknown.value)) == (known.value.reason, str(known.value))
    assert pauses == [0.25, 0.25]
    entry = last_entry(store)
    assert (entry["actor"], entry["action"]) == ("k… (7)", "login_failed")  # never the text
    assert json.loads(entry["detail"])["known"] is False


def test_verification_runs_for_unknown_names_too(store, admin, monkeypatch):
    calls = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda *a: calls.append(a[1]) or real(*a))
    with pytest.raises(AuthError):
        store.accounts.authenticate("khongco", "sai mật khẩu rồi")
    with pytest.raises(AuthError):
        store.accounts.authenticate("quantri", "sai mật khẩu rồi")
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_lockout_engages_after_the_limit_and_ends_after_the_time(store, admin, clock, pauses):
    for _ in range(4):
        with pytest.raises(AuthError, match="Wrong user name"):
            store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    with pytest.raises(AuthError) as caught:
        store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    assert caught.value.reason == "locked" and caught.value.until == START + timedelta(minutes=15)
    assert caught.value.vi == "Tài khoản tạm khóa đến 10:45 do nhập sai mật khẩu nhiều lần."
    assert "locked until 10:45" in caught.value.en
    assert pauses == [0.25, 0.5, 0.75, 1.0, 1.25]
    clock.advance(minutes=14)
    with pytest.raises(AuthError) as caught:  # even the right password, while locked
        store.accounts.authenticate("quantri", ADMIN_PW)
    assert caught.value.reason == "locked" and pauses[-1] == 1.25
    row = store.accounts.list_users().set_index("name").loc["quantri"]
    assert row["failed_count"] == 5 and row["locked_until"] == START + timedelta(minutes=15)
    clock.advance(minutes=1, seconds=1)
    assert store.accounts.authenticate("quantri", ADMIN_PW).role == "admin"
    row = store.accounts.list_users().set_index("name").loc["quantri"]
    assert row["failed_count"] == 0 and pd.isna(row["locked_until"])


def test_after_a_lock_expires_the_count_starts_again(store, admin, clock):
    for _ in range(5):
        with pytest.raises(AuthError):
            store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    clock.advance(minutes=16)
    with pytest.raises(AuthError) as caught:
        store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    assert caught.value.reason == "wrong"


def test_a_success_resets_the_consecutive_count(store, admin):
    for _ in range(4):
        with pytest.raises(AuthError):
            store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    store.accounts.authenticate("quantri", ADMIN_PW)
    for _ in range(4):
        with pytest.raises(AuthError, match="Wrong"):
            store.accounts.authenticate("quantri", "đoán thử mật khẩu")


def test_unknown_names_are_locked_out_the_same_way(store, clock, pauses):
    for _ in range(5):
        with pytest.raises(AuthError) as caught:
            store.accounts.authenticate("khongco", "đoán thử mật khẩu")
    assert caught.value.reason == "locked" and pauses == [0.25, 0.5, 0.75, 1.0, 1.25]
    clock.advance(minutes=15, seconds=1)
    with pytest.raises(AuthError, match="Wrong"):
        store.accounts.authenticate("KhongCo", "đoán thử mật khẩu")


def test_lockout_and_delay_come_from_the_settings(store, admin, pauses, clock, monkeypatch):
    monkeypatch.setenv("CCHC_LOGIN_MAX_FAILURES", "2")
    monkeypatch.setenv("CCHC_LOGIN_LOCK_MINUTES", "1")
    monkeypatch.setenv("CCHC_LOGIN_DELAY_S", "1.5")
    with pytest.raises(AuthError, match="Wrong"):
        store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    with pytest.raises(AuthError) as caught:
        store.accounts.authenticate("quantri", "đoán thử mật khẩu")
    assert caught.value.until == START + timedelta(minutes=1)
    assert pauses == [1.5, 2.0]  # capped at two seconds
    assert auth.login_delay(100, 0.25) == 2.0 and auth.login_delay(3, 0.0) == 0.0


def test_a_disabled_user_is_refused(store, admin, editor):
    store.accounts.disable_user("bientap", by=admin)
    answers = []
    for password in (EDITOR_PW, "đoán thử mật khẩu"):  # the right password confirms nothing
        with pytest.raises(AuthError) as caught:
            store.accounts.authenticate("bientap", password)
        answers.append((caught.value.reason, caught.value.vi))
    assert answers[0] == answers[1] and answers[0][0] == "wrong"
    assert "disabled" in str(last_entry(store)["detail"])  # the admin sees why
    before = snapshot(store)
    with pytest.raises(NotAllowedError):  # signed in before: refused from now on
        store.import_scores(make_scores(2023), file_name="a.xlsx", file_bytes=b"a", user=editor)
    assert snapshot(store) == before
    assert store.accounts.current_actor(editor) is None
    store.accounts.enable_user("bientap", by=admin)
    assert store.accounts.authenticate("bientap", EDITOR_PW).role == "editor"


def test_hostile_sign_in_input_is_just_a_wrong_password(store, admin):
    for name, password in [("a\x00b", "x" * 12), ("x" * 10_000, "y" * 12), (None, None),
                           ("quantri", None), ("quantri", "\ud800" * 12), (42, b"bytes"),
                           ("quantri", "p" * 100_000), ("'; DROP TABLE users; --", "z" * 12)]:
        with pytest.raises(AuthError) as caught:
            store.accounts.authenticate(name, password)
        assert caught.value.reason == "wrong"
    actors = store.audit()["actor"]
    assert actors.str.len().max() <= 200 and not actors.str.contains("\x00").any()
    assert store.accounts.list_users()["name"].tolist() == ["quantri"]


# --------------------------------------------------------------------------------------------
# Writes need an actor the store issued, with the role


def forged(editor: Actor, other_store: Store) -> list:
    """Everything that is not an authorised editor."""
    return [
        None, "bientap", "", 42,
        Actor("bientap", "editor", "không-phải-mã-thật"),
        Actor("hacker", "admin", editor.token),  # a real token under another name
        dataclasses.replace(editor, role="admin"),  # a real actor promoted by hand
        other_store.accounts.system_actor("bientap"),  # issued by another Store object
    ]


def test_a_write_without_an_authorised_actor_raises_and_writes_nothing(store, admin, editor,
                                                                       viewer, store_url):
    store.import_scores(make_scores(2022), file_name="a.xlsx", file_bytes=b"a", user=editor)
    store.import_scores(make_scores(2022, seed=2), file_name="b.xlsx", file_bytes=b"b",
                        user=editor)
    with Store(store_url, hasher=FAST) as other:
        refused = [*forged(editor, other), viewer]
        before = snapshot(store)
        for user in refused:
            writes = [
                lambda u=user: store.import_scores(make_scores(2023), file_name="c.xlsx",
                                                   file_bytes=b"c", user=u),
                lambda u=user: store.import_file(ROOT / "data" / "demo" / "huyen.xlsx", user=u),
                lambda u=user: store.rollback(1, user=u),
                lambda u=user: store.remember("mapping:x", {"a": "b"}, user=u),
            ]
            for write in writes:
                with pytest.raises(StoreError) as caught:
                    write()
                assert isinstance(caught.value, NotAllowedError)
                assert caught.value.vi.startswith("Bạn không có quyền")
                assert caught.value.en.startswith("You are not allowed")
        with pytest.raises(NotAllowedError):
            store.import_scores(make_scores(2023), file_name="c.xlsx", file_bytes=b"c")
        assert snapshot(store) == before


def test_an_editor_can_import_and_roll_back_and_is_audited(store, editor):
    first = store.import_scores(make_scores(2023, seed=1), file_name="v1.xlsx", file_bytes=b"1",
                                user=editor)
    store.import_scores(make_scores(2023, seed=2), file_name="v2.xlsx", file_bytes=b"2",
                        user=editor)
    revision = store.revision()
    store.accounts.authenticate("bientap", EDITOR_PW)  # a sign-in does not move the revision
    assert store.revision() == revision
    result = store.rollback(first.dataset_id, user=editor, note="nhầm tệp")
    assert result.changed and store.revision() > revision
    store.remember("mapping:x", {"Ý kiến": "survey"}, user=editor)
    assert store.recall("mapping:x") == {"Ý kiến": "survey"}
    assert store.datasets()["created_by"].tolist() == ["bientap", "bientap"]
    data = store.audit()
    data = data[data["action"].isin(["import", "rollback"])]
    assert data["actor"].tolist() == ["bientap"] * 3


def test_a_role_change_ends_the_accounts_sessions(store, admin, editor, viewer):
    store.accounts.set_role("bientap", "viewer", by=admin)
    with pytest.raises(NotAllowedError):
        store.remember("mapping:x", 1, user=editor)
    assert store.accounts.current_actor(editor) is None  # signed out: sign in again
    store.accounts.set_role("nguoixem", "editor", by=admin)
    assert store.accounts.current_actor(viewer) is None
    promoted = store.accounts.authenticate("nguoixem", VIEWER_PW)
    store.remember("mapping:x", 2, user=promoted)
    assert store.recall("mapping:x") == 2 and promoted.role == "editor"
    assert store.accounts.current_actor(admin) is admin  # the admin who acted stays in


def test_a_password_reset_ends_the_old_sessions_but_the_resetters(store, admin, editor):
    store.accounts.set_password("bientap", "Mk-moi-hoan-toan-2026", by=admin)
    assert store.accounts.current_actor(editor) is None
    with pytest.raises(NotAllowedError):
        store.remember("mapping:x", 1, user=editor)  # the old password's session writes nothing
    mine = store.accounts.authenticate("bientap", "Mk-moi-hoan-toan-2026")
    other = store.accounts.authenticate("bientap", "Mk-moi-hoan-toan-2026")
    store.accounts.set_password("bientap", "Mk-lan-thu-ba-2026", by=mine)  # their own
    assert store.accounts.current_actor(mine) is mine and store.accounts.current_actor(other) is None


def test_sign_ins_live_in_the_database_not_in_one_store_object(store_url, store, editor, clock):
    """A cleared cache (a new Store object) or another replica still knows the sign-in."""
    from cchc_metrics.store import Store

    with Store(store_url, clock=clock, hasher=FAST) as again:
        assert again.accounts.current_actor(editor) is not None
        again.remember("mapping:x", 3, user=editor)
        again.accounts.sign_out(editor)
    assert store.accounts.current_actor(editor) is None  # and signing out ends it everywhere


def test_a_session_used_from_another_browser_ends(store, admin):
    store.accounts.add_user("bientap2", EDITOR_PW, "editor", by=admin)
    mine = store.accounts.authenticate("bientap2", EDITOR_PW, binding="cookie-of-my-browser")
    assert store.accounts.current_actor(mine, binding="cookie-of-my-browser") is mine
    assert store.accounts.current_actor(mine, binding="another-browser") is None
    assert store.accounts.current_actor(mine, binding="cookie-of-my-browser") is None  # ended
    assert last_entry(store)["action"] == "logout"


def test_sign_out_ends_an_actor(store, editor):
    store.accounts.sign_out(editor)
    store.accounts.sign_out(editor)
    with pytest.raises(NotAllowedError):
        store.remember("mapping:x", 1, user=editor)
    assert store.accounts.current_actor(editor) is None
    assert last_entry(store)["action"] == "logout"


def test_system_actors_are_audited_by_name(store):
    loader = store.accounts.system_actor("demo")
    assert loader.role == "editor"
    store.import_scores(make_scores(2023), file_name="a.xlsx", file_bytes=b"a", user=loader)
    assert store.datasets()["created_by"].tolist() == ["demo"]
    with pytest.raises(StoreError, match="missing"):
        store.accounts.system_actor("  ")
    with pytest.raises(StoreError, match="Unknown role"):
        store.accounts.system_actor("x", role="root")


# --------------------------------------------------------------------------------------------
# Managing users


def test_only_an_admin_manages_users(store, admin, editor, viewer):
    for actor in [editor, viewer, None, Actor("quantri", "admin", "giả")]:
        calls = [lambda a=actor: store.accounts.add_user("moi", "mật khẩu mới đây", "viewer", by=a),
                 lambda a=actor: store.accounts.disable_user("nguoixem", by=a),
                 lambda a=actor: store.accounts.set_role("nguoixem", "admin", by=a),
                 lambda a=actor: store.accounts.set_password("quantri", "mật khẩu mới đây", by=a)]
        for call in calls:
            with pytest.raises(NotAllowedError):
                call()
    assert store.accounts.list_users()["role"].tolist() == ["editor", "viewer", "admin"]
    store.accounts.add_user("moi", "mật khẩu mới đây", "viewer", by=admin)
    store.accounts.set_role("moi", "editor", by=admin)
    store.accounts.set_password("moi", "mật khẩu khác hẳn", by=admin)
    assert store.accounts.authenticate("moi", "mật khẩu khác hẳn").role == "editor"
    store.accounts.disable_user("moi", by=admin)
    actions = store.audit()["action"].tolist()
    assert {"user_add", "user_role", "user_password", "user_disable"} <= set(actions)
    role_change = store.audit().query("action == 'user_role'").iloc[-1]
    assert json.loads(role_change["detail"]) == {"user": "moi", "role": "editor",
                                                 "from": "viewer"}
    assert role_change["actor"] == "quantri"


def test_anyone_may_change_their_own_password(store, viewer):
    store.accounts.set_password("NguoiXem", "mật khẩu riêng của tôi", by=viewer)
    assert store.accounts.authenticate("nguoixem", "mật khẩu riêng của tôi").role == "viewer"


def test_a_new_password_unlocks_the_account(store, admin, editor, clock):
    for _ in range(5):
        with pytest.raises(AuthError):
            store.accounts.authenticate("bientap", "đoán thử mật khẩu")
    store.accounts.set_password("bientap", "mật khẩu mới tinh", by=admin)
    assert store.accounts.authenticate("bientap", "mật khẩu mới tinh").role == "editor"


def test_the_first_admin_needs_no_actor_but_only_once(store):
    assert not store.accounts.has_admin()
    with pytest.raises(NotAllowedError, match="admin role"):
        store.accounts.add_user("bientap", EDITOR_PW, "editor", by=None)
    store.accounts.add_user("quantri", ADMIN_PW, "admin", by=None)
    assert store.accounts.has_admin()
    with pytest.raises(NotAllowedError, match="not allowed to add users"):
        store.accounts.add_user("keXau", "mật khẩu của kẻ xấu", "admin", by=None)
    entry = store.audit().iloc[0]
    assert (entry["action"], json.loads(entry["detail"])["bootstrap"]) == ("user_add", True)


def test_the_last_admin_cannot_be_disabled_or_demoted(store, admin):
    with pytest.raises(StoreError, match="last enabled administrator"):
        store.accounts.disable_user("quantri", by=admin)
    with pytest.raises(StoreError, match="last enabled administrator"):
        store.accounts.set_role("quantri", "editor", by=admin)
    store.accounts.add_user("quantri2", ADMIN_PW, "admin", by=admin)
    store.accounts.set_role("quantri", "editor", by=admin)  # now there is another
    assert store.accounts.list_users().set_index("name").loc["quantri", "role"] == "editor"


def test_unknown_users_are_reported(store, admin):
    with pytest.raises(StoreError, match="no user «ai_do»"):
        store.accounts.disable_user("ai_do", by=admin)


def test_single_sign_on_identities_need_an_enabled_account(store, admin):
    store.accounts.add_user("an.nguyen@tinh.gov.vn", None, "editor", by=admin, display_name="Nguyễn An")
    actor = store.accounts.sso_actor("An.Nguyen@Tinh.gov.vn")
    assert (actor.name, actor.role, actor.display_name) == ("an.nguyen@tinh.gov.vn", "editor",
                                                            "Nguyễn An")
    store.remember("mapping:x", 1, user=actor)
    assert json.loads(store.audit().query("action == 'login'").iloc[-1]["detail"])["method"] == \
        "sso"
    with pytest.raises(AuthError) as caught:  # no local password: never signs in with one
        store.accounts.authenticate("an.nguyen@tinh.gov.vn", "bất kỳ mật khẩu nào")
    assert caught.value.reason == "wrong"
    with pytest.raises(AuthError) as caught:
        store.accounts.sso_actor("la@ngoai.vn")
    assert caught.value.reason == "unknown" and "la@ngoai.vn" in caught.value.en
    store.accounts.disable_user("an.nguyen@tinh.gov.vn", by=admin)
    with pytest.raises(AuthError) as caught:
        store.accounts.sso_actor("an.nguyen@tinh.gov.vn")
    assert caught.value.reason == "disabled"


def test_user_changes_and_sign_ins_do_not_move_the_revision(store, admin, editor):
    store.import_scores(make_scores(2023), file_name="a.xlsx", file_bytes=b"a", user=editor)
    revision = store.revision()
    store.accounts.add_user("moi", "mật khẩu mới đây", "viewer", by=admin)
    store.accounts.authenticate("moi", "mật khẩu mới đây")
    with pytest.raises(AuthError):
        store.accounts.authenticate("moi", "sai sai sai sai")
    store.accounts.set_role("moi", "editor", by=admin)
    assert store.revision() == revision


# --------------------------------------------------------------------------------------------
# Command line


def run_cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """`python -m cchc_metrics …` in a separate process, with stdin piped (not a terminal)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CCHC_LOGIN_DELAY_S": "0"}
    return subprocess.run([sys.executable, "-m", "cchc_metrics", *args, "--db", url],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)


def test_cli_bootstraps_the_first_admin_then_refuses_unauthenticated_adds(store_url):
    made = run_cli(store_url, "users", "add", "quantri", "--role", "admin", "--display-name",
                   "Trần Quản Trị", "--format", "json", stdin=ADMIN_PW + "\n")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)[0]["role"] == "admin" and "Đã thêm" in made.stderr
    again = run_cli(store_url, "users", "add", "kexau", "--role", "admin",
                    stdin="mật khẩu của kẻ xấu\n")
    assert again.returncode == 2 and "--admin" in again.stderr
    assert "Traceback" not in again.stderr
    wrong = run_cli(store_url, "users", "add", "bientap", "--role", "editor", "--admin",
                    "quantri", stdin="sai mật khẩu rồi\n" + EDITOR_PW + "\n")
    assert wrong.returncode == 2 and "Wrong user name or password" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    added = run_cli(store_url, "users", "add", "bientap", "--role", "editor", "--admin",
                    "quantri", stdin=ADMIN_PW + "\n" + EDITOR_PW + "\n")
    assert added.returncode == 0, added.stderr
    listed = run_cli(store_url, "users", "list", "--format", "csv")
    assert listed.returncode == 0
    table = pd.read_csv(io.StringIO(listed.stdout))
    assert table["name"].tolist() == ["bientap", "quantri"]
    assert "argon2" not in listed.stdout + made.stdout + added.stdout + added.stderr
    with Store(store_url, hasher=FAST) as store:
        assert store.accounts.authenticate("bientap", EDITOR_PW).role == "editor"
        assert sorted(u["name"] for u in raw_users(store_url)) == ["bientap", "quantri"]
        assert len(store.audit().query("action == 'user_add'")) == 2


@pytest.fixture
def cli_db(store_url, monkeypatch):
    """A store with an admin, for in-process command-line tests (cheap hashes, no pauses)."""
    monkeypatch.setattr(auth, "new_hasher", lambda: FAST)
    monkeypatch.setenv("CCHC_LOGIN_DELAY_S", "0")
    with Store(store_url) as store:
        store.accounts.add_user("quantri", ADMIN_PW, "admin", by=None)
    return store_url


def cli(capsys, monkeypatch, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the command line in-process with `stdin` as standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_users_disable_set_role_passwd_and_audit(cli_db, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, "users", "add", "bientap", "--role", "viewer",
                       "--admin", "quantri", "--db", cli_db, stdin=f"{ADMIN_PW}\n{EDITOR_PW}\n")
    assert code == 0, err
    code, out, err = cli(capsys, monkeypatch, "users", "set-role", "bientap", "editor",
                         "--admin", "quantri", "--db", cli_db, "--format", "json",
                         stdin=f"{ADMIN_PW}\n")
    assert code == 0 and json.loads(out)[0]["role"] == "editor", err
    code, _, err = cli(capsys, monkeypatch, "users", "passwd", "bientap", "--db", cli_db,
                       stdin=f"{EDITOR_PW}\nmật khẩu mới của tôi\n")
    assert code == 0 and "Changed the password" in err
    code, _, err = cli(capsys, monkeypatch, "users", "disable", "bientap", "--db", cli_db)
    assert code == 2 and "--admin" in err
    code, out, err = cli(capsys, monkeypatch, "users", "disable", "bientap", "--admin", "quantri",
                         "--db", cli_db, "--format", "json", stdin=f"{ADMIN_PW}\n")
    assert code == 0 and json.loads(out)[0]["enabled"] is False, err
    code, _, err = cli(capsys, monkeypatch, "users", "disable", "quantri", "--admin", "quantri",
                       "--db", cli_db, stdin=f"{ADMIN_PW}\n")
    assert code == 2 and "last enabled administrator" in err and "Traceback" not in err
    code, _, err = cli(capsys, monkeypatch, "users", "add", "x", "--role", "viewer", "--admin",
                       "quantri", "--db", cli_db, stdin=f"{ADMIN_PW}\n")
    assert code == 2 and "No password could be read" in err
    code, out, _ = cli(capsys, monkeypatch, "audit", "--db", cli_db, "--format", "csv")
    log = pd.read_csv(io.StringIO(out))
    assert {"login", "user_add", "user_role", "user_password", "user_disable"} <= set(
        log["action"])
    assert "argon2" not in out and ADMIN_PW not in out and EDITOR_PW not in out
    code, out, _ = cli(capsys, monkeypatch, "audit", "--db", cli_db, "--limit", "2",
                       "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2


def test_cli_imports_are_audited_under_the_user_option(cli_db, capsys, monkeypatch):
    code, _, err = cli(capsys, monkeypatch, "import", str(ROOT / "data" / "demo" / "huyen.xlsx"),
                       "--db", cli_db, "--user", "chuyên viên")
    assert code == 0, err
    with Store(cli_db) as store:
        assert store.datasets()["created_by"].tolist() == ["chuyên viên"]
        assert store.audit().query("action == 'import'")["actor"].tolist() == ["chuyên viên"]



def test_a_password_typed_as_a_user_name_never_reaches_the_audit_log(store, admin):
    with pytest.raises(AuthError):
        store.accounts.authenticate("MatKhau-Bi-Mat-2026", "x")
    log = store.audit()
    assert not log.astype(str).apply(lambda c: c.str.contains("MatKhau-Bi-Mat-2026")).any().any()
    assert log["actor"].iloc[-1] == "M… (19)"


# ---- issue 21, items 6 and 8: the same answer everywhere, a per-client throttle, unlock ----------

def test_a_made_up_name_is_counted_in_the_database_like_a_real_one(store_url, store, admin, clock,
                                                                   pauses):
    """After a restart or on the other replica, a made-up name answers as a real one would."""
    from cchc_metrics.store import Store

    for _ in range(5):
        with pytest.raises(AuthError):
            store.accounts.authenticate("khong-co-ai", "sai")
    replica = {"clock": clock, "sleep": pauses.append, "hasher": FAST}
    with Store(store_url, **replica) as other, pytest.raises(AuthError) as made_up:
        other.accounts.authenticate("khong-co-ai", "sai")
    for _ in range(5):
        with pytest.raises(AuthError):
            store.accounts.authenticate("quantri", "sai")
    with Store(store_url, **replica) as other, pytest.raises(AuthError) as real:
        other.accounts.authenticate("quantri", "sai")
    assert made_up.value.reason == real.value.reason == "locked"
    assert made_up.value.msg == real.value.msg


def test_a_client_that_fails_too_often_is_held_off_whatever_the_name(store, admin, monkeypatch):
    monkeypatch.setenv("CCHC_LOGIN_CLIENT_MAX_FAILURES", "3")
    for name in ("a1", "a2", "a3"):  # a different name each time: no account lock helps
        with pytest.raises(AuthError):
            store.accounts.authenticate(name, "sai", client="10.0.0.9")
    with pytest.raises(AuthError) as held:
        store.accounts.authenticate("quantri", ADMIN_PW, client="10.0.0.9")
    assert held.value.reason == "locked"
    assert store.accounts.authenticate("quantri", ADMIN_PW, client="10.0.0.10")  # another one


def test_whoever_runs_the_server_can_unlock_a_locked_admin(store, admin, monkeypatch):
    monkeypatch.setenv("CCHC_LOGIN_CLIENT_MAX_FAILURES", "3")
    for _ in range(5):  # anyone can lock the admin's account …
        with pytest.raises(AuthError):
            store.accounts.authenticate("quantri", "sai")
    for name in ("x1", "x2", "x3"):  # … and the admin's own address can be held off
        with pytest.raises(AuthError):
            store.accounts.authenticate(name, "sai", client="10.0.0.9")
    with pytest.raises(AuthError):
        store.accounts.authenticate("quantri", ADMIN_PW)
    server = store.accounts.system_actor("root", "admin")
    store.accounts.unlock("quantri", by=server, clients=True)
    assert store.accounts.authenticate("quantri", ADMIN_PW, client="10.0.0.9").role == "admin"
    with pytest.raises(NotAllowedError):
        store.accounts.unlock("quantri", by=store.accounts.system_actor("x"))  # an editor


def test_password_checks_wait_their_turn(store, monkeypatch):
    """50 attempts at once must queue, not take 64 MiB each at the same time."""
    import threading
    import time as clock

    monkeypatch.setenv("CCHC_LOGIN_CONCURRENCY", "2")
    running, most, guard = [0], [0], threading.Lock()

    class Slow:
        def verify(self, hashed, password):
            with guard:
                running[0] += 1
                most[0] = max(most[0], running[0])
            clock.sleep(0.02)
            with guard:
                running[0] -= 1
            return False

    from cchc_metrics.store.accounts import BoundedHasher

    hasher = BoundedHasher(Slow())
    threads = [threading.Thread(target=hasher.verify, args=("h", "p")) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert most[0] == 2


def test_users_unlock_at_the_command_line_needs_no_password(store_url, capsys, monkeypatch):
    """A locked admin cannot sign in to unlock themself: the server's operator unlocks."""
    monkeypatch.setenv("CCHC_LOGIN_DELAY_S", "0")
    with Store(store_url, hasher=FAST) as s:
        s.accounts.add_user("quantri", ADMIN_PW, "admin", by=None)
        for _ in range(5):
            with pytest.raises(AuthError):
                s.accounts.authenticate("quantri", "sai")
    code, _, err = cli(capsys, monkeypatch, "users", "unlock", "quantri", "--db", store_url)
    assert code == 0 and "Đã mở khóa «quantri»" in err
    with Store(store_url, hasher=FAST) as s:
        assert s.accounts.authenticate("quantri", ADMIN_PW).role == "admin"
        assert s.audit()["action"].iloc[-2] == "user_unlock"


def test_a_sign_in_lasts_a_day_at_most_and_old_rows_are_cleared(store, admin, editor, clock):
    from cchc_metrics.store.accounts import SESSION_MAX

    clock.advance(seconds=SESSION_MAX.total_seconds() + 60)
    assert store.accounts.current_actor(editor) is None
    fresh = store.accounts.authenticate("bientap", EDITOR_PW)  # clears the day-old rows
    with store._read() as conn:
        rows = conn.execute(sa.text("SELECT count(*) FROM sessions")).scalar_one()
    assert rows == 1 and store.accounts.current_actor(fresh) is fresh


def test_a_disabled_account_locks_like_a_made_up_name(store, admin):
    store.accounts.add_user("tatmay", EDITOR_PW, "editor", by=admin)
    store.accounts.disable_user("tatmay", by=admin)
    answers = []
    for name in ("tatmay", "khong-ai-ca"):
        for _ in range(6):
            with pytest.raises(AuthError) as refused:
                store.accounts.authenticate(name, EDITOR_PW)
        answers.append(refused.value.reason)
    assert answers == ["locked", "locked"]


def test_an_account_without_a_password_costs_a_password_check(store, admin, monkeypatch):
    checks = []
    original = store.accounts.hasher.verify
    monkeypatch.setattr(store.accounts.hasher, "verify",
                        lambda h, p: checks.append(h) or original(h, p))
    store.accounts.add_user("sso@tinh.gov.vn", None, "viewer", by=admin)
    with pytest.raises(AuthError):
        store.accounts.authenticate("sso@tinh.gov.vn", "anything")
    assert len(checks) == 1  # the same argon2 work as a real password: timing tells nothing


def test_a_good_sign_in_forgets_the_clients_failures(store, admin, monkeypatch):
    monkeypatch.setenv("CCHC_LOGIN_CLIENT_MAX_FAILURES", "3")
    for _ in range(2):
        with pytest.raises(AuthError):
            store.accounts.authenticate("nhamlan", "sai", client="10.0.0.7")
    store.accounts.authenticate("quantri", ADMIN_PW, client="10.0.0.7")
    for _ in range(2):  # two more typos: not the third in a row
        with pytest.raises(AuthError):
            store.accounts.authenticate("nhamlan", "sai", client="10.0.0.7")
    assert store.accounts.authenticate("quantri", ADMIN_PW, client="10.0.0.7")


def test_an_admin_who_demotes_themself_signs_in_again(store, admin):
    other = store.accounts.authenticate("quantri", ADMIN_PW)
    store.accounts.add_user("quantri2", ADMIN_PW, "admin", by=admin)
    store.accounts.set_role("quantri", "viewer", by=admin)  # admin acts on their own account
    assert store.accounts.current_actor(admin) is None and store.accounts.current_actor(other) is None


def test_first_failures_at_once_do_not_collide(store_url, store, admin, clock):
    """Two first failures of a new name or address at once: counted, never a database error."""
    import threading

    errors = []

    def attempt(i):
        with Store(store_url, clock=clock, sleep=lambda s: None, hasher=FAST) as mine:
            try:
                mine.accounts.authenticate(f"ten-moi-{i % 3}", "sai", client="10.9.9.9")
            except AuthError:
                pass
            except Exception as exc:  # noqa: BLE001 — what must not happen
                errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
