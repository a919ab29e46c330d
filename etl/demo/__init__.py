"""Realistic, deterministic demo source files for the Ségur numérique dashboard.

`generate(out_dir, scale, seed, today)` writes one file per source contract, in the formats producers really
send (cp1252 `;` with decimal comma, UTF-8 BOM `,`, XLSX with a title row), calibrated on the public series
of docs/demo-data.md. Same seed, scale and today → byte-identical files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from etl.demo import etablissements, files, funding, usage
from etl.demo.budget import envelope_rows
from etl.demo.deployment import build_deployments
from etl.demo.documents import build_documents
from etl.demo.entities import build_universe
from etl.demo.populations import build_populations, population_rows
from etl.demo.reference import load_reference
from etl.demo.solutions import build_solutions
from etl.demo.territory import build_territory
from etl.demo.timeline import n_months, resolve_today

__all__ = ["generate"]


def generate(out_dir: Path, scale: float = 1.0, seed: int = 42, today: date | None = None) -> list[Path]:
    """Write the demo source files into out_dir and return their paths (in load order).

    scale multiplies the number of entities (sites, orders, beneficiaries) in the per-entity files; per-entity
    volumes are divided accordingly so national totals stay calibrated. today (default: SEGUR_TODAY or the real
    date) bounds the data: months run from 2021-01 to the last complete month before it.
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    today = resolve_today(today)
    months = n_months(today)
    if months < 1:
        raise ValueError(f"today ({today}) must be after January 2021")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def stream(k: int) -> np.random.Generator:
        # One independent stream per concern: département-level files do not depend on scale.
        return np.random.default_rng([seed, k])

    ref = load_reference()
    territory = build_territory(ref, stream(1))
    pops = build_populations(territory, stream(2))
    docs = build_documents(territory, months, stream(3))
    mss_table, mss_cube = usage.mssante(territory, months, stream(4))
    paths = [
        files.envelopes(out, envelope_rows(ref, stream(5))),
        files.populations(out, population_rows(pops, ref.dep_codes)),
        files.mes_documents(out, docs, months, ref),
        files.monthly_table(out, "mes_profiles", usage.mes_profiles(territory, pops, months, stream(6)),
                            ("profiles_opened", "profiles_activated", "connections", "monthly_users"), months, ref,
                            files.DIALECTS["mes_profiles"]),
        files.monthly_table(out, "mssante_messages", mss_table, ("messages_count", "mailboxes_active"), months, ref,
                            files.DIALECTS["mssante_messages"]),
        files.monthly_table(out, "usage_professionnels",
                            usage.usage_professionnels(territory, docs, mss_cube, months, stream(7)),
                            ("feeding_actors", "dmp_consultations", "exchanges_total", "exchanges_ins_qualified",
                             "dui_active_records"),
                            months, ref, files.DIALECTS["usage_professionnels"]),
        files.monthly_table(out, "eprescriptions", usage.eprescriptions(territory, months, stream(8)),
                            ("eprescriptions_count", "prescribers_month", "prescribers_cumulative"), months, ref,
                            files.DIALECTS["eprescriptions"], aliases={"month": "mois",
                                                                       "departement_code": "code_departement"}),
    ]
    del mss_table, mss_cube

    universe = build_universe(ref, territory, pops, scale, stream(11))
    sol = build_solutions(today, stream(12))
    deployments = build_deployments(universe, sol, ref.dispositifs, today, stream(13))
    producers, must_feed_by = funding.all_blocks(ref, universe, deployments, sol, scale, today, stream(14))
    pairs = etablissements.build_pairs(universe, docs, territory, scale, months, must_feed_by, stream(15))
    paths += [
        files.solutions(out, sol),
        files.deployments(out, deployments, sol, ref),
        files.funding_events(out, producers, ref),
        files.usage_etablissements(out, etablissements.monthly_rows(pairs, docs, months, stream(16)), docs, months,
                                   ref),
    ]
    order = ["budget_envelopes", "solutions", "populations", "deployments", "funding_events", "mes_documents",
             "usage_etablissements", "mes_profiles", "mssante_messages", "usage_professionnels", "eprescriptions"]
    return sorted(paths, key=lambda p: next(i for i, n in enumerate(order) if p.name.startswith(n)))
