"""The Lessons: how an SMS travels, the channels compared, and why SMS. The texts live in ``en/``
and ``id/``.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.lessons.dashboard import LessonsPage

__all__ = ["LessonsPage"]
