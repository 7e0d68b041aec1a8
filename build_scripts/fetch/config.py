"""The refresh's configuration: data/sources.yaml, with environment overrides for every URL.

Base URLs are overridable so the same code can be pointed at a local mimic server in tests and
by hand; the EDGAR User-Agent is overridable because it must name a real contact. Overrides are
checked by the same rules as the file, so an environment variable cannot smuggle in what the
file may not say.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DataError
from ..market.tickers import SYMBOL
from ..yamlio import load_yaml
from .base import RetryPolicy

ProviderName = Literal["yahoo", "tiingo"]
BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?(/[A-Za-z0-9._~\-/]*)?$")
HEADER_TEXT = r"^[\x20-\x7e]+$"  # printable ASCII: a header value cannot carry a line break
HINT = "see the comments in data/sources.yaml and build_scripts/fetch/README.md"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpSettings(_Strict):
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    connect_timeout_seconds: float = Field(5.0, gt=0, le=60)
    attempts: int = Field(4, ge=1, le=10)
    backoff_seconds: float = Field(1.0, ge=0, le=60)
    max_wait_seconds: float = Field(60.0, ge=0, le=600)
    budget_seconds: float = Field(180.0, gt=0, le=3600)

    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.timeout_seconds, self.attempts, self.backoff_seconds, self.max_wait_seconds,
                           self.connect_timeout_seconds)


def _base_url(v: str) -> str:
    if not BASE_URL.match(v):
        raise ValueError(f"{v[:80]!r} is not an http(s) base URL (scheme, host, optional port and path)")
    return v


class ProviderSettings(_Strict):
    base_url: str
    base_url_env: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    key_env: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_]*$")
    user_agent: str | None = Field(None, max_length=200, pattern=HEADER_TEXT)
    user_agent_env: str | None = Field(None, pattern=r"^[A-Z][A-Z0-9_]*$")
    max_per_second: float | None = Field(None, gt=0)
    terms: str = Field(min_length=1, max_length=500)

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _base_url(v)


class SeriesSettings(_Strict):
    ticker: str = Field(pattern=SYMBOL)
    providers: list[ProviderName] = Field(min_length=1)
    start: dt.date
    symbols: dict[str, str] = Field(default_factory=dict)  # provider -> its own symbol

    @field_validator("symbols")
    @classmethod
    def _symbols(cls, v: dict[str, str]) -> dict[str, str]:
        for prov, sym in v.items():
            if not re.match(SYMBOL, str(sym)):
                raise ValueError(f"symbol for {prov} must look like a ticker (A-Z, 0-9, . -)")
        return v

    def symbol(self, provider: str) -> str:
        return self.symbols.get(provider, self.ticker)


class KnownMove(_Strict):
    """A real one-day move above the jump limit, kept on purpose, with the reason."""

    ticker: str
    date: dt.date
    move_pct: float
    reason: str = Field(min_length=10)


class EdgarSettings(_Strict):
    cik: int = Field(gt=0, lt=10**10)
    ticker: str = Field(pattern=SYMBOL)
    company: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f<>]+$")
    shares_near: dt.date
    revenue_concepts: list[str] = Field(min_length=1)
    filing_index_url: str

    @field_validator("filing_index_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _base_url(v)

    @field_validator("revenue_concepts")
    @classmethod
    def _concepts(cls, v: list[str]) -> list[str]:
        if not all(re.match(r"^[A-Za-z][A-Za-z0-9]{0,150}$", c) for c in v):
            raise ValueError("XBRL concept names are letters and digits only")
        return v


class Sources(_Strict):
    user_agent: str = Field(max_length=200, pattern=HEADER_TEXT)
    http: HttpSettings = HttpSettings()
    jump_limit_pct: float = Field(35.0, gt=0)
    providers: dict[str, ProviderSettings]
    series: list[SeriesSettings]
    known_moves: list[KnownMove] = Field(default_factory=list)
    edgar: EdgarSettings

    def base_url(self, provider: str) -> str:
        return self.providers[provider].base_url.rstrip("/")


def _where(doc: Any, loc: tuple[Any, ...]) -> str:
    """A validation location in words: `series[3] (NVDA).start` rather than `series.3.start`."""
    parts: list[str] = []
    node = doc
    for p in loc:
        if isinstance(p, int):
            label = ""
            if isinstance(node, list) and 0 <= p < len(node) and isinstance(node[p], dict):
                tick = node[p].get("ticker")
                label = f" ({tick})" if isinstance(tick, str) else ""
            parts[-1:] = [f"{parts[-1] if parts else ''}[{p + 1}]{label}"]
        else:
            parts.append(str(p))
        node = node[p] if isinstance(node, dict | list) and _has(node, p) else None
    return ".".join(parts) or "file"


def _has(node: Any, key: Any) -> bool:
    return (isinstance(node, dict) and key in node) or (isinstance(node, list) and isinstance(key, int)
                                                        and 0 <= key < len(node))


def _validate(doc: Any, name: str) -> Sources:
    try:
        return Sources.model_validate(doc)
    except ValidationError as err:
        first = err.errors()[0]
        raise DataError(name, _where(doc, tuple(first["loc"])), first["msg"], hint=HINT) from None


def load_sources(path: Path, env: Mapping[str, str] | None = None) -> Sources:
    """Read and check sources.yaml, then apply (and check) the environment overrides it names."""
    env = os.environ if env is None else env
    name = path.name
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise DataError(name, "file", "top level must be a mapping", hint=HINT)
    sources = _validate(doc, name)
    for key, prov in sources.providers.items():
        if env.get(prov.base_url_env):
            prov.base_url = _override(env, prov.base_url_env, key, _base_url)
        if prov.user_agent_env and env.get(prov.user_agent_env):
            prov.user_agent = _override(env, prov.user_agent_env, key, _header_text)
    unknown = sorted({p for s in sources.series for p in s.providers} - set(sources.providers))
    if unknown:
        raise DataError(name, "series", f"provider '{unknown[0]}' has no entry under providers", hint=HINT)
    return sources


def _header_text(v: str) -> str:
    if not re.match(HEADER_TEXT, v) or len(v) > 200:
        raise ValueError("must be printable ASCII on one line, at most 200 characters")
    return v


def _override(env: Mapping[str, str], var: str, provider: str, check: Any) -> str:
    try:
        return str(check(env[var]))
    except ValueError as err:
        raise DataError(f"environment variable {var}", f"providers.{provider}", str(err),
                        hint="fix or unset the variable") from None
