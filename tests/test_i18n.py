"""English and Bahasa Indonesia are complete: every visible string and lesson exists in both.

The catalogue checks run over the real source tree (Babel extraction, see smskit/i18n/check.py); the
checker itself is tested first on a small made-up tree, so a green run means something.
To see what is missing: ``python -m smskit.i18n.check``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from smskit.i18n import check as i18n_check
from smskit.i18n.catalog import LocalizedError, Text, translate

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "widgets" / "lessons"
PO_FILES = sorted(
    [
        *(ROOT / "smskit" / "i18n" / "locale" / "id" / "LC_MESSAGES").glob("*.po"),
        *(ROOT / "widgets" / "locale" / "id" / "LC_MESSAGES").glob("*.po"),
    ]
)
HEADER = 'msgid ""\nmsgstr ""\n"Language: id\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


# --- the checker, on a tree made for the test ---------------------------------------------------


def _tree(tmp_path: Path, widget_po: str, smskit_po: str) -> Path:
    (tmp_path / "smskit" / "i18n" / "locale" / "id" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "widgets" / "locale" / "id" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "smskit" / "rules.py").write_text(
        textwrap.dedent(
            """
            from smskit.i18n.catalog import N_, LocalizedError, Text
            LABEL = N_("Quiet hours")
            def check(row):
                raise LocalizedError("Row {row}: no phone", row=row)
            """
        )
    )
    (tmp_path / "widgets" / "demo.py").write_text(
        textwrap.dedent(
            """
            from . import _render_demo
            t = Translator("demo")
            header = DashboardHeader("Demo title", t)
            html = f"<b>{t('Inside an f-string')}</b>"
            label = t("{n} segments", n=2)
            """
        )
    )
    # A pure renderer that takes the translator as an argument: the importer's domain applies.
    (tmp_path / "widgets" / "_render_demo.py").write_text(
        'def render(t):\n    return t("Rendered")\n'
    )
    (tmp_path / "widgets" / "locale" / "id" / "LC_MESSAGES" / "demo.po").write_text(
        HEADER + widget_po, encoding="utf-8"
    )
    (tmp_path / "smskit" / "i18n" / "locale" / "id" / "LC_MESSAGES" / "rules.po").write_text(
        HEADER + smskit_po, encoding="utf-8"
    )
    return tmp_path


COMPLETE_WIDGET_PO = """
msgid "Demo title"
msgstr "Judul demo"

msgid "Inside an f-string"
msgstr "Di dalam f-string"

msgid "{n} segments"
msgstr "{n} segmen"

msgid "Rendered"
msgstr "Ditampilkan"
"""
COMPLETE_SMSKIT_PO = """
msgid "Quiet hours"
msgstr "Jam tenang"

msgid "Row {row}: no phone"
msgstr "Baris {row}: tidak ada nomor"
"""


def test_checker_finds_every_kind_of_message_with_its_domain(tmp_path: Path) -> None:
    root = _tree(tmp_path, COMPLETE_WIDGET_PO, COMPLETE_SMSKIT_PO)
    found = {(m.domain, m.msgid) for m in i18n_check.extract_messages(root)}
    assert found == {
        ("demo", "Demo title"),
        ("demo", "Inside an f-string"),
        ("demo", "{n} segments"),
        ("demo", "Rendered"),
        ("smskit", "Quiet hours"),
        ("smskit", "Row {row}: no phone"),
    }
    assert i18n_check.check(root) == []


def test_checker_reports_missing_empty_and_fuzzy(tmp_path: Path) -> None:
    widget_po = COMPLETE_WIDGET_PO.replace('msgstr "Judul demo"', 'msgstr ""').replace(
        'msgid "Inside an f-string"', '#, fuzzy\nmsgid "Inside an f-string"'
    )
    smskit_po = COMPLETE_SMSKIT_PO.split('msgid "Row')[0]
    root = _tree(tmp_path, widget_po, smskit_po)
    problems = {(p.domain, p.msgid, p.reason) for p in i18n_check.check(root)}
    assert problems == {
        ("demo", "Demo title", "no Indonesian msgstr"),
        ("demo", "Inside an f-string", "fuzzy"),
        ("smskit", "Row {row}: no phone", "no Indonesian msgstr"),
    }


def test_checker_reports_placeholder_mismatch(tmp_path: Path) -> None:
    root = _tree(
        tmp_path, COMPLETE_WIDGET_PO.replace('msgstr "{n} segmen"', 'msgstr "{jumlah} segmen"'), ""
    )
    reasons = [p.reason for p in i18n_check.check(root) if p.msgid == "{n} segments"]
    assert reasons and "placeholders differ" in reasons[0]


def test_unused_entries_are_listed(tmp_path: Path) -> None:
    root = _tree(tmp_path, COMPLETE_WIDGET_PO + 'msgid "Old label"\nmsgstr "Label lama"\n', "")
    assert i18n_check.unused(root) == {"demo": ["Old label"]}


def test_translation_in_the_wrong_domain_does_not_count(tmp_path: Path) -> None:
    # "Quiet hours" translated only in the widget catalogue: smskit's Text would stay English.
    root = _tree(tmp_path, COMPLETE_WIDGET_PO + COMPLETE_SMSKIT_PO, "")
    missing = {p.msgid for p in i18n_check.check(root)}
    assert missing == {"Quiet hours", "Row {row}: no phone"}


def test_checker_reports_untranslated_data_display_values(tmp_path: Path) -> None:
    root = _tree(tmp_path, COMPLETE_WIDGET_PO, COMPLETE_SMSKIT_PO)
    (root / "data").mkdir()
    (root / "data" / "countries.csv").write_text(
        "code,notable_rules,source,as_of\n"
        "GB,Quiet hours,x,2026-01-01\nUS,Only English,x,2026-01-01\n"
    )
    problems = [(p.msgid, p.where) for p in i18n_check.data_problems(root)]
    assert problems == [("Only English", "data/countries.csv:3 (notable_rules)")]


def test_plural_entries_count_as_translated(tmp_path: Path) -> None:
    src = 'from x import t\nlabel = t.ngettext("{n} segment", "{n} segments", 2)\n'
    root = _tree(tmp_path, COMPLETE_WIDGET_PO, COMPLETE_SMSKIT_PO)
    (root / "widgets" / "plural.py").write_text('t = Translator("demo")\n' + src)
    assert [p.msgid for p in i18n_check.check(root)] == ["{n} segment"]
    po = root / "widgets" / "locale" / "id" / "LC_MESSAGES" / "demo.po"
    po.write_text(
        po.read_text()
        + 'msgid "{n} segment"\nmsgid_plural "{n} segments"\nmsgstr[0] "{n} segmen"\n'
    )
    assert i18n_check.check(root) == []


# --- (d) the real catalogues parse ----------------------------------------------------------------


@pytest.mark.parametrize(
    "po", PO_FILES, ids=lambda p: f"{p.parent.parent.parent.parent.name}/{p.name}"
)
def test_po_file_parses(po: Path) -> None:
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="id", abort_invalid=True)
    assert catalogue.locale is not None and str(catalogue.locale) == "id"
    ids = [m.id for m in catalogue if m.id]
    assert len(ids) == len(set(ids)), f"duplicate msgid in {po.name}"


# --- (a) and (b): the real source tree -----------------------------------------------------------

MESSAGES = i18n_check.extract_messages()
DOMAINS = sorted({m.domain for m in MESSAGES})


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_an_indonesian_translation(domain: str) -> None:
    problems = [
        p for p in i18n_check.check() if p.domain == domain and "placeholders" not in p.reason
    ]
    listing = "\n".join(f"  {p.where}: {p.msgid!r} ({p.reason})" for p in problems)
    assert not problems, f"{len(problems)} untranslated in domain {domain!r}:\n{listing}"


def test_every_data_display_value_has_an_indonesian_translation() -> None:
    problems = i18n_check.data_problems()
    listing = "\n".join(f"  {p.where}: {p.msgid[:70]!r}" for p in problems)
    assert not problems, f"{len(problems)} data values without Indonesian:\n{listing}"


def test_plurals_follow_babel_rules_in_both_languages() -> None:
    from smskit.i18n.formatting import Plural

    weeks = [Plural("{n} week", "{n} weeks", n) for n in (0, 1, 4, 1000)]
    assert [w.render("en") for w in weeks] == ["0 weeks", "1 week", "4 weeks", "1,000 weeks"]
    assert [w.render("id") for w in weeks] == ["0 minggu", "1 minggu", "4 minggu", "1.000 minggu"]


def test_country_names_inside_indonesian_sentences_are_indonesian() -> None:
    from decimal import Decimal

    from smskit.senders.recommender import Needs, recommend

    needs = Needs("otp", False, 100, ("US", "GB"), 2)
    text = " ".join(
        r.message.render("id") for o in recommend(needs).options for r in o.disqualifiers
    )
    assert "Amerika Serikat" in text and "United States" not in text
    costly = recommend(Needs("otp", False, 100_000, ("GB",), 2, monthly_budget=Decimal(1)))
    budget = [r.message.render("id") for o in costly.options for r in o.disqualifiers]
    assert any("US$" in b and "per bulan" in b for b in budget), budget


def test_one_translation_per_term_across_catalogues() -> None:
    # "Visualisasi Pengodean" on Start and "Visualisasi Encoding" on the page itself: never again.
    clashes = i18n_check.inconsistent_terms()
    assert not clashes, "\n".join(f"{m!r}: {where}" for m, where in clashes.items())


def test_glossary_terms_are_translated_once_on_every_page() -> None:
    from smskit_widgets.common import i18n as _i18n

    previous = _i18n.LANGUAGE.lang
    try:
        _i18n.LANGUAGE.lang = "id"
        names = {_i18n.Translator(d)("Encoding Visualizer") for d in ("start", "encoding")}
        assert names == {"Visualisasi Pengodean"}
        assert _i18n.Translator("campaign")("delivered") == _i18n.Translator("lessons")("delivered")
    finally:
        _i18n.LANGUAGE.lang = previous


def test_translations_keep_their_placeholders() -> None:
    problems = [p for p in i18n_check.check() if "placeholders" in p.reason]
    assert not problems, "\n".join(f"{p.domain}: {p.msgid!r}: {p.reason}" for p in problems)


def test_widget_modules_that_show_text_declare_their_domain() -> None:
    orphans = sorted({str(m.path.name) for m in MESSAGES if m.domain.startswith("<")})
    assert not orphans, f"t() used without Translator('<domain>') in {orphans}"


def test_widget_domains_have_a_catalogue() -> None:
    catalogues = {p.stem for p in (ROOT / "widgets" / "locale" / "id" / "LC_MESSAGES").glob("*.po")}
    used = {m.domain for m in MESSAGES if m.domain != "smskit" and not m.domain.startswith("<")}
    missing = sorted(used - catalogues)
    assert not missing, f"no widgets/locale/id/LC_MESSAGES/<domain>.po for {missing}"


# --- (c) lessons ------------------------------------------------------------------------

HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)
ENGLISH_LESSONS = sorted((LESSONS / "en").glob("*.md"))


@pytest.mark.parametrize("lesson", ENGLISH_LESSONS, ids=lambda p: p.stem)
def test_every_lesson_has_an_indonesian_twin_with_the_same_headings(lesson: Path) -> None:
    twin = LESSONS / "id" / lesson.name
    assert twin.exists(), f"missing widgets/lessons/id/{lesson.name}"
    english = HEADING.findall(lesson.read_text(encoding="utf-8"))
    indonesian = HEADING.findall(twin.read_text(encoding="utf-8"))
    assert english == indonesian, f"{lesson.name}: heading levels {english} vs {indonesian}"
    assert twin.read_text(encoding="utf-8").strip() != lesson.read_text(encoding="utf-8").strip()


def test_no_indonesian_lesson_without_an_english_original() -> None:
    english = {p.name for p in ENGLISH_LESSONS}
    orphans = sorted(p.name for p in (LESSONS / "id").glob("*.md") if p.name not in english)
    assert not orphans


# --- runtime behaviour --------------------------------------------------------------------------


def test_smskit_messages_render_in_indonesian() -> None:
    assert translate("The SMS price must be above zero", "id") == "Harga SMS harus lebih dari nol"
    error = LocalizedError(
        "No {direction} {channel} price for country {country} in message_prices.csv",
        direction="outbound",
        channel="SMS",
        country="ZZ",
    )
    assert error.render("id").startswith("Tidak ada harga SMS outbound untuk negara ZZ")
    assert Text("Not encrypted").render("id") == "Tidak dienkripsi"


def test_page_url_language_wins_over_smskit_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    from smskit_widgets.common.i18n import initial_language

    monkeypatch.setenv("SMSKIT_LANG", "en")
    assert initial_language("lang=id") == "id"
    assert initial_language("foo=1&lang=ID") == "id"
    assert initial_language("lang=fr") == "en"
    monkeypatch.setenv("SMSKIT_LANG", "id")
    assert initial_language("") == "id"


def test_links_carry_the_language() -> None:
    from smskit_widgets.common.i18n import link_with_language

    assert link_with_language("./start.ipynb", "id") == "./start.ipynb?lang=id"
    assert link_with_language("./a.ipynb?lang=en&x=1", "id") == "./a.ipynb?x=1&lang=id"


def test_a_broken_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    from smskit_widgets.common import i18n as _i18n

    monkeypatch.setattr(_i18n, "translate", lambda *_args: "{jumlah} segmen")
    monkeypatch.setattr(_i18n.LANGUAGE, "lang", "id")
    assert _i18n.Translator("demo")("{n} segments", n=3) == "3 segments"


# --- notebooks: teaching text lives in lessons, not in (English-only) markdown cells -------------

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MARKDOWN_LIMIT = 400  # a bilingual title and a line of context; anything longer is a lesson


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_markdown_is_a_title_not_teaching_text(notebook: Path) -> None:
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    long = [
        c.source[:80] for c in cells if c.cell_type == "markdown" and len(c.source) > MARKDOWN_LIMIT
    ]
    assert not long, (
        f"{notebook.name}: markdown cells are shown in English only; put teaching text in "
        f"widgets/lessons/<en|id>/<name>.md and show it with Lesson('<name>'): {long}"
    )


# --- words that come from codes: statuses, audit events, scripts ---------------------------------


def _in(lang: str, render):  # type: ignore[no-untyped-def]
    from smskit_widgets.common import i18n as _i18n

    previous = _i18n.LANGUAGE.lang
    try:
        _i18n.LANGUAGE.lang = lang
        return render()
    finally:
        _i18n.LANGUAGE.lang = previous


def test_every_twilio_status_chip_has_indonesian_words() -> None:
    from smskit_widgets.campaign.render import status_label

    from smskit.webhooks.fields import TWILIO_STATUSES

    untranslated = sorted(
        s for s in TWILIO_STATUSES if _in("id", lambda s=s: status_label(s)) in {s, ""}
    )
    assert not untranslated, f"status chips shown as codes in Indonesian: {untranslated}"


def test_every_audit_event_and_source_has_words_in_both_languages() -> None:
    from smskit_widgets.consent.render import action_name, source_name

    from smskit.consent.events import ConsentAction, ConsentSource

    for lang in ("en", "id"):
        for code, name in [
            *((a.value, _in(lang, lambda a=a: action_name(a.value))) for a in ConsentAction),
            *((s.value, _in(lang, lambda s=s: source_name(s.value))) for s in ConsentSource),
        ]:
            assert "_" not in name and name != code, (lang, code, name)


def test_the_double_opt_in_script_exists_in_indonesian() -> None:
    from smskit.consent.auto_replies import Program
    from smskit.consent.events import ConsentSource
    from smskit.consent.ledger import ConsentLedger
    from smskit.store.database import Store

    ledger = ConsentLedger(Store.open("sqlite://"), program=Program("Toko"))
    _status, script = ledger.request_confirmation(
        "+6281234567890", "Toko", ConsentSource.WEB_FORM, "form", language="id"
    )
    assert "Balas YA" in script and "Reply YES" not in script


def test_the_campaign_placeholder_uses_an_indonesian_fallback_word() -> None:
    from smskit_widgets.campaign.dashboard import t as campaign_t

    placeholder = _in("id", lambda: campaign_t("Hi {first_name|there}, ... Reply STOP to opt out."))
    assert placeholder.startswith("Hai {first_name|") and "|there}" not in placeholder


def _plural_calls() -> list[tuple[str, str, str]]:
    from babel.messages.extract import extract_from_file

    calls = []
    for path in sorted((ROOT / "widgets").rglob("*.py")):
        domain = i18n_check.widget_domain(path)
        found = extract_from_file(
            i18n_check.extract_python_ast,  # type: ignore[arg-type]
            str(path),
            {"ngettext": (1, 2)},
        )
        calls += [(domain or "", m[0], m[1]) for _line, m, _c, _x in found if isinstance(m, tuple)]
    return sorted(set(calls))


PLURAL_CALLS = _plural_calls()


@pytest.mark.parametrize(("domain", "singular", "plural"), PLURAL_CALLS)
def test_every_plural_renders_in_indonesian_at_run_time(
    domain: str, singular: str, plural: str
) -> None:
    # The checker reads the catalogues; this asks the Translator the pages use, for 1 and 3.
    from smskit_widgets.common.i18n import Translator

    t = Translator(domain)
    fields = {name: "x" for name in i18n_check.placeholders(singular) if name != "n"}
    english = {singular.format(n=1, **fields), plural.format(n=3, **fields)}
    for count in (1, 3):
        said = _in("id", lambda count=count: t.ngettext(singular, plural, count, **fields))
        assert said not in english, (domain, singular, said)
        assert str(count) in said or "{n}" not in singular, (domain, singular, said)
