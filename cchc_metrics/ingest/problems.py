"""Located problems in a score file, in Vietnamese and English, and the one error we raise."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cchc_metrics.i18n import Msg, Said, t


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem(Said):
    """One thing wrong (or worth a look) in a file, with where it is and what to do."""

    code: str
    msg: Msg
    sheet: str | None = None
    row: int | None = None  # the row number Excel shows (1-based)
    column: str | None = None  # "E (Điểm thẩm định)"
    value: object = None
    severity: str = "error"  # "error" blocks the import; "warning" needs a confirmation; "note" informs

    def location(self, lang: str = "vi") -> str:
        """Sheet · row · column, in the language asked for."""
        parts = []
        if self.sheet is not None:
            parts.append(t("at_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("at_row", lang, row=self.row))
        if self.column:
            parts.append(t("at_column", lang, column=self.column))
        return ", ".join(parts)

    def text(self, lang: str = "vi") -> str:
        """The whole message: location, value and what to do."""
        where = self.location(lang)
        msg = self.msg.text(lang)
        value = ""
        if self.value is not None and self.value != "":
            shown = str(self.value)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
            value = " " + t("at_value", lang, value=shown)
        return f"{where}: {msg}{value}" if where else f"{msg}{value}"

    def as_dict(self) -> dict:
        """Plain data for JSON output and the upload page's table."""
        data = asdict(self)
        msg = data.pop("msg")
        data = {"code": data.pop("code"), "vi": msg["vi"], "en": msg["en"], **data}
        data["value"] = None if self.value is None else str(self.value)
        return data


class ScoreFileError(ValueError):
    """A file we refuse, with every problem found (each located and explained)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.text("vi") + "\n" + self.text("en"))

    def text(self, lang: str = "vi") -> str:
        """All problems, one per line."""
        return "\n".join(p.text(lang) for p in self.problems)


def problem(code: str, vi: str, en: str, **where) -> Problem:
    """Shorthand used by the readers."""
    return Problem(code=code, msg=Msg(vi, en), **where)


def refuse(code: str, vi: str, en: str, **where) -> ScoreFileError:
    """A ScoreFileError with one problem."""
    return ScoreFileError([problem(code, vi, en, **where)])
