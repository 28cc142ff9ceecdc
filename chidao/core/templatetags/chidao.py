"""Template helpers shared by every app."""

import datetime

from django import template
from django.conf import settings

from chidao.core import addresses

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for an address with no argument, reversed once per process."""
    return addresses.fixed(name)


@register.simple_tag
def upload_max_mb() -> int:
    """The largest attachment accepted, in MB, for the file fields' words and their check."""
    return settings.CHIDAO_UPLOAD_MAX_MB


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
