"""Streamlit's own English in the Vietnamese interface (file chooser, download errors), replaced.

Streamlit has no setting for these texts, so a style sheet hides them and shows the
catalog's words instead. The selectors are the test ids Streamlit gives these elements; a
browser test (tests/browser) checks that no English is left where they were.
"""

from __future__ import annotations

import json

import streamlit as st

from cchc_metrics.i18n import t

UPLOADER = '[data-testid="stFileUploaderDropzone"]'


def css_text(text: str) -> str:
    """A CSS string literal (JSON's quoting is valid CSS for plain text)."""
    return json.dumps(text, ensure_ascii=False)


def replaced(selector: str, text: str, size: str) -> str:
    """A rule pair that hides an element's own text and shows `text` in its place."""
    return (f"{selector}{{font-size:0 !important}}"
            f"{selector}::after{{content:{css_text(text)};font-size:{size}}}")


def translate(lang: str) -> None:
    """Put the interface's words where Streamlit writes English (Vietnamese only)."""
    if lang != "vi":
        return
    limit = st.get_option("server.maxUploadSize")  # megabytes
    rules = [
        replaced(f'{UPLOADER} button [data-testid="stMarkdownContainer"] p',
                 t("uploader_button", lang), "0.875rem"),
        replaced('[data-testid="stFileUploaderDropzoneInstructions"] span',
                 t("uploader_limit", lang, mb=limit), "0.875rem"),
        replaced('[data-testid="stDownloadButtonError"]', t("download_failed", lang),
                 "0.875rem"),
    ]
    st.html(f"<style>{''.join(rules)}</style>")
