"""The dashboard notebooks, installed as ``smskit_widgets.notebooks`` and served by ``smskit serve``."""
