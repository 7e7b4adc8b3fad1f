"""Spreadsheets the portal writes: CSV (UTF-8 with a BOM, for Excel) and OpenDocument (.ods, CNS 15251,
written with odfpy). Every export uses these: the desk's applications, the speech log, the minutes and
adoption tables, the directory and the delivery report."""
import csv
import io
import re

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def defuse(value) -> str:
    """A cell as CSV text; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark, so that Excel reads the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([defuse(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value) -> TableCell:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
        return cell
    if value in (None, ""):
        return TableCell()
    cell = TableCell(valuetype="string")
    for line in str(value).split("\n"):
        cell.addElement(P(text=_NOT_XML.sub("", line)))
    return cell


def to_ods(rows, sheet_name: str) -> bytes:
    """The rows as an OpenDocument spreadsheet: text as strings, numbers as floats, one table named
    `sheet_name`."""
    document = OpenDocumentSpreadsheet()
    table = Table(name=_NOT_XML.sub("", str(sheet_name))[:31] or "Sheet1")
    width = max((len(row) for row in rows), default=1)
    table.addElement(TableColumn(numbercolumnsrepeated=width))
    for row in rows:
        table_row = TableRow()
        for value in row:
            table_row.addElement(_cell(value))
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
