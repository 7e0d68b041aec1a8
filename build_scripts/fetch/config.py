"""The refresh's configuration: data/sources.yaml, with environment overrides for every URL.

Base URLs are overridable so the same code can be pointed at a local mimic server in tests and
by hand; the EDGAR User-Agent is overridable because it must name a real contact.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import DataError
from .base import RetryPolicy

ProviderName = Literal["yahoo", "tiingo"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpSettings(_Strict):
    timeout_seconds: float = Field(20.0, gt=0)
    attempts: int = Field(4, ge=1)
    backoff_seconds: float = Field(1.0, ge=0)
    max_wait_seconds: float = Field(60.0, ge=0)

    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.timeout_seconds, self.attempts, self.backoff_seconds, self.max_wait_seconds)


class ProviderSettings(_Strict):
    base_url: str
    base_url_env: str
    key_env: str | None = None
    user_agent: str | None = None
    user_agent_env: str | None = None
    max_per_second: float | None = Field(None, gt=0)
    terms: str | None = None


class SeriesSettings(_Strict):
    ticker: str
    providers: list[ProviderName] = Field(min_length=1)
    start: dt.date
    symbols: dict[str, str] = Field(default_factory=dict)  # provider -> its own symbol

    def symbol(self, provider: str) -> str:
        return self.symbols.get(provider, self.ticker)


class KnownMove(_Strict):
    """A real one-day move above the jump limit, kept on purpose, with the reason."""

    ticker: str
    date: dt.date
    move_pct: float
    reason: str = Field(min_length=10)


class EdgarSettings(_Strict):
    cik: int
    ticker: str
    company: str
    shares_near: dt.date
    revenue_concepts: list[str] = Field(min_length=1)
    filing_index_url: str


class Sources(_Strict):
    user_agent: str
    http: HttpSettings = HttpSettings()
    jump_limit_pct: float = Field(35.0, gt=0)
    providers: dict[str, ProviderSettings]
    series: list[SeriesSettings]
    known_moves: list[KnownMove] = Field(default_factory=list)
    edgar: EdgarSettings

    def base_url(self, provider: str) -> str:
        return self.providers[provider].base_url.rstrip("/")


def load_sources(path: Path, env: Mapping[str, str] | None = None) -> Sources:
    """Read and check sources.yaml, then apply the environment overrides it names."""
    env = os.environ if env is None else env
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = Sources.model_validate(doc)
    except (OSError, yaml.YAMLError) as err:
        raise DataError(path.name, "file", f"unreadable ({err.__class__.__name__}: {err})") from None
    except ValidationError as err:
        first = err.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise DataError(path.name, loc or "file", first["msg"]) from None
    for prov in sources.providers.values():
        if env.get(prov.base_url_env):
            prov.base_url = env[prov.base_url_env]
        if prov.user_agent_env and env.get(prov.user_agent_env):
            prov.user_agent = env[prov.user_agent_env]
    unknown = sorted({p for s in sources.series for p in s.providers} - set(sources.providers))
    if unknown:
        raise DataError(path.name, "series", f"provider '{unknown[0]}' has no entry under providers")
    return sources
