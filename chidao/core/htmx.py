"""htmx requests: a view answers them with a partial template instead of the whole page."""


def is_htmx(request) -> bool:
    # History restores ask for the whole page even though htmx sends them.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )
