"""Diễn giải hạn: one line telling how a deadline was computed, from its stored basis alone.

The line is rendered in the active language when it is shown, never stored, so the same basis
reads in Vietnamese or English; the calendar is not consulted, so a later edit of it changes
nothing. Dates are dd/mm/yyyy in both languages (Vietnamese administrative usage).

    10 ngày làm việc kể từ 10/02/2026 (nghỉ Tết 14/02–22/02/2026) → 03/03/2026
    Hạn 30/04/2026 là ngày nghỉ (Ngày Chiến thắng, Ngày Quốc tế Lao động) → 04/05/2026
"""  # noqa: RUF002 - the en dash is the typographic span, as printed

import datetime

from django.conf import settings
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

EN_DASH = "\u2013"  # joins the two ends of a span of days off


def names_language(language: str | None = None) -> str:
    """Which of a name's two spellings to show: "vi" for Vietnamese, "en" for any other."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return "vi" if language.startswith("vi") else "en"


def _day(iso: str) -> datetime.date:
    return datetime.date.fromisoformat(iso)


def _dmy(iso: str) -> str:
    return f"{_day(iso):%d/%m/%Y}"


def _span(first: str, last: str) -> str:
    """14/02–22/02/2026 within a year, 29/12/2025–01/01/2026 across years, 30/04/2026 alone."""  # noqa: RUF002
    a, b = _day(first), _day(last)
    if a == b:
        return _dmy(first)
    if a.year == b.year:
        return f"{a:%d/%m}{EN_DASH}{b:%d/%m/%Y}"
    return f"{a:%d/%m/%Y}{EN_DASH}{b:%d/%m/%Y}"


def _working_days(basis: dict, lang: str) -> str:
    days = basis["days"]
    # Translators: the start of a deadline line, e.g. "10 ngày làm việc kể từ 10/02/2026".
    head = ngettext(
        "%(days)s working day from %(start)s", "%(days)s working days from %(start)s", days
    ) % {"days": days, "start": _dmy(basis["start"])}
    # Notes in date order: each break, and the make-up days together at the first of them.
    notes = []
    for b in basis["breaks"]:
        params = {"name": b["name"][lang], "span": _span(b["from"], b["to"])}
        # Translators: a break of days off, e.g. "nghỉ Tết %(span)s"; the span is a date range.
        notes.append((b["from"], _("holiday %(name)s %(span)s") % params))
    if workdays := basis["workdays"]:
        params = {"dates": ", ".join(map(_dmy, workdays))}
        # Translators: a weekend day that is worked, e.g. "làm việc bù 22/08/2026".
        text = ngettext(
            "make-up working day %(dates)s", "make-up working days %(dates)s", len(workdays)
        )
        notes.append((workdays[0], text % params))
    details = f" ({'; '.join(text for _at, text in sorted(notes))})" if notes else ""
    return f"{head}{details} → {_dmy(basis['due'])}"


def _date(basis: dict, lang: str) -> str:
    if basis["requested"] == basis["due"]:
        return _dmy(basis["due"])
    requested = _dmy(basis["requested"])
    if basis["breaks"]:
        name = ", ".join(dict.fromkeys(b["name"][lang] for b in basis["breaks"]))
        # Translators: e.g. "Hạn 30/04/2026 là ngày nghỉ (Ngày Chiến thắng)".
        head = _("Deadline %(requested)s is a day off (%(name)s)") % {
            "requested": requested,
            "name": name,
        }
    else:
        # Translators: e.g. "Hạn 02/05/2026 rơi vào ngày nghỉ cuối tuần".
        head = _("Deadline %(requested)s falls on a weekend") % {"requested": requested}
    return f"{head} → {_dmy(basis['due'])}"


def adds_to_the_date(basis: dict) -> bool:
    """Whether the line says more than the due date itself: a date asked for that is a working
    day explains nothing ("15/12/2026 — 15/12/2026"), so pages show the date alone."""
    return not (basis.get("kind") == "date" and basis.get("requested") == basis.get("due"))


def explain(basis: dict) -> str:
    """Render a ``DeadlineRule`` basis in the active language."""
    lang = names_language()
    if basis["kind"] == "working_days":
        return _working_days(basis, lang)
    if basis["kind"] == "date":
        return _date(basis, lang)
    raise ValueError(f"unknown deadline basis kind: {basis['kind']!r}")
