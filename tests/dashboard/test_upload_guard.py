"""What an anonymous client may leave in the server's memory through Streamlit's upload route."""

from __future__ import annotations

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

from dashboard import upload


def record(file_id: str, size: int) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name=f"{file_id}.xlsx", type="application/octet-stream",
                           data=b"x" * size)


def test_files_are_kept_only_for_sessions_shown_the_file_chooser(monkeypatch):
    monkeypatch.setattr(upload, "_UPLOADERS", {"editor-session"})
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    upload.guard_uploads(manager)
    for i in range(10):  # an anonymous session PUTs ten files to its own URL
        manager.add_file("anonymous-session", record(f"f{i}", 45_000))
    assert manager.get_stats() == [] or sum(s.value for s in manager.get_stats()) == 0
    manager.add_file("editor-session", record("a", 1000))
    manager.add_file("editor-session", record("b", 2000))  # a batch: both kept
    assert list(manager.file_storage["editor-session"]) == ["a", "b"]
    assert "anonymous-session" not in manager.file_storage or \
        not manager.file_storage["anonymous-session"]
    upload.guard_uploads(manager)  # wrapping twice changes nothing
    manager.add_file("editor-session", record("c", 10))
    assert list(manager.file_storage["editor-session"]) == ["a", "b", "c"]


def test_a_session_holds_one_file_s_budget_the_oldest_files_going_first(monkeypatch):
    """Several files (one form per unit) at once, but never more than CCHC_MAX_FILE_MB in all
    nor more than CCHC_MAX_UPLOAD_FILES files."""
    monkeypatch.setattr(upload, "_UPLOADERS", {"editor-session"})
    monkeypatch.setenv("CCHC_MAX_FILE_MB", "1")
    monkeypatch.setenv("CCHC_MAX_UPLOAD_FILES", "3")
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    upload.guard_uploads(manager)
    for name in "abcd":
        manager.add_file("editor-session", record(name, 100))
    assert list(manager.file_storage["editor-session"]) == ["b", "c", "d"]  # three files at most
    manager.add_file("editor-session", record("big", 1_000_000 - 150))  # MB as the readers count
    assert list(manager.file_storage["editor-session"]) == ["d", "big"]  # within 1 MB in all
    assert upload._DROPPED.pop("editor-session") == ["a.xlsx", "b.xlsx", "c.xlsx"]  # said


def test_a_second_put_to_the_same_url_cannot_swap_an_editors_file(monkeypatch):
    monkeypatch.setattr(upload, "_UPLOADERS", {"editor-session"})
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    upload.guard_uploads(manager)
    manager.add_file("editor-session", record("a", 1000))
    manager.add_file("editor-session", UploadedFileRec(file_id="a", name="a.xlsx",
                                                       type="application/octet-stream",
                                                       data=b"evil"))
    assert manager.file_storage["editor-session"]["a"].data == b"x" * 1000
