"""What every dashboard shares: the language switch, headers and lesson boxes, status lines, HTML
helpers."""
