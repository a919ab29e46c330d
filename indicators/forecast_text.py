"""The forecast's sentences, French and English, written from one set of numbers (`Story`).

The verdict (reached or not by the deadline) is the projected value at the deadline; the pace the sentence
compares with the pace needed is the projection's own, so the two can never disagree. When the observed
6-month pace would tell the other story, the sentence says that the chosen trend slows down or speeds up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_scientific

METHOD_WORDS = {  # the chosen model, in words (FR, EN)
    "drift6": ("rythme des 6 derniers mois prolongé", "pace of the last 6 months carried on"),
    "drift12": ("rythme des 12 derniers mois prolongé", "pace of the last 12 months carried on"),
    "damped": ("tendance amortie", "damped trend"),
    "logistic": ("courbe logistique", "logistic curve"),
    "gompertz": ("courbe de Gompertz", "Gompertz curve"),
    "seasonal": ("saison de 12 mois", "12-month season"),
}


@dataclass(frozen=True)
class Story:
    target: float
    target_date: date
    target_month: int
    last: int
    last_value: float
    projected: float | None
    low: float | None
    high: float | None
    reached: bool | None
    reached_on: date | None
    not_before: date | None
    never: bool
    already: bool
    pace_needed: float | None
    projected_pace: float | None
    pace: float | None  # observed over the last 6 months
    method: str
    observed: int
    interpolated: int
    unit: str = ""

    @property
    def sparse(self) -> bool:
        return self.interpolated > 0

    def observed_would_suffice(self) -> bool | None:
        if self.pace is None or self.pace_needed is None:
            return None
        return self.pace >= self.pace_needed if self.target >= self.last_value else self.pace <= self.pace_needed


@dataclass(frozen=True)
class _Numbers:
    """Formats every number of a message in the compact unit of the target ("40 M", "+1,3 M")."""

    locale: str
    divisor: float
    suffix: str

    @classmethod
    def for_reference(cls, ref: float, locale: str) -> _Numbers:
        """The unit Babel's compact format would give `ref` in this locale (k, M, Md / k, m, bn)."""
        if not math.isfinite(ref) or abs(ref) < 1000:
            return cls(locale, 1.0, "")
        magnitude = 10 ** min(int(math.log10(abs(ref))), 14)
        pattern = Locale.parse(locale).compact_decimal_formats["short"]["other"][str(magnitude)].pattern
        return cls(locale, magnitude / 10 ** (pattern.count("0") - 1), pattern.replace("0", "").replace("'", ""))

    def __call__(self, v: float, fixed: bool = True) -> str:
        x = v / self.divisor
        if not math.isfinite(x) or abs(x) >= 1e15:  # beyond what Babel's decimal quantisation accepts
            return format_scientific(v, format="0.##E0", locale=self.locale)
        decimals = 1 if abs(x) >= 0.1 or x == 0 else 2 if abs(x) >= 0.01 else 3
        fmt = "#,##0." + ("0" if fixed else "#") * decimals
        return format_decimal(x, format=fmt, locale=self.locale) + self.suffix

    def signed(self, v: float) -> str:
        return ("+" if v > 0 else "") + self(v)

    def range(self, lo: float, hi: float) -> str:
        """'36,1–43,0 M': the unit once, after the upper bound."""
        low = self(lo)
        if self.suffix and low.endswith(self.suffix):
            low = low[: -len(self.suffix)]
        return f"{low}–{self(hi)}"


def month_name(d: date | int, locale: str) -> str:
    if not isinstance(d, date):
        y, mo = divmod(int(d), 12)
        d = date(y, mo + 1, 1)
    return format_date(d, "MMMM yyyy", locale=locale)


def _deadline(d: date, locale: str) -> str:
    word = "fin" if locale.startswith("fr") else "end"
    return f"{word} {d.year}" if d.month == 12 else f"{word} {month_name(d, locale)}"


def _french_spaces(text: str) -> str:
    """No line break before ':', ';' and '%' (French typography)."""
    return text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;").replace(" %", "\u00a0%")


def method_words(method: str, fr: bool) -> str:
    return ", ".join(METHOD_WORDS.get(p, (p, p))[0 if fr else 1] for p in method.split("+"))


def insufficient_messages(months: np.ndarray, values: np.ndarray, target: float, needed: int) -> tuple[str, str]:
    n = len(values)
    fr_num, en_num = _Numbers.for_reference(target, "fr_FR"), _Numbers.for_reference(target, "en_GB")
    fr = (f"Projection impossible : {n} mois de données, il en faut au moins {needed} pour estimer "
          f"une tendance vers la cible de {fr_num(target, fixed=False)}.")
    en = (f"No projection: {n} month(s) of data, at least {needed} are needed to estimate a trend "
          f"towards the {en_num(target, fixed=False)} target.")
    if n:
        last = int(months[-1])
        fr += f" Dernière valeur : {fr_num(values[-1])} ({month_name(last, 'fr_FR')})."
        en += f" Latest value: {en_num(values[-1])} ({month_name(last, 'en_GB')})."
    return _french_spaces(fr), en


def message(s: Story, locale: str) -> str:
    fr = locale.startswith("fr")
    text = _verdict(s, locale, fr)
    if s.sparse:
        text += (f" Série publiée à dates espacées ({s.observed} valeurs, {s.interpolated} mois sans publication) : "
                 "les mois intermédiaires sont interpolés pour la projection, jamais reportés, sans saisonnalité."
                 if fr else
                 f" Series published at spaced dates ({s.observed} values, {s.interpolated} months without one): "
                 "the months in between are interpolated for the projection, never carried forward, no season.")
    return _french_spaces(text) if fr else text


def _verdict(s: Story, locale: str, fr: bool) -> str:
    num = _Numbers.for_reference(s.target if s.target else s.last_value, locale)
    unit = _unit_words(s.unit, fr)
    target, deadline = num(s.target, fixed=False) + unit, _deadline(s.target_date, locale)

    def month(d: date | int) -> str:
        return month_name(d, locale)

    if s.already:
        return (f"La cible de {target} est atteinte depuis {month(s.reached_on)} (dernière valeur : "
                f"{num(s.last_value)} en {month(s.last)})." if fr else
                f"The {target} target has been reached since {month(s.reached_on)} (latest value: "
                f"{num(s.last_value)} in {month(s.last)}).")
    if fr:
        later = (f"elle le serait en {month(s.reached_on)}" if s.reached_on else
                 "à ce rythme, elle ne le serait jamais" if s.never else f"elle ne le serait pas avant {month(s.not_before)}")
    else:
        later = (f"it would be reached in {month(s.reached_on)}" if s.reached_on else
                 "at this pace, it would never be reached" if s.never else f"it would not be reached before {month(s.not_before)}")
    how = method_words(s.method, fr)
    if s.target_month <= s.last:
        seen = "" if s.projected is None else f" ({num(s.projected)} {'en' if fr else 'in'} {month(s.target_month)})"
        return (f"L'échéance ({deadline}) est passée sans que la cible de {target} soit atteinte{seen} ; "
                f"au rythme projeté ({how}), {later}." if fr else
                f"The deadline ({deadline}) has passed without reaching the {target} target{seen}; "
                f"at the projected pace ({how}), {later}.")
    projected, interval = num(s.projected) + unit, num.range(s.low, s.high) + unit
    needed, pace_p = num.signed(s.pace_needed), num.signed(s.projected_pace)
    pace_o = num.signed(s.pace) if s.pace is not None else "?"
    if s.unit == "pct":
        word = " point" if fr else " pt"
        needed, pace_p, pace_o = needed + word, pace_p + word, pace_o + word
    if fr:
        head = (f"Au rythme projeté ({how}), la cible de {target} serait atteinte en {month(s.reached_on)}, "
                f"avant l'échéance ({deadline})" if s.reached else
                f"Au rythme projeté ({how}), la cible de {target} ne serait pas atteinte {deadline}")
        text = (f"{head} : {projected} projetés {deadline} (intervalle 80 % : {interval}) ; "
                f"il {'faut' if s.reached else 'faudrait'} {needed} par mois d'ici là, la projection en prolonge {pace_p} ({pace_o} observés sur 6 mois).")
    else:
        head = (f"At the projected pace ({how}), the {target} target would be reached in {month(s.reached_on)}, "
                f"before the deadline ({deadline})" if s.reached else
                f"At the projected pace ({how}), the {target} target would not be reached by {deadline}")
        text = (f"{head}: {projected} projected at {deadline} (80% interval: {interval}); {needed} per month "
                f"{'is' if s.reached else 'would be'} needed until then, the projection carries on {pace_p} ({pace_o} observed over 6 months).")
    if not s.reached:
        text += f" {later[0].upper()}{later[1:]}."
    if s.low is not None and min(s.low, s.high) < s.target < max(s.low, s.high):
        text += (" L'intervalle à 80 % contient la cible : l'issue reste incertaine." if fr else
                 " The 80% interval contains the target: the outcome is uncertain.")
    suffices = s.observed_would_suffice()
    if suffices is not None and suffices != s.reached:
        text += ((" Le rythme des 6 derniers mois suffirait, mais la tendance retenue ralentit." if suffices else
                  " Le rythme des 6 derniers mois ne suffirait pas : la tendance retenue accélère.") if fr else
                 (" The pace of the last 6 months would suffice, but the chosen trend slows down." if suffices else
                  " The pace of the last 6 months would not suffice: the chosen trend speeds up."))
    return text


def _unit_words(unit: str, fr: bool) -> str:
    from indicators.fmt import UNIT_SUFFIX

    if not unit or unit == "count":
        return ""
    words = UNIT_SUFFIX.get(unit, (unit, unit))[0 if fr else 1]
    return "\u00a0" + words


def explanation(f, lang: str) -> list[str]:
    """« Expliquer ce chiffre » for a forecast: the method, what it was compared with, where the interval comes
    from and what the data lacked, from the same numbers as the sentence."""
    fr = lang == "fr"
    if f.method == "insufficient_data":
        return [f.message_fr if fr else f.message_en]

    def pct(x: float) -> str:
        return format_decimal(x, format="0.0", locale="fr_FR" if fr else "en_GB") + ("\u00a0%" if fr else "%")

    chosen = next((c for c in f.candidates if c.chosen), None)
    others = [c for c in f.candidates if not c.chosen and c.error_pct is not None]

    def versus(c) -> str:
        text = f"{method_words(c.name, fr)} {pct(c.error_pct)}"
        if c.baseline_error_pct is not None:
            text += (f" (référence aux mêmes origines : {pct(c.baseline_error_pct)})" if fr else
                     f" (baseline at the same origins: {pct(c.baseline_error_pct)})")
        return text

    lines = []
    if chosen is not None and chosen.error_pct is not None:
        lines.append(f"Méthode retenue : {method_words(f.method, fr)}, choisie par backtest glissant sur la série "
                      f"elle-même (erreur absolue moyenne à 12 mois : {pct(chosen.error_pct)} du niveau, "
                      f"{chosen.forecasts} prévisions rejouées)." if fr else
                      f"Chosen method: {method_words(f.method, fr)}, chosen by a rolling-origin backtest on the series "
                      f"itself (mean absolute error over 12 months: {pct(chosen.error_pct)} of the level, "
                      f"{chosen.forecasts} replayed forecasts).")
    else:
        lines.append(f"Méthode : {method_words(f.method, fr)}." if fr else f"Method: {method_words(f.method, fr)}.")
    if others:
        lines.append(("Comparée à : " if fr else "Compared with: ") + "; ".join(versus(c) for c in others) + "."
                     + (" Une courbe en S ne remplace une référence que si elle fait au moins 10 % mieux, à deux "
                        "origines sur trois." if fr else
                        " An S-curve replaces a baseline only if it does at least 10% better, at two origins out "
                        "of three."))
    lines.append("Intervalle à 80 % : l'erreur que cette méthode a faite à chaque horizon dans le backtest "
                 "(80ᵉ centile des écarts absolus), autour de la projection, qui part de la dernière valeur."
                 if fr else
                 "80% interval: the error this method made at each horizon in the backtest (80th percentile of the "
                 "absolute errors), around the projection, which starts from the last value.")
    if f.interpolated_months:
        lines.append(f"{f.observed_months} valeurs publiées ; {f.interpolated_months} mois sans publication, "
                      "interpolés pour les modèles (ni reportés ni saisonnalisés)." if fr else
                      f"{f.observed_months} published values; {f.interpolated_months} months without one, "
                      "interpolated for the models (neither carried forward nor seasonal).")
    lines.append(f.message_fr if fr else f.message_en)
    return [_french_spaces(x) for x in lines] if fr else lines
