"""Curate the compiled fact files into the project's one fact format.

The compiled files come in several shapes (plain fact lists, price tables, model lists, a
timeline, configs). Each shape gets one small adapter; every output fact then has id, value,
unit, date, source and confidence, and is checked by the same schema the build uses. Facts that
cannot meet it (no URL, no value) are left out and listed, never patched up by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import DataError
from .facts import Fact
from .paths import FACTS_DIR
from .yamlio import load_yaml

Record = dict[str, Any]


def _plain(f: Mapping[str, Any]) -> Record:
    rec = dict(f)
    if "as_of" in rec:
        rec["date"] = rec.pop("as_of")
    if "period" in rec:
        rec["label"] = rec.pop("period")
    if "claimant" in rec:
        rec["label"] = rec.pop("claimant")
    return rec


def _price(p: Mapping[str, Any]) -> Record:
    return {
        "id": p["id"],
        "label": p["model"],
        "value": {k: p.get(k) for k in ("input_cache_hit", "input_cache_miss", "output")},
        "unit": p["unit"],
        "date": p["as_of"],
        "source": p["source"],
        "confidence": p["confidence"],
        "note": p.get("note"),
    }


def _model(m: Mapping[str, Any]) -> Record:
    return {
        "id": m["id"],
        "label": m["name"],
        "value": {
            "developer": m.get("developer"),
            "type": m.get("type"),
            "total_params_b": m.get("total_params_B"),
            "active_params_b": m.get("active_params_B"),
        },
        "unit": "billion parameters",
        "date": m["release_date"],
        "source": m["source"],
        "confidence": m["confidence"],
        "note": m.get("note"),
    }


def _technique(t: Mapping[str, Any]) -> Record:
    return {
        "id": t["id"],
        "label": t["technique"],
        "value": {"reference": t["reference"], "cited_by_deepseek": t["cited_by_deepseek"]},
        "unit": "publication",
        "date": t["date"],
        "source": {"title": t["reference"], "publisher": "bibliographic record", "url": t["url"]},
        "confidence": t["confidence"],
        "note": t.get("note"),
    }


def _config(c: Mapping[str, Any]) -> Record:
    return {
        "id": c["id"].lower(),
        "label": c["model"],
        "value": c["fields"],
        "unit": "model config fields",
        "date": c["as_of"],
        "source": c["source"],
        "confidence": c["confidence"],
        "note": c.get("note"),
    }


_GPU_META = {"id", "name", "announced", "source", "confidence", "note"}


def _gpu(g: Mapping[str, Any]) -> Record:
    return {
        "id": g["id"],
        "label": g["name"],
        "value": {k: v for k, v in g.items() if k not in _GPU_META},
        "unit": "GPU specification (TFLOPS dense, GB/s, W)",
        "date": g["announced"],
        "source": g["source"],
        "confidence": g["confidence"],
        "note": g.get("note"),
    }


def _export_control(e: Mapping[str, Any]) -> Record:
    return {
        "id": e["id"],
        "value": e["what"],
        "unit": "text (export-control event)",
        "date": e["date"],
        "source": e["source"],
        "confidence": e["confidence"],
        "note": e.get("note"),
    }


# Each shape of compiled file: the list it keeps its records under, and how one record is read.
ADAPTERS: tuple[tuple[str, Callable[[Mapping[str, Any]], Record]], ...] = (
    ("facts", _plain), ("prices", _price), ("models", _model), ("techniques", _technique),
    ("configs", _config), ("gpus", _gpu), ("export_controls", _export_control),
)


def _adapted(doc: Mapping[str, Any], name: str) -> Iterator[Record | str]:
    """Every record in the project's shape; a record the adapter cannot read becomes its reason."""
    for section, adapt in ADAPTERS:
        items = doc.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            yield f"{name}: '{section}' must be a list"
            continue
        for i, item in enumerate(items, 1):
            if not isinstance(item, Mapping):
                yield f"{name}: {section} entry {i}: not a mapping"
                continue
            try:
                yield adapt(item)
            except (KeyError, TypeError, AttributeError) as err:
                yield f"{name}: {item.get('id', f'{section} entry {i}')}: missing or unreadable {err}"


def _clean(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def curate_file(path: Path) -> tuple[list[Record], list[str]]:
    """Facts from one compiled file, in the project format, and the reasons for what was left out."""
    doc = load_yaml(path, dates_as_text=True) or {}
    if not isinstance(doc, Mapping):
        raise DataError(path.name, "file", "top level must be a mapping of record lists",
                        hint="see the shapes the adapters in facts_import.py read")
    kept: list[Record] = []
    dropped: list[str] = []
    for rec in _adapted(doc, path.name):
        if isinstance(rec, str):
            dropped.append(rec)
            continue
        rec = {k: _clean(v) for k, v in rec.items() if v is not None}
        try:
            fact = Fact.model_validate(rec)
        except ValidationError as err:
            e = err.errors()[0]
            dropped.append(f"{path.name}: {rec.get('id')}: {'.'.join(map(str, e['loc']))} {e['msg']}")
            continue
        kept.append(fact.model_dump(mode="json", exclude_none=True))
    return kept, dropped


def curate(src: Path, dest: Path = FACTS_DIR) -> list[str]:
    """Write one curated YAML per compiled file; return what was left out and why."""
    dest.mkdir(parents=True, exist_ok=True)
    dropped_all: list[str] = []
    for path in sorted(src.glob("*.yaml")):
        kept, dropped = curate_file(path)
        dropped_all += dropped
        if not kept:
            continue
        header = (
            f"# Curated from the compiled fact file {path.name} by `python -m build_scripts facts "
            "import`.\n# Every fact: id, value, unit, date, source (title, publisher, url, locator), "
            "confidence.\n"
        )
        body = yaml.safe_dump({"facts": kept}, sort_keys=False, allow_unicode=True, width=100)
        (dest / path.name).write_text(header + body, encoding="utf-8")
    return dropped_all
