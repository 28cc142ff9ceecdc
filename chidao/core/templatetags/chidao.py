"""Template helpers shared by every app."""

import datetime

from django import template

register = template.Library()


@register.filter
def vndate(value) -> str:
    """dd/mm/yyyy for a date, or for an ISO date string as stored in event details."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)
