"""Text encodings of contact files: each line is decoded on its own, so one bad byte damages only
its row, and files in neither UTF-8 nor Windows-1252 (Shift-JIS) are recognised by
charset-normalizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from smskit.contacts.importer import import_contacts

UTF8_NAMES = {
    2: "Zoë Martin",
    3: "José Álvarez",
    4: "Jürgen Müller",
    5: "Søren Ørsted",
    6: "Łukasz Wąs",
    7: "Nguyễn Văn An",
    8: "Zoë Chen",
    9: "François Lefèvre",
    10: "Ana Souza",
    11: "Çağla Öztürk",
    13: "Siti Rahmawati",
    14: "Åsa Nyström",
    15: "Zoë Ng",
    16: "Dvořák Jiří",
    17: "Œdipe Roi",
    18: "Mañana Peña",
    19: "Björk Guðmundsdóttir",
    20: "Zoë Park",
    21: "Ayşe Yılmaz",
}
JAPANESE = [
    ("田中 太郎", "東京"),
    ("鈴木 花子", "大阪"),
    ("佐藤 健", "名古屋"),
    ("高橋 美咲", "札幌"),
    ("伊藤 翔太", "福岡"),
    ("渡辺 さくら", "横浜"),
    ("山本 大輔", "神戸"),
    ("中村 結衣", "京都"),
    ("小林 陽菜", "仙台"),
    ("加藤 蓮", "広島"),
]


def test_one_bad_byte_damages_only_its_own_row(fixtures: Path) -> None:
    # 20 rows of UTF-8; row 12 holds one Windows-1252 byte (the é of Renée).
    result = import_contacts(fixtures / "contacts_utf8_one_bad_byte.csv")
    report = result.report
    names = result.fields["name"].to_dict()
    assert {row: names[row] for row in UTF8_NAMES} == UTF8_NAMES  # not "ZoÃ«"
    assert names[12] == "Renée Dubois"  # the damaged row, read as Windows-1252
    assert report.imported == 20
    assert report.encoding == "utf-8-sig" and report.notes == ()
    (warning,) = report.warnings
    assert (warning.kind, warning.rows, warning.count) == ("encoding", (12,), 1)
    assert warning.render() == "Row 12: not valid UTF-8, read as Windows-1252: check the text"
    assert warning.render("id").startswith("Baris 12: ")


def test_shift_jis_file_is_recognised_by_charset_normalizer(fixtures: Path) -> None:
    result = import_contacts(fixtures / "contacts_shift_jis.csv", default_region="JP")
    report = result.report
    assert report.phone_column == "電話番号"
    assert [tuple(row) for row in result.fields[["名前", "都市"]].itertuples(index=False)] == (
        JAPANESE
    )
    assert result.contacts["phone_e164"].iloc[0] == "+819012340000"
    assert report.imported == 10
    assert report.encoding in ("cp932", "shift_jis")
    (note,) = report.notes
    assert "not UTF-8" in str(note) and report.encoding in str(note)


@pytest.mark.parametrize(
    "names",
    [
        ["タナカ", "スズキ", "サトウ", "ヤマダ", "イトウ", "キムラ", "ナカムラ", "コバヤシ"],
        ["たなか", "すずき", "さとう", "やまだ", "いとう", "わたなべ", "なかむら", "こばやし"],
    ],
)
def test_shift_jis_that_also_decodes_as_windows_1252_is_not_garbled(
    tmp_path: Path, names: list[str]
) -> None:
    # Kana in Shift-JIS avoid the five bytes Windows-1252 leaves undefined, so that decode does
    # not fail: it gives "ƒ^ƒiƒJ". Text that reads as nonsense counts as a failure too.
    path = tmp_path / "kana.csv"
    text = "name,phone\n" + "".join(f"{n},+81 90-1234-{i:04d}\n" for i, n in enumerate(names))
    raw = text.encode("shift_jis")
    raw.decode("cp1252")  # the premise: no decode error
    path.write_bytes(raw)
    result = import_contacts(path)
    assert result.fields["name"].tolist() == names
    assert result.report.imported == len(names)


def test_a_windows_1252_file_stays_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    names = ["Zoë O’Brien", "Jürgen Müller – Berlin", "François Lefèvre", "Señor Ñandú"]
    text = "name,phone\n" + "".join(f"{n},+1 415 555 {100 + i:04d}\n" for i, n in enumerate(names))
    path.write_bytes(text.encode("cp1252"))
    result = import_contacts(path)
    assert result.report.encoding == "cp1252"
    assert result.fields["name"].tolist() == names
    assert result.report.warnings == ()


def test_an_undefined_byte_in_a_windows_1252_file_damages_only_its_row(tmp_path: Path) -> None:
    # Mostly Windows-1252, one line with a byte that Windows-1252 leaves undefined: that row alone
    # is reported.
    path = tmp_path / "w.csv"
    lines = [f"Renée {i},+1 415 555 {100 + i:04d}\n".encode("cp1252") for i in range(6)]
    lines[3] = b"Bad \x81 byte,+1 415 555 0103\n"
    path.write_bytes(b"name,phone\n" + b"".join(lines))
    result = import_contacts(path)
    assert result.report.encoding == "cp1252"
    assert result.fields["name"].tolist()[:3] == ["Renée 0", "Renée 1", "Renée 2"]
    (warning,) = result.report.warnings
    assert warning.rows == (5,)
    assert result.report.imported == 6
