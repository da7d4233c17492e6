"""Settings, declared once with default and help, read from the environment and checked at start.

Each setting is the environment variable CCHC_<NAME>. A value that does not parse, or is out of
range, is refused with a message naming the variable and the value, when the dashboard or a
command starts and at every read: never later, as a fault blamed on someone's file.
`cchc settings` prints them all with their values and help; README.md lists every one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cchc_metrics.i18n import Msg, MsgError

PROJECT_DIR = Path(__file__).resolve().parent.parent
TRUE_WORDS = ("1", "true", "yes", "on", "có")
FALSE_WORDS = ("0", "false", "no", "off", "không")


class SettingError(MsgError):
    """A setting whose value cannot be used: names the variable, the value and what it takes."""


@dataclass(frozen=True)
class Setting:
    """One tunable: its name, default, the smallest value it takes, and what it is for."""

    name: str
    default: object
    help: Msg
    minimum: float | None = None

    @property
    def env(self) -> str:
        return "CCHC_" + self.name.upper()

    def value(self):
        """The environment's value, parsed and checked; the default when unset or empty."""
        raw = os.environ.get(self.env)
        if raw is None or raw.strip() == "":
            return self.default
        return self.parse(raw.strip())

    def parse(self, raw: str):
        """raw as this setting's type, or SettingError."""
        kind = type(self.default)
        if isinstance(self.default, bool):
            if raw.lower() in TRUE_WORDS:
                return True
            if raw.lower() in FALSE_WORDS:
                return False
            raise self.refusal(raw, Msg("true hoặc false", "true or false"))
        if kind in (int, float):
            try:
                value = kind(raw)
            except ValueError:
                raise self.refusal(raw, Msg("một số nguyên" if kind is int else "một số",
                                            "a whole number" if kind is int else "a number")
                                   ) from None
            if self.minimum is not None and value < self.minimum:
                raise self.refusal(raw, Msg(f"một số từ {self.minimum:g} trở lên",
                                            f"a number of at least {self.minimum:g}"))
            return value
        return raw

    def refusal(self, raw: str, wanted: Msg) -> SettingError:
        example = self.default if self.default is not None else "…"
        return SettingError(Msg(
            f"Thiết lập {self.env}={raw!r} không hợp lệ: cần {wanted.vi} (mặc định {example}). "
            "Hãy sửa biến môi trường này rồi khởi động lại.",
            f"The setting {self.env}={raw!r} is invalid: it takes {wanted.en} (default "
            f"{example}). Correct this environment variable and restart."))


def _s(name, default, vi, en, minimum=None) -> Setting:
    return Setting(name, default, Msg(vi, en), minimum)


SETTINGS = [
    _s("max_file_mb", 50, "Tệp điểm lớn nhất được nhận (MB); giữ bằng server.maxUploadSize.",
       "Largest score file accepted, in MB; keep equal to server.maxUploadSize.", 1),
    _s("max_upload_files", 200, "Số tệp nhiều nhất tải lên cùng lúc (phiếu tự đánh giá, mỗi đơn "
       "vị một tệp); tổng dung lượng vẫn không quá max_file_mb.", "Most files uploaded together "
       "(self-assessment forms, one per unit); their total size stays within max_file_mb.", 1),
    _s("max_uncompressed_mb", 400, "Tổng dung lượng giải nén lớn nhất của một tệp .xlsx/.ods (MB).",
       "Largest total uncompressed size of an .xlsx/.ods, in MB.", 1),
    _s("max_compression_ratio", 200, "Tỷ lệ nén lớn nhất (giải nén/nén) của tệp dạng zip.",
       "Largest uncompressed/compressed ratio of a zip container.", 1),
    # a province's communes × sub-criteria × a few years fit; the largest file these defaults
    # let through peaks under 1 GB from reading to storing (bench/bench_upload.py)
    _s("max_rows", 300_000, "Số dòng nhiều nhất đọc từ một trang tính hoặc tệp CSV.",
       "Most rows read from one sheet or CSV file.", 1),
    _s("max_columns", 1_000, "Số cột nhiều nhất đọc từ một trang tính.",
       "Most columns read from one sheet.", 1),
    _s("max_cells", 3_000_000, "Số ô nhiều nhất một trang tính được trải tới (trình đọc cấp phát "
       "cả vùng).", "Most cells one sheet may span (the parser allocates them all).", 1),
    _s("max_sheets", 100, "Số trang tính nhiều nhất trong một tệp.",
       "Most sheets in one workbook.", 1),
    _s("xls_memory_mb", 4096, "Bộ nhớ tối đa của tiến trình con đọc tệp .xls (MB).",
       "Memory cap of the child process that parses an .xls file, in MB.", 64),
    _s("xls_timeout_s", 120.0, "Số giây tối đa tiến trình con được dùng để đọc một tệp .xls.",
       "Seconds the child process parsing an .xls file may take.", 0.01),
    _s("database_url", None, "URL SQLAlchemy của cơ sở dữ liệu; mặc định SQLite trong thư mục "
       "dữ liệu.", "SQLAlchemy URL of the score store; default SQLite in the data directory."),
    _s("data_dir", str(PROJECT_DIR / "data"), "Thư mục của cơ sở dữ liệu mặc định.",
       "Where the default SQLite database lives."),
    _s("require_login", False, "Có bắt buộc đăng nhập mới được xem bảng điều khiển không (thay "
       "đổi dữ liệu luôn cần đăng nhập).", "Whether viewing the dashboard needs signing in "
       "(changes always do)."),
    _s("session_minutes", 60, "Số phút không thao tác thì phiên đăng nhập kết thúc.",
       "Minutes of inactivity after which a signed-in session ends.", 1),
    _s("login_max_failures", 5, "Số lần nhập sai mật khẩu liên tiếp thì tài khoản bị tạm khóa.",
       "Consecutive wrong passwords after which an account is locked.", 1),
    _s("login_lock_minutes", 15, "Số phút tài khoản bị khóa sau khi nhập sai quá nhiều lần.",
       "Minutes an account stays locked after too many wrong passwords.", 1),
    _s("login_client_max_failures", 20, "Số lần đăng nhập sai liên tiếp từ một địa chỉ máy thì "
       "địa chỉ đó bị tạm chặn (mọi tên đăng nhập).", "Consecutive failed sign-ins from one "
       "address after which that address is held off (whatever the name).", 1),
    _s("login_concurrency", 2, "Số lần kiểm tra mật khẩu chạy cùng lúc (mỗi lần dùng 64 MiB bộ "
       "nhớ); các lần khác xếp hàng chờ.", "Password checks run at once (64 MiB of memory each); "
       "the others wait their turn.", 1),
    _s("login_delay_s", 0.25, "Số giây chờ thêm cho mỗi lần nhập sai liên tiếp (tối đa 2 giây).",
       "Seconds of delay per consecutive wrong password (capped at 2 s).", 0),
    _s("user", None, "Tên người thực hiện ghi vào nhật ký cho các lệnh nhập, khôi phục (mặc định: "
       "tài khoản máy).", "Who command-line imports and rollbacks are audited as (default: the "
       "login name)."),
    _s("rank_noise_pct", 0.5, "Chênh lệch chỉ số (điểm phần trăm) dưới mức này thì một thay đổi "
       "thứ hạng được đánh dấu «≈» là trong phạm vi nhiễu.", "An index gap (percentage points) "
       "under which a rank change is marked «≈», within noise.", 0),
    _s("province_name", None, "Tên tỉnh ghi ở đầu mỗi tệp xuất, vd. «Tỉnh Bến Tre» (mặc định: tỉnh "
       "của dữ liệu).", "The province named at the top of every export, e.g. «Tỉnh Bến Tre» "
       "(default: the data's province)."),
    _s("report_place", None, "Địa danh ghi trên báo cáo, vd. «An Hòa» (mặc định: tên tỉnh trong "
       "CCHC_PROVINCE_NAME).", "The place written on reports, e.g. «An Hòa» (default: the "
       "province in CCHC_PROVINCE_NAME)."),
    _s("report_signer_title", None, "Chức vụ người ký báo cáo, vd. «KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC» "
       "(\\n: xuống dòng).", "The report signer's title, e.g. «GIÁM ĐỐC» (\\n: a new line)."),
    _s("report_signer_name", None, "Họ tên người ký báo cáo.", "The report signer's name."),
    _s("issuing_body", None, "Cơ quan ban hành ghi ở đầu mỗi tệp xuất, vd. «Sở Nội vụ» (mặc định: "
       "không ghi).", "The issuing body named at the top of every export, e.g. «Sở Nội vụ» "
       "(default: none)."),
]
_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """Current value of a setting (environment first, then the declared default)."""
    return _BY_NAME[name].value()


def validate() -> None:
    """Check every setting now; SettingError naming each bad one (all of them, one per line)."""
    problems = []
    for setting in SETTINGS:
        try:
            setting.value()
        except SettingError as exc:
            problems.append(exc.msg)
    if problems:
        raise SettingError(Msg("\n".join(m.vi for m in problems), "\n".join(m.en for m in problems)))


def current() -> list[dict]:
    """Every setting with its variable, value (or the refusal), default and help, for printing."""
    rows = []
    for s in SETTINGS:
        try:
            value = s.value()
        except SettingError:
            value = f"INVALID: {os.environ.get(s.env)!r}"
        rows.append({"variable": s.env, "value": value, "default": s.default,
                     "set": bool(os.environ.get(s.env, "").strip()), "help_vi": s.help.vi,
                     "help_en": s.help.en})
    return rows
