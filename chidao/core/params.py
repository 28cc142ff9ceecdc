"""Reading values from the query string that views use directly (not through a form)."""

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
