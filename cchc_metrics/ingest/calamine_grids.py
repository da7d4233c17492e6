"""python-calamine's sheets as plain data, read here or in a child process whose abort we survive.

calamine's .xls reader can abort its whole process (a corrupt record asks Rust for terabytes,
and Rust aborts on a failed allocation), so workbook.py runs .xls files through `in_child`.
This module imports nothing from cchc_metrics (biff.py by its path): the child starts without
pandas, in about 0.05 s.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys


def grids(data: bytes, only: str | None, limits: dict) -> dict:
    """{"sheets": [[name, rows, merges], …]}, or {"refuse": code, …} when a limit is passed."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    names = [m.name for m in book.sheets_metadata
             if str(getattr(m, "typ", "")).endswith("WorkSheet")] or list(book.sheet_names)
    if len(names) > limits["max_sheets"]:
        return {"refuse": "too_many_sheets", "count": len(names)}
    if only is not None:
        if only not in names:
            return {"refuse": "no_such_sheet", "names": names}
        names = [only]
    sheets = []
    for name in names:
        sh = book.get_sheet_by_name(name)
        if too_big(sh.height, sh.width, limits):  # before a Python object per cell
            return {"refuse": "too_many_rows", "sheet": name, "height": sh.height,
                    "width": sh.width}
        merges = list(sh.merged_cell_ranges or [])
        sheets.append([name, sh.to_python(skip_empty_area=False), merges])
    return {"sheets": sheets}


def too_big(rows: int, cols: int, limits: dict) -> bool:
    """Whether a sheet spanning rows × cols passes the row, column or cell limit."""
    return rows > limits["max_rows"] or cols > limits["max_columns"] \
        or rows * max(cols, 1) > limits["max_cells"]


def xls_grids(data: bytes, only: str | None, limits: dict) -> dict:
    """`grids` of an .xls, refused first if its records reach further than the limits allow.

    calamine allocates every cell up to the farthest one (a number at IV65536 in a 20 KB file
    costs a gigabyte); biff.py measures the reach record by record, in Python, so here and not
    in the server, where a 50 MB file of empty records would hold its lock for seconds.
    """
    rows, cols = sibling("biff").xls_extent(data)
    if too_big(rows, cols, limits):
        return {"refuse": "too_many_rows", "sheet": None, "height": rows, "width": cols}
    return grids(data, only, limits)


def sibling(name: str):
    """A module of this folder, imported without cchc_metrics/__init__ (which loads pandas)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(f"_cchc_{name}",
                                                  Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ChildFailed(Exception):
    """The child reading the file died (a signal, a memory limit) or ran out of time."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


def in_child(data: bytes, only: str | None, limits: dict, memory_mb: int,
             timeout_s: float) -> dict:
    """`xls_grids` run by a fresh interpreter, so an abort inside the parser stays there."""
    args = json.dumps({"only": only, "limits": limits, "memory_mb": memory_mb})
    # -P: this file's folder is not put on sys.path (its modules are not the standard library's);
    # the environment and site-packages stay the parent's, wherever pip put python-calamine
    command = [sys.executable, "-P", __file__, args]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout_s,
                              check=False)
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"đọc quá {timeout_s:g} giây".replace(".", ","),
                          f"reading took over {timeout_s:g} s") from None
    if done.returncode != 0:
        raise ChildFailed(*exit_reason(done.returncode, done.stderr))
    result = json.loads(done.stdout, object_hook=decode_cell)
    if "error" in result:
        raise ChildFailed(result["error"], result["error"])
    for sheet in result.get("sheets", []):
        sheet[2] = [tuple(map(tuple, m)) for m in sheet[2]]
    return result


def exit_reason(code: int, stderr: bytes) -> tuple[str, str]:
    """Why the child stopped, in Vietnamese and English, in words an official can read."""
    last = (stderr.decode(errors="replace").strip().splitlines() or [""])[-1][:160]
    if last.startswith("MemoryError"):  # Python's side of the cap: a large file, not a damaged one
        return ("tệp cần nhiều bộ nhớ hơn mức cho phép khi đọc",
                "reading it needs more memory than allowed")
    if code < 0:
        return (f"trình đọc bị dừng đột ngột giữa chừng, mã {-code}",
                f"the reader stopped abruptly, signal {-code}")
    return (f"trình đọc dừng với mã {code}" + (f": {last}" if last else ""),
            f"the reader exited with code {code}" + (f": {last}" if last else ""))


# Cell values calamine gives besides str, int, float and bool, tagged for the trip through JSON.
_TAGS = {"datetime": dt.datetime, "date": dt.date, "time": dt.time}


def encode_cell(value):
    """A date, time or duration as a one-key dict JSON can carry (json.dumps' default=)."""
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    for tag, kind in _TAGS.items():  # datetime first: a datetime is also a date
        if isinstance(value, kind):
            return {tag: value.isoformat()}
    raise TypeError(f"cannot send {type(value).__name__}")


def decode_cell(obj: dict):
    """The value encode_cell tagged, back (json.loads' object_hook=)."""
    if len(obj) == 1:
        (tag, value), = obj.items()
        if tag == "timedelta":
            return dt.timedelta(seconds=value)
        if tag in _TAGS:
            return _TAGS[tag].fromisoformat(value)
    return obj


def limit_memory(megabytes: int) -> None:
    """Cap the child's address space: a huge allocation then fails here instead of swapping."""
    try:
        import resource
    except ImportError:  # not on Windows; the child still isolates aborts there
        return
    cap = megabytes * 1024 * 1024
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:  # a parent's own cap cannot be raised, only kept
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def main() -> None:
    args = json.loads(sys.argv[1])
    limit_memory(args["memory_mb"])
    data = sys.stdin.buffer.read()
    try:
        result = xls_grids(data, args["only"], args["limits"])
    except BaseException as exc:  # calamine's errors and Rust panics (BaseException)
        result = {"error": (str(exc) or type(exc).__name__).split("\n")[0][:200]}
    sys.stdout.buffer.write(json.dumps(result, default=encode_cell).encode())  # ASCII: any locale


if __name__ == "__main__":
    main()
