"""Writing the message: a live preview for sample recipients and the cost across the audience.

While staff type a template, :func:`compose_preview` renders it for every recipient, counts each
text's segments with the encoding engine's bulk counter, and reports the distribution: how many
messages are GSM-7 or UCS-2, the worst case, how many cost 2 or more segments, and, for the worst
UCS-2 message, the encoding engine's "Back to GSM-7" advice. :func:`sender_advice` asks the
sender recommender about this audience.

>>> from smskit.campaign.model import Recipient
>>> people = [Recipient.of("a", "+1", first_name="Ana"), Recipient.of("b", "+1", first_name="Zoë")]
>>> p = compose_preview("Hi {first_name}, “sale” today!", people)
>>> p.by_encoding, p.multi_segment, p.advice.fully_gsm
((('UCS-2', 2),), 0, True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from smskit.campaign.checks import segment_counts
from smskit.campaign.model import Recipient
from smskit.campaign.templates import parse_template
from smskit.encoding.advice import GsmAdvice, back_to_gsm7
from smskit.encoding.segments import UCS2
from smskit.i18n.catalog import Text
from smskit.senders.catalogue import UseCase
from smskit.senders.countries import country
from smskit.senders.recommender import Needs, Recommendation, recommend

__all__ = ["ComposePreview", "SamplePreview", "compose_preview", "sender_advice"]


@dataclass(frozen=True, slots=True)
class SamplePreview:
    """One sample recipient's text (None when a value is missing, with the reason)."""

    key: str
    text: str | None
    encoding: str
    segments: int
    reason: Text | None


@dataclass(frozen=True, slots=True)
class ComposePreview:
    """The template rendered across the audience."""

    samples: tuple[SamplePreview, ...]
    recipients: int
    missing: int  # rows with a missing value and no fallback: they will not be sent
    by_encoding: tuple[tuple[str, int], ...]
    by_segments: tuple[tuple[int, int], ...]
    worst_text: str | None
    advice: GsmAdvice | None  # "Back to GSM-7" for the worst UCS-2 message
    unknown_fields: tuple[str, ...]  # required placeholders no column provides

    @property
    def worst_segments(self) -> int:
        """The most segments any message costs (0 without messages).

        >>> compose_preview("Hi", []).worst_segments
        0
        """
        return max((s for s, _ in self.by_segments), default=0)

    @property
    def multi_segment(self) -> int:
        """Messages that cost 2 or more segments (each is billed 2x or more).

        >>> compose_preview("a" * 200, [Recipient.of("a", "+1")]).multi_segment
        1
        """
        return sum(n for s, n in self.by_segments if s >= 2)

    @property
    def segments(self) -> int:
        """Segments for the whole audience.

        >>> compose_preview("Hi", [Recipient.of("a", "+1")] * 3).segments
        3
        """
        return sum(s * n for s, n in self.by_segments)


def compose_preview(
    source: str,
    audience: Sequence[Recipient],
    *,
    smart_encoding: bool = False,
    samples: int = 3,
) -> ComposePreview:
    """Render ``source`` for everyone; count segments; advise on the worst UCS-2 message.

    A syntax error in the template raises :class:`smskit.i18n.catalog.LocalizedError` naming the
    position.

    >>> compose_preview("Hi {name|there}", [Recipient.of("a", "+1")]).samples[0].text
    'Hi there'
    """
    template = parse_template(source)
    rendered = [template.render_normalised(r.values) for r in audience]
    texts = [r.text for r in rendered if r.text is not None]
    counted = segment_counts(texts, smart_encoding)
    encodings = Counter(e for e, _ in counted)
    sizes = Counter(s for _, s in counted)
    worst: str | None = None
    worst_size = 0
    for text, (encoding, size) in zip(texts, counted, strict=True):
        if encoding == UCS2 and size > worst_size:
            worst, worst_size = text, size
    if worst is None and texts:
        worst = max(texts, key=len)
    shown = []
    index = 0
    for r, rendering in zip(audience[:samples], rendered[:samples], strict=False):
        if rendering.text is None:
            shown.append(SamplePreview(r.key, None, "", 0, rendering.reason()))
        else:
            encoding, size = counted[index]
            shown.append(SamplePreview(r.key, rendering.text, encoding, size, None))
        index += rendering.text is not None
    columns = {k for r in audience[:1000] for k in r.values}
    return ComposePreview(
        samples=tuple(shown),
        recipients=len(audience),
        missing=len(audience) - len(texts),
        by_encoding=tuple(sorted(encodings.items())),
        by_segments=tuple(sorted(sizes.items())),
        worst_text=worst,
        advice=back_to_gsm7(worst, smart_encoding=smart_encoding) if worst else None,
        unknown_fields=template.unknown_fields(columns) if audience else (),
    )


def sender_advice(
    countries: Sequence[str],
    recipients: int,
    segments_per_message: int = 1,
    purpose: str = "marketing",
    weeks_to_launch: int = 4,
) -> Recommendation:
    """The sender recommender's ranking for this audience (countries without data are left out).

    >>> sender_advice(["US"], 5000).options[0].sender_type.value in {"long_code", "toll_free"}
    True
    """
    places = tuple(c for c in dict.fromkeys(countries) if _known(c)) or ("US",)
    needs = Needs(
        UseCase.MARKETING if purpose == "marketing" else UseCase.NOTIFICATIONS,
        False,
        max(recipients, 0),
        places,
        weeks_to_launch,
        broadcast_size=max(recipients, 1),
        deadline_minutes=60,
        segments_per_message=max(segments_per_message, 1),
    )
    return recommend(needs)


def _known(code: str) -> bool:
    try:
        country(code)
    except LookupError:
        return False
    return True
