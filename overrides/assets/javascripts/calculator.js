/* Buy-date calculator of the investor page. Loaded by that page only.

   The reader picks a day and a holding period; the answer comes from generated/data/calculator.json
   (closes up to the edition's date, written by build_scripts/sections/calculator.py) with the rules
   of the Python analysis, so that both give the same figures for the same day:
   - hold (analysis/backtest.py): buy at the entry close; sell at the first close on or after entry
     + N calendar months (a month-end day moves to the shorter month's end), or at the last date with
     closes for all four; a target after the edition's date is "not yet testable"; a first close
     more than 7 days after the target is a data gap.
   - worst close (analysis/recovery.py path_stats): the lowest close against the entry close, from
     entry to exit, never above zero.
   - rank (analysis/dips.py forward_returns, analysis/market_metrics.py _entry_percentile): the share
     of NVDA trading days since rank_start, among those whose N months are over, with a lower
     N-month return.
   Words come from the page (#calc-words); everything is written with textContent. */
(function () {
  "use strict";

  const root = document.getElementById("buy-date-calculator");
  const wordsEl = document.getElementById("calc-words");
  const link = document.getElementById("calc-data");
  if (!root || !wordsEl || !link) { return; }
  const W = JSON.parse(wordsEl.textContent);
  const DAY = 864e5;
  const MINUS = "\u2212";
  const HORIZONS = [["1m", 1], ["3m", 3], ["6m", 6], ["12m", 12], ["latest", 0]];
  const OK = "ok", NOT_YET = "not_yet", NO_DATA = "no_data";

  // --- words, dates and numbers, printed as build_scripts/fmt.py prints them ---------------------

  function say(key, vals) {
    return W[key].replace(/\{(\w+)\}/g, (m, k) => (vals && k in vals ? String(vals[k]) : m));
  }

  function fromIso(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY : null;
  }

  function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }

  function date(d) {
    const t = new Date(d * DAY), mo = t.getUTCMonth() + 1;
    return say("date", { day: t.getUTCDate(), month: mo, month_name: W["months." + mo], year: t.getUTCFullYear() });
  }

  // pandas' Timestamp + DateOffset(months=n): same day of the month, or the month's last day.
  function addMonths(d, n) {
    const t = new Date(d * DAY), y = t.getUTCFullYear(), m = t.getUTCMonth() + n;
    const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    return Date.UTC(y, m, Math.min(t.getUTCDate(), last)) / DAY;
  }

  // Python's f"{x:.{d}f}" for x >= 0: toFixed rounds an exact half up, Python to the even digit.
  function fixed(x, d) {
    const s = x.toFixed(d), exact = x.toFixed(d + 60);
    const dot = exact.indexOf(".");
    if (!/^50*$/.test(exact.slice(dot + 1 + d))) { return s; }
    const down = exact.slice(0, d ? dot + 1 + d : dot);
    return +down.slice(-1) % 2 === 0 ? down : s;
  }

  function number(v, d, signed) {
    const parts = fixed(Math.abs(v), d).split(".");
    const text = parts[0].replace(/\B(?=(\d{3})+$)/g, ",") + (parts.length > 1 ? "." + parts[1] : "");
    if (v < 0 && parseFloat(parts.join(".")) !== 0) { return MINUS + text; }
    return (signed && v > 0 ? "+" : "") + text;
  }

  function pct(v) { return number(v, 1, true) + "%"; }

  // --- the price file -------------------------------------------------------------------------------

  function decode(f) {
    let day = fromIso(f.start);
    const days = f.days.map((g) => (day += g));
    const series = {};
    f.tickers.forEach((t) => {
      const idx = [], val = [];
      let step = 0;
      f.closes[t].forEach((x, i) => {
        if (x === null) { return; }
        step += x;
        idx.push(days[i]);
        val.push(step / f.scale);
      });
      series[t] = { idx: idx, val: val };
    });
    let last = null;
    for (let i = days.length - 1; i >= 0 && last === null; i--) {
      if (f.tickers.every((t) => f.closes[t][i] !== null)) { last = days[i]; }
    }
    return { asOf: fromIso(f.as_of), rankStart: fromIso(f.rank_start), tickers: f.tickers, series: series, last: last };
  }

  function onOrAfter(idx, t) {
    let lo = 0, hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idx[mid] < t) { lo = mid + 1; } else { hi = mid; }
    }
    return lo;
  }

  // --- the analysis' rules --------------------------------------------------------------------------

  function hold(s, entry, months, D) {
    const i0 = onOrAfter(s.idx, entry);
    if (s.idx[i0] !== entry) { return { status: NO_DATA }; }
    const target = months ? addMonths(entry, months) : D.last;
    if (target === null || target < entry) { return { status: NO_DATA }; }
    if (target > D.asOf) { return { status: NOT_YET, target: target }; }
    const i1 = onOrAfter(s.idx, target);
    if (i1 >= s.idx.length) { return { status: NOT_YET, target: target }; }
    if (s.idx[i1] - target > 7) { return { status: NO_DATA, target: target }; }
    return { status: OK, target: target, i0: i0, i1: i1, exit: s.idx[i1], ret: (s.val[i1] / s.val[i0] - 1) * 100 };
  }

  function worst(s, i0, i1) {
    let w = i0, low = Infinity;
    for (let i = i0; i <= i1; i++) {
      const r = s.val[i] / s.val[i0] - 1;
      if (r < low) { low = r; w = i; }
    }
    return { pct: Math.min(low, 0) * 100, date: low < 0 ? s.idx[w] : null };
  }

  function forward(s, i, months, asOf) {
    const target = addMonths(s.idx[i], months);
    const j = target > asOf ? s.idx.length : onOrAfter(s.idx, target);
    return j < s.idx.length ? (s.val[j] / s.val[i] - 1) * 100 : null;
  }

  function rank(s, i, months, D) {
    const x = forward(s, i, months, D.asOf);
    if (x === null) { return { status: NOT_YET, target: addMonths(s.idx[i], months) }; }
    const k0 = onOrAfter(s.idx, D.rankStart);
    let n = 0, below = 0, above = 0;
    for (let k = k0; k < s.idx.length; k++) {
      const f = forward(s, k, months, D.asOf);
      if (f === null) { continue; }
      n++;
      if (f < x) { below++; } else if (f > x) { above++; }
    }
    return { status: OK, x: x, n: n, pct: below / n * 100, rank: above + 1, first: s.idx[k0] };
  }

  // --- the page -------------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.keys(attrs || {}).forEach((k) => e.setAttribute(k, attrs[k]));
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function para(parent, cls, text, data) {
    const p = el("p", { class: "calc__line calc__" + cls }, text);
    Object.keys(data || {}).forEach((k) => { p.dataset[k] = String(data[k]); });
    parent.appendChild(p);
    return p;
  }

  function show(D, ui) {
    const out = ui.out, nv = D.series.NVDA, key = ui.horizon.value;
    const months = HORIZONS.find((h) => h[0] === key)[1];
    const picked = fromIso(ui.entry.value);
    const first = nv.idx[0], lastNv = nv.idx[nv.idx.length - 1];
    out.replaceChildren();
    if (picked === null || picked < first || picked > lastNv) {
      const k = picked !== null && picked > lastNv ? "no_close" : "bad_date";
      para(out, "note", say(k, { first: date(first), last: date(lastNv), picked: picked === null ? "" : date(picked) }));
      ui.entry.setAttribute("aria-invalid", "true");
      root.dataset.shown = "invalid";
      return;
    }
    ui.entry.removeAttribute("aria-invalid");
    const i = onOrAfter(nv.idx, picked), entry = nv.idx[i];
    if (entry !== picked) { para(out, "note", say("moved", { picked: date(picked), date: date(entry) })); }
    const res = {};
    D.tickers.forEach((t) => { res[t] = hold(D.series[t], entry, months, D); });
    const n = res.NVDA;
    if (n.status === OK) {
      para(out, "held", say(months ? "held" : "held_latest", { entry: date(entry), exit: date(n.exit), target: date(n.target) }));
      para(out, "nvda", say("result_nvda", { nvda: pct(n.ret) }), { value: n.ret });
    } else if (n.status === NOT_YET) {
      para(out, "not-yet", say("not_yet", { target: date(n.target), as_of: date(D.asOf) }), { target: iso(n.target) });
    } else {
      para(out, "note", say("no_common", { entry: date(entry) }));
    }
    out.appendChild(table(D, res));
    if (n.status === OK) {
      const w = worst(nv, n.i0, n.i1);
      para(out, "worst", w.date === null ? say("never_below") : say("worst", { date: date(w.date), pct: pct(w.pct) }),
           { value: w.pct, date: w.date === null ? "" : iso(w.date) });
    }
    const rm = months || 12, rk = "periods." + rm + "m";
    if (!months) { para(out, "note", say("rank_latest")); }
    const r = rank(nv, i, rm, D);
    if (r.status === OK) {
      para(out, "rank", say("rank", {
        period: W[rk], period_noun: W["period_nouns." + rm + "m"], x: pct(r.x), pct: number(r.pct, 0),
        n: number(r.n, 0), rank: number(r.rank, 0), start: date(r.first),
      }), { value: r.pct, x: r.x, n: r.n, rank: r.rank, start: iso(r.first) });
    } else {
      para(out, "rank", say("rank_not_yet", { period: W[rk], target: date(r.target) }), { target: iso(r.target) });
    }
    root.dataset.shown = iso(entry) + "|" + key;
  }

  // One row per fund. The sale date has a column only when the funds were not all sold on one day.
  function table(D, res) {
    const t = el("table", { class: "calc__table" });
    t.appendChild(el("caption", {}, W.caption));
    const exits = new Set(D.tickers.filter((tk) => res[tk].status === OK).map((tk) => res[tk].exit));
    const cols = exits.size > 1 ? ["asset", "exit", "return", "lead"] : ["asset", "return", "lead"];
    const head = t.createTHead().insertRow();
    cols.forEach((c) => head.appendChild(el("th", { scope: "col" }, W["columns." + c])));
    const body = t.createTBody(), nv = res.NVDA;
    D.tickers.forEach((tk) => {
      const r = res[tk], row = body.insertRow();
      const ok = r.status === OK;
      row.dataset.ticker = tk;
      row.dataset.exit = ok ? iso(r.exit) : "";
      row.appendChild(el("th", { scope: "row" }, W["assets." + tk]));
      if (exits.size > 1) { row.insertCell().textContent = ok ? date(r.exit) : "–"; }
      const ret = row.insertCell();
      ret.className = "calc__ret";
      ret.textContent = ok ? pct(r.ret) : W["status." + r.status];
      if (ok) { ret.dataset.value = String(r.ret); }
      const lead = row.insertCell();
      lead.className = "calc__lead";
      const both = ok && nv.status === OK && tk !== "NVDA";
      lead.textContent = both ? number(nv.ret - r.ret, 1, true) : "–";
      if (both) { lead.dataset.value = String(nv.ret - r.ret); }
    });
    return t;
  }

  function form(D) {
    const nv = D.series.NVDA, first = nv.idx[0], last = nv.idx[nv.idx.length - 1];
    const f = el("form", { class: "calc__form", "aria-label": W.form_label, novalidate: "" });
    const entryBox = el("div", { class: "calc__field" });
    entryBox.appendChild(el("label", { for: "calc-entry" }, W.entry_label));
    let start = fromIso(root.dataset.default);
    if (start === null || start < first || start > last) { start = first; }
    const entry = el("input", { type: "date", id: "calc-entry", name: "entry", required: "", min: iso(first),
                                max: iso(last), value: iso(start), "aria-describedby": "calc-entry-help" });
    entryBox.appendChild(entry);
    const hBox = el("div", { class: "calc__field" });
    hBox.appendChild(el("label", { for: "calc-horizon" }, W.horizon_label));
    const horizon = el("select", { id: "calc-horizon", name: "horizon" });
    HORIZONS.forEach((h) => horizon.appendChild(el("option", { value: h[0] }, W["horizons." + h[0]])));
    horizon.value = "12m";
    hBox.appendChild(horizon);
    const go = el("button", { type: "submit", class: "calc__go" }, W.submit);
    const fields = el("div", { class: "calc__fields" });
    [entryBox, hBox, go].forEach((x) => fields.appendChild(x));
    f.appendChild(fields);
    f.appendChild(el("p", { id: "calc-entry-help", class: "calc__help" },
                     say("entry_help", { first: date(first), last: date(last) })));
    return { form: f, entry: entry, horizon: horizon };
  }

  function start(D) {
    const ui = form(D);
    ui.out = el("div", { class: "calc__result", "aria-live": "polite" });
    root.replaceChildren(el("p", { class: "calc__intro" }, W.intro), ui.form, ui.out);
    const run = (e) => { if (e) { e.preventDefault(); } show(D, ui); };
    ui.form.addEventListener("submit", run);
    ui.horizon.addEventListener("change", () => run());
    ui.entry.addEventListener("change", () => run());
    run();
  }

  const status = el("p", { class: "calc__line", role: "status" }, W.loading);
  root.replaceChildren(status);
  fetch(link.href)
    .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then((f) => start(decode(f)))
    .catch(() => { status.textContent = W.load_error; root.dataset.shown = "error"; });
})();
