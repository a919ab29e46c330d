"""Funding events per beneficiary: SONS orders (ASP), SUN-ES (ARS), ESMS numérique (CNSA), forfaits (Cnam)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np

from etl.demo import timeline
from etl.demo.deployment import PROGRAMMES, Deployments, Programme
from etl.demo.entities import Pool, Universe
from etl.demo.events import Block, block, cents, concat, keep
from etl.demo.reference import Reference
from etl.demo.solutions import Solutions

# §3 SUN-ES: volet 1 DMP 158 M€, volet 2 MSSanté 52 M€; 2 307 hospitals applied (82 %); targets met by
# ≈ 78 % (volet 1) and ≈ 68 % (volet 2); four windows; lump sums paid only when targets are met.
SUNES = {"SUNES-V1": (158e6 * 0.985, 0.78, 1.0), "SUNES-V2": (52e6 * 0.98, 0.68, 0.88)}
SUNES_APPLY_SHARE = 0.82
WINDOW_SHARE = np.array([0.35, 0.30, 0.22, 0.13])
# §3/§4 ESMS numérique: 439 projects ≈ 190 M€ by Jul 2023; ~1 400 projects by end 2025 (405 M€ envelope).
ESMS_CUMULATIVE = (("2021-10-01", 0.0), ("2021-12-31", 0.07), ("2022-12-31", 0.25), ("2023-07-31", 439 / 1400),
                   ("2023-12-31", 0.43), ("2024-12-31", 0.72), ("2025-12-15", 1.0))
ESMS_EUR = (190e6, 208e6)  # committed before / after the end of July 2023
BATCH = 150_000  # orders or beneficiaries per block
# SONS vague 1 MSSanté operators (50 M€ envelope, window Jul 2021 → Jun 2023): no public spend figure; a
# reconstruction: ~60 % of the envelope committed to the referenced operators, paid 30 % then 70 %.
MSS_COMMITTED_EUR = 30e6
# Forfaits (Cnam): couloir, yearly amount per equipped beneficiary at scale 1, share meeting the criteria.
FORFAITS = {"FORFAIT-MDV": ("medecin_ville", 880.0, 0.86), "ROSP-OFF": ("officine", 560.0, 0.9)}


def _days(d: str) -> int:
    return timeline.day(d)


def sons_blocks(dep: Deployments, sol: Solutions, scale: float, end: int,
                rng: np.random.Generator) -> Iterator[Block]:
    """Per order: commitment, advance (≈30 %, 1–3 months later), balance (70 %) after validation, or a
    cancellation for some orders never completed."""
    for pi, p in enumerate(PROGRAMMES):
        for rows in batches(np.flatnonzero(dep.programme == pi)):
            yield _sons_batch(p, rows, dep, sol, scale, end, rng)


def batches(rows: np.ndarray, size: int = BATCH) -> Iterator[np.ndarray]:
    """Consecutive slices of rows: a block's memory stays bounded whatever the scale."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _sons_batch(p: Programme, rows: np.ndarray, dep: Deployments, sol: Solutions, scale: float, end: int,
                rng: np.random.Generator) -> Block:
    n = len(rows)
    s = dep.solution[rows]
    unit = np.where(sol.secondary[s], 0.45, 1.0) * p.unit_eur
    amount = cents(unit * rng.uniform(0.85, 1.15, n) / scale)
    ordered = dep.ordered[rows]
    cancelled = dep.never[rows] & (rng.random(n) < 0.7)
    adv_date = ordered + rng.integers(30, 91, n)
    adv = np.rint(amount * 0.3).astype(np.int64)
    validated = dep.validated[rows]
    bal_date = np.maximum(validated + 7 + np.rint(rng.lognormal(np.log(40), 0.6, n)).astype(np.int64),
                          adv_date + 1)
    can_date = ordered + rng.integers(90, 301, n)
    key = rows.astype(np.int64)
    common = dict(prefix="ASP", dispositif=p.dispositif, couloir=p.couloir, vague=str(p.vague),
                  ben_kind="siren", window=0)
    parts = []
    for etype, mask, when, value in (
        ("commitment", np.ones(n, bool), ordered, amount),
        ("advance", ~cancelled & (adv_date <= end), adv_date, adv),
        ("balance", ~cancelled & (validated >= 0) & (bal_date <= end), bal_date, amount - adv),
        ("cancellation", cancelled & (can_date <= end), can_date, amount),
    ):
        m = int(mask.sum())
        parts.append(block(m, **common, dep=dep.dep[rows][mask], ben_id=sol.vendor_siren[sol.vendor[s[mask]]],
                           ben_name=sol.vendor_names[sol.vendor[s[mask]]], etype=etype, date=when[mask],
                           cents=value[mask], key=key[mask]))
    return concat(parts)


def sunes_block(ref: Reference, universe: Universe, end: int, rng: np.random.Generator) -> tuple[Block, np.ndarray]:
    """Commitment per hospital × volet × window, lump sum when targets are met. Also returns, per hospital,
    the month by which it must feed the DMP (a hospital paid for volet 1 was feeding on time)."""
    hosp = universe.finess["hopital"]
    eligible = np.flatnonzero(universe.eligible_sunes)
    n_apply = int(round(len(eligible) * SUNES_APPLY_SHARE))
    applicants = np.sort(rng.choice(eligible, size=n_apply, replace=False))
    region_idx = ref.dep_region_idx
    must_feed_by = np.full(len(hosp), 10_000, dtype=np.int64)
    w1 = rng.choice(4, size=n_apply, p=WINDOW_SHARE) + 1
    parts = []
    for dispositif, (total_eur, met_share, apply_share) in SUNES.items():
        if dispositif == "SUNES-V1":
            who, window = applicants, w1
        else:
            take = rng.random(n_apply) < apply_share
            later = np.minimum(4, w1 + (rng.random(n_apply) < 0.4) * rng.integers(1, 3, n_apply))
            who, window = applicants[take], later[take]
        m = len(who)
        weight = hosp.weight[who] ** 0.6 * rng.lognormal(0, 0.2, m)
        amount = cents(total_eur * weight / weight.sum())
        close = np.array([_days(str(ref.windows[(dispositif, int(w))][1])) for w in window])
        deadline = np.array([_days(str(ref.windows[(dispositif, int(w))][2])) for w in window])
        committed = close + rng.integers(20, 76, m)
        met = rng.random(m) < met_share
        paid = committed + 30 + np.rint(rng.random(m) * (deadline - committed - 30)).astype(np.int64)
        if dispositif == "SUNES-V1":
            must_feed_by[who[met]] = timeline.day_to_month(deadline[met]) - 3
        prefix = np.array([f"ARS{ref.region_codes[r]}" for r in region_idx[hosp.dep[who]]], dtype=object)
        key = who.astype(np.int64) * 2 + (dispositif == "SUNES-V2")
        common = dict(dispositif=dispositif, couloir="hopital", vague="1", ben_kind="finess")
        for etype, mask, when in (("commitment", committed <= end, committed),
                                  ("lump_sum", met & (paid <= end) & (committed <= end), paid)):
            parts.append(block(int(mask.sum()), **common, prefix=prefix[mask], dep=hosp.dep[who][mask],
                               ben_id=hosp.ids[who][mask], ben_name=hosp.names[who][mask], etype=etype,
                               date=when[mask], cents=amount[mask], window=window[mask].astype(np.int64),
                               key=key[mask]))
    return concat(parts), must_feed_by


def esms_block(universe: Universe, end: int, rng: np.random.Generator) -> Block:
    """One commitment per project (holder FINESS juridique), then usage-based payments: 40 % then 60 %."""
    pool = universe.finess["gestionnaire"]
    n = len(pool)
    x = np.array([_days(d) for d, _ in ESMS_CUMULATIVE], dtype=np.float64)
    y = np.array([v for _, v in ESMS_CUMULATIVE])
    quantile = (rng.permutation(n) + 0.5) / max(n, 1)
    committed = np.rint(np.interp(quantile, y, x)).astype(np.int64)
    early = committed <= _days("2023-07-31")
    weight = rng.lognormal(0, 0.5, n)
    euros = np.zeros(n)
    for group, total in ((early, ESMS_EUR[0]), (~early, ESMS_EUR[1])):
        if group.any():
            euros[group] = total * weight[group] / weight[group].sum()
    amount = cents(euros)
    first = np.rint(amount * 0.4).astype(np.int64)
    t1 = committed + rng.integers(240, 451, n)
    t2 = committed + rng.integers(540, 901, n)
    met1 = rng.random(n) < 0.9
    met2 = met1 & (rng.random(n) < 0.8)
    parts = []
    key = np.arange(n, dtype=np.int64)
    for etype, mask, when, value in (("commitment", committed <= end, committed, amount),
                                     ("lump_sum", met1 & (t1 <= end), t1, first),
                                     ("balance", met2 & (t2 <= end), t2, amount - first)):
        parts.append(block(int(mask.sum()), prefix="CNSA", dispositif="ESMS-NUM", couloir="medico_social", vague="",
                           dep=pool.dep[mask], ben_id=pool.ids[mask], ben_kind="finess", ben_name=pool.names[mask],
                           etype=etype, date=when[mask], cents=value[mask], window=0, key=key[mask]))
    return concat(parts)


def mss_block(sol: Solutions, ref: Reference, end: int, rng: np.random.Generator) -> Block:
    """One order per referenced MSSanté operator solution (vendor by SIREN, at its seat: Paris for all), signed two
    months after referencing; advance 30 % one to three months later, balance 70 % after 6 to 14 months."""
    ops = np.flatnonzero((sol.couloir == "mssante") & (sol.vague == 1))
    n = len(ops)
    if n == 0:
        return concat([block(0, prefix="ASP", dispositif="SONS-V1-MSS", couloir="mssante", vague="1",
                             dep=np.zeros(0, np.int64), ben_id=np.zeros(0, object), ben_kind="siren",
                             ben_name=np.zeros(0, object), etype="commitment", date=np.zeros(0, np.int64),
                             cents=np.zeros(0, np.int64), window=0, key=np.zeros(0, np.int64))])
    weight = sol.share[ops] * rng.lognormal(0, 0.3, n)
    amount = cents(MSS_COMMITTED_EUR * weight / weight.sum())
    ordered = np.minimum(sol.referenced[ops] + 60, _days("2023-06-30"))
    adv_date, bal_date = ordered + rng.integers(30, 91, n), ordered + rng.integers(180, 421, n)
    adv = np.rint(amount * 0.3).astype(np.int64)
    paris = np.full(n, ref.dep_codes.index("75"), dtype=np.int64)
    key = np.arange(n, dtype=np.int64)  # a block is numbered on its own (events.finalise)
    common = dict(prefix="ASP", dispositif="SONS-V1-MSS", couloir="mssante", vague="1", ben_kind="siren", window=0)
    parts = []
    for etype, when, value in (("commitment", ordered, amount), ("advance", adv_date, adv),
                               ("balance", bal_date, amount - adv)):
        mask = when <= end
        v = sol.vendor[ops][mask]
        parts.append(block(int(mask.sum()), **common, dep=paris[mask], ben_id=sol.vendor_siren[v],
                           ben_name=sol.vendor_names[v], etype=etype, date=when[mask], cents=value[mask],
                           key=key[mask]))
    return concat(parts)


def forfait_blocks(universe: Universe, dep: Deployments, scale: float, end: int,
                   rng: np.random.Generator) -> Iterator[Block]:
    """Yearly forfaits for equipped doctors (RPPS) and pharmacies (FINESS): the right is recorded on 31 Dec
    (commitment) and paid in the spring of the following year (lump sum)."""
    for dispositif, (couloir, unit_eur, share) in FORFAITS.items():
        pool_name = "medecin" if couloir == "medecin_ville" else "officine"
        kind = "rpps" if couloir == "medecin_ville" else "finess"
        pool = (universe.rpps if kind == "rpps" else universe.finess)[pool_name]
        v1 = [i for i, p in enumerate(PROGRAMMES) if p.pool[1] == pool_name and p.vague == 1][0]
        rows = np.flatnonzero((dep.programme == v1) & (dep.installed >= 0))
        for year in range(2021, 2027):  # the PNRR money stops in 2026
            commit_day = _days(f"{year}-12-31")
            if commit_day > end:
                break
            sel = rows[dep.installed[rows] <= commit_day]
            sel = sel[rng.random(len(sel)) < (share if year > 2021 else share / 2)]
            for part in batches(sel):
                yield _forfait_batch(dispositif, couloir, unit_eur, kind, pool, dep.site_index[part], year, scale,
                                     end, rng)


def _forfait_batch(dispositif: str, couloir: str, unit_eur: float, kind: str, pool: Pool, site: np.ndarray,
                   year: int, scale: float, end: int, rng: np.random.Generator) -> Block:
    commit_day = _days(f"{year}-12-31")
    m = len(site)
    factor = 0.5 if year == 2021 else 1.0
    amount = cents(unit_eur * factor * rng.lognormal(0, 0.2, m) / scale)
    paid = _days(f"{year + 1}-04-10") + rng.integers(0, 80, m)
    names = pool.names[site] if pool.names is not None else ""
    key = np.arange(m, dtype=np.int64)
    common = dict(prefix="CNAM", dispositif=dispositif, couloir=couloir, vague="", ben_kind=kind, window=0)
    paid_mask = paid <= end
    return concat([
        block(m, **common, dep=pool.dep[site], ben_id=pool.ids[site], ben_name=names, etype="commitment",
              date=np.full(m, commit_day, dtype=np.int64), cents=amount, key=key),
        keep(block(m, **common, dep=pool.dep[site], ben_id=pool.ids[site], ben_name=names,
                   etype="lump_sum", date=paid, cents=amount, key=key), paid_mask),
    ])


def all_blocks(ref: Reference, universe: Universe, dep: Deployments, sol: Solutions, scale: float, today: date,
               rng: np.random.Generator) -> tuple[list, np.ndarray]:
    """The block producers in file order (lazy, to keep memory flat) and the SUN-ES feeding constraint."""
    end = timeline.day(today) - 1
    sunes, must_feed_by = sunes_block(ref, universe, end, rng)
    esms = esms_block(universe, end, rng)
    seeds = rng.integers(0, 2**63 - 1, 2)
    producers = [
        lambda: sons_blocks(dep, sol, scale, end, np.random.default_rng(seeds[0])),
        lambda: iter([sunes, esms, mss_block(sol, ref, end, np.random.default_rng([int(seeds[0]), 7]))]),
        lambda: forfait_blocks(universe, dep, scale, end, np.random.default_rng(seeds[1])),
    ]
    return producers, must_feed_by
