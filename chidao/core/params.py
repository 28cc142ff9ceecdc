"""Values read from a request: ids in a query string that views use directly or in a form's
choices, and the page to go back to."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

# The largest key both databases store (a signed 64-bit integer, Django's BigAutoField). Beyond it
# SQLite raises OverflowError and PostgreSQL "out of range": a 500 for a typo in a link.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """An object's id as written in a link: ASCII digits only (no sign, space, exponent or other
    script's digits), from 1 to ``MAX_ID``. Anything else is None: no object has that id."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(MAX_ID)):  # don't even convert a 10,000-digit string
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def local_path(request, target: str) -> str | None:
    """``target`` when it is a path on this site (a form's "next"), else None: never another
    site, and never a bare word, which ``redirect`` would take for a URL name (a 500)."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Django's field of several objects chosen by id, refusing a value that is not an id (see
    ``parse_id``) with its own message before the database sees it: Django looks the values up
    together, and one beyond the 64-bit range is an OverflowError on SQLite, a 500."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
