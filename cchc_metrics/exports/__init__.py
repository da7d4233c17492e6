"""What people take away: the very table a page shows as XLSX or CSV bytes, and the blank template."""

from cchc_metrics.exports.delimited import to_csv_bytes, view_csv
from cchc_metrics.exports.xlsx import XlsxExport, file_stem, table_xlsx, to_xlsx_bytes, view_xlsx

__all__ = ["XlsxExport", "file_stem", "table_xlsx", "to_csv_bytes", "to_xlsx_bytes", "view_csv",
           "view_xlsx"]
