"""ipywidgets dashboards for smskit: each module composes widgets and calls smskit.

No business logic lives here. Import the dashboard classes from their modules, e.g.
``from widgets.encoding import EncodingVisualizer``.
"""
