"""Every word the workbook shows, in French and English (sheet names, headers, statuses, notes)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Ségur du numérique en santé — export du tableau de bord",
        "sheet.readme": "Lisez-moi", "sheet.summary": "Synthèse", "sheet.budget": "Budget",
        "sheet.definitions": "Définitions", "sheet.provenance": "Provenance",
        "status.on_track": "En bonne voie", "status.watch": "À surveiller", "status.off_track": "En retard",
        "status.no_target": "Sans cible", "status.no_data": "Sans donnée", "status.incomplete": "Données incomplètes",
        "fresh.ok": "À jour", "fresh.stale": "Mise à jour attendue",
        "col.id": "Identifiant", "col.indicator": "Indicateur", "col.objectives": "Objectif(s)", "col.unit": "Unité",
        "col.value": "Valeur", "col.period": "Période (début)", "col.target_now": "Cible à date",
        "col.target": "Cible", "col.final_target": "Cible finale", "col.final_date": "Échéance de la cible finale",
        "col.progress": "Progression", "col.status": "Statut", "col.reason": "Explication",
        "col.note": "Note", "note.carried": "valeur reportée : pas de publication ce mois",
        "col.trend": "Évolution sur la période", "col.forecast": "Prévision",
        "col.last_period": "Dernière période chargée", "col.expected_next": "Prochaine donnée attendue",
        "col.freshness": "Fraîcheur", "col.national": "Valeur nationale", "col.gap": "Écart au national (points)",
        "col.objective_id": "Objectif (code)", "col.objective": "Objectif",
        "col.weighted_progress": "Progression pondérée", "col.counts": "Indicateurs par statut",
        "col.covered_weight": "Poids couvert par des données",
        "col.region_code": "Région (code)", "col.region": "Région", "col.departement_code": "Département (code)",
        "col.departement": "Département", "col.dispositif_code": "Dispositif (code)", "col.dispositif": "Dispositif",
        "col.couloir_code": "Couloir", "col.vague": "Vague", "col.year": "Année",
        "col.envelope": "Enveloppe (€)", "col.committed": "Engagé (€)", "col.paid": "Versé (€)",
        "col.to_commit": "Reste à engager (€)", "col.to_pay": "Reste à verser (€)",
        "col.envelope_cum": "Enveloppe cumulée (€)", "col.committed_cum": "Engagé cumulé (€)",
        "col.paid_cum": "Versé cumulé (€)",
        "budget.stocks_note": "À gauche, les flux par année (additifs : un tableau croisé peut les sommer) ; à droite, "
                              "les stocks par dispositif au mois de situation. Reste à engager = enveloppe − engagé, "
                              "seulement pour un dispositif doté d'une enveloppe dans la vue ; reste à verser = "
                              "engagé − versé, pour un dispositif qui engage avant de verser (pas les forfaits).",
        "chart.progress": "Progression vers la cible finale",
        "note.breakdown": "Répartition territoriale au mois de {month}.",
        "budget.national": "National (non territorialisé)",
        "budget.subtotal": "Total des lignes affichées (SOUS.TOTAL, suit les filtres)",
        "budget.total": "Total de toutes les lignes (SOMME)",
        "budget.note": "Engagé = engagements − annulations ; versé = avances + soldes + forfaits ; événements datés "
                       "au plus tard le {date}, enveloppes des années budgétaires jusqu'à celle-ci. Une enveloppe "
                       "nationale (région vide) couvre les dépenses de toutes les régions.",
        "budget.note_departement": "Les enveloppes ne sont pas déclinées par département : seules les dépenses "
                                   "sont filtrées.",
        "budget.territorial_rate": "Pas de cible régionale : taux de la page Budget pour cette région, sur les "
                                   "dispositifs à enveloppe entièrement territorialisée ({envelope}) ; {uncovered} "
                                   "engagés sur des enveloppes nationales ou en partie nationales ne sont pas comptés.",
        "readme.as_of": "Situation à fin de", "readme.month": "Mois de situation", "readme.filters": "Filtres",
        "readme.generated": "Généré le", "readme.version": "Version de l'application",
        "readme.catalogue": "Catalogue des indicateurs",
        "readme.catalogue_value": "{name}, version {version} (sha256 {sha}…)",
        "readme.url": "La même vue dans le tableau de bord",
        "readme.how": "Comment lire ce classeur", "readme.freshness": "Fraîcheur des données par source",
        "readme.no_filter": "aucun — vue nationale",
        "readme.how.readme": "Cette page : la vue exportée, sa date, ses filtres, la fraîcheur des sources.",
        "readme.how.summary": "Un indicateur par ligne : valeur, cible à date, progression, statut en toutes "
                              "lettres, prévision, fraîcheur ; à droite, la progression pondérée de chaque objectif.",
        "readme.how.objective": "Série mensuelle des indicateurs de l'objectif (format long, filtrable) et, à "
                                "droite, leur répartition par territoire au mois de situation.",
        "readme.how.budget": "Les flux (enveloppe, engagé, versé) par dispositif, couloir, vague, région et année, "
                             "et à droite les stocks et les restes par dispositif ; les totaux sous chaque tableau "
                             "sont des formules sur ses lignes.",
        "readme.how.tidy": "Table longue : une ligne par indicateur × territoire × période (valeur, cible à date, "
                           "progression, statut, unité), prête pour un tableau croisé dynamique.",
        "readme.how.definitions": "Le catalogue : définition, formule en mots, référence, jalons, responsable, "
                                  "sources et réserves de chaque indicateur.",
        "readme.how.provenance": "Les fichiers sources chargés (empreinte SHA-256, période, lignes) et les "
                                 "exécutions de chargement.",
        "readme.how.numbers": "Les nombres sont de vrais nombres (format français à l'affichage), les dates de "
                              "vraies dates ; une progression de 100 % signifie la cible finale atteinte.",
        "col.source": "Source", "col.title": "Libellé", "col.producer": "Producteur", "col.rows": "Lignes",
        "col.file": "Fichier", "col.sha256": "SHA-256", "col.period_min": "Période (début)",
        "col.period_max": "Période (fin)", "col.run": "Exécution", "col.superseded": "Remplacé par",
        "col.started": "Début", "col.finished": "Fin", "col.run_status": "Statut", "col.mode": "Mode",
        "col.files": "Fichiers", "col.rows_read": "Lignes lues", "col.rows_loaded": "Lignes chargées",
        "col.rows_rejected": "Lignes rejetées", "col.etl_version": "Version ETL",
        "col.label_fr": "Libellé (français)", "col.label_en": "Libellé (anglais)", "col.description": "Définition",
        "col.formula": "Formule", "col.direction": "Sens", "col.baseline": "Référence",
        "col.baseline_date": "Date de référence", "col.milestones": "Jalons", "col.owner": "Responsable",
        "col.sources": "Sources", "col.notes": "Réserves", "col.public": "Diffusable", "col.date": "Date",
        "col.milestone": "Jalon", "col.official": "Officiel", "col.milestone_source": "Source de la cible",
        "direction.up": "À la hausse", "direction.down": "À la baisse", "yes": "Oui", "no": "Non",
        "reference": "Repère constaté (pas une cible)",
    },
    "en": {
        "title": "Ségur du numérique en santé — dashboard export",
        "sheet.readme": "Read me", "sheet.summary": "Summary", "sheet.budget": "Budget",
        "sheet.definitions": "Definitions", "sheet.provenance": "Provenance",
        "status.on_track": "On track", "status.watch": "Watch", "status.off_track": "Off track",
        "status.no_target": "No target", "status.no_data": "No data", "status.incomplete": "Incomplete data",
        "fresh.ok": "Up to date", "fresh.stale": "Update due",
        "col.id": "Id", "col.indicator": "Indicator", "col.objectives": "Objective(s)", "col.unit": "Unit",
        "col.value": "Value", "col.period": "Period (start)", "col.target_now": "Target to date",
        "col.target": "Target", "col.final_target": "Final target", "col.final_date": "Final target date",
        "col.progress": "Progress", "col.status": "Status", "col.reason": "Explanation",
        "col.note": "Note", "note.carried": "carried forward: nothing published this month",
        "col.trend": "Change over the period", "col.forecast": "Forecast",
        "col.last_period": "Last period loaded", "col.expected_next": "Next data expected",
        "col.freshness": "Freshness", "col.national": "National value", "col.gap": "Gap to national (points)",
        "col.objective_id": "Objective (code)", "col.objective": "Objective",
        "col.weighted_progress": "Weighted progress", "col.counts": "Indicators by status",
        "col.covered_weight": "Weight covered by data",
        "col.region_code": "Region (code)", "col.region": "Region", "col.departement_code": "Département (code)",
        "col.departement": "Département", "col.dispositif_code": "Instrument (code)", "col.dispositif": "Instrument",
        "col.couloir_code": "Strand", "col.vague": "Wave", "col.year": "Year",
        "col.envelope": "Envelope (€)", "col.committed": "Committed (€)", "col.paid": "Paid (€)",
        "col.to_commit": "Left to commit (€)", "col.to_pay": "Left to pay (€)",
        "col.envelope_cum": "Cumulated envelope (€)", "col.committed_cum": "Cumulated committed (€)",
        "col.paid_cum": "Cumulated paid (€)",
        "budget.stocks_note": "Left, the yearly flows (additive: a pivot table can sum them); right, the stocks per "
                              "instrument at the as-of month. Left to commit = envelope − committed, only for an "
                              "instrument with an envelope in the view; left to pay = committed − paid, for an instrument that commits before paying (not lump sums).",
        "chart.progress": "Progress towards the final target",
        "note.breakdown": "Territorial breakdown in {month}.",
        "budget.national": "National (not by region)",
        "budget.subtotal": "Total of the rows shown (SUBTOTAL, follows the filters)",
        "budget.total": "Total of all rows (SUM)",
        "budget.note": "Committed = commitments − cancellations; paid = advances + balances + lump sums; events "
                       "dated up to {date}, envelopes of budget years up to that one. A national envelope (empty "
                       "region) covers the spending of every region.",
        "budget.note_departement": "Envelopes are not broken down by département: only spending is filtered.",
        "budget.territorial_rate": "No regional target: the Budget page's rate for this région, on the dispositifs "
                                   "with a fully territorialised envelope ({envelope}); {uncovered} committed on "
                                   "national or partly national envelopes are not counted.",
        "readme.as_of": "Figures as of the end of", "readme.month": "As-of month", "readme.filters": "Filters",
        "readme.generated": "Generated on", "readme.version": "Application version",
        "readme.catalogue": "Indicator catalogue",
        "readme.catalogue_value": "{name}, version {version} (sha256 {sha}…)",
        "readme.url": "The same view in the dashboard",
        "readme.how": "How to read this workbook", "readme.freshness": "Data freshness per source",
        "readme.no_filter": "none — national view",
        "readme.how.readme": "This page: the exported view, its date, its filters, the freshness of the sources.",
        "readme.how.summary": "One indicator per row: value, target to date, progress, status in words, forecast, "
                              "freshness; on the right, the weighted progress of each objective.",
        "readme.how.objective": "Monthly series of the objective's indicators (long format, filterable) and, on "
                                "the right, their breakdown by territory in the as-of month.",
        "readme.how.budget": "The flows (envelope, committed, paid) by instrument, strand, wave, region and year, "
                             "and on the right the stocks and what remains per instrument; the totals under each "
                             "table are formulas over its rows.",
        "readme.how.tidy": "Long table: one row per indicator × territory × period (value, target to date, progress, "
                           "status, unit), ready for a pivot table.",
        "readme.how.definitions": "The catalogue: definition, formula in words, baseline, milestones, owner, "
                                  "sources and caveats of each indicator.",
        "readme.how.provenance": "The source files loaded (SHA-256, period, rows) and the load runs.",
        "readme.how.numbers": "Numbers are real numbers, dates real dates; 100 % progress means the final "
                              "target is reached.",
        "col.source": "Source", "col.title": "Title", "col.producer": "Producer", "col.rows": "Rows",
        "col.file": "File", "col.sha256": "SHA-256", "col.period_min": "Period (start)",
        "col.period_max": "Period (end)", "col.run": "Run", "col.superseded": "Superseded by",
        "col.started": "Started", "col.finished": "Finished", "col.run_status": "Status", "col.mode": "Mode",
        "col.files": "Files", "col.rows_read": "Rows read", "col.rows_loaded": "Rows loaded",
        "col.rows_rejected": "Rows rejected", "col.etl_version": "ETL version",
        "col.label_fr": "Label (French)", "col.label_en": "Label (English)", "col.description": "Definition",
        "col.formula": "Formula", "col.direction": "Direction", "col.baseline": "Baseline",
        "col.baseline_date": "Baseline date", "col.milestones": "Milestones", "col.owner": "Owner",
        "col.sources": "Sources", "col.notes": "Caveats", "col.public": "Public", "col.date": "Date",
        "col.milestone": "Milestone", "col.official": "Official", "col.milestone_source": "Target source",
        "direction.up": "Up", "direction.down": "Down", "yes": "Yes", "no": "No",
        "reference": "Observed level (not a target)",
    },
}
