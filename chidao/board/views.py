"""The kiosk board: no login, a secret link per screen, one shared snapshot, 304 when unchanged.

A board speaks its screen's language (Vietnamese unless the screen is set otherwise in the admin
site), whatever the hall's browser asks for, and every time on it is the committee's
(``settings.TIME_ZONE``), written by the server as dd/mm/yyyy HH:MM: the browser never formats a
time. The time of the last answer travels in a header (``X-Board-Time``) on every answer, 304
included: the browser's cache takes a 304's headers into the response it hands the script.

Paging: the server sends every item of each list (already capped in ``snapshot``) and the page's
script (``board.js``) shows as many whole rows as fit in each box, turning one page per poll. Only
the browser knows how tall a row is once unit names and contents wrap, so only it can page without
ever cutting a row; and the answer stays the same for every screen of a scope and language,
whatever its size or page, so an unchanged board is always revalidated as 304.
"""

import contextlib
import zoneinfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from chidao.board import snapshot, stats
from chidao.board.forms import ScopeForm
from chidao.board.models import Screen
from chidao.core import clock, replica
from chidao.directives import freshness
from chidao.org import permissions
from chidao.reports import charts, freezing

TIME_HEADER = "X-Board-Time"


def _screen(token: str) -> Screen:
    screen = Screen.by_token(token)
    if screen is None:
        raise Http404  # unknown, revoked or rotated: the old link stops at once
    screen.seen()
    return screen


@contextlib.contextmanager
def _screens_terms(screen: Screen):
    """The screen's language and the committee's time zone, not the browser's."""
    with translation.override(screen.language), timezone.override(settings.TIME_ZONE):
        yield


def _committee_time() -> str:
    moment = timezone.localtime(clock.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return f"{moment:%d/%m/%Y %H:%M}"


def _private(response, screen: Screen, shown_at: str):
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Language"] = screen.language  # LocaleMiddleware would name the browser's
    response[TIME_HEADER] = shown_at
    return response


def _context(screen: Screen, snap, shown_at: str) -> dict:
    return {
        "screen": screen,
        "snap": snap,
        "shown_at": shown_at,
        "poll_seconds": settings.CHIDAO_BOARD_POLL_SECONDS,
    }


def _drawn_body(snap) -> str:
    """The board's body (``_body.html``) in the active language: it depends on the snapshot and
    the language alone, the same for every screen of the scope, so it is drawn once per
    snapshot (its ETag hashes what it shows) and language and kept beside it. A new screen, or
    every screen after a change, is then answered without drawing the lists again."""
    body = cache.get_or_set(
        f"board-body:{snap.etag}:{translation.get_language()}",
        lambda: render_to_string("board/_body.html", {"snap": snap}),
        settings.CHIDAO_BOARD_CACHE_SECONDS,
    )
    return mark_safe(body)  # noqa: S308 (the template escapes what it prints)


@require_GET
def board(request, token: str):
    screen = _screen(token)
    snap = snapshot.get(screen.committee, screen.sector_block)
    with _screens_terms(screen):
        shown_at = _committee_time()
        context = _context(screen, snap, shown_at) | {"body": _drawn_body(snap)}
        response = render(request, "board/board.html", context)
    return _private(response, screen, shown_at)


@require_GET
def board_data(request, token: str):
    """The board's body, for the screen's periodic request; 304 when nothing changed.

    The snapshot holds no translated word, so screens of one scope share it; the body rendered
    from it is in the screen's language, so the ETag names the language too.
    """
    screen = _screen(token)
    snap = snapshot.get(screen.committee, screen.sector_block)
    with _screens_terms(screen):
        shown_at = _committee_time()
        etag = f'"{snap.etag}-{screen.language}"'
        if etag in request.headers.get("If-None-Match", ""):
            return _private(HttpResponseNotModified(headers={"ETag": etag}), screen, shown_at)
        response = HttpResponse(_drawn_body(snap))
    response["ETag"] = etag
    return _private(response, screen, shown_at)


def _dashboard_body(board: stats.Dashboard) -> str:
    """The figures, charts and tables of a dashboard: they depend on its figures and the
    language alone, so they are kept with them."""
    peak = max([t[1] + t[2] + t[3] for t in board.trend] + [1])
    # Drawn on the server (no script), every figure written in them and in the tables beside.
    months = [(label, on_time, on_time + late + overdue)
              for label, on_time, late, overdue, _links in board.trend]  # fmt: skip
    overdue_by_unit = [(row.label, row.counts.open_overdue) for row in board.ranking]
    drawn = {
        "on_time": mark_safe(charts.on_time_rate_svg(months)),  # noqa: S308 (escaped inside)
        "overdue": mark_safe(charts.overdue_by_unit_svg(overdue_by_unit)),  # noqa: S308
    }
    context = {
        "d": board,
        "peak": peak,
        "charts": drawn,
        "list_url": reverse("directives:task_list"),
        "stale_days": settings.CHIDAO_STALE_AFTER_WORKING_DAYS,
        "late_extensions_allowed": settings.CHIDAO_LATE_EXTENSIONS,
    }
    return render_to_string("board/_dashboard_body.html", context)


@require_GET
@login_required
def dashboard(request):
    """Bảng điều hành: the counts for a period and scope, with the trend, ranking and ageing."""
    # The stamp first: its query also reads the version the person's roles are kept under.
    freshness.stamp()
    form = ScopeForm(request.user, request.GET)
    values = form.values()
    scope = stats.Scope(
        start=values["start"],
        end=values["end"],
        unit=values.get("unit"),
        sector_block=values.get("sector_block"),
    )
    closed = None
    if scope.unit is not None and scope.sector_block is None:
        record = freezing.closed_for(scope.unit, form.chosen_period())
        if record is not None:
            closed = {"record": record, "totals": freezing.totals(record)}
    permissions.settle(request.user)
    with replica.reads_for(request):
        board, body = stats.cached_build(request.user, scope, draw=_dashboard_body)
    context = {"form": form, "closed": closed, "d": board, "body": body}
    return render(request, "board/dashboard.html", context)
