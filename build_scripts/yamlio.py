"""The one way the project reads YAML: safe, bounded, and with errors that name the file and line.

Data files arrive from contributors and providers. YAML aliases let a few lines expand into
gigabytes (an "alias bomb"), and PyYAML's own errors are tracebacks that name no rule. So data
files may not use anchors or aliases at all, duplicate keys are refused (the second would silently
win), an impossible date such as 2024-13-45 is reported with its line instead of crashing, and text
holds no control characters (a NUL or a lone surrogate written as an escape, "\0" or "\ud800"),
which no page, CSV or terminal can show.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import DataError

MAX_BYTES = 5_000_000  # far above any data file here; refuses a runaway file before parsing


def _unprintable(ch: str) -> bool:
    """A control character other than tab and line breaks, a lone surrogate or a non-character."""
    cp = ord(ch)
    return ((unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r")
            or 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE)


class _Loader(yaml.SafeLoader):
    """SafeLoader without anchors/aliases and without duplicate keys."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark.line + 1, "aliases (*name) are not allowed in data files",
                           "write the value out in full")
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(event.start_mark.line + 1, f"anchors (&{anchor}) are not allowed in data files",
                           "write the value out in full")
        return super().compose_node(parent, index)

    def construct_scalar(self, node: ScalarNode | MappingNode) -> Any:
        value = super().construct_scalar(node)
        if isinstance(value, str) and not value.isprintable():
            bad = next((ch for ch in value if _unprintable(ch)), None)
            if bad is not None:
                raise _Refused(node.start_mark.line + 1, f"control character {bad!r} in text",
                               "data files hold printable text; remove it")
        return value

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise _Refused(key_node.start_mark.line + 1, f"duplicate key '{key}'",
                                   "keep one of the two entries")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as err:
            raise _Refused(node.start_mark.line + 1, f"'{node.value}' is not a real date ({err})",
                           "write a real date as YYYY-MM-DD") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _DateTextLoader(_Loader):
    """Like `_Loader`, but an impossible date stays text, for a schema that names the item it sits in."""

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(self, node)
        except ValueError:
            return str(node.value)


_DateTextLoader.add_constructor("tag:yaml.org,2002:timestamp", _DateTextLoader.construct_yaml_timestamp)


class _Refused(Exception):
    def __init__(self, line: int, rule: str, hint: str) -> None:
        super().__init__(rule)
        self.line, self.rule, self.hint = line, rule, hint


def parse_yaml(text: str, file: str, dates_as_text: bool = False) -> Any:
    """Parse YAML text; any problem becomes a `DataError` naming `file` and the line.

    With `dates_as_text`, an impossible date (2024-13-45) is returned as the text it was, so that
    the schema reading the document can refuse it naming the item (a fact) rather than a line.
    """
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise DataError(file, "file", f"larger than {MAX_BYTES:,} bytes; data files are small",
                        hint="split the file or check that it is the right one")
    try:
        return yaml.load(text, Loader=_DateTextLoader if dates_as_text else _Loader)  # both are SafeLoaders
    except _Refused as err:
        raise DataError(file, f"line {err.line}", err.rule, hint=err.hint) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}" if mark else "file"
        raise DataError(file, where, f"not valid YAML: {err.problem or err.context}",
                        hint="check the indentation and quoting near that line") from None
    except yaml.YAMLError as err:
        raise DataError(file, "file", f"not valid YAML ({err.__class__.__name__})") from None


def load_yaml(path: Path, file: str | None = None, dates_as_text: bool = False) -> Any:
    """Read and parse a YAML file; `file` is how messages name it (default: its name)."""
    name = file or path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DataError(name, "file", f"larger than {MAX_BYTES:,} bytes; data files are small",
                            hint="split the file or check that it is the right one")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(name, "file", "does not exist") from None
    except IsADirectoryError:
        raise DataError(name, "file", "is a folder, not a file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(name, f"byte {err.start}", "not valid UTF-8 text") from None
    return parse_yaml(text, name, dates_as_text)


T = TypeVar("T")
# What a reference loader read, per loader and file, with the file's (modification time, size).
_READ: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}


def reuse_while_unchanged(path: Path, loader: str, load: Callable[[], T]) -> T:
    """`load()`, read again only when `path` changes (its modification time or size).

    Pages look reference names up per row (a family per paper, a claim's words per fact), and
    parsing the file for each look-up was most of a no-op rebuild's section time. A live preview
    still sees an edit, which changes the file's stamp. Callers treat the result as read-only."""
    try:
        st = path.stat()
    except OSError:
        return load()  # the loader reports a missing file in its own words
    stamp, key = (st.st_mtime_ns, st.st_size), (loader, str(path.resolve()))
    seen = _READ.get(key)
    if seen is not None and seen[0] == stamp:
        return seen[1]
    out = load()
    _READ[key] = (stamp, out)
    return out


def unquoted_date(value: Any) -> dt.date:
    """A date written unquoted in YAML, for a schema field; a quoted or impossible one is a ValueError.

    A real YYYY-MM-DD can only arrive as text if it was quoted: YAML reads an unquoted one as a date.
    """
    if isinstance(value, str) and iso_date(value) is not None:
        raise ValueError(f"'{value}' is quoted text, not a date (write it unquoted, as YYYY-MM-DD)")
    day = None if isinstance(value, str) else iso_date(value)
    if day is None:
        raise ValueError(f"'{value}' is not a date (write it unquoted, as YYYY-MM-DD)")
    return day


def iso_date(value: Any) -> dt.date | None:
    """A YAML date value as a `date`, or None if it is not a real YYYY-MM-DD date.

    Quoted dates ("2025-01-31") arrive as strings; they are accepted only in strict ISO form.
    """
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None
