"""Tiny helpers for the dashboard's server-drawn SVG charts (no chart library needed)."""

from html import escape

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe

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


# The rows of the dashboard's tables are written here rather than by a loop of the template, and
# with the standard library's escaping (Django's own ``escape``, without its checks for lazy
# text): a unit's statistics print a hundred and fifty linked figures, each costing more in a
# template's tags than the string it writes.
def _figure(value: int, list_url: str, link: str) -> str:
    return f'<a data-count="{value}" href="{escape(list_url)}?{escape(link)}">{value}</a>'


def _cells(row, list_url: str) -> str:
    figures = [(getattr(row.counts, group), row.links[group]) for group in COUNTED]
    figures.append((row.stale, row.links["stale"]))
    return "".join(f"<td>{_figure(value, list_url, link)}</td>" for value, link in figures)


@register.simple_tag
def count_cells(row, list_url: str) -> str:
    """A ``stats.Row``'s six linked figures (the five groups and "not updated") as cells."""
    return mark_safe(_cells(row, list_url))  # noqa: S308 (every text escaped)


@register.simple_tag
def group_rows(rows, list_url: str) -> str:
    """A table of groups (``_group_table.html``): each row's name and linked figures."""
    return mark_safe("".join(  # noqa: S308 (every text escaped)
        f'<tr><th scope="row" class="text-start fw-normal">{escape(row.label)}</th>'
        f"{_cells(row, list_url)}</tr>"
        for row in rows
    ))  # fmt: skip


@register.simple_tag
def trend_rows(trend, list_url: str, peak: int) -> str:
    """The months of the trend: each group's figure linked to its tasks, the on-time rate and
    the month's bar."""
    return mark_safe("".join(  # noqa: S308 (every text escaped)
        f'<tr><th scope="row" class="text-start">{escape(label)}</th>'
        f'<td>{_figure(on_time, list_url, links["done_on_time"])}</td>'
        f'<td>{_figure(late, list_url, links["done_late"])}</td>'
        f'<td>{_figure(overdue, list_url, links["open_overdue"])}</td>'
        f"<td>{rate_of(on_time, on_time, late, overdue)}</td>"
        '<td class="text-start"><div class="cd-stack" aria-hidden="true">'
        f'<span class="cd-bar-blue cd-w-{share(on_time, peak)}"></span>'
        f'<span class="cd-bar-orange cd-w-{share(late, peak)}"></span>'
        f'<span class="cd-bar-red cd-w-{share(overdue, peak)}"></span></div></td></tr>'
        for label, on_time, late, overdue, links in trend
    ))  # fmt: skip


@register.simple_tag
def ranking_rows(ranking, list_url: str) -> str:
    """The units ranked: the place (units with nothing judged have none), the rate with its
    bar, the linked figures, the urgings and the emulation score."""
    dash = "\u2014"
    lines = []
    for place, row in enumerate(ranking, start=1):
        rate = row.counts.ranking_rate
        score = row.score.value if row.score is not None else None
        lines.append(
            f"<tr><td>{place if rate is not None else ''}</td>"
            f'<th scope="row" class="text-start fw-normal">{escape(row.label)}</th>'
            '<td><div class="cd-stack" aria-hidden="true">'
            f'<span class="cd-bar-blue cd-w-{share(rate or 0, 1)}"></span></div>'
            f"{percent(rate) if rate is not None else dash}</td>{_cells(row, list_url)}"
            f'<td class="cd-urged">{row.urged}</td>'
            f'<td class="cd-score">{floatformat(score, 1) if score is not None else dash}</td></tr>'
        )
    return mark_safe("".join(lines))  # noqa: S308 (every text escaped)
