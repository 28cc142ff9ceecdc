"""Tiny helpers for the dashboard's server-drawn SVG charts (no chart library needed)."""

from django import template
from django.utils.html import format_html_join

from chidao.reports.charts import whole_percent

register = template.Library()


@register.filter
def share(value, total) -> int:
    """``value`` as a whole percentage of ``total``, for a width class (``cd-w-0`` to
    ``cd-w-100`` in chidao.css: the Content-Security-Policy allows no style attribute). A value
    above zero is at least 1, so a small count still shows."""
    try:
        number = 100 * float(value) / float(total) if total else 0
    except (TypeError, ValueError):
        number = 0
    number = min(max(number, 0), 100)
    return max(round(number), 1) if number > 0 else 0


@register.filter
def percent(rate) -> str:
    return f"{rate * 100:.0f}%"


@register.simple_tag
def rate_of(done, *parts) -> str:
    """``done`` as a whole percent of ``parts`` added up, as the charts write it; a dash when
    nothing is judged."""
    judged = sum(parts)
    return f"{whole_percent(done, judged)}%" if judged else "\u2014"


# The figures of a row of the dashboard's tables, each a link to exactly its tasks.
COUNTED = ("total", "done_on_time", "done_late", "open_within", "open_overdue")


@register.simple_tag
def count_cells(row, list_url: str) -> str:
    """A ``stats.Row``'s six linked figures (the five groups and "not updated") as cells."""
    figures = [(getattr(row.counts, group), row.links[group]) for group in COUNTED]
    figures.append((row.stale, row.links["stale"]))
    return format_html_join(
        "",
        '<td><a data-count="{}" href="{}?{}">{}</a></td>',
        ((value, list_url, link, value) for value, link in figures),
    )
