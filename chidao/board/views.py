"""The kiosk board: no login, a secret link per screen, one shared snapshot, 304 when unchanged."""

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


def _page(items: list, page: int):
    pages = max(1, -(-len(items) // ITEMS_PER_PAGE))
    page %= pages
    return items[page * ITEMS_PER_PAGE : (page + 1) * ITEMS_PER_PAGE], page, pages


def _context(screen: Screen, snap, page: int) -> dict:
    overdue, page, pages = _page(snap.overdue, page)
    return {
        "screen": screen,
        "snap": snap,
        "overdue": overdue,
        "page": page,
        "pages": pages,
        "first_number": page * ITEMS_PER_PAGE,
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
    etag = f'"{snap.etag}-{context["page"]}"'
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
    context = {"form": form, "d": board, "peak": peak, "list_url": reverse("directives:task_list")}
    return render(request, "board/dashboard.html", context)
