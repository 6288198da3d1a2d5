"""Which text encoding a contact file is in, and what to do with the lines that do not fit it.

The order is fixed: a byte-order mark, else UTF-8, else Windows-1252 (Excel on Windows saves "CSV"
in it in Western Europe and the Americas). Only when those fail is the maintained detector
charset-normalizer asked (CONVENTIONS §6): not instead of them, as on a few short names it guesses
wrongly (cp1250 for "Núñez", UTF-16 for "Zoë"). Windows-1252 fails when it cannot decode the bytes,
or when what it decodes is nonsense by charset-normalizer's own measure: Shift-JIS kana decode
without error as "ƒ^ƒiƒJ".

Lines are decoded one by one (:mod:`smskit.contacts.lines`), so a UTF-8 file with one bad byte stays
UTF-8: that line alone is read with the fallback and its row is named in the report. Only a file
whose text is mostly not UTF-8 is read in another encoding, with a note naming the first bad byte.
Files are read in 1 MiB blocks, so a huge file is never held in memory.

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

from smskit.contacts.lines import Decoding, line_blocks
from smskit.i18n.catalog import LocalizedError, Text

__all__ = [
    "check_decodes",
    "detect_encoding",
    "encoding_name",
    "first_bad_byte",
    "plan_decoding",
]

_BLOCK = 1 << 20
_SAMPLE = 64 * 1024  # bytes of non-UTF-8 lines to judge the fallback on
# charset-normalizer's "mess" of Windows-1252 text: 0.0 for Western names (even with €, – and ’),
# 0.14 to 0.4 for Shift-JIS kana read as Windows-1252; its own default cut-off is 0.2.
_MESS_LIMIT = 0.1
_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
# Every ASCII byte a contact file's structure is written in: an encoding for lines must keep them.
_ASCII = bytes(range(0x09, 0x0E)) + bytes(range(0x20, 0x7F))


def detect_encoding(path: Path) -> tuple[str, tuple[Text, ...]]:
    """The file's encoding as a report shows it, with notes (see :func:`plan_decoding`).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_bytes("\\ufeffphone\\n".encode("utf-8"))
    >>> detect_encoding(path)
    ('utf-8-sig', ())
    """
    decoding = plan_decoding(path)
    return decoding.encoding, decoding.notes


def plan_decoding(path: Path, encoding: str | None = None) -> Decoding:
    """How to decode ``path``: UTF-16 by its byte-order mark, else UTF-8, else a fallback.

    An explicit ``encoding`` must fit the whole file (else a clear error names the byte). A file
    that is UTF-8 except for a few lines stays UTF-8, those lines being read with the fallback.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_bytes(b"name\\nZo\\xc3\\xab\\nZo\\xc3\\xab\\nRen\\xe9e\\n")
    >>> decoding = plan_decoding(path)
    >>> decoding.encoding, decoding.codec, decoding.fallbacks, decoding.notes
    ('utf-8-sig', 'utf-8', ('cp1252',), ())
    """
    with path.open("rb") as handle:
        start = handle.read(4)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and not encoding:
        return Decoding("utf-16", "utf-16", by_line=False)
    skip = len(codecs.BOM_UTF8) if start.startswith(codecs.BOM_UTF8) else 0
    if encoding:
        check_decodes(path, encoding)
        codec = codecs.lookup(encoding).name
        if codec in ("utf-8", "utf-8-sig"):
            return Decoding(encoding, "utf-8", skip=skip)
        return Decoding(encoding, codec, by_line=_keeps_ascii(codec))
    offset = first_bad_byte(path, "utf-8")
    if offset is None:
        return Decoding("utf-8-sig", "utf-8", ("cp1252",), skip)  # the name says: a BOM is skipped
    utf8_lines, bad_lines, sample = _survey(path, skip)
    fallback = _fallback(sample)
    if utf8_lines and utf8_lines >= bad_lines:  # UTF-8 with some damaged (or pasted-in) lines
        return Decoding("utf-8-sig", "utf-8", (fallback,), skip)
    note = Text(
        "The file is not UTF-8 (byte 0x{byte} at offset {offset}); it was read as {encoding}. "
        "Check accented names.",
        byte=_byte_at(path, offset),
        offset=offset,
        encoding=encoding_name(fallback),
    )
    return Decoding(fallback, fallback, ("utf-8",), skip, notes=(note,))


def encoding_name(encoding: str) -> str:
    """The name people know an encoding by.

    >>> encoding_name("cp1252"), encoding_name("utf-8-sig"), encoding_name("cp932")
    ('Windows-1252', 'UTF-8', 'cp932')
    """
    return _NAMES.get(encoding, encoding)


def _survey(path: Path, skip: int) -> tuple[int, int, list[bytes]]:
    """Lines with valid non-ASCII UTF-8, lines that are not UTF-8, and a sample of the latter.

    Stops once the sample is full: by then the file is mostly not UTF-8."""
    utf8_lines = bad_lines = size = 0
    sample: list[bytes] = []
    with path.open("rb") as handle:
        handle.seek(skip)
        for block in line_blocks(handle, _BLOCK):
            try:
                block.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if not block.isascii():
                    utf8_lines += sum(not line.isascii() for line in block.splitlines())
                continue
            for line in block.splitlines():
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    bad_lines += 1
                    sample.append(line)
                    size += len(line)
                    continue
                utf8_lines += not line.isascii()
            if size >= _SAMPLE:
                break
    return utf8_lines, bad_lines, sample


def _fallback(sample: list[bytes]) -> str:
    """The encoding of lines that are not UTF-8: Windows-1252 if it reads most of them as sensible
    text, else charset-normalizer's best guess that keeps ASCII, else Windows-1252 or Latin-1."""
    fits = [line for line in sample if _decodes(line, "cp1252")]
    if fits and 2 * len(fits) >= len(sample) and _sensible(b"\n".join(fits), "cp1252"):
        return "cp1252"
    from charset_normalizer import from_bytes

    data = b"\n".join(sample)
    for match in from_bytes(data):
        if _keeps_ascii(match.encoding) and _decodes(data, match.encoding):
            return str(match.encoding)
    return "cp1252" if fits else "latin-1"


def _sensible(data: bytes, encoding: str) -> bool:
    """Whether ``data`` reads as text in ``encoding`` by charset-normalizer's mess measure."""
    from charset_normalizer import from_bytes

    match = from_bytes(data, cp_isolation=[encoding], threshold=1.0).best()
    return match is not None and match.chaos < _MESS_LIMIT


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _keeps_ascii(encoding: str) -> bool:
    """Whether ``encoding`` decodes ASCII bytes as ASCII (not UTF-16, UTF-7 or EBCDIC): only then
    can a file be split into lines and fields before it is decoded."""
    try:
        return _ASCII.decode(encoding) == _ASCII.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


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
