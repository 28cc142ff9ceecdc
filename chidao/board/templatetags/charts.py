"""Tiny helpers for the dashboard's server-drawn SVG charts (no chart library needed)."""

from django import template

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
