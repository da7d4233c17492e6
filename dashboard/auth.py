"""Who is using the app: sign-in (local accounts or the organisation's SSO), roles, sign-out."""

from __future__ import annotations

import time

import streamlit as st

from cchc_metrics import settings
from cchc_metrics.i18n import t
from dashboard.data import store
from dashboard.url import lang


def sso_configured() -> bool:
    """An [auth] section in .streamlit/secrets.toml turns on "sign in with the organisation"."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all  # noqa: BLE001
        return False


def binding() -> str | None:
    """What a sign-in is bound to: a hash of this browser's XSRF cookie.

    Streamlit sets that cookie once per browser and never puts it in a URL; the session id, in
    every upload URL and so in proxy logs, is not enough to take over a sign-in: a client that
    reconnects with a stolen session id brings its own cookie, and the store ends the session.
    """
    try:
        cookie = st.context.cookies.get("_streamlit_xsrf")
    except Exception:  # no browser (AppTest, a script run on its own)  # noqa: BLE001
        cookie = None
    return cookie_binding(cookie) if isinstance(cookie, str) and cookie else None


def cookie_binding(cookie: str) -> str | None:
    """The hash of the token inside an XSRF cookie. Streamlit sends the cookie anew, masked
    afresh, with every health check (each reconnect): the token under the mask stays."""
    import hashlib

    from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

    token, _ = decode_xsrf_token_string(cookie)
    return hashlib.sha256(token).hexdigest() if token else None


def actor():
    """The signed-in person's store-issued actor, or None; ends sessions left idle too long."""
    current = st.session_state.get("actor")
    if current is None:
        return None
    idle = time.monotonic() - st.session_state.get("actor_seen", 0)
    if idle > settings.get("session_minutes") * 60:
        sign_out(expired=True)
        return None
    # the store knows if the account was disabled or its role changed since sign-in
    current = store().accounts.current_actor(current, binding=binding())
    if current is None:
        sign_out()
        return None
    st.session_state["actor"] = current
    st.session_state["actor_seen"] = time.monotonic()
    return current


def client() -> str | None:
    """The address a sign-in comes from: the right-most X-Forwarded-For entry, the one the
    province's own proxy wrote (a browser can put anything before it), else the peer's."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        address = (forwarded.split(",")[-1].strip() if isinstance(forwarded, str) else "") or \
            st.context.ip_address
        return address if isinstance(address, str) else None
    except Exception:  # no browser  # noqa: BLE001
        return None


def role() -> str | None:
    a = actor()
    return a.role if a is not None else None


def allowed(needed: str) -> bool:
    """Whether the signed-in person has at least the role needed."""
    current = actor()
    return current is not None and current.allows(needed)


def require(needed: str) -> None:
    """Stop the page with a sign-in prompt unless the person has the role (a second gate)."""
    if allowed(needed):
        return
    lg = lang()
    st.warning(t("need_role", lg, role=t(f"role_{needed}", lg)), icon=":material/lock:")
    st.page_link("app_pages/dang-nhap.py", label=t("sign_in", lg), icon=":material/login:")
    st.stop()


def sign_in(name: str, password: str) -> str | None:
    """Try a local account; None on success, else the message to show."""
    from cchc_metrics.store import StoreError

    try:
        st.session_state["actor"] = store().accounts.authenticate(
            name.strip(), password, binding=binding(), client=client())
    except StoreError as exc:
        return exc.msg.text(lang())
    st.session_state["actor_seen"] = time.monotonic()
    st.session_state.pop("expired", None)
    return None


def sso_sign_in() -> str | None:
    """After st.login: the organisation's account must also be a user here, with a role."""
    from cchc_metrics.store import StoreError

    if st.session_state.get("actor") is not None or not sso_configured():
        return None
    if not getattr(st.user, "is_logged_in", False):
        return None
    login = str(st.user.get("email") or st.user.get("name") or "")
    try:
        st.session_state["actor"] = store().accounts.sso_actor(login, binding=binding())
    except StoreError as exc:
        return exc.msg.text(lang())
    st.session_state["actor_seen"] = time.monotonic()
    return None


def sign_out(expired: bool = False) -> None:
    """Forget the actor (the store audits the sign-out)."""
    current = st.session_state.pop("actor", None)
    if current is not None:
        store().accounts.sign_out(current)
    st.session_state.pop("actor_seen", None)
    if expired:
        st.session_state["expired"] = True


def sidebar() -> None:
    """Who is signed in, and the sign-out button."""
    a = actor()
    if a is None:
        return
    lg = lang()
    st.sidebar.caption(t("signed_in_as", lg, name=a.display_name or a.name,
                         role=t(f"role_{a.role}", lg)))
    if st.sidebar.button(t("sign_out", lg), icon=":material/logout:", key="sign_out"):
        sign_out()
        if sso_configured() and getattr(st.user, "is_logged_in", False):
            st.logout()
        st.rerun()
