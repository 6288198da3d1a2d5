"""What every dashboard shares: the language switch, headers and lesson boxes, status lines, the
feedback beside each action (``feedback``), the user's time zone (``timezone``), HTML helpers."""
