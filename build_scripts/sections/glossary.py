"""The glossary page: every term of docs/glossary/<lang>.yaml with its definition, one table."""

from __future__ import annotations

import pandas as pd

from .. import glossary
from ..escape import Html, attr
from ..paths import LANGS
from ..tables import Column, Table
from ..values import Values
from . import Inputs, Products
from .common import Labels

WORDS = Labels("publishing.glossary")
COLUMNS = Labels("publishing.glossary.columns")


def frame() -> pd.DataFrame:
    glossary.check_parity()
    terms = {lang: glossary.load(lang) for lang in LANGS}
    return pd.DataFrame([{"id": en.id, **{f"term_{lang}": terms[lang][i].term for lang in LANGS},
                          **{f"definition_{lang}": terms[lang][i].definition for lang in LANGS}}
                         for i, en in enumerate(terms["en"])])


def build(_inp: Inputs, values: Values) -> Products:
    df = frame()
    rows = df.set_index("id")

    def term(v: str, lang: str) -> Html:
        # An anchor per term, so other pages and readers can link to one definition.
        return Html('<span id="term-{}">**{}**</span>').format(attr(v), rows.loc[v, f"term_{lang}"])

    def definition(v: str, lang: str) -> str:
        return str(rows.loc[v, f"definition_{lang}"])  # text: the table escapes it

    values.metric("glossary_terms", len(df), "int", formula="terms in docs/glossary/<lang>.yaml")
    return Products(tables=[Table(
        id="glossary-table", data=df,
        columns=(Column("id", COLUMNS["term"], term), Column("id", COLUMNS["definition"], definition)),
        caption=WORDS.fill("caption"), wrap=True)])
