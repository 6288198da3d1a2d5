"""The Inbox's quick reply controls: pick one and insert it, save what you typed, delete your own.

Everything is decided in :mod:`smskit.conversations.quick_replies` (names, languages, placeholders,
who may delete what); these handlers pass the widget values in and show the outcome, or the error
in plain words, beside the controls (:class:`~smskit_widgets.common.feedback.ActionFeedback`).
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
from smskit_widgets.common.feedback import ActionFeedback, reports_to
from smskit_widgets.common.i18n import LANGUAGE, Translator
from smskit_widgets.common.status import UserError

from smskit.conversations import Inbox
from smskit.conversations.quick_replies import LANGUAGES

t = Translator("inbox")


def _tag(css: str, widget: W.Widget) -> W.Widget:
    widget.add_class(f"smskit-inbox-{css}")
    return widget


class QuickReplyControls:
    """Two rows of controls and their feedback line, placed by the dashboard.

    ``pick_row``: the quick replies (every language, the page's first), Insert, Delete;
    ``save_row``: a name, a language and "Save my text as a quick reply"; ``feedback`` sits below
    both, so an error shows beside the control that caused it.
    ``draft`` returns the reply box and the open thread's id.
    """

    def __init__(self, inbox: Inbox, draft: Callable[[], tuple[W.Textarea, int]]) -> None:
        self.inbox, self.draft = inbox, draft
        self.choice = _tag("quick", W.Dropdown(options=[], layout=W.Layout(width="260px")))
        self.insert = _tag("quick-insert", W.Button(layout=W.Layout(width="auto")))
        self.delete = _tag("quick-delete", W.Button(layout=W.Layout(width="auto")))
        self.name = _tag("quick-name", W.Text(layout=W.Layout(width="200px")))
        self.language = _tag(
            "quick-language", W.Dropdown(options=list(LANGUAGES), layout=W.Layout(width="150px"))
        )
        self.save = _tag("quick-save", W.Button(layout=W.Layout(width="auto")))
        self.feedback = ActionFeedback("quick")
        self.pick_row = W.HBox([self.choice, self.insert, self.delete])
        self.save_row = W.HBox([self.name, self.language, self.save])
        self.insert.on_click(self._on_insert_click)
        self.save.on_click(self._on_save_click)
        self.delete.on_click(self._on_delete_click)

    def refresh(self) -> None:
        """Labels in the page's language, and the list of quick replies read again."""
        self.options()
        self.insert.description = t("Insert quick reply")
        self.delete.description = t("Delete quick reply")
        self.name.placeholder = t("Name for a new quick reply")
        chosen = self.language.value or LANGUAGE.lang
        self.language.options = [(t("English"), "en"), (t("Indonesian"), "id")]
        self.language.value = chosen if chosen in LANGUAGES else "en"
        self.save.description = t("Save my text as a quick reply")

    def options(self) -> None:
        """Every quick reply, the page's language first, labelled with its language and author."""
        replies = sorted(
            self.inbox.quick_replies(), key=lambda q: (q.language != LANGUAGE.lang, q.name)
        )
        chosen = self.choice.value
        options = [("", "")] + [
            (
                f"{q.name.replace('_', ' ')} ({q.language})"
                + (f" · {q.created_by}" if q.created_by else ""),
                f"{q.language}:{q.name}",
            )
            for q in replies
        ]
        self.choice.options = options
        self.choice.value = chosen if chosen in {v for _, v in options} else ""

    @reports_to("feedback")
    def _on_insert_click(self, _button: W.Button) -> None:
        box, thread_id = self.draft()
        if self.choice.value and thread_id:
            language, name = self.choice.value.split(":", 1)
            box.value = self.inbox.quick_reply_text(thread_id, name, language)

    @reports_to("feedback")
    def _on_save_click(self, _button: W.Button) -> None:
        box, _thread_id = self.draft()
        saved = self.inbox.save_quick_reply(self.name.value, self.language.value, box.value)
        self.options()
        self.choice.value = f"{saved.language}:{saved.name}"
        self.name.value = ""
        self.feedback.show(
            t(
                "Saved the quick reply “{name}” ({language}) for the team.",
                name=saved.name,
                language=saved.language,
            ),
            "ok",
        )

    @reports_to("feedback")
    def _on_delete_click(self, _button: W.Button) -> None:
        if not self.choice.value:
            raise UserError(t("Choose the quick reply to delete in the list first."))
        language, name = self.choice.value.split(":", 1)
        if not self.inbox.delete_quick_reply(name, language):
            raise UserError(t("That quick reply was already deleted."))
        self.choice.value = ""
        self.options()
        self.feedback.show(t("Deleted the quick reply “{name}”.", name=name), "ok")
