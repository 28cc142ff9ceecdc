"""Ids read from a request: in a query string that views use directly, in a form's choices."""

from django import forms
from django.core.exceptions import ValidationError

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
