"""The documents officials write, drafted from the data: a block's report, a unit's report and a
decision's appendix, laid out in the state's format (Nghị định 30/2020/NĐ-CP)."""

from cchc_metrics.reports.content import (
    KINDS,
    Chart,
    Report,
    Section,
    appendix,
    block_report,
    build,
    file_name,
    numbered,
    unit_report,
)
from cchc_metrics.reports.word import Letterhead, cell_texts, to_docx

__all__ = ["KINDS", "Chart", "Letterhead", "Report", "Section", "appendix", "block_report",
           "build", "cell_texts", "file_name", "numbered", "to_docx", "unit_report"]
