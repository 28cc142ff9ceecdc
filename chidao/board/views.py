"""The kiosk board: no login, a secret link per screen, one shared snapshot, 304 when unchanged."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from chidao.board import snapshot, stats
from chidao.board.forms import ScopeForm
from chidao.board.models import Screen

ITEMS_PER_PAGE = 6
UNITS_PER_PAGE = 12
SOON_PER_PAGE = 3


def _screen(token: str) -> Screen:
    screen = Screen.by_token(token)
    if screen is None:
        raise Http404  # unknown, revoked or rotated: the old link stops at once
    return screen


def _private(response):
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _page(items: list, page: int, size: int):
    """The ``page``-th slice of ``items``, going round: each list pages at its own length."""
    pages = max(1, -(-len(items) // size))
    page %= pages
    return items[page * size : (page + 1) * size], page, pages


def _context(screen: Screen, snap, page: int) -> dict:
    overdue, overdue_page, pages = _page(snap.overdue, page, ITEMS_PER_PAGE)
    units, units_page, unit_pages = _page(snap.units, page, UNITS_PER_PAGE)
    soon, _soon_page, soon_pages = _page(snap.due_soon, page, SOON_PER_PAGE)
    return {
        "screen": screen,
        "snap": snap,
        "overdue": overdue,
        "units": units,
        "soon": soon,
        "page": overdue_page,
        "pages": pages,
        "units_page": units_page,
        "unit_pages": unit_pages,
        "first_number": overdue_page * ITEMS_PER_PAGE,
        # After this many pages every list is back at its start: the screen counts pages modulo
        # it, so its requests repeat and the browser can revalidate them (304).
        "cycle": math.lcm(pages, unit_pages, soon_pages),
        "poll_seconds": settings.CHIDAO_BOARD_POLL_SECONDS,
    }


@require_GET
def board(request, token: str):
    screen = _screen(token)
    snap = snapshot.get(screen.committee, screen.sector_block)
    return _private(render(request, "board/board.html", _context(screen, snap, 0)))


@require_GET
def board_data(request, token: str):
    """The board's body, for the screen's periodic request; 304 when nothing changed."""
    screen = _screen(token)
    snap = snapshot.get(screen.committee, screen.sector_block)
    try:
        page = int(request.GET.get("page", 0))
    except ValueError:
        page = 0
    context = _context(screen, snap, page)
    etag = f'"{snap.etag}-{page}"'
    if etag in request.headers.get("If-None-Match", ""):
        return _private(HttpResponseNotModified(headers={"ETag": etag}))
    response = render(request, "board/_body.html", context)
    response["ETag"] = etag
    return _private(response)


@require_GET
@login_required
def dashboard(request):
    """Bảng điều hành: the counts for a period and scope, with the trend, ranking and ageing."""
    form = ScopeForm(request.user, request.GET)
    values = form.values()
    scope = stats.Scope(
        start=values["start"],
        end=values["end"],
        unit=values.get("unit"),
        sector_block=values.get("sector_block"),
    )
    board = stats.cached_build(request.user, scope)
    peak = max([t[1] + t[2] + t[3] for t in board.trend] + [1])
    context = {
        "form": form,
        "d": board,
        "peak": peak,
        "list_url": reverse("directives:task_list"),
        "stale_days": settings.CHIDAO_STALE_AFTER_WORKING_DAYS,
        "late_extensions_allowed": settings.CHIDAO_LATE_EXTENSIONS,
    }
    return render(request, "board/dashboard.html", context)
