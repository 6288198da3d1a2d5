"""Message templates with placeholders and fallbacks: ``Hi {first_name|there}, code {code}``.

Syntax (a deliberately small subset of Python's ``str.format``, so staff can learn it in a minute):

- ``{field}`` inserts the recipient's value for ``field``. A missing or blank value is a per-row
  finding: that recipient is not sent a message, because a text such as "Hi {first_name}" or "Hi ,"
  must never reach a customer.
- ``{field|fallback}`` inserts ``fallback`` when the value is missing or blank
  (``{first_name|there}``).
  An empty fallback (``{title|}``) means "leave it out".
- ``{{`` and ``}}`` are literal braces. A fallback is plain text: a brace inside one is a syntax
  error that names its position (``{name|dear {title}}`` cannot nest placeholders).
- A fallback may be at most :data:`MAX_FALLBACK` (1,600) characters: that is the most a whole
  message body may have (Twilio error 21617), so a longer fallback could never be sent. A message
  that only goes over the limit when a fallback is used is a per-row finding for the recipients
  who get the fallback (:mod:`smskit.campaign.checks`), never for the others.
- A lone surrogate (a code point U+D800..U+DFFF, typically half of an emoji cut by a broken copy
  and paste) is refused with its code point and position, not replaced: it is not a character
  (The Unicode Standard, chapter 3, D76: UTF-8 and UTF-16 encode Unicode scalar values, which
  exclude surrogates), so it can be neither stored nor sent, and replacing it with U+FFFD would
  send every recipient a replacement-character box. Refusing it when the template is parsed
  means a plan with one is never made, so nothing is half saved.

Field names are letters, digits and underscores and are matched case-insensitively, because column
headers in spreadsheets are typed by people (``First_Name`` and ``first_name`` are the same column).
A field that matches no column of the audience is almost always a typo (``{firstname}`` for
``first_name``): :meth:`Template.unmatched_fields` names the closest column.

>>> tpl = parse_template("Hi {first_name|there}, {{VIP}} code {code}")
>>> tpl.render({"first_name": "Ana", "code": "42"}).text
'Hi Ana, {VIP} code 42'
>>> tpl.render({"code": ""}).missing
('code',)
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from smskit.compliance.content import MAX_BODY_CHARACTERS
from smskit.i18n.catalog import LocalizedError, Text

__all__ = [
    "MAX_FALLBACK",
    "Placeholder",
    "Rendering",
    "Template",
    "lone_surrogate",
    "parse_template",
    "render",
]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Surrogate code points are not scalar values (Unicode chapter 3, D76): no UTF encodes one alone.
_SURROGATE = re.compile("[\ud800-\udfff]")
# No body may be longer (Twilio error 21617), so neither may a fallback that would be part of one.
MAX_FALLBACK = MAX_BODY_CHARACTERS


def lone_surrogate(text: str) -> tuple[int, str] | None:
    """The 1-based position and code point (``U+D800``) of the first surrogate in ``text``, if any.

    >>> lone_surrogate("Hi \\ud83d!"), lone_surrogate("Hi 😀")
    ((4, 'U+D83D'), None)
    """
    if text.isascii():  # the common case, checked in C without a regex
        return None
    found = _SURROGATE.search(text)
    if found is None:
        return None
    return found.start() + 1, f"U+{ord(found.group()):04X}"


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{field}`` or ``{field|fallback}`` in a template; ``fallback`` None when there is none.

    >>> Placeholder("first_name", "there").required
    False
    """

    field: str
    fallback: str | None = None

    @property
    def required(self) -> bool:
        """True when a missing value makes the row unsendable (no fallback given).

        >>> Placeholder("code").required
        True
        """
        return self.fallback is None


@dataclass(frozen=True, slots=True)
class Rendering:
    """The text for one recipient, or None with the names of the required fields that were missing.

    >>> Rendering("Hi Ana", ()).ok
    True
    """

    text: str | None
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every required placeholder had a value and the text can be sent.

        >>> Rendering(None, ("code",)).ok
        False
        """
        return self.text is not None

    def reason(self) -> Text | None:
        """The per-row finding in plain words, or None when the row rendered.

        >>> str(Rendering(None, ("code",)).reason())
        'No value for {code} and no fallback'
        """
        if self.text is not None:
            return None
        names = ", ".join("{" + name + "}" for name in self.missing)
        return Text("No value for {fields} and no fallback", fields=names)


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: literal text and placeholders, in order, ready to render many times.

    >>> parse_template("Hi {name|there}").fields
    ('name',)
    """

    source: str
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        """The placeholders in order of appearance (repeats included).

        >>> [p.field for p in parse_template("{a} {b|x} {a}").placeholders]
        ['a', 'b', 'a']
        """
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def fields(self) -> tuple[str, ...]:
        """The distinct field names, in order of first use (lower case).

        >>> parse_template("{B} {a} {b}").fields
        ('b', 'a')
        """
        return tuple(dict.fromkeys(p.field for p in self.placeholders))

    def unknown_fields(self, columns: Iterable[str]) -> tuple[str, ...]:
        """Required fields that no audience column provides: every row would miss them.

        >>> parse_template("Hi {name}, {code|none}").unknown_fields(["Phone"])
        ('name',)
        """
        have = {c.strip().lower() for c in columns}
        return tuple(
            dict.fromkeys(p.field for p in self.placeholders if p.required and p.field not in have)
        )

    def unmatched_fields(self, columns: Iterable[str]) -> tuple[tuple[str, str | None], ...]:
        """Each field no column provides, with the closest column name (None when none is close).

        Fallbacks included: ``{firstname|there}`` with a ``first_name`` column silently sends
        "there" to everyone. The closest name is :func:`difflib.get_close_matches`'s (ratio 0.6).

        >>> parse_template("Hi {firstname|there} {code}").unmatched_fields(["First_Name", "code"])
        (('firstname', 'first_name'),)
        """
        have = sorted({c.strip().lower() for c in columns})
        known = set(have)
        return tuple(
            (name, next(iter(difflib.get_close_matches(name, have, n=1)), None))
            for name in self.fields
            if name not in known
        )

    def render(self, values: Mapping[str, str]) -> Rendering:
        """Fill in one recipient's values (keys match case-insensitively; blank counts as missing).

        >>> parse_template("Hi {First_Name|there}!").render({"FIRST_NAME": "  "}).text
        'Hi there!'
        """
        lowered = {str(k).strip().lower(): v for k, v in values.items()}
        return self.render_normalised(lowered)

    def render_normalised(self, values: Mapping[str, str]) -> Rendering:
        """Like :meth:`render` for values whose keys are already lower case (plan()'s fast path).

        >>> parse_template("{a}-{b|0}").render_normalised({"a": "x"}).text
        'x-0'
        """
        # The hot loop of plan() (a million recipients): literals are pre-escaped into one
        # str.format pattern, so each row only looks its values up.
        pattern, slots = _compiled(self.parts)
        get = values.get
        filled: list[str] = []
        missing: list[str] | None = None
        for name, fallback in slots:
            raw = get(name)
            value = raw.strip() if raw.__class__ is str else ("" if raw is None else str(raw))
            if value:
                filled.append(value)
            elif fallback is not None:
                filled.append(fallback)
            else:
                if missing is None:
                    missing = []
                if name not in missing:
                    missing.append(name)
        if missing:
            return Rendering(None, tuple(missing))
        return Rendering(pattern.format(*filled), ())

    def sample(self) -> str:
        """The template with each placeholder shown as ``[field]``, for previews without data.

        >>> parse_template("Hi {name|there}").sample()
        'Hi [name]'
        """
        return "".join(p if isinstance(p, str) else f"[{p.field}]" for p in self.parts)


@functools.lru_cache(maxsize=256)
def _compiled(
    parts: tuple[str | Placeholder, ...],
) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """A positional ``str.format`` pattern for the literals and the (field, fallback) slots."""
    pattern = "".join(
        p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}" for p in parts
    )
    slots = tuple((p.field, p.fallback) for p in parts if isinstance(p, Placeholder))
    return pattern, slots


def parse_template(source: str) -> Template:
    """Parse a template; a syntax error names the character position and what is wrong.

    >>> parse_template("Hi {name").parts
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: Template: the '{' at character 4 is never closed
    >>> parse_template("Hi {name|dear {title}}").parts
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: Template: a fallback cannot contain '{': the fallback of {name} \
(character 4) has one at character 15
    """
    surrogate = lone_surrogate(source)
    if surrogate is not None:
        raise LocalizedError(
            "Template: character {pos} is {code}, half of a character (a lone surrogate, often "
            "from an emoji cut in two by copy and paste): delete it or type the character again",
            pos=surrogate[0],
            code=surrogate[1],
        )
    parts: list[str | Placeholder] = []
    literal: list[str] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "{":
            if source.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            end = source.find("}", i + 1)
            if end < 0:
                raise LocalizedError(
                    "Template: the '{{' at character {pos} is never closed", pos=i + 1
                )
            parts_inner = source[i + 1 : end]
            name, bar, fallback = parts_inner.partition("|")
            name = name.strip()
            if "{" in fallback:
                raise LocalizedError(
                    "Template: a fallback cannot contain '{{': the fallback of {{{field}}} "
                    "(character {start}) has one at character {pos}",
                    field=name,
                    start=i + 1,
                    pos=i + 1 + len(parts_inner) - len(fallback) + fallback.index("{") + 1,
                )
            if "{" in parts_inner:
                raise LocalizedError(
                    "Template: the '{{' at character {pos} is never closed", pos=i + 1
                )
            if len(fallback) > MAX_FALLBACK:
                raise LocalizedError(
                    "Template: the fallback of {{{field}}} at character {pos} has {count} "
                    "characters; a whole message may have at most {limit} (Twilio error 21617)",
                    field=name,
                    pos=i + 1,
                    count=len(fallback),
                    limit=MAX_FALLBACK,
                )
            if not _NAME.match(name):
                raise LocalizedError(
                    "Template: '{{{inner}}}' at character {pos} is not a field name "
                    "(use letters, digits and _)",
                    inner=parts_inner,
                    pos=i + 1,
                )
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(Placeholder(name.lower(), fallback if bar else None))
            i = end + 1
        elif char == "}":
            if source.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise LocalizedError(
                "Template: the '}}' at character {pos} has no matching '{{'", pos=i + 1
            )
        else:
            literal.append(char)
            i += 1
    if literal:
        parts.append("".join(literal))
    return Template(source, tuple(parts))


def render(source: str, values: Mapping[str, str]) -> Rendering:
    """Parse ``source`` and render it for one recipient (convenience for previews).

    >>> render("Hi {first_name|there}", {}).text
    'Hi there'
    """
    return parse_template(source).render(values)
