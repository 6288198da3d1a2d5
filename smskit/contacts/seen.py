"""Remembering which numbers an import has already seen, in little memory.

A 10-million-row file may hold 10 million distinct numbers; a Python ``dict`` of them would take
well over a gigabyte. Numbers are kept as int64 (E.164 has at most 15 digits, ITU-T E.164 §6) in a
few sorted numpy arrays that are merged as they grow (a log-structured merge), about 20 bytes each.

>>> import pandas as pd
>>> seen = SeenNumbers()
>>> numbers = pd.Series(["+14155550100", "+14155550100"], index=[2, 3])
>>> seen.split(numbers, pd.Series(["yes", "no"], index=[2, 3]))
([2], [(3, '+14155550100', 2, 'yes')])
>>> seen.split(pd.Series(["+14155550100"], index=[9]), pd.Series([""], index=[9]))
([], [(9, '+14155550100', 2, 'yes')])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SeenNumbers"]

_Level = tuple[np.ndarray, np.ndarray, np.ndarray]  # sorted keys, first rows, consent codes


class SeenNumbers:
    """E.164 numbers seen so far, with the row each was first seen on and its consent value."""

    def __init__(self) -> None:
        self._levels: list[_Level] = []
        self._codes: dict[str, int] = {}
        self._values: list[str] = []

    def __len__(self) -> int:
        return sum(len(level[0]) for level in self._levels)

    def split(
        self, e164: pd.Series, consent: pd.Series
    ) -> tuple[list[int], list[tuple[int, str, int, str]]]:
        """Rows with a new number (to keep), and repeats as (row, number, first row, its consent).

        ``e164`` and ``consent`` are indexed by row number, in file order.

        >>> import pandas as pd
        >>> SeenNumbers().split(pd.Series(["+33612345678"], index=[5]), pd.Series([""], index=[5]))
        ([5], [])
        """
        import pandas as pd

        if e164.empty:
            return [], []
        keys = np.fromiter((int(n[1:]) for n in e164.tolist()), dtype="int64", count=len(e164))
        rows = e164.index.to_numpy(dtype="int64")
        codes = np.fromiter((self._code(v) for v in consent), dtype="int64", count=len(consent))
        repeat_in_chunk = pd.Series(keys).duplicated(keep="first").to_numpy()
        first_keys = keys[~repeat_in_chunk]
        found, old_rows, old_codes = self._lookup(first_keys)
        first_rows = np.where(found, old_rows, rows[~repeat_in_chunk])
        first_codes = np.where(found, old_codes, codes[~repeat_in_chunk])
        self._add(first_keys[~found], first_rows[~found], first_codes[~found])
        kept = rows[~repeat_in_chunk][~found].tolist()
        repeat = repeat_in_chunk.copy()
        repeat[np.flatnonzero(~repeat_in_chunk)[found]] = True
        if not repeat.any():
            return kept, []
        position = pd.Index(first_keys).get_indexer(pd.Index(keys[repeat]))
        repeats = [
            (int(row), number, int(first_rows[p]), self._values[int(first_codes[p])])
            for row, number, p in zip(rows[repeat], e164.to_numpy()[repeat], position, strict=True)
        ]
        return kept, repeats

    def _code(self, value: str) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self._values)
            self._values.append(value)
        return code

    def _lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        found = np.zeros(len(keys), dtype=bool)
        rows = np.zeros(len(keys), dtype="int64")
        codes = np.zeros(len(keys), dtype="int64")
        for level_keys, level_rows, level_codes in self._levels:
            at = np.minimum(np.searchsorted(level_keys, keys), len(level_keys) - 1)
            hit = (level_keys[at] == keys) & ~found
            found |= hit
            rows[hit] = level_rows[at[hit]]
            codes[hit] = level_codes[at[hit]]
        return found, rows, codes

    def _add(self, keys: np.ndarray, rows: np.ndarray, codes: np.ndarray) -> None:
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self._levels.append((keys[order], rows[order], codes[order]))
        # Merge while the newest level is at least as big as the one before: O(log n) levels.
        while len(self._levels) > 1 and len(self._levels[-1][0]) >= len(self._levels[-2][0]):
            newer, older = self._levels.pop(), self._levels.pop()
            merged = [np.concatenate([o, n]) for o, n in zip(older, newer, strict=True)]
            order = np.argsort(merged[0], kind="stable")
            self._levels.append((merged[0][order], merged[1][order], merged[2][order]))
