"""Reading XLSX contact files: the first sheet's rows as text, streamed by openpyxl's read-only
mode, so a large workbook is never held in memory.

>>> cell_text(4155550100.0), cell_text(None)
('4155550100', '')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from smskit.i18n.catalog import LocalizedError

__all__ = ["cell_text", "xlsx_records"]


def xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, from the first non-empty row (the header) on; rows are cut
    or padded to the header's width when the cells beyond it are empty.

    >>> import pathlib, tempfile
    >>> from openpyxl import Workbook
    >>> book = Workbook(); book.active.append([]); book.active.append(["phone", None])
    >>> book.active.append([4155550100]); path = pathlib.Path(tempfile.mkdtemp()) / "c.xlsx"
    >>> book.save(path); list(xlsx_records(path))
    [(2, ['phone']), (3, ['4155550100'])]
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise LocalizedError(
            "{name} is not a readable Excel file ({error})", name=path.name, error=str(error)
        ) from None
    try:
        sheet = book.worksheets[0]
        width = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in values]
            if not width:
                while cells and not cells[-1].strip():
                    cells.pop()
                width = len(cells)
                if width:
                    yield number, cells
                continue
            if not any(cell.strip() for cell in cells[width:]):
                cells = cells[:width] + [""] * (width - len(cells))
            yield number, cells
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell as the user typed it: whole numbers without ``.0`` (Excel stores 4155550100 as a
    float), dates in ISO form.

    >>> import datetime
    >>> cell_text(4155550100.0), cell_text(2.5), cell_text(datetime.date(2026, 1, 2))
    ('4155550100', '2.5', '2026-01-02')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
