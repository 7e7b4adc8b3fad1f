"""Spreadsheets in: an uploaded CSV (UTF-8) or OpenDocument file read as rows. Writing is app/spreadsheets.py's."""
import csv
import io

from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P

MAX_ROWS = 20000


class UnreadableFile(ValueError):
    """The upload is neither a CSV file in UTF-8 nor an OpenDocument spreadsheet."""


def _ods_rows(data: bytes) -> list[list[str]]:
    try:
        document = load(io.BytesIO(data))
    except Exception as error:  # odfpy raises zip, XML and key errors alike for a file that is not ODS
        raise UnreadableFile() from error
    table = document.spreadsheet.getElementsByType(Table)
    if not table:
        return []
    rows = []
    for line in table[0].getElementsByType(TableRow)[:MAX_ROWS]:
        cells = []
        for cell in line.getElementsByType(TableCell):
            repeat = min(int(cell.getAttribute("numbercolumnsrepeated") or 1), 50)
            text = "\n".join(str(p) for p in cell.getElementsByType(P))
            cells.extend([text] * repeat)
        if any(cells):
            rows.append(cells)
    return rows


def read_rows(filename: str, data: bytes) -> list[dict]:
    """The data rows of an uploaded CSV or ODS file as dicts keyed by the header row's (lower-case) names."""
    if filename.lower().endswith(".ods"):
        rows = _ods_rows(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableFile() from error
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)][:MAX_ROWS]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]
