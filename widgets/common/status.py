"""The in-page status line, and a decorator that shows callback errors there in plain words.

A dashboard never shows a traceback: a handler wrapped in ``@shows_errors`` catches the exception,
writes a short plain-language message into ``self.status`` and logs the detail for developers.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as W
from smskit_widgets.common.i18n import LANGUAGE, Translator

from smskit.i18n.catalog import LocalizedError

log = logging.getLogger("smskit.widgets")
t = Translator("common")
F = TypeVar("F", bound=Callable[..., Any])


class StatusLine(W.HTML):
    """A one-line message area: info, success or error, styled and with a stable CSS class."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("smskit-status")

    def show(self, message: str, kind: str = "info") -> None:
        colour = {"info": "#1f4e79", "ok": "#1e7b34", "error": "#a4262c"}.get(kind, "#1f4e79")
        self.value = (
            f'<div class="smskit-status-{kind}" style="color:{colour};padding:4px 0">'
            f"{html.escape(message)}</div>"
        )

    def clear(self) -> None:
        self.value = ""


class UserError(ValueError):
    """A message a dashboard wrote for staff, already in their language (``t("...")``)."""


def plain_error(error: BaseException) -> str:
    """The message staff see for an error: translated where smskit wrote it, never a traceback.

    Only messages written for people are shown as they are (smskit's :class:`LocalizedError`, a
    widget's :class:`UserError`). Python's and libraries' own messages ("Invalid isoformat string:
    'tomorrow 9am'", "invalid literal for int()") are developer text in English: staff get a plain
    sentence instead, and the detail goes to the log.
    """
    if isinstance(error, LocalizedError):
        return error.render(LANGUAGE.lang)
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, (ValueError, TypeError, LookupError)):
        return t("That value could not be used. Check what you typed and try again.")
    if isinstance(error, OSError):
        return t("The connection failed. Check the network and try again. Nothing was changed.")
    return t("Something went wrong: {what}. Nothing was changed.", what=type(error).__name__)


def shows_errors(method: F) -> F:
    """Wrap a widget handler so any exception becomes a message in ``self.status``."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # a dashboard must never show a traceback
            log.exception("handler %s failed", method.__name__)
            status = getattr(self, "status", None)
            if isinstance(status, StatusLine):
                status.show(plain_error(error), "error")
            return None

    return wrapper  # type: ignore[return-value]
