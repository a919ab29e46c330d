"""Département-level monthly usage: MES profiles, MSSanté, professionals' usage, e-prescriptions."""

from __future__ import annotations

import numpy as np

from etl.demo import calibration as cal
from etl.demo import timeline
from etl.demo.documents import DocCube, pilot_boost
from etl.demo.populations import YEARS, Populations
from etl.demo.territory import Territory, convergence

Table = dict[str, np.ndarray]
GRAND_EST = "44"
GRAND_EST_END_2024 = 0.228  # §5: Grand Est activation at end 2024
PROFILES_START = "2021-07"  # MES pilots (31, 44, 80)


def _grid(months: int, n_dep: int, first: int = 0) -> tuple[np.ndarray, np.ndarray]:
    m, d = np.meshgrid(np.arange(first, months), np.arange(n_dep), indexing="ij")
    return m.ravel(), d.ravel()


def _shares(weight: np.ndarray) -> np.ndarray:
    return weight / weight.sum(axis=1, keepdims=True)


def insured_by_month(pops: Populations, months: int) -> np.ndarray:
    """[month, département] insured population of the month's year (the last known year afterwards)."""
    years = np.clip(timeline.month_year(np.arange(months)), YEARS[0], YEARS[-1]) - YEARS[0]
    return pops.counts["assures"][years].astype(np.float64)


def mes_profiles(territory: Territory, pops: Populations, months: int, rng: np.random.Generator) -> Table:
    insured = insured_by_month(pops, months)
    start = timeline.month_index(PROFILES_START)
    pilot = territory.pilot[None, :]
    opened_share = timeline.anchored(list(cal.OPENED_SHARE), months)[:, None]
    pilot_share = np.clip((np.arange(months) - start + 1) / 4.0, 0, 1)[:, None] * 0.93
    opened_share = np.where(pilot, np.maximum(opened_share, pilot_share), opened_share)
    opened = np.rint(insured * np.clip(opened_share * rng.normal(1.0, 0.006, territory.n), 0, 0.985))

    national = timeline.anchored(list(cal.ACTIVATED_M), months) * 1e6
    power = convergence(months, 1.2, 0.8)[:, None]
    boost = np.where(pilot, pilot_boost(months)[:, None] ** 2, 1.0)
    weight = insured * territory.adoption[None, :] ** power * boost
    weight = np.where(timeline.month_index("2022-01") > np.arange(months)[:, None], weight * pilot, weight)
    ge = np.array(territory.ref.dep_region) == GRAND_EST
    t = timeline.month_index("2024-12")
    if t < months:  # Grand Est sits where the Cnam put it: 22,8 % of its insured at end 2024
        target = GRAND_EST_END_2024 * insured[t, ge].sum() / national[t]
        s_ge, s_other = weight[t, ge].sum(), weight[t, ~ge].sum()
        weight[:, ge] *= target * s_other / (s_ge * (1 - target))
    activated = np.minimum(np.rint(national[:, None] * _shares(weight + 1e-12)), opened)

    users_rate = timeline.anchored(list(cal.USERS_PER_ACTIVATED), months)[:, None]
    season = timeline.seasonal(months) ** 0.5
    users = np.rint(activated * users_rate * season[:, None] * rng.lognormal(0, 0.04, activated.shape))
    per_user = timeline.anchored(list(cal.CONNECTIONS_PER_USER), months)[:, None]
    connections = np.rint(users * per_user * rng.lognormal(0, 0.03, users.shape))
    m, d = _grid(months, territory.n, start)
    return {"month": m, "dep": d, "profiles_opened": opened[m, d], "profiles_activated": activated[m, d],
            "connections": connections[m, d], "monthly_users": np.minimum(users, activated)[m, d]}


def mssante(territory: Territory, months: int, rng: np.random.Generator) -> tuple[Table, np.ndarray]:
    """Messages per month × département × couloir; also returns the cube [couloir, month, dep] of messages."""
    national = timeline.anchored(list(cal.MSSANTE_M), months) * 1e6 * timeline.seasonal(months) ** 0.7
    mailboxes = timeline.anchored(list(cal.MAILBOXES_K), months) * 1e3
    box_share = {"hopital": 0.34, "medecin_ville": 0.30, "biologie": 0.05, "radiologie": 0.04, "officine": 0.17,
                 "medico_social": 0.10}
    frac = np.linspace(0, 1, months)
    couloirs = list(cal.MSSANTE_SHARES)
    cube = np.zeros((len(couloirs), months, territory.n))
    boxes = np.zeros_like(cube)
    power = convergence(months, 0.6, 0.3)[:, None]
    for k, c in enumerate(couloirs):
        a, b = cal.MSSANTE_SHARES[c]
        weight = territory.pop * territory.density * rng.lognormal(0, 0.12, territory.n)
        weight = weight[None, :] * territory.adoption[None, :] ** power * rng.lognormal(0, 0.04, (months, territory.n))
        share = _shares(weight)
        cube[k] = np.rint((national * (a + (b - a) * frac))[:, None] * share)
        boxes[k] = np.rint((mailboxes * box_share[c])[:, None] * share)
    m, d = _grid(months, territory.n)
    mm = np.tile(m, len(couloirs))
    dd = np.tile(d, len(couloirs))
    kk = np.repeat(np.arange(len(couloirs)), len(m))
    box = boxes[kk, mm, dd].astype(np.int64)
    box[mm < timeline.month_index("2022-01")] = -1  # mailbox counts collected from 2022 only
    table = {"month": mm, "dep": dd, "couloir": np.array(couloirs, dtype=object)[kk],
             "messages_count": cube[kk, mm, dd], "mailboxes_active": box}
    return table, cube


def usage_professionnels(territory: Territory, docs: DocCube, mss_cube: np.ndarray, months: int,
                         rng: np.random.Generator) -> Table:
    activity = timeline.seasonal(months)
    ins = timeline.anchored(list(cal.INS_SHARE), months)
    mss_couloirs = list(cal.MSSANTE_SHARES)
    parts: list[Table] = []
    power = convergence(months, 1.0, 0.6)[:, None]
    for c, anchors in cal.FEEDING_ACTORS.items():
        first = timeline.month_index(anchors[0][0])
        series = [k for k, s in enumerate(docs.series) if s.couloir == c]
        weight = territory.pop * territory.density * rng.lognormal(0, 0.1, territory.n)
        weight = weight[None, :] * territory.adoption[None, :] ** power
        share = _shares(weight * rng.lognormal(0, 0.03, (months, territory.n)))
        actors = np.rint(timeline.anchored(list(anchors), months)[:, None] * share)
        consult = timeline.anchored(list(cal.CONSULTATIONS_K[c]), months) * 1e3 * activity
        consult = np.rint(consult[:, None] * _shares(weight * rng.lognormal(0, 0.08, (months, territory.n))))
        total = docs.counts[series].sum(axis=0).astype(np.float64)
        if c in mss_couloirs:
            total = total + mss_cube[mss_couloirs.index(c)]
        rate = ins[:, None] + cal.INS_COULOIR_OFFSET[c] + rng.normal(0, 0.03, territory.n)[None, :]
        qualified = np.floor(total * np.clip(rate, 0.02, 0.97))
        m, d = _grid(months, territory.n, first)
        dui = np.full(actors.shape, -1.0)  # empty outside the médico-social strand
        if c == "medico_social":  # spread like the strand's feeding actors (no extra draw: other files unchanged)
            dui = np.rint(timeline.anchored(list(cal.DUI_ACTIVE_K), months)[:, None] * 1e3 * share)
        parts.append({"month": m, "dep": d, "couloir": np.full(len(m), c, dtype=object),
                      "feeding_actors": actors[m, d], "dmp_consultations": consult[m, d],
                      "exchanges_total": total[m, d], "exchanges_ins_qualified": qualified[m, d],
                      "dui_active_records": dui[m, d]})
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((out["couloir"].astype(str), out["dep"], out["month"]))
    return {k: v[order] for k, v in out.items()}


def eprescriptions(territory: Territory, months: int, rng: np.random.Generator) -> Table:
    national = timeline.anchored(list(cal.EPRESCRIPTIONS_M), months) * 1e6 * timeline.seasonal(months)
    power = convergence(months, 1.0, 0.5)[:, None]
    weight = territory.pop * territory.density * rng.lognormal(0, 0.1, territory.n)
    share = _shares(weight[None, :] * territory.adoption[None, :] ** power * rng.lognormal(0, 0.04, (months, territory.n)))
    count = np.rint(national[:, None] * share)
    fixed = weight * territory.adoption / (weight * territory.adoption).sum()
    cumulative = np.floor(timeline.anchored(list(cal.PRESCRIBERS_CUMULATIVE), months)[:, None] * fixed + 0.5)
    cumulative = np.maximum.accumulate(cumulative, axis=0)
    active = timeline.anchored(list(cal.PRESCRIBERS_ACTIVE_SHARE), months)[:, None]
    monthly = np.minimum(np.rint(cumulative * active * rng.lognormal(0, 0.04, cumulative.shape)), cumulative)
    m, d = _grid(months, territory.n)
    return {"month": m, "dep": d, "eprescriptions_count": count[m, d], "prescribers_month": monthly[m, d],
            "prescribers_cumulative": cumulative[m, d]}
