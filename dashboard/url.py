"""Widgets whose value lives in the URL, so a copied link reopens the same view."""

from __future__ import annotations

import contextlib

import streamlit as st

from cchc_metrics.i18n import LANGS


def to_url(key: str, value, default=None) -> None:
    """Keep the URL in step with a control (stable codes, not labels), so a link reopens it."""
    if value is None or value == "" or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def url_index(key: str, options: list, cast=str, default: int = 0) -> int:
    """The option the URL asks for, fixed at the session's first run (so the widget keeps it)."""
    memo = f"_url_{key}"
    if memo not in st.session_state:
        index = default
        with contextlib.suppress(TypeError, ValueError):
            index = options.index(cast(st.query_params[key])) if key in st.query_params else default
        st.session_state[memo] = index
    return min(st.session_state[memo], max(len(options) - 1, 0))


def follow_link(key: str) -> None:
    """A link that names an option (?year=2026, say from the upload page) wins over the last choice.

    The URL only changes behind the widget's back when a link or the browser's history sets it:
    the widget itself writes what it shows, and `_seen_<key>` remembers that.
    """
    linked, seen = st.query_params.get(key), st.session_state.get(f"_seen_{key}")
    if linked is not None and seen is not None and linked != seen:
        st.session_state.pop(key, None)  # the widget forgets its value, and url_index
        st.session_state.pop(f"_url_{key}", None)  # reads the URL again


def settle_widget(key: str, value) -> None:
    """Give a widget a value before it is drawn this run (a filter moved to where data exists).

    The browser is sent the new value; the URL follows when the widget writes it.
    """
    st.session_state[key] = value
    st.session_state.pop(f"_url_{key}", None)
    st.session_state.setdefault("_settled", set()).add(key)


def relabel(key: str) -> bool:
    """A keyed select box whose options are words of the language shown: when the language
    changed since it was drawn, its value is set again, so that the browser redraws the box
    with the new words (it keeps the old ones otherwise). Whether it was set."""
    changed = key in st.session_state and st.session_state.get(f"_lang_{key}", lang()) != lang()
    if changed:
        st.session_state[key] = st.session_state[key]
    st.session_state[f"_lang_{key}"] = lang()
    return changed


def bound(widget, label: str, options: list, key: str, *, cast=str, default: int = 0, **kwargs):
    """A select-like widget whose value lives in the URL as its option code."""
    if key in st.session_state and st.session_state[key] not in options:
        # e.g. the block of another year: set, not just forgotten, so that the browser's box
        # shows the value the page uses (it would keep showing the old one)
        settle_widget(key, options[default] if options else None)
        st.session_state[f"_url_{key}"] = default  # nor does the link's choice hold any more
    if relabel(key):
        settle_widget(key, st.session_state[key])  # the index drawn follows the value set
    follow_link(key)
    index = url_index(key, options, cast, default)
    if key in st.session_state.get("_settled", set()):
        st.session_state["_settled"].discard(key)
        index = 0  # its value was just set: a default beside it would only be ignored
    elif key in st.session_state:  # the default drawn is the value held: the box shows it
        index = options.index(st.session_state[key])
    # persist_state: the filters follow the person from page to page
    value = widget(label, options, index=index, key=key, persist_state="session", **kwargs)
    to_url(key, value, options[default] if options else None)
    st.session_state[f"_seen_{key}"] = str(value)
    return value


def lang() -> str:
    """The language shown: Vietnamese unless the switch (or the URL's ?lang=en) says English."""
    return st.session_state.get("lang", "vi") if st.session_state.get("lang") in LANGS else "vi"
