"""Section 5: every claim of the commentary with a verdict recomputed from this build's values.

Each rule reads only values the other sections registered (and the market analysis they share),
so a verdict moves when a data refresh or an earlier edition changes the evidence. A rule whose
evidence is not in this edition returns "not yet testable" instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..paths import DATA
from ..tables import Column, Table
from ..values import Values
from . import Inputs, Products, both
from .market_results import market

CLAIMS_FILE = DATA / "claims.yaml"
VERDICTS = {
    "supported": both("Supported", "支持される"),
    "partly": both("Partly supported", "一部支持"),
    "not_supported": both("Not supported", "支持されない"),
    "unverified": both("Unverified", "未確認"),
    "not_yet": both("Not yet testable", "まだ検証できません"),
}
PAGE = {"headline": "headline.md", "efficiency": "efficiency.md", "overreaction": "overreaction.md",
        "investor": "investor.md"}


@dataclass(frozen=True)
class Verdict:
    kind: str
    en: str  # evidence, with {value_name} placeholders for printed figures
    ja: str


Rule = Callable[[Values, Inputs], Verdict]


def _has(values: Values, *names: str) -> bool:
    return all(n in values.items for n in names)


def _v(values: Values, name: str) -> float:
    return float(values.items[name].value)


def headline_figure(values: Values, inp: Inputs) -> Verdict:
    return Verdict(
        "supported",
        "The {v3_cost_total_usd} is DeepSeek's own figure for one training run of the base model V3 at an "
        "assumed rental price; it leaves out research, staff, data and the cluster, and R1 came on top.",
        "{v3_cost_total_usd}はDeepSeek自身が示した基盤モデルV3の学習一回分の費用（想定レンタル価格）で、"
        "研究、人件費、データ、クラスタは含まず、R1の費用も別である。",
    )


def known_techniques(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "prior_art_by_others_count", "prior_art_papers_count", "prior_art_median_lead_years"):
        return Verdict("unverified", "No prior-art timeline in this edition.", "この版には先行研究の年表がない。")
    return Verdict(
        "supported",
        "{prior_art_by_others_count} of the {prior_art_papers_count} papers behind DeepSeek's techniques come "
        "from other groups; the ideas were published a median {prior_art_median_lead_years} years before "
        "DeepSeek used them.",
        "DeepSeekの技術の元になった論文{prior_art_papers_count}本のうち{prior_art_by_others_count}本は他の研究機関の"
        "もので、DeepSeekが使う中央値{prior_art_median_lead_years}年前に発表されていた。",
    )


def industry_known(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "moe_models_before_v3", "moe_models_count"):
        return Verdict("unverified", "No model table in this edition.", "この版にはモデルの表がない。")
    return Verdict(
        "partly",
        "Mixture of experts and FP8 were in wide use ({moe_models_before_v3} of {moe_models_count} MoE models "
        "in our facts predate V3), but multi-head latent attention was DeepSeek's own idea, published with V2.",
        "MoEとFP8は広く使われていた（ファクトにあるMoEモデル{moe_models_count}件のうち{moe_models_before_v3}件は"
        "V3より前）が、マルチヘッド潜在アテンションはDeepSeek自身がV2で発表した技術である。",
    )


def techniques_named(values: Values, inp: Inputs) -> Verdict:
    return Verdict(
        "supported",
        "DeepSeek's V3 report describes all three: mixture of experts ({v3_active_share_pct} of parameters "
        "active per token), multi-head latent attention and FP8 training.",
        "DeepSeekのV3報告書は三つすべてを説明している：MoE（トークンごとに働くパラメータは"
        "{v3_active_share_pct}）、マルチヘッド潜在アテンション、FP8学習。",
    )


def overreaction(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "nvda_recovery_days", "nvda_recovery_date"):
        return Verdict("not_yet", "Nvidia has not closed above its pre-sell-off close in this edition.",
                       "この版ではエヌビディアはまだ急落前の終値を上回っていない。")
    kind = "supported" if _has(values, "nvda_12m_return_pct") and _v(values, "nvda_12m_return_pct") > 0 else "partly"
    return Verdict(
        kind,
        "Nvidia closed back above its pre-sell-off close after {nvda_recovery_days} trading days "
        "({nvda_recovery_date}); data-centre revenue kept rising.",
        "エヌビディアは{nvda_recovery_days}営業日後（{nvda_recovery_date}）に急落前の終値を回復し、"
        "データセンター売上も伸び続けた。",
    )


def r1_cost(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "r1_rl_cost_usd"):
        return Verdict("not_yet", "R1's training cost had not been disclosed by this edition's date.",
                       "この版の時点ではR1の学習費用は公表されていない。")
    return Verdict(
        "not_supported",
        "Disclosed later: about {r1_rl_cost_usd} for R1's reinforcement learning (secondary source), small "
        "next to the {v3_cost_total_usd} base-model run.",
        "後に公表された：R1の強化学習は約{r1_rl_cost_usd}（二次情報）で、基盤モデルの{v3_cost_total_usd}より"
        "はるかに小さい。",
    )


def cost_curves(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "epoch_gpu_price_perf_doubling_ml_years", "epoch_gpu_price_perf_doubling_all_years"):
        return Verdict("unverified", "No cost-curve data in this edition.", "この版にはコスト曲線のデータがない。")
    return Verdict(
        "partly",
        "The pace holds roughly: GPU price-performance doubles every {epoch_gpu_price_perf_doubling_ml_years} "
        "years for machine-learning GPUs ({epoch_gpu_price_perf_doubling_all_years} for all GPUs). That "
        "cheaper AI is good news is a judgement; the demand evidence is under the Jevons claim.",
        "ペースはおおむね当てはまる：GPUの価格性能は機械学習向けで{epoch_gpu_price_perf_doubling_ml_years}年"
        "（全GPUでは{epoch_gpu_price_perf_doubling_all_years}年）ごとに倍増している。AIが安くなるのが良い知らせか"
        "どうかは判断であり、需要の根拠はジェボンズの主張の項にある。",
    )


def demand(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "dc_after_up_quarters", "dc_after_quarters", "capex_2025_beat"):
        return Verdict("not_yet", "Too few quarters after the sell-off in this edition.",
                       "この版では急落後の四半期がまだ少ない。")
    up, n = _v(values, "dc_after_up_quarters"), _v(values, "dc_after_quarters")
    kind = "supported" if n > 0 and up == n else "partly"
    return Verdict(
        kind,
        "Nvidia's data-centre revenue rose in {dc_after_up_quarters} of the {dc_after_quarters} quarters "
        "after the sell-off, and {capex_2025_beat} hyperscalers spent more than planned in 2025.",
        "急落後の{dc_after_quarters}四半期のうち{dc_after_up_quarters}四半期でエヌビディアのデータセンター売上が"
        "増え、2025年には{capex_2025_beat}社のハイパースケーラーが計画以上に投資した。",
    )


def fifty_thousand(values: Values, inp: Inputs) -> Verdict:
    return Verdict(
        "unverified",
        "An unsourced claim. The most-cited estimate counts about {semianalysis_hopper_fleet} Hopper-class "
        "GPUs of several kinds (H800, H100 and H20), not that many H100s; Nvidia called DeepSeek's compute "
        "export-control compliant.",
        "出典のない主張。よく引用される推計は、H100だけでなくH800やH20を含むHopper世代のGPUが約"
        "{semianalysis_hopper_fleet}基というもの。エヌビディアは輸出規制に準拠していると述べた。",
    ) if _has(values, "semianalysis_hopper_fleet") else Verdict(
        "unverified", "No estimate in this edition.", "この版には推計がない。")


def dally(values: Values, inp: Inputs) -> Verdict:
    return Verdict(
        "supported",
        "Dally's own breakdown multiplies to about a thousandfold; most of it came from number formats and "
        "instructions, little from chip process.",
        "ダリー氏自身の内訳を掛け合わせると約千倍になり、その大半は数値形式と命令によるもので、"
        "製造プロセスの寄与は小さい。",
    )


def top3(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "dip_event_top3_count", "dip_rules_tested"):
        return Verdict("not_yet", "The twelve-month forward return is not known yet in this edition.",
                       "この版では12か月後のリターンがまだわからない。")
    hits = _v(values, "dip_event_top3_count")
    return Verdict(
        "supported" if hits > 0 else "not_supported",
        "The wording is not found in primary sources. Tested anyway: the day ranks in the decade's top three "
        "dip entries under {dip_event_top3_count} of {dip_rules_tested} definitions.",
        "この表現は一次資料で確認できない。それでも検証すると、この日が過去10年の押し目の上位三位に入るのは"
        "{dip_rules_tested}通りの定義のうち{dip_event_top3_count}通り。",
    )


def golden(values: Values, inp: Inputs) -> Verdict:
    if not _has(values, "nvda_12m_return_pct", "spy_12m_return_pct"):
        return Verdict("not_yet", "The twelve-month mark comes after this edition's date.",
                       "12か月後の時点はこの版の日付より後である。")
    nv, sp = _v(values, "nvda_12m_return_pct"), _v(values, "spy_12m_return_pct")
    return Verdict(
        "supported" if nv > sp and nv > 0 else "not_supported",
        "Bought at the sell-off close and held twelve months: Nvidia {nvda_12m_return_pct}, "
        "S&P 500 {spy_12m_return_pct}.",
        "急落日の終値で買い12か月保有：エヌビディア{nvda_12m_return_pct}、S&P500 {spy_12m_return_pct}。",
    )


def _peer_rows(values: Values, inp: Inputs, tickers: tuple[str, ...]) -> pd.DataFrame:
    rec = market(inp).recovery
    return rec[rec["ticker"].isin(tickers)].set_index("ticker")


def peers_recover(values: Values, inp: Inputs) -> Verdict:
    rows = _peer_rows(values, inp, ("ANET", "MRVL"))
    if len(rows) < 2:
        return Verdict("unverified", "No prices for these stocks in this edition.", "この版には価格がない。")
    for t in rows.index:
        day, back = rows.loc[t, "day1_pct"], rows.loc[t, "trading_days"]
        values.metric(f"sc_{t.lower()}_day0_pct", day, "pct", decimals=1, inputs=(f"snapshot:{t}",),
                      formula="close-to-close return on the sell-off day")
        if pd.notna(back):
            values.metric(f"sc_{t.lower()}_recovery_days", int(back), "int", inputs=(f"snapshot:{t}",),
                          formula="trading days until a close above the pre-sell-off close")
    if not rows["recovered"].all():
        return Verdict("partly", "Both fell hard ({sc_anet_day0_pct}, {sc_mrvl_day0_pct}); not both have recovered.",
                       "両社とも大きく下げた（{sc_anet_day0_pct}、{sc_mrvl_day0_pct}）が、まだ両方は回復していない。")
    return Verdict(
        "supported",
        "Arista fell {sc_anet_day0_pct} and Marvell {sc_mrvl_day0_pct}; they closed back above their "
        "pre-sell-off closes after {sc_anet_recovery_days} and {sc_mrvl_recovery_days} trading days.",
        "アリスタは{sc_anet_day0_pct}、マーベルは{sc_mrvl_day0_pct}下落し、それぞれ{sc_anet_recovery_days}営業日、"
        "{sc_mrvl_recovery_days}営業日後に急落前の終値を回復した。",
    )


def software_rose(values: Values, inp: Inputs) -> Verdict:
    rows = _peer_rows(values, inp, ("META", "CRM"))
    if len(rows) < 2:
        return Verdict("unverified", "No prices for these stocks in this edition.", "この版には価格がない。")
    for t in rows.index:
        values.metric(f"sc_{t.lower()}_day0_pct", rows.loc[t, "day1_pct"], "pct_signed", decimals=1,
                      inputs=(f"snapshot:{t}",), formula="close-to-close return on the sell-off day")
    rose = (rows["day1_pct"] > 0).all()
    return Verdict(
        "supported" if rose else "not_supported",
        "On the day Meta moved {sc_meta_day0_pct} and Salesforce {sc_crm_day0_pct}.",
        "当日の騰落率はメタが{sc_meta_day0_pct}、セールスフォースが{sc_crm_day0_pct}。",
    )


RULES: dict[str, Rule] = {f.__name__: f for f in (
    headline_figure, known_techniques, industry_known, techniques_named, overreaction, r1_cost, cost_curves, demand,
    fifty_thousand, dally, top3, golden, peers_recover, software_rose)}
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def load_claims(path: Path = CLAIMS_FILE) -> list[dict]:
    claims = yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]
    unknown = sorted({c["check"] for c in claims} - set(RULES))
    if unknown:
        raise ValueError(f"{path.name}: unknown check rule(s) {unknown}")
    return claims


def fill(template: str, values: Values, lang: str, as_html: bool) -> str:
    """Evidence with each {name} replaced by the value as the page prints it."""
    def one(m: re.Match[str]) -> str:
        val = values.items[m.group(1)]
        return val.html(lang) if as_html else val.text(lang)

    return PLACEHOLDER.sub(one, template)


def build(inp: Inputs, values: Values) -> Products:
    rows = []
    for claim in load_claims():
        verdict = RULES[claim["check"]](values, inp)
        rows.append({
            "claim_id": claim["id"], "section": claim["section"], "claim_en": claim["en"],
            "claim_ja": claim["ja"], "verdict": verdict.kind,
            **{f"evidence_{lang}": fill(getattr(verdict, lang), values, lang, False) for lang in ("en", "ja")},
            **{f"evidence_html_{lang}": fill(getattr(verdict, lang), values, lang, True) for lang in ("en", "ja")},
        })
    df = pd.DataFrame(rows)
    for kind in VERDICTS:
        values.metric(f"claims_{kind}", int((df["verdict"] == kind).sum()), "int",
                      formula=f"claims with the verdict '{kind}'")
    values.metric("claims_total", len(df), "int", formula="claims checked")

    def claim_cell(v: str, lang: str) -> str:
        row = df.set_index("claim_id").loc[v]
        return f"**{v}** {row[f'claim_{lang}']} [→]({PAGE[row['section']]})"

    table = Table(
        id="claims-scorecard",
        data=df.drop(columns=["evidence_html_en", "evidence_html_ja"]),
        columns=(
            Column("claim_id", both("Claim", "主張"), claim_cell),
            Column("verdict", both("Verdict", "判定"),
                   lambda v, lang: f'<span class="verdict verdict--{v}">{VERDICTS[v][lang]}</span>'),
            Column("claim_id", both("Evidence", "根拠"),
                   lambda v, lang: df.set_index("claim_id").loc[v, f"evidence_html_{lang}"]),
        ),
        caption=both("Every claim of the commentary, checked", "解説記事のすべての主張の検証結果"),
        wrap=True,
    )
    return Products(tables=[table])
