"""One pattern for "this action failed, here, in plain words": feedback placed beside the action.

Every button or input whose handler can fail or take time gets an :class:`ActionFeedback` right
next to it (not at the page's foot), and its handler is wrapped in :func:`reports_to`:

- the old message, and any results named in ``clears``, are cleared as the action starts, so a
  success never sits under a previous error and a failure never leaves the previous answer on
  screen;
- a busy line ("Checking…") is sent at once but only becomes visible after 300 ms (a CSS
  animation delay), so fast actions never flicker and slow ones (a connection test, a send) show
  that something is happening while the kernel works;
- an exception becomes one plain sentence in the current language, never a traceback; Python's
  own messages ("Invalid isoformat string") are replaced by a plain request to check the value.
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from smskit_widgets.common.i18n import Translator
from smskit_widgets.common.status import StatusLine, plain_error

from smskit.i18n.catalog import N_

log = logging.getLogger("smskit.widgets")
t = Translator("common")
F = TypeVar("F", bound=Callable[..., Any])

#: Busy lines, for ``reports_to(..., busy=CHECKING)``.
WORKING = N_("Working…")
CHECKING = N_("Checking…")
SENDING = N_("Sending…")
LOADING = N_("Loading…")
SEARCHING = N_("Searching…")

#: How long an action may take before its busy line appears (the CSS animation delay).
BUSY_AFTER_MS = 300

_APPEAR = (
    "<style>@keyframes smskit-appear{to{visibility:visible}}"
    ".smskit-busy{visibility:hidden;animation:smskit-appear 0s linear "
    f"{BUSY_AFTER_MS}ms forwards}}</style>"
)


class ActionFeedback(StatusLine):
    """The message line that sits beside one action: busy, failed (in plain words) or done."""

    def __init__(self, name: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("smskit-feedback")
        if name:
            self.add_class(f"smskit-feedback-{name}")

    def busy(self, message: str | None = None) -> None:
        """Show a busy line that appears only if the action is still running after 300 ms."""
        text = html.escape(message or t(WORKING))
        self.value = (
            f'{_APPEAR}<div class="smskit-busy smskit-status-busy" role="status" '
            f'style="color:#4a5568;padding:4px 0">⏳ {text}</div>'
        )

    def fail(self, error: BaseException | str) -> None:
        """Show what went wrong, in plain words, in the current language."""
        message = error if isinstance(error, str) else plain_error(error)
        self.show(message, "error")

    @property
    def kind(self) -> str:
        """``busy``, ``error``, ``ok``, ``info`` or ``""`` when empty (for tests)."""
        for kind in ("busy", "error", "ok", "info"):
            if f"smskit-status-{kind}" in self.value:
                return kind
        return ""


def _clear(owner: Any, names: Iterable[str]) -> None:
    for name in names:
        widget = getattr(owner, name, None)
        if widget is None:
            continue
        if hasattr(widget, "clear_output"):
            widget.clear_output()
        elif isinstance(getattr(widget, "value", None), str):
            widget.value = ""
        elif hasattr(widget, "children"):
            widget.children = ()


def reports_to(
    where: str, *, busy: str | None = None, clears: Iterable[str] = ()
) -> Callable[[F], F]:
    """Wrap a handler so its outcome is shown in ``self.<where>``, an :class:`ActionFeedback`.

    ``busy`` is the English msgid (translated in the ``common`` domain unless already translated
    by the caller) shown after 300 ms; ``clears`` names result widgets emptied when the action
    starts (so stale results never survive the next action). On success the handler may itself
    call ``self.<where>.show(..., "ok")``; otherwise the line is left empty.
    """
    cleared = tuple(clears)

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            feedback = getattr(self, where)
            feedback.clear()
            if busy:
                feedback.busy(t(busy))
            _clear(self, cleared)
            try:
                result = method(self, *args, **kwargs)
            except Exception as error:  # a dashboard never shows a traceback
                log.exception("handler %s failed", method.__name__)
                feedback.fail(error)
                _clear(self, cleared)
                return None
            if feedback.kind == "busy":
                feedback.clear()
            return result

        return wrapper  # type: ignore[return-value]

    return decorate
