"""Real-browser plumbing: the app as a `streamlit run` subprocess, Debian's Chromium, screenshots.

Nothing here downloads a browser: Playwright drives /usr/bin/chromium (apt's `chromium`).
Used by tests/browser/test_journeys.py, tests/browser/test_replicas.py and bench/bench_load.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENS = ROOT / "bench" / "out" / "screens"  # git-ignored; kept for a person to look at
HOST = "127.0.0.1"
FIRST_LOAD_MS = 90_000  # the first page of a fresh database loads the demo province (~10 s)
STEP_MS = 30_000
APP_ERRORS = ("Uncaught app exception", "Uncaught app execution", "Traceback (most recent")


def browser_missing() -> str | None:
    """Why real-browser tests cannot run here (None when they can)."""
    if not CHROMIUM.exists():
        return (f"{CHROMIUM} not found: install Debian's `chromium` package (apt-get install "
                "chromium); tests never download a browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the `playwright` package is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """One `streamlit run app.py` process on a loopback port, its log in a file."""

    port: int
    process: subprocess.Popen
    log_path: Path
    env: dict = field(default_factory=dict)

    def url(self, path: str = "/", **params) -> str:
        """An address of this app, with the view's query parameters."""
        query = f"?{urlencode(params)}" if params else ""
        return f"http://{HOST}:{self.port}{path}{query}"

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def errors(self) -> list[str]:
        """Lines of the log that report an exception in the app."""
        return [line for line in self.log().splitlines()
                if any(marker in line for marker in APP_ERRORS)]

    def stop(self) -> None:
        """End this server process (and only it): terminate, then kill if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_app(database_url: str, workdir: Path, *, extra_args: tuple[str, ...] = (),
              env: dict | None = None, timeout: float = 60, app_dir: Path = ROOT) -> AppServer:
    """Start the dashboard on a free loopback port against `database_url`; wait until healthy.

    `app_dir` is the checkout whose app.py runs (this one unless a benchmark compares another).
    """
    port = free_port()
    log_path = workdir / f"streamlit-{port}.log"
    full_env = {**os.environ, "CCHC_DATABASE_URL": database_url,
                "CCHC_DATA_DIR": str(workdir), "PYTHONPATH": str(app_dir), **(env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py",
               "--server.port", str(port), "--server.address", HOST,
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", *extra_args]
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=app_dir, env=full_env, stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    server = AppServer(port, process, log_path, full_env)
    try:
        wait_healthy(server, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def wait_healthy(server: AppServer, timeout: float) -> None:
    """Poll /_stcore/health until it answers "ok" (the load balancer's health check too)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n"
                               f"{server.log()[-3000:]}")
        with (contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
              urllib.request.urlopen(server.url("/_stcore/health"), timeout=2) as answer):
            if answer.status == 200 and answer.read().strip() == b"ok":
                return
        time.sleep(0.25)
    raise TimeoutError(f"no healthy answer within {timeout:.0f} s:\n{server.log()[-3000:]}")


def warm_up(server: AppServer, browser, timeout_ms: float = FIRST_LOAD_MS) -> None:
    """Open the overview once in a throwaway session, as the first visitor of a new server would.

    It loads the demo province into an empty database. The very first session of a new server
    also differs from all later ones (Streamlit gives another page a "Page not found" dialog,
    streamlit/streamlit#9992, and the entry script's widgets change identity after its first
    run), so journeys start on a warm server, as people do.
    """
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url("/"))
        page.locator("h1").first.wait_for(timeout=timeout_ms)
        settle(page, timeout_ms)
    finally:
        context.close()


def add_user(database_url: str, name: str, role: str, password: str,
             admin: tuple[str, str] | None = None) -> None:
    """Create an account with the command line, as an administrator would.

    `admin` is (name, password) of the acting administrator; omitted for the first one.
    """
    args = ["users", "add", name, "--role", role]
    stdin = f"{password}\n"
    if admin:
        args += ["--admin", admin[0]]
        stdin = f"{admin[1]}\n{password}\n"
    done = subprocess.run([sys.executable, "-m", "cchc_metrics", *args], cwd=ROOT, input=stdin,
                          text=True, capture_output=True, timeout=60,
                          env={**os.environ, "CCHC_DATABASE_URL": database_url,
                               "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        raise RuntimeError(f"users add {name} failed:\n{done.stdout}\n{done.stderr}")


_SHARED: dict = {"users": 0}


@contextlib.contextmanager
def chromium():
    """The process's one headless Chromium, shared by every test module that needs it.

    Playwright's sync API allows one running instance per thread, so modules do not start
    their own; the last user to leave closes it.
    """
    if _SHARED["users"] == 0:
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = launch_browser(_SHARED["playwright"])
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            _SHARED.pop("browser").close()
            _SHARED.pop("playwright").stop()


def launch_browser(playwright, **options):
    """Debian's Chromium, headless, with no network of its own (updates, sync, QUIC)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True, **options)


class Screens:
    """Numbered screenshots of one journey, in its tmp dir and copied to bench/out/screens/."""

    def __init__(self, tmp_dir: Path, name: str):
        self.dirs = [tmp_dir / "screens", SCREENS / name]
        shutil.rmtree(SCREENS / name, ignore_errors=True)  # the last run's pictures only
        for d in self.dirs:
            d.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        """Save what the person sees now as NN-step.png; return the tmp copy's path."""
        self.count += 1
        first = self.dirs[0] / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(first))
        for d in self.dirs[1:]:
            shutil.copy(first, d / first.name)
        return first


# ---- what a person does and sees ---------------------------------------------------------------

def heading(page, name: str, timeout: float = STEP_MS):
    """Wait for the page title (an <h1>) with this exact text and return it."""
    locator = page.get_by_role("heading", name=name, exact=True, level=1)
    locator.wait_for(timeout=timeout)
    return locator


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label` (click it, then the option's text)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    shows(page, label, option)


def shows(page, label: str, value: str, timeout: float = STEP_MS) -> None:
    """Wait until the selectbox labelled `label` shows `value`."""
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('input[role=combobox]')]"
        ".some(e => e.getAttribute('aria-label') === label && e.value === value)",
        arg=[label, value], timeout=timeout)


def url_has(page, *parts: str, without: str | None = None, timeout: float = STEP_MS) -> None:
    """Wait until the address bar holds every part (the view's query parameters).

    Streamlit changes the URL in place (history API), so there is no page load to wait for.
    """
    page.wait_for_function(
        "([parts, without]) => parts.every(p => location.href.includes(p))"
        " && !(without && location.href.includes(without))",
        arg=[list(parts), without], timeout=timeout)


def chosen(page, label: str) -> str:
    """The value a selectbox shows."""
    return page.get_by_role("combobox", name=label, exact=True).input_value()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page, timeout: float = STEP_MS) -> None:
    """Wait until Streamlit has finished the current run.

    The app's script state, not the "running" widget: that widget is not drawn for a short
    run, and a click in the middle of a run can hold a download id the run is replacing.
    The pause first lets a rerun the last action asked for begin.
    """
    page.wait_for_timeout(300)
    page.locator(IDLE).wait_for(timeout=timeout)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=timeout)


def ranking_grid(page, timeout: float = STEP_MS):
    """The first data grid on the page, once its cells are rendered."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("td[role=gridcell]").first.wait_for(state="attached", timeout=timeout)
    return grid


def grid_frame(grid) -> pd.DataFrame:
    """The rows the grid has rendered (its accessible table: number columns with raw numbers,
    "." decimals; text columns as shown, e.g. the formatted "85,65")."""
    table = grid.locator("table[role=grid]").first
    header = [h.strip() for h in table.locator("th[role=columnheader]").all_text_contents()]
    rows = [r.locator("td[role=gridcell]").all_text_contents()
            for r in table.locator("tbody tr").all()]
    return pd.DataFrame([r for r in rows if r], columns=header)


def download(page, button: str, dest: Path, timeout: float = STEP_MS) -> Path:
    """Click a download button and save the file it gives to `dest`."""
    settle(page, timeout)
    try:
        with page.expect_download(timeout=timeout) as info:
            page.get_by_role("button", name=button, exact=True).click()
    except Exception as error:
        shown = page.locator('[data-testid="stDownloadButtonError"]').all_inner_texts()
        raise AssertionError(f"«{button}» gave no file; under the button: {shown}") from error
    info.value.save_as(str(dest))
    return dest


def read_csv_download(path: Path) -> pd.DataFrame:
    """A CSV the app exported in Vietnamese: UTF-8 with BOM, ";" and decimal comma."""
    text = path.read_bytes().decode("utf-8-sig")
    return pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype={"Đơn vị": str})


def app_exceptions(page) -> list[str]:
    """Error boxes the app shows instead of its content."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def sign_in(page, server: AppServer, name: str, password: str) -> None:
    """Sign in on the "Đăng nhập" page and wait until the sidebar names the person."""
    page.goto(server.url("/dang-nhap"))
    heading(page, "Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(name)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.locator('[data-testid="stSidebar"]').get_by_text(f"Đang đăng nhập: {name}").wait_for()


def upload(page, file_name: str, data: bytes) -> None:
    """Give the upload page's file chooser a file built in memory."""
    mime = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            if file_name.endswith(".xlsx") else "application/octet-stream")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": file_name, "mimeType": mime, "buffer": data}])


# ---- what the upload journeys import ------------------------------------------------------------

ADMIN = ("quantri", "Mk-quan-tri-2026")
EDITOR = ("bientap", "Mk-bien-tap-2026")
NEW_YEAR = 2026


def new_year_file() -> bytes:
    """The departments' results of a year the demo does not have, as a province publishes them."""
    from tests.builders import wide_table, xlsx

    rows, merges = wide_table([
        ("Sở Nội vụ", [(9, 8.5), (6, 5.75), (12, 11)], 25.1),
        ("Sở Tư pháp", [(8, 7), (5, 5), (11, 10.5)], 24.0),
        ("Sở Y tế", [(7, 6), (4, 3.5), (10, 9)], 20.3),
    ], year=NEW_YEAR)
    return xlsx({f"Năm {NEW_YEAR}": rows}, {f"Năm {NEW_YEAR}": merges})
