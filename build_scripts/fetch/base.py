"""What every provider shares: one HTTP client with timeouts, retries, a time budget and honest errors.

Providers differ in URLs and payloads, not in how a request may fail. Keeping the failure
handling here means each provider module only parses, and every error names the provider, the
series and the HTTP status or the parse problem in the same words.

Work is bounded. A provider that cannot be reached (connection refused, no DNS answer, network
unreachable, connect timeout) is not asked again in the same run, so a refresh with every provider
down fails in seconds instead of retrying each series. 429 and 5xx answers are retried with
backoff, as a busy server deserves, and one `Budget` caps the time the whole refresh may spend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import pandas as pd

Sleep = Callable[[float], None]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A provider could not deliver usable data for one series (network, HTTP or parse)."""

    def __init__(self, provider: str, series: str, detail: str, status: int | None = None) -> None:
        self.provider, self.series, self.detail, self.status = provider, series, detail, status
        super().__init__(f"{provider} {series}: {detail}")


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for a reply and how often to ask again; tests shrink every number."""

    timeout_seconds: float = 20.0
    attempts: int = 4
    backoff_seconds: float = 1.0
    max_wait_seconds: float = 60.0
    connect_timeout_seconds: float = 5.0


class Budget:
    """The time one refresh may spend on the network, shared by every client of the run."""

    def __init__(self, seconds: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = math.inf if seconds is None else clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - self._clock())

    def spent(self) -> bool:
        return self.remaining() <= 0

    def describe(self) -> str:
        return f"the time budget of {self.seconds:g} s" if self.seconds is not None else "no time budget"


@contextlib.contextmanager
def parse_guard(provider: str, series: str) -> Iterator[None]:
    """A payload of an unexpected shape is a parse failure of that series, never a traceback."""
    try:
        yield
    except FetchError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as err:
        detail = str(err)[:120]
        raise FetchError(provider, series, f"parse failure: unexpected payload ({err.__class__.__name__}: "
                         f"{detail})") from None


@dataclass(frozen=True)
class Fetched:
    """One provider's answer for one series, already in the snapshot's long format."""

    provider: str
    ticker: str
    url: str  # the request without secrets, for the manifest
    prices: pd.DataFrame
    splits: Mapping[str, float] = field(default_factory=dict)  # date -> shares multiplier


class PriceProvider(Protocol):
    name: str
    client: HttpClient  # the refresh closes it when done

    def fetch(self, ticker: str, start: dt.date, symbol: str | None = None) -> Fetched: ...


class RateLimiter:
    """Spaces requests at least 1/per_second apart (SEC EDGAR allows 10 per second)."""

    def __init__(
        self,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self._clock, self._sleep = clock, sleep
        self._next = float("-inf")

    def wait(self) -> None:
        now = self._clock()
        if now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta seconds or an HTTP date), if readable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def looks_like_html(response: httpx.Response) -> bool:
    """Blocked or moved APIs answer with a web page and status 200 (Stooq does exactly that)."""
    ctype = response.headers.get("content-type", "").lower()
    head = response.content[:512].lstrip().lower()
    return "html" in ctype or head.startswith((b"<!doctype", b"<html", b"<head", b"<body"))


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return f": {text[:160]}" if text and not looks_like_html(response) else ""


class HttpClient:
    """GET with an identifying User-Agent, explicit timeouts, exponential backoff and a budget.

    Retries 429 and 5xx (honouring Retry-After up to `max_wait_seconds`), read timeouts and
    dropped connections; any other 4xx fails at once, since asking again would not change the
    answer. A failure to connect marks the provider unreachable for the rest of the run.
    """

    def __init__(
        self,
        provider: str,
        user_agent: str,
        policy: RetryPolicy,
        sleep: Sleep = time.sleep,
        limiter: RateLimiter | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.provider, self.policy = provider, policy
        self._sleep, self._limiter = sleep, limiter
        self.budget = budget or Budget(None)
        self.unreachable: str | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(policy.timeout_seconds, connect=policy.connect_timeout_seconds),
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._client.close()

    def _timeout(self) -> httpx.Timeout:
        left = self.budget.remaining()
        return httpx.Timeout(min(self.policy.timeout_seconds, left),
                             connect=min(self.policy.connect_timeout_seconds, left))

    def _out_of_time(self, series: str, last: str, status: int | None, waiting: bool = False) -> FetchError:
        before = f" after {last}" if last else ""
        budget = self.budget.describe()
        why = f"the next retry would pass {budget}" if waiting else f"{budget} is used up"
        return FetchError(self.provider, series, f"stopped{before}: {why} (raise it with --time-budget)", status)

    def get(
        self,
        url: str,
        series: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        if self.unreachable:
            raise FetchError(self.provider, series, f"not asked: {self.provider} was unreachable earlier in this "
                             f"run ({self.unreachable})")
        last = ""
        status: int | None = None
        for attempt in range(self.policy.attempts):
            if self.budget.spent():
                raise self._out_of_time(series, last, status)
            if self._limiter:
                self._limiter.wait()
            response, last, status, asked = self._attempt(url, series, params, headers)
            if response is not None:
                return response
            if attempt + 1 < self.policy.attempts:
                wait = self._wait_seconds(attempt, asked)
                if wait >= self.budget.remaining():
                    raise self._out_of_time(series, last, status, waiting=True)
                self._sleep(wait)
        raise FetchError(self.provider, series, f"{last} (gave up after {self.policy.attempts} attempts)", status)

    def _attempt(
        self,
        url: str,
        series: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> tuple[httpx.Response | None, str, int | None, float | None]:
        """One request: the response if it succeeded, else (None, what went wrong, status, asked wait).

        A refused connection or a status that retrying cannot fix raises at once.
        """
        try:
            response = self._client.get(url, params=params, headers=headers, timeout=self._timeout())
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as err:
            kind = "connect timed out" if isinstance(err, httpx.ConnectTimeout) else "cannot connect"
            self.unreachable = f"{kind}: {err.__class__.__name__}: {str(err)[:100]}"
            raise FetchError(self.provider, series, f"unreachable ({self.unreachable}); not retried",
                             None) from None
        except httpx.TimeoutException:
            return None, f"timed out after {self.policy.timeout_seconds:g} s", None, None
        except httpx.TransportError as err:
            return None, f"network error ({err.__class__.__name__}: {str(err)[:100]})", None, None
        if response.status_code < 300:
            return response, "", None, None
        status = response.status_code
        last = f"HTTP {status}{_snippet(response)}"
        if status not in RETRY_STATUSES:
            raise FetchError(self.provider, series, last, status)
        return None, last, status, retry_after_seconds(response.headers.get("retry-after"))

    def _wait_seconds(self, attempt: int, asked: float | None) -> float:
        backoff = self.policy.backoff_seconds * 2**attempt
        return min(asked if asked is not None else backoff, self.policy.max_wait_seconds)

    def get_json(
        self,
        url: str,
        series: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The decoded JSON body; an HTML page, an empty or a truncated body is a FetchError."""
        response = self.get(url, series, params, headers)
        if looks_like_html(response):
            raise FetchError(
                self.provider,
                series,
                f"HTML page instead of JSON (HTTP {response.status_code}); "
                "the API may be blocked, moved or asking for a login",
                response.status_code,
            )
        if not response.content.strip():
            raise FetchError(
                self.provider,
                series,
                f"empty body (HTTP {response.status_code})",
                response.status_code,
            )
        try:
            return json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise FetchError(
                self.provider,
                series,
                f"parse failure: truncated or invalid JSON ({err})",
                response.status_code,
            ) from None
