"""Live data providers for the refresh: one module per provider over a shared HTTP client.

Only `build_scripts.refresh` uses the network; the site build reads the committed snapshot.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping

from ..errors import DataError
from .base import Budget, HttpClient, PriceProvider, RateLimiter, Sleep
from .config import Sources
from .edgar import Edgar
from .tiingo import Tiingo
from .yahoo import Yahoo


def _used(sources: Sources) -> set[str]:
    return {p for s in sources.series for p in s.providers}


def price_providers(
    sources: Sources, env: Mapping[str, str], sleep: Sleep = time.sleep, budget: Budget | None = None
) -> tuple[dict[str, PriceProvider], list[str]]:
    """The price providers that can run, and one notice per provider that cannot."""
    policy = sources.http.policy()
    out: dict[str, PriceProvider] = {}
    notices: list[str] = []
    used = _used(sources)
    if "yahoo" in used:
        client = HttpClient("yahoo", sources.user_agent, policy, sleep, budget=budget)
        out["yahoo"] = Yahoo(sources.base_url("yahoo"), client)
    if "tiingo" in used:
        key_env = sources.providers["tiingo"].key_env or "TIINGO_API_KEY"
        if env.get(key_env):
            client = HttpClient("tiingo", sources.user_agent, policy, sleep, budget=budget)
            out["tiingo"] = Tiingo(sources.base_url("tiingo"), env[key_env], client)
        else:
            notices.append(f"tiingo: skipped, {key_env} is not set")
    return out, notices


def edgar_client(
    sources: Sources, sleep: Sleep = time.sleep, budget: Budget | None = None
) -> tuple[Edgar | None, str | None]:
    """The EDGAR client, or a notice when no contact is configured (the SEC requires one)."""
    prov = sources.providers.get("edgar")
    if prov is None:
        return None, None
    agent = (prov.user_agent or "").strip()
    if not agent:
        return None, (
            f"edgar: skipped, no User-Agent contact (set {prov.user_agent_env} or providers.edgar.user_agent)"
        )
    if "@" not in agent or not re.fullmatch(r"[\x20-\x7e]{3,200}", agent):
        raise DataError(
            "sources.yaml",
            "providers.edgar.user_agent",
            "must name a contact with an e-mail address (SEC fair-access rule)",
        )
    limiter = RateLimiter(prov.max_per_second or 10, sleep=sleep)
    client = HttpClient("edgar", agent, sources.http.policy(), sleep, limiter, budget)
    return Edgar(sources.base_url("edgar"), sources.edgar, client), None


__all__ = ["edgar_client", "price_providers"]
