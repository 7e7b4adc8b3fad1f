"""Spreadsheets in and out: CSV (UTF-8 with BOM, for Excel) and OpenDocument (.ods, odfpy)."""
import csv
import io

from odf.opendocument import OpenDocumentSpreadsheet, load
from odf.table import Table, TableCell, TableRow
from odf.text import P

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
MAX_ROWS = 20000


class UnreadableFile(ValueError):
    """The upload is neither a CSV file in UTF-8 nor an OpenDocument spreadsheet."""


def defuse(value) -> str:
    """A cell's text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows) -> bytes:
    """Rows as CSV in UTF-8 with a BOM, formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([defuse(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_ods(rows, sheet_name: str) -> bytes:
    """Rows as a one-sheet OpenDocument spreadsheet (every cell text)."""
    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet_name[:31] or "Sheet1")
    for row in rows:
        line = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text="" if value is None else str(value)))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


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
