"""Dutch and English texts, in the vocabulary of the source articles.

English help for a config lever comes from its metadata in `sim/config.py` (declared
once); this file only holds the Dutch translations of those lines and the dashboard's
own words. `text(key, lang)` falls back to English, then to the key itself.
"""

from __future__ import annotations

LANGUAGES = ("en", "nl")

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "From policy to customer: the service-profit chain, live",
              "nl": "Van beleid tot klant: de service-winstketen, live"},
    "tab.live": {"en": "Live", "nl": "Live"},
    "tab.landscape": {"en": "Landscape", "nl": "Landschap"},
    "tab.compare": {"en": "Compare A vs B", "nl": "Vergelijk A en B"},
    "tab.stories": {"en": "Stories", "nl": "Verhalen"},
    "levers": {"en": "Management levers", "nl": "Stuurknoppen van het management"},
    "more_levers": {"en": "More levers", "nl": "Meer stuurknoppen"},
    "preset": {"en": "Policy preset", "nl": "Beleidsvoorbeeld"},
    "organisation": {"en": "Organisation size", "nl": "Omvang organisatie"},
    "seed": {"en": "Seed (same seed, same run)", "nl": "Seed (zelfde seed, zelfde run)"},
    "play": {"en": "Play", "nl": "Start"},
    "pause": {"en": "Pause", "nl": "Pauze"},
    "step_day": {"en": "+1 day", "nl": "+1 dag"},
    "step_week": {"en": "+1 week", "nl": "+1 week"},
    "reset": {"en": "Reset", "nl": "Opnieuw"},
    "to_end": {"en": "Run to end", "nl": "Tot het eind"},
    "speed": {"en": "Speed (days/s)", "nl": "Snelheid (dagen/s)"},
    "day": {"en": "Day", "nl": "Dag"},
    "of": {"en": "of", "nl": "van"},
    "vs_day0": {"en": "since day 0", "nl": "sinds dag 0"},
    "vs_month1": {"en": "vs first 30 days", "nl": "t.o.v. eerste 30 dagen"},
    "event_marked": {"en": "lever moved", "nl": "knop verzet"},
    "export_csv": {"en": "Data (CSV)", "nl": "Data (CSV)"},
    "export_hint": {"en": "Charts: camera icon above each chart saves a PNG.",
                    "nl": "Grafieken: het camera-icoon boven elke grafiek bewaart een PNG."},
    "chain.title": {"en": "The service-profit chain: why loyalty moved",
                    "nl": "De service-winstketen: waarom de loyaliteit bewoog"},
    "org.title": {"en": "The organisation: every dot is an employee, beside each team its customers",
                  "nl": "De organisatie: elke stip is een medewerker, naast elk team zijn klanten"},
    "org.legend": {"en": "green = bevlogen and fresh · orange = engaged but exhausted · grey = disengaged · "
                         "red = disengaged and exhausted",
                   "nl": "groen = bevlogen en fit · oranje = bevlogen maar uitgeput · grijs = niet betrokken · "
                         "rood = niet betrokken en uitgeput"},
    "org.team": {"en": "Team", "nl": "Team"},
    "org.backoffice": {"en": "Back office", "nl": "Backoffice"},
    "org.customers": {"en": "customers", "nl": "klanten"},
    "org.loyalty": {"en": "loyalty", "nl": "loyaliteit"},
    "org.more": {"en": "showing {shown} of {total} teams", "nl": "{shown} van {total} teams getoond"},
    "chart.customers": {"en": "Customers", "nl": "Klanten"},
    "chart.loyalty": {"en": "Loyalty, satisfaction", "nl": "Loyaliteit, tevredenheid"},
    "chart.employees": {"en": "Engagement, exhaustion", "nl": "Bevlogenheid, uitputting"},
    "chart.service": {"en": "Service and werkdruk", "nl": "Service en werkdruk"},
    "chart.policy": {"en": "Policy in force", "nl": "Beleid in werking"},
    "chart.money": {"en": "Money (€/day, 30-day mean)", "nl": "Geld (€/dag, 30 dagen)"},
    "landscape.title": {"en": "Two-year outcome over werkdruk × waardering",
                        "nl": "Uitkomst na twee jaar over werkdruk × waardering"},
    "landscape.explain": {
        "en": "Each cell is a full two-year run at reduced scale ({teams} teams, {customers} customers each) "
              "with the other levers as set on the left. The cross marks the current policy.",
        "nl": "Elke cel is een volledige run van twee jaar op kleine schaal ({teams} teams, elk {customers} "
              "klanten) met de overige knoppen zoals links ingesteld. Het kruis is het huidige beleid."},
    "landscape.compute": {"en": "Compute landscape", "nl": "Landschap berekenen"},
    "landscape.metric": {"en": "Show", "nl": "Toon"},
    "landscape.progress": {"en": "{done} of {total} runs", "nl": "{done} van {total} runs"},
    "landscape.current": {"en": "current policy", "nl": "huidig beleid"},
    "compare.run": {"en": "Run A and B", "nl": "Draai A en B"},
    "compare.a": {"en": "A: the levers as set on the left", "nl": "A: de knoppen zoals links ingesteld"},
    "compare.b": {"en": "B: another policy", "nl": "B: een ander beleid"},
    "compare.diff": {"en": "B at the end of the run, and B minus A", "nl": "B aan het eind van de run, en B min A"},
    "compare.vs_a": {"en": "vs A", "nl": "t.o.v. A"},
    "compare.same_seed": {"en": "Both runs use seed {seed}: the difference is the policy, not chance.",
                          "nl": "Beide runs gebruiken seed {seed}: het verschil komt door het beleid, niet door "
                                "toeval."},
    "stories.pick": {"en": "Story", "nl": "Verhaal"},
    "stories.play": {"en": "Play story", "nl": "Speel verhaal af"},
    "busy": {"en": "Running…", "nl": "Bezig…"},
    "lang": {"en": "NL", "nl": "EN"},
    "org.small": {"en": "small (4 teams of 8)", "nl": "klein (4 teams van 8)"},
    "org.default": {"en": "reference (10 teams of 15)", "nl": "referentie (10 teams van 15)"},
    "org.large": {"en": "large (100 teams of 15)", "nl": "groot (100 teams van 15)"},
    # KPIs: name and one-line explanation
    "kpi.customers": {"en": "Customers", "nl": "Klanten"},
    "kpi.customers.help": {"en": "Active customers of all teams.", "nl": "Actieve klanten van alle teams."},
    "kpi.satisfaction": {"en": "Satisfaction", "nl": "Tevredenheid"},
    "kpi.satisfaction.help": {"en": "Mean cumulative customer satisfaction (0-1).",
                              "nl": "Gemiddelde opgebouwde klanttevredenheid (0-1)."},
    "kpi.loyalty": {"en": "Loyalty", "nl": "Loyaliteit"},
    "kpi.loyalty.help": {"en": "Chance a customer is still a customer in a year (0-1).",
                         "nl": "Kans dat een klant over een jaar nog klant is (0-1)."},
    "kpi.nps": {"en": "NPS", "nl": "NPS"},
    "kpi.nps.help": {"en": "Net promoter score: % promoters minus % detractors.",
                     "nl": "Net promoter score: % promoters min % criticasters."},
    "kpi.engagement": {"en": "Engagement", "nl": "Bevlogenheid"},
    "kpi.engagement.help": {"en": "Mean work engagement of staff (0-1; UWES = 6 × value).",
                            "nl": "Gemiddelde bevlogenheid van medewerkers (0-1; UWES = 6 × waarde)."},
    "kpi.burnout_share": {"en": "Burnout share", "nl": "Aandeel burn-out"},
    "kpi.burnout_share.help": {"en": "Share of staff with exhaustion of 0.5 or more.",
                               "nl": "Aandeel medewerkers met uitputting van 0,5 of meer."},
    "kpi.turnover": {"en": "Turnover", "nl": "Verloop"},
    "kpi.turnover.help": {"en": "Quits per employee per year, over the last 30 days.",
                          "nl": "Vertrek per medewerker per jaar, over de laatste 30 dagen."},
    "kpi.profit": {"en": "Profit", "nl": "Winst"},
    "kpi.profit.help": {"en": "Profit per day (EUR), mean of the last 30 days.",
                        "nl": "Winst per dag (EUR), gemiddelde van de laatste 30 dagen."},
    # chain boxes
    "chain.policy": {"en": "Policy", "nl": "Beleid"},
    "chain.employees": {"en": "Employees", "nl": "Medewerkers"},
    "chain.service": {"en": "Service", "nl": "Service"},
    "chain.customers": {"en": "Customers", "nl": "Klanten"},
    "chain.money": {"en": "Money", "nl": "Geld"},
    "chain.pressure": {"en": "werkdruk", "nl": "werkdruk"},
    "chain.appreciation": {"en": "appreciation", "nl": "waardering"},
    "chain.work_pressure": {"en": "work pressure", "nl": "werkdruk (p)"},
    "chain.felt_appreciation": {"en": "felt appreciation", "nl": "ervaren waardering"},
    "chain.engagement": {"en": "engagement", "nl": "bevlogenheid"},
    "chain.exhaustion": {"en": "exhaustion", "nl": "uitputting"},
    "chain.quality": {"en": "quality", "nl": "kwaliteit"},
    "chain.resolution": {"en": "resolved", "nl": "opgelost"},
    "chain.centricity": {"en": "klantgerichtheid", "nl": "klantgerichtheid"},
    "chain.satisfaction": {"en": "satisfaction", "nl": "tevredenheid"},
    "chain.loyalty": {"en": "loyalty", "nl": "loyaliteit"},
    "chain.profit": {"en": "profit/day", "nl": "winst/dag"},
    "chain.revenue": {"en": "revenue/day", "nl": "omzet/dag"},
    "chain.time": {"en": "time/customer", "nl": "tijd/klant"},
    "chain.customers_n": {"en": "customers", "nl": "klanten"},
}

# Lever names and Dutch translations of the help lines declared in sim/config.py.
LEVER_NAMES: dict[str, dict[str, str]] = {
    "policy.pressure": {"en": "Pressure (werkdruk)", "nl": "Werkdruk"},
    "policy.appreciation": {"en": "Appreciation (waardering)", "nl": "Waardering"},
    "policy.autonomy": {"en": "Autonomy", "nl": "Autonomie"},
    "policy.training": {"en": "Training", "nl": "Training"},
    "policy.display_rules": {"en": "Display rules", "nl": "Gedragsregels"},
    "policy.vision_cocreation": {"en": "Vision co-creation", "nl": "Visie samen maken"},
    "policy.listening": {"en": "Listening", "nl": "Luisteren"},
    "policy.brand_promise": {"en": "Brand promise", "nl": "Merkbelofte"},
    "policy.loyalty_discount": {"en": "Loyalty-card discount", "nl": "Korting klantenkaart"},
    "policy.staffing": {"en": "Staffing", "nl": "Bezetting"},
    "policy.hiring_delay_days": {"en": "Hiring delay (days)", "nl": "Wervingstijd (dagen)"},
    "policy.reset_standards": {"en": "Reset standards", "nl": "Normen herstellen"},
    "policy.reactive_management": {"en": "Reactive management", "nl": "Reactief management"},
}
HELP_NL: dict[str, str] = {
    "policy.pressure": "targets, controle en een strakkere norm voor de behandeltijd",
    "policy.appreciation": "oprechte, persoonlijke waardering door teamleiders",
    "policy.autonomy": "ruimte om voor de klant te handelen",
    "policy.training": "opleiding: sneller leren, hoger vakmanschap",
    "policy.display_rules": "hoe streng een glimlach en een script verplicht zijn",
    "policy.vision_cocreation": "medewerkers maken de klantvisie mee (1) of die komt van bovenaf (0)",
    "policy.listening": "persoonlijk gesprek en het wegnemen van knelpunten die medewerkers melden",
    "policy.brand_promise": "hoeveel het merk klanten belooft (verhoogt verwachtingen)",
    "policy.loyalty_discount": "deel van de prijs dat klantenkaarthouders terugkrijgen",
    "policy.staffing": "bezetting ten opzichte van de basisbehoefte",
    "policy.hiring_delay_days": "dagen om een vacature te vullen zonder voordracht",
    "policy.reset_standards": "het management herstelt bewust de uitgeholde tijdnorm",
    "policy.reactive_management": "het management verhoogt de druk als klantscores dalen",
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The text for `key` in `lang` (falling back to English), with `{name}` fields filled in."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def lever_name(path: str, lang: str = "en") -> str:
    entry = LEVER_NAMES.get(path)
    return (entry.get(lang) or entry["en"]) if entry else path.split(".")[-1].replace("_", " ")


def lever_help(path: str, lang: str = "en") -> str:
    """One line: the metadata's help (English) or its Dutch translation, with the unit."""
    from sim.config import param_info

    info = param_info(path)
    line = HELP_NL.get(path, info["help"]) if lang == "nl" else info["help"]
    return f"{line} ({info['unit']})" if info.get("unit") else line
