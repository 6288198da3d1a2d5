"""smskit's dashboards (installed as ``smskit_widgets``): ipywidgets compositions that call smskit.

One folder per dashboard, each with its widget (``dashboard``), its renderer (``render``) and its
steps; ``common`` holds what they share. No business logic lives here: consent, quiet hours and
prices are decided in :mod:`smskit`. The notebooks that show them are ``smskit_widgets.notebooks``,
served by ``smskit serve``.

>>> from smskit_widgets.encoding import EncodingVisualizer  # doctest: +SKIP
"""
