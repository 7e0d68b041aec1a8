"""Merging fetched prices into the committed history without ever dropping a committed row."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from ..market.checks import History

PRICES = ["open", "high", "low", "close"]


def merge_history(
    committed: pd.DataFrame | None,
    fetched: pd.DataFrame,
    history: History | None,
    splits: Mapping[str, float],
) -> tuple[pd.DataFrame, int]:
    """The merged table and the number of new dates.

    Committed rows are kept as they are (rescaled when the provider's adjustment basis moved);
    fetched rows fill new dates and replace the revisions `history` lists, which the caller only
    passes on once they are accepted.
    """
    if committed is None or history is None:
        return fetched.sort_values("date").reset_index(drop=True), len(fetched)
    old = committed.copy()
    if history.factor != 1.0:
        last = str(committed["date"].max())
        shares = math.prod(m for d, m in splits.items() if d > last)
        old[PRICES] = old[PRICES] * history.factor
        old["volume"] = old["volume"] * shares
    new_dates = set(fetched["date"]) - set(old["date"])
    take = new_dates | set(history.revised)
    merged = pd.concat([old[~old["date"].isin(take)], fetched[fetched["date"].isin(take)]])
    return merged.sort_values("date").reset_index(drop=True), len(new_dates)
