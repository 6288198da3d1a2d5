"""The Encoding Visualizer: characters, segments and the cost of one message as you type.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.encoding.dashboard import EncodingVisualizer

__all__ = ["EncodingVisualizer"]
