"""Kept markup made this browser's own."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from chidao.directives import freshness

register = template.Library()


@register.filter
def with_token(markup: SafeString, token) -> SafeString:
    """Markup kept with its forms' token stand-in (``freshness.token_stand_in``), given this
    browser's form token in its place."""
    return mark_safe(markup.replace(freshness.token_stand_in(), str(token)))  # noqa: S308
