"""Streamlit glue shared by the pages: data and caches, URL state, filters, widgets, sign-in."""
