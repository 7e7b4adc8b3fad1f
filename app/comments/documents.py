"""Documents in the formats agencies use: ODT (odfpy, CNS 15251) and PDF (WeasyPrint, with a CJK font)."""
import io
import re
from pathlib import Path

from odf.opendocument import OpenDocumentText
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
PDF_FONT_CSS = ("@page { size: A4; margin: 15mm } "
                "body { font-family: 'Noto Sans CJK TC', 'Noto Sans CJK JP', sans-serif }")


def _paragraphs(cell, value):
    for line in ("" if value is None else str(value)).split("\n"):
        cell.addElement(P(text=_NOT_XML.sub("", line)))


def to_odt(title: str, blocks: list[tuple[str, object]]) -> bytes:
    """An ODT with a title and blocks: ("h", text), ("p", text) or ("table", rows whose first is the header)."""
    document = OpenDocumentText()
    bold = Style(name="Header", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    document.text.addElement(H(outlinelevel=1, text=_NOT_XML.sub("", title)))
    for number, (kind, value) in enumerate(blocks):
        if kind == "h":
            document.text.addElement(H(outlinelevel=2, text=_NOT_XML.sub("", str(value))))
        elif kind == "p":
            for line in str(value).split("\n"):
                document.text.addElement(P(text=_NOT_XML.sub("", line)))
        else:
            document.text.addElement(_table(document, f"T{number}", value))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _table(document, name: str, rows: list[list]) -> Table:
    width = max((len(row) for row in rows), default=1)
    column = Style(name=f"{name}c", family="table-column")
    column.addElement(TableColumnProperties(columnwidth=f"{17 / width:.2f}cm"))
    document.automaticstyles.addElement(column)
    table = Table(name=name)
    table.addElement(TableColumn(numbercolumnsrepeated=width, stylename=column))
    for row in rows:
        table_row = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            _paragraphs(cell, value)
            table_row.addElement(cell)
        table.addElement(table_row)
    return table


PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "comments-print.css"


def to_pdf(html: str) -> bytes:
    """The printable page (rendered without its stylesheet link) as a PDF: WeasyPrint, Chinese set in Noto
    Sans CJK, the print stylesheet read from disk, so that nothing is fetched over the network."""
    from weasyprint import CSS, HTML  # imported when needed: it loads Pango, slow to start
    sheets = [CSS(string=PRINT_CSS.read_text(encoding="utf-8")), CSS(string=PDF_FONT_CSS)]
    return HTML(string=html).write_pdf(stylesheets=sheets)
