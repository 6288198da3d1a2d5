"""ipywidgets dashboards for smskit. Each module composes widgets and calls smskit; no business logic.

Import the dashboard classes from their modules, e.g. ``from widgets.encoding import EncodingVisualizer``.
"""
