"""Which text encoding a contact file is in, and where it stops being valid.

Excel on Windows saves "CSV" in Windows-1252 in Western Europe and the Americas, so a file that is
not UTF-8 is read as Windows-1252 (or Latin-1, which decodes every byte) with a note naming the
first byte that was not UTF-8. Files are checked in 1 MiB blocks, so a huge file is never held in
memory.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
>>> _ = path.write_bytes("name\\nJosé\\n".encode("cp1252"))
>>> encoding, notes = detect_encoding(path)
>>> encoding, str(notes[0])[:47]
('cp1252', 'The file is not UTF-8 (byte 0xE9 at offset 8); ')
"""

from __future__ import annotations

import codecs
from pathlib import Path

from smskit.i18n.catalog import LocalizedError, Text

__all__ = ["check_decodes", "detect_encoding", "first_bad_byte"]

_FALLBACKS = (("cp1252", "Windows-1252"), ("latin-1", "Latin-1"))
_BLOCK = 1 << 20


def detect_encoding(path: Path) -> tuple[str, tuple[Text, ...]]:
    """UTF-16 (by its byte-order mark), else UTF-8 (a BOM is skipped), else a fallback with a note.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_bytes("\\ufeffphone\\n".encode("utf-8"))
    >>> detect_encoding(path)
    ('utf-8-sig', ())
    """
    with path.open("rb") as handle:
        start = handle.read(2)
    if start in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16", ()
    offset = first_bad_byte(path, "utf-8")
    if offset is None:
        return "utf-8-sig", ()  # also strips a byte-order mark, as Excel writes one
    encoding, name = next(
        ((code, name) for code, name in _FALLBACKS if first_bad_byte(path, code) is None),
        _FALLBACKS[-1],
    )
    note = Text(
        "The file is not UTF-8 (byte 0x{byte} at offset {offset}); it was read as {encoding}. "
        "Check accented names.",
        byte=_byte_at(path, offset),
        offset=offset,
        encoding=name,
    )
    return encoding, (note,)


def first_bad_byte(path: Path, encoding: str) -> int | None:
    """Offset of the first byte that does not decode in ``encoding`` (None if all do).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_bytes(b"ok\\n\\xff")
    >>> first_bad_byte(path, "utf-8"), first_bad_byte(path, "latin-1")
    (3, None)
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    done = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                return done + error.start
            done += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return done + error.start
    return None


def check_decodes(path: Path, encoding: str) -> None:
    """Raise a clear error, naming the byte, its offset and its row, if ``encoding`` does not fit.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_bytes(b"name\\nJos\\xe9\\n")
    >>> check_decodes(path, "utf-8")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: The file is not valid utf-8: byte 0xE9 at offset 8 (row 2)
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise LocalizedError("Unknown text encoding '{encoding}'", encoding=encoding) from None
    offset = first_bad_byte(path, encoding)
    if offset is None:
        return
    rows = 1
    with path.open("rb") as handle:
        left = offset
        while left > 0 and (block := handle.read(min(_BLOCK, left))):
            rows += block.count(b"\n")
            left -= len(block)
    raise LocalizedError(
        "The file is not valid {encoding}: byte 0x{byte} at offset {offset} (row {row})",
        encoding=encoding,
        byte=_byte_at(path, offset),
        offset=offset,
        row=rows,
    )


def _byte_at(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(1).hex().upper()
