"""Addresses with no argument (the menu's, the footer's), reversed once per process: every page
asks for a dozen of them, and each ``reverse`` walks the URL patterns again."""

import functools

from django.urls import get_script_prefix, reverse


def fixed(name: str) -> str:
    """``reverse(name)``, kept per script prefix (the address the product is served under)."""
    return _reversed(name, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)
