"""Damaged contact files: a damaged region fails only its own rows, every good row imports, and
the import never raises on damaged data (random truncations, NUL bytes, stray quotes, mixed line
endings, megabyte lines), whatever the damage."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smskit.contacts.importer import OUTCOMES, ContactImport, ContactImporter, import_contacts

# Good rows: a name with non-ASCII letters and a distinct US number (555-01xx are fictional).
GOOD = [(f"Zoë {i}", f"+1 415 555 {100 + i:04d}") for i in range(24)]
GOOD_E164 = [f"+1415555{100 + i:04d}" for i in range(24)]
HEADER = b"name,phone\n"


def good_lines() -> list[bytes]:
    return [f"{name},{phone}\n".encode() for name, phone in GOOD]


def check_accounting(result: ContactImport) -> None:
    """Every data row has exactly one outcome, and the counts add up."""
    report = result.report
    counts = dict(report.counts())
    assert set(counts) == set(OUTCOMES)
    assert sum(counts.values()) == report.rows
    assert len(result.contacts) == report.imported + report.landline
    outcome_issues = [i for i in report.issues if i.outcome != "landline"]
    for name in ("invalid", "duplicate", "conflict", "malformed"):
        assert sum(i.outcome == name for i in report.issues) == counts[name], name
    rows = [int(r) for r in result.contacts.index] + [i.row for i in outcome_issues]
    assert len(rows) == len(set(rows)) == report.rows - report.blank
    assert all(2 <= row <= report.rows + 1 for row in rows)


def test_unclosed_quote_then_bare_cr_fails_only_its_own_rows(tmp_path: Path) -> None:
    # The 61-byte repro from independent testing: it used to raise _csv.Error and import nothing.
    data = b'name,phone\n"Bo,+14152010002\nC\ry,+14152010003\nDi,+14152010004\n'
    assert len(data) == 61
    path = tmp_path / "repro.csv"
    path.write_bytes(data)
    result = import_contacts(path)
    check_accounting(result)
    found = {issue.row: issue for issue in result.report.issues}
    # A bare CR ends a line (as in Excel and universal newlines): "C" is row 3, "y,..." row 4.
    assert {row: issue.outcome for row, issue in found.items()} == {2: "malformed", 3: "malformed"}
    assert "never closed" in found[2].render()
    assert found[3].render() == "Row 3: expected 2 fields but found 1 (a stray delimiter or quote?)"
    assert result.contacts["phone_e164"].to_dict() == {4: "+14152010003", 5: "+14152010004"}


@pytest.mark.parametrize("chunk_rows", [1, 4, 100_000])
def test_a_runaway_quote_in_a_long_file_fails_only_its_row(tmp_path: Path, chunk_rows: int) -> None:
    lines = good_lines()
    lines[5] = b'Ana,"+1 415 555 9999\n'  # row 7: opens a quote that never closes
    lines[9] = b"Bo\rb,+1 415 555 9998\n"  # row 11: a bare CR splits it (rows 11 and 12)
    path = tmp_path / "damaged.csv"
    path.write_bytes(HEADER + b"".join(lines))
    result = import_contacts(path, chunk_rows=chunk_rows)
    check_accounting(result)
    assert result.report.rows == len(lines) + 1  # the bare CR made two rows of one line
    malformed = sorted(i.row for i in result.report.issues if i.outcome == "malformed")
    assert malformed == [7, 11]
    kept = set(result.contacts["phone_e164"])
    assert kept >= {e for k, e in enumerate(GOOD_E164) if k not in (5, 9)}
    assert "+14155559998" in kept  # the half-line after the bare CR still has its number


def test_a_megabyte_line_fails_only_itself(tmp_path: Path) -> None:
    lines = good_lines()
    lines.insert(3, b'Big,"' + b"x" * 1_000_000 + b'"\n')  # row 5, past csv's 128 KiB field limit
    lines.insert(6, b"y" * 1_000_000 + b"\n")  # row 8: one megabyte without a delimiter
    path = tmp_path / "big.csv"
    path.write_bytes(HEADER + b"".join(lines))
    result = import_contacts(path)
    check_accounting(result)
    malformed = {i.row: i.render() for i in result.report.issues if i.outcome == "malformed"}
    assert sorted(malformed) == [5, 8]
    assert "field larger than field limit" in malformed[5]
    assert set(result.contacts["phone_e164"]) == set(GOOD_E164)


# --- fuzzing ------------------------------------------------------------------------------------

DAMAGE = st.sampled_from(["quote", "nul", "cr", "crlf", "bad_byte", "cut", "megabyte"])


def damage_line(line: bytes, kind: str, at: int) -> bytes:
    """``line`` with one kind of damage at position ``at`` (a position inside the line)."""
    at %= len(line)
    if kind == "quote":
        return line[:at] + b'"' + line[at:]
    if kind == "nul":
        return line[:at] + b"\x00" + line[at:]
    if kind == "cr":
        return line[:at] + b"\r" + line[at:]
    if kind == "crlf":
        return line.replace(b"\n", b"\r\n")
    if kind == "bad_byte":
        return line[:at] + b"\xff\xc3" + line[at:]
    if kind == "cut":
        return line[:at] + b"\n"
    return line[:at] + b"z" * 1_000_000 + line[at:]  # a megabyte line


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=DAMAGE, which=st.integers(0, len(GOOD) - 1), at=st.integers(0, 1000))
def test_damage_to_one_line_fails_at_most_that_line(kind: str, which: int, at: int) -> None:
    import tempfile

    lines = good_lines()
    lines[which] = damage_line(lines[which], kind, at)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(HEADER + b"".join(lines))
        result = import_contacts(path)
    check_accounting(result)
    kept = set(result.contacts["phone_e164"])
    assert kept >= {e for k, e in enumerate(GOOD_E164) if k != which}


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """A good file with several kinds of damage anywhere (the header is kept), or cut short."""
    body = bytearray(b"".join(good_lines()))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(body)))
        piece = draw(
            st.sampled_from(
                [b'"', b'""', b"\x00", b"\r", b"\r\n", b"\n", b",", b"\xff", b"\xe9", b"\xc3"]
            )
            | st.binary(max_size=8)
        )
        body[at:at] = piece
    if draw(st.booleans()):
        body = body[: draw(st.integers(0, len(body)))]
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(body)))
        body[at:at] = b'"' + b"q" * 1_100_000
    return HEADER + bytes(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=damaged_files(), chunk_rows=st.sampled_from([1, 3, 100_000]))
def test_fuzzed_files_never_raise_and_the_counts_add_up(data: bytes, chunk_rows: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        result = import_contacts(path, chunk_rows=chunk_rows)
    check_accounting(result)


def test_stray_quotes_everywhere_keep_chunks_bounded(tmp_path: Path) -> None:
    # A quote that never closes every 50 lines: each is one malformed row, and no chunk grows
    # past its size plus the lines one record may span (memory stays bounded by the chunk).
    lines = [f"P{i},+1 415 555 {i % 10_000:04d}\n" for i in range(5_000)]
    for i in range(0, len(lines), 50):
        lines[i] = f'"P{i},+1 415 555 {i % 10_000:04d}\n'
    path = tmp_path / "quotes.csv"
    path.write_text("name,phone\n" + "".join(lines))
    source = ContactImporter(path).source
    chunks = list(source.chunks(1_000))
    assert max(len(c.rows) + len(c.malformed) + c.blank for c in chunks) <= 1_100
    assert sum(len(c.malformed) for c in chunks) == 100
    assert sum(len(c.rows) for c in chunks) == 4_900
