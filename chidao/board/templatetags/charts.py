"""Tiny helpers for the dashboard's server-drawn SVG charts (no chart library needed)."""

from django import template

register = template.Library()


@register.filter
def share(value, total) -> str:
    """``value`` as a percentage of ``total``, for CSS: a string, so no locale turns the
    decimal point into a comma."""
    try:
        number = 100 * float(value) / float(total) if total else 0
    except (TypeError, ValueError):
        number = 0
    return f"{min(max(number, 0), 100):.2f}"


@register.filter
def percent(rate) -> str:
    return f"{rate * 100:.0f}%"
