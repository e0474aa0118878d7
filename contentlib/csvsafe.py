"""The one CSV writer of every export: spreadsheets never read a cell as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is a formula (or becomes one) in Excel and LibreOffice; such a cell gets a
leading apostrophe, which spreadsheets show as text and do not keep.
"""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One cell's text, neutralised when a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def uncell(text: str) -> str:
    """Undo ``cell`` on a value read back from a CSV this module wrote (round-trips exactly)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def to_csv(header, rows) -> str:
    """CSV text (CRLF line ends, no BOM) of a header row and data rows, every cell neutralised."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\r\n")
    out.writerow([cell(h) for h in header])
    for row in rows:
        out.writerow([cell(v) for v in row])
    return buf.getvalue()
