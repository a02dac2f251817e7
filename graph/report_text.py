"""The words of the monitoring report (:mod:`graph.report`), German and English.

Kept apart from the layout code so that a translation or a council's own
wording is one edit here. Values may contain HTML entities but no user data.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "de": {
        "title": "Monitoringbericht Integration",
        "as_of": "Stand",
        "generated": "erstellt am",
        "summary": "{actors} Akteure im Kooperationsnetz, {ties} Kooperationsbeziehungen, "
                   "davon {isolated} Akteure ohne Kooperation; {goals} Ziele, {projects} laufende Projekte, "
                   "{recs} Empfehlungen.",
        "fields": "Handlungsfelder",
        "no_field": "Ohne Handlungsfeld",
        "goals_and_actors": "Ziele und wer daran arbeitet",
        "goal": "Ziel",
        "actors": "Akteure",
        "who": "Wer arbeitet daran",
        "running_projects": "Laufende Projekte",
        "by_sector": "Nach Sektor",
        "nobody": "niemand",
        "recommendations": "Empfehlungen nach Zeithorizont",
        "no_recommendations": "Keine Empfehlungen zu diesem Handlungsfeld.",
        "horizon": "Horizont",
        "recommendation": "Empfehlung",
        "status": "Stand der Umsetzung",
        "implemented_by": "Umsetzende Projekte",
        "not_implemented": "kein Projekt",
        "gaps": "Wichtigste Kooperationslücken",
        "gaps_intro": "Akteure, die an denselben Zielen arbeiten, aber nicht kooperieren; Ziele ohne Träger; "
                      "Akteure ohne Kooperation; Abhängigkeit von einzelnen Vermittlern. "
                      "Höchster Wert zuerst.",
        "no_gaps": "Keine Kooperationslücken gefunden.",
        "score": "Wert",
        "kind": "Art",
        "explanation": "Erläuterung",
        "gap_unlinked_peers": "gleiche Ziele, keine Kooperation",
        "gap_isolated_actor": "ohne Kooperation",
        "gap_uncovered_goal": "Ziel ohne Träger",
        "gap_single_sector_goal": "Ziel nur eines Sektors",
        "gap_broker_dependency": "Abhängigkeit von Vermittler",
        "gap_lapsed_tie": "beendete Kooperation",
        "gap_unimplemented_recommendation": "Empfehlung ohne Projekt",
        "network": "Kooperationsnetz",
        "network_caption": "Farbe: Sektor; Größe: Zahl der Kooperationspartner; benannt sind die "
                           "am stärksten vernetzten Akteure. "
                           "Die interaktive Karte erzeugt <code>integraph map</code>.",
        "coverage": "Abdeckung der Ziele nach Sektor",
        "coverage_caption": "Zahl der Akteure je Ziel und Sektor. Leere Zeilen sind Ziele ohne Träger.",
        "change": "Veränderung",
        "no_since": "Für einen Vergleich mit einem früheren Stand den Bericht mit <code>--since DATUM</code> "
                    "erzeugen (z.&nbsp;B. <code>--since 2013-07-12</code>, Beschluss des Handlungskonzepts).",
        "change_summary": ("Vom {since} bis {on}: {gained} Kooperationsbeziehungen hinzugekommen, "
                           "{lost} weggefallen."),
        "ties_gained": "Neue Kooperationsbeziehungen",
        "ties_lost": "Weggefallene Kooperationsbeziehungen",
        "newly_isolated": "Seitdem ohne Kooperation",
        "goal_change": "Ziele mit veränderter Trägerschaft",
        "gained": "hinzugekommen",
        "lost": "weggefallen",
    },
    "en": {
        "title": "Integration monitoring report",
        "as_of": "As of",
        "generated": "generated on",
        "summary": "{actors} actors in the cooperation network, {ties} cooperation ties, "
                   "{isolated} actors without any cooperation; {goals} goals, {projects} running projects, "
                   "{recs} recommendations.",
        "fields": "Action fields",
        "no_field": "No action field",
        "goals_and_actors": "Goals and who works on them",
        "goal": "Goal",
        "actors": "Actors",
        "who": "Who works on it",
        "running_projects": "Running projects",
        "by_sector": "By sector",
        "nobody": "nobody",
        "recommendations": "Recommendations by horizon",
        "no_recommendations": "No recommendations for this action field.",
        "horizon": "Horizon",
        "recommendation": "Recommendation",
        "status": "Status",
        "implemented_by": "Implementing projects",
        "not_implemented": "no project",
        "gaps": "Top cooperation gaps",
        "gaps_intro": "Actors working on the same goals without cooperating; goals nobody carries; actors "
                      "without cooperation; dependence on single brokers. Highest score first.",
        "no_gaps": "No cooperation gaps found.",
        "score": "Score",
        "kind": "Kind",
        "explanation": "Explanation",
        "gap_unlinked_peers": "same goals, no cooperation",
        "gap_isolated_actor": "no cooperation",
        "gap_uncovered_goal": "goal nobody carries",
        "gap_single_sector_goal": "goal of one sector only",
        "gap_broker_dependency": "depends on a broker",
        "gap_lapsed_tie": "lapsed cooperation",
        "gap_unimplemented_recommendation": "recommendation without project",
        "network": "Cooperation network",
        "network_caption": "Colour: sector; size: number of partners; the best connected actors are named. "
                           "<code>integraph map</code> writes the interactive map.",
        "coverage": "Goal coverage by sector",
        "coverage_caption": "Number of actors per goal and sector. Empty rows are goals nobody carries.",
        "change": "Change",
        "no_since": "To compare with an earlier state, write the report with <code>--since DATE</code> "
                    "(e.g. <code>--since 2013-07-12</code>, when the concept was adopted).",
        "change_summary": "From {since} to {on}: {gained} cooperation ties gained, {lost} lost.",
        "ties_gained": "Ties gained",
        "ties_lost": "Ties lost",
        "newly_isolated": "Without cooperation since",
        "goal_change": "Goals whose actors changed",
        "gained": "gained",
        "lost": "lost",
    },
}
