"""The user's time zone: times on every dashboard are shown in it, with the zone named.

One zone per kernel (like the language): ``?tz=Asia/Jakarta`` in the page URL, else
``SMSKIT_TIMEZONE``, else the machine's own zone, else UTC. A :class:`ZonePicker` lets the user
change it; every dashboard that shows times follows it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import ipywidgets as W
import traitlets
from smskit_widgets.common.i18n import LANGUAGE, Translator, on_language_change

from smskit.i18n.formatting import format_local_time, set_display_zone, zone_label

t = Translator("common")


def _valid(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def initial_zone(query_string: str | None = None) -> str:
    """``?tz=`` in the page URL, else SMSKIT_TIMEZONE, else the machine's zone, else UTC."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    for wanted in (
        parse_qs(query).get("tz", [""])[0].strip(),
        os.environ.get("SMSKIT_TIMEZONE", "").strip(),
        os.environ.get("TZ", "").strip().lstrip(":"),
    ):
        if wanted and _valid(wanted):
            return wanted
    link = Path("/etc/localtime")
    if link.is_symlink() and "zoneinfo/" in str(link.resolve()):
        name = str(link.resolve()).split("zoneinfo/", 1)[1]
        if _valid(name):
            return name
    return "UTC"


class _Zone(traitlets.HasTraits):
    zone = traitlets.Unicode(initial_zone(), help="The user's IANA time zone")


USER_ZONE = _Zone()
# Moments inside smskit's sentences ("Waits until …") follow the user's zone too.
set_display_zone(USER_ZONE.zone)
USER_ZONE.observe(lambda change: set_display_zone(change["new"]), names="zone")


def apply_query(query_string: str) -> None:
    """Take ``?tz=`` from the page's query now (a preheated kernel learns its URL late).

    A page without a valid ``tz`` keeps the zone the kernel started with.
    """
    wanted = parse_qs(query_string).get("tz", [""])[0].strip()
    if wanted and _valid(wanted):
        USER_ZONE.zone = wanted


def on_zone_change(callback: Callable[[], None]) -> None:
    """Call ``callback()`` whenever the user's time zone changes.

    A listener whose widget was closed (a preheated kernel's warm-up build) removes itself.
    """

    def handler(_change: object) -> None:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, W.Widget) and owner.comm is None:
            USER_ZONE.unobserve(handler, names="zone")
            return
        callback()

    USER_ZONE.observe(handler, names="zone")


def shown(moment: datetime | None, *, with_zone: bool = True) -> str:
    """An aware moment in the user's zone and language, the zone named (…, Asia/Jakarta)."""
    if moment is None:
        return "–"
    return format_local_time(moment, USER_ZONE.zone, LANGUAGE.lang, with_zone=with_zone)


def zone_name() -> str:
    """The user's zone as people read it: 'Western Indonesia Time, Asia/Jakarta'."""
    return zone_label(USER_ZONE.zone, LANGUAGE.lang)


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc")))


class ZonePicker(W.Dropdown):
    """Every IANA zone, linked to the shared user zone."""

    def __init__(self, **kwargs: object) -> None:
        options = ["UTC", *_zones()]
        if USER_ZONE.zone not in options:
            options.insert(0, USER_ZONE.zone)
        super().__init__(
            options=options,
            value=USER_ZONE.zone,
            style={"description_width": "initial"},
            **kwargs,
        )
        self.add_class("smskit-zone-picker")
        traitlets.link((self, "value"), (USER_ZONE, "zone"))
        self._relabel()
        on_language_change(self._relabel)

    def _relabel(self) -> None:
        self.description = t("Your time zone")
