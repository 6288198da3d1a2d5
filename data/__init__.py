"""The reference tables, installed as ``smskit.data``: one CSV per fact table, each row sourced and
dated.

Read only through :mod:`smskit._data`, with :mod:`importlib.resources`, so the same code works from
a checkout and from the wheel.
"""
