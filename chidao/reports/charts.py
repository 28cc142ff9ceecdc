"""Charts drawn on the server as SVG, for the leaders' dashboard and the PDF reports.

The same markup is inlined in the dashboard's HTML and drawn into the PDF by fpdf2, so it keeps
to the SVG subset fpdf2 renders (``rect``, ``line``, ``polyline``, ``circle``, ``text`` with
presentation attributes) and carries no ``style``: the site's Content-Security-Policy forbids
style attributes. Every figure is also written as text (the percentage above each point, the
count at the end of each bar) so the charts still read when printed in black and white.
"""

import re
import unicodedata

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.core.text import vi_sort_key

FONT = "Liberation Serif, Times New Roman, serif"
FONT_SIZE = 12  # px; 640 px print about 160 mm wide, so 12 px is about 8.5 pt on paper
WIDTH = 640
INK = "#222222"
MUTED = "#555555"
GRID = "#d0d0d0"
LINE = "#0b5394"
BAR = "#c0392b"

_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{2})(\d{2})")
# Rough advance widths of a serif face, in ems, to fit labels without measuring a font.
_NARROW, _WIDE = set("fijlrtI.,:;'!|() "), set("mwMW")


def _num(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _count(value: int) -> str:
    """A count in the Vietnamese way: 1.234."""
    return f"{value:,}".replace(",", ".")


def whole_percent(done: int, judged: int) -> int:
    """A whole percent, half up, never 0 or 100 unless the rate really is."""
    rate = (200 * done + judged) // (2 * judged)
    if rate == 100 and done < judged:
        return 99
    if rate == 0 and done > 0:
        return 1
    return rate


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width a label takes in px, estimated generously."""
    ems = 0.0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        if base in _NARROW:
            ems += 0.33
        elif base in _WIDE:
            ems += 0.85
        elif base.isupper():
            ems += 0.7
        else:
            ems += 0.52
    return ems * size


def _fit(text: str, width: float) -> str:
    """The text, cut with "…" so it takes at most ``width`` px."""
    if _text_width(text) <= width:
        return text
    while text and _text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text(
    x: float, y: float, content: str, anchor: str = "start", fill: str = INK, transform: str = ""
) -> str:
    attrs = f' transform="{transform}"' if transform else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{FONT_SIZE}" '
        f'font-family="{FONT}" fill="{fill}"{attrs}>{escape(content)}</text>'
    )


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    label = escape(label)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}px" height="{height}px" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">',
            f"<title>{label}</title>",
            *body,
            "</svg>",
        ]
    )


def _no_data(label: str) -> str:
    width, height = 320, 48
    body = [
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" '
        f'stroke="{GRID}" stroke-width="1"/>',
        _text(width / 2, height / 2 + FONT_SIZE / 3, _("No data"), "middle", MUTED),
    ]
    return _svg(width, height, f"{label}: {_('No data')}", body)


def _short_month(label: str) -> str:
    """ "11/2026" -> "11/26"; any other label stays as it is."""
    match = _MONTH_YEAR.fullmatch(label.strip())
    return f"{match[1]}/{match[3]}" if match else label


def on_time_rate_svg(months: list[tuple[str, int, int]]) -> str:
    """The on-time rate by month as a line chart.

    ``months`` holds (label such as "11/2026", done on time, judged) in time order, where judged
    counts the tasks done on time, done late and open past their deadline. A month with nothing
    judged has no rate: the line breaks there rather than dropping to zero.
    """
    label = _("On-time rate by month")
    for month, done, judged in months:
        if not 0 <= done <= judged:
            raise ValueError(f"{month}: {done} done on time out of {judged} judged")
    if not any(judged for _month, _done, judged in months):
        return _no_data(label)
    label = _("On-time rate by month, %(first)s to %(last)s") % {
        "first": months[0][0],
        "last": months[-1][0],
    }

    left, right, top = 44, 12, 28
    plot_width = WIDTH - left - right
    slot = plot_width / len(months)
    names = [_short_month(month) for month, _done, _judged in months]
    widest = max(_text_width(name) for name in names)
    rotate = widest + 6 > slot
    bottom = 16 + (round(widest * 0.71) + FONT_SIZE if rotate else FONT_SIZE)
    plot_height = 220
    height = top + plot_height + bottom
    base = top + plot_height

    def y_of(percent: float) -> float:
        return base - plot_height * percent / 100

    body = []
    for percent in (0, 25, 50, 75, 100):
        y = y_of(percent)
        colour = MUTED if percent == 0 else GRID
        body.append(
            f'<line x1="{left}" y1="{_num(y)}" x2="{WIDTH - right}" y2="{_num(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + FONT_SIZE / 3, f"{percent}%", "end", MUTED))

    points: list[tuple[float, float, int, str, int, int] | None] = []
    for i, ((month, done, judged), name) in enumerate(zip(months, names, strict=True)):
        x = left + slot * (i + 0.5)
        label_y = base + 6 + FONT_SIZE
        if rotate:
            turn = f"rotate(-45 {_num(x)} {_num(label_y)})"
            body.append(_text(x + 4, label_y, name, "end", INK, turn))
        else:
            body.append(_text(x, label_y, name, "middle"))
        if judged:
            percent = whole_percent(done, judged)
            points.append((x, y_of(done * 100 / judged), percent, month, done, judged))
        else:
            points.append(None)

    runs: list[list[str]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(f"{_num(point[0])},{_num(point[1])}")
    for run in runs:
        if len(run) > 1:
            body.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" '
                f'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    for point in points:
        if point is None:
            continue
        x, y, percent, month, done, judged = point
        tip = f"{month}: {percent}% ({_count(done)}/{_count(judged)})"
        text = f"{percent}%"
        backing = _text_width(text) * 0.9 + 2  # white behind the figure keeps it legible
        body += [
            f"<g><title>{escape(tip)}</title>",
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{LINE}" stroke="#ffffff" '
            f'stroke-width="1"/>',
            f'<rect x="{_num(x - backing / 2)}" y="{_num(y - 9 - FONT_SIZE + 2)}" '
            f'width="{_num(backing)}" height="{FONT_SIZE}" fill="#ffffff"/>',
            _text(x, y - 9, text, "middle", INK),
            "</g>",
        ]
    return _svg(WIDTH, height, label, body)


def overdue_by_unit_svg(units: list[tuple[str, int]], limit: int = 15) -> str:
    """Open overdue tasks by unit as horizontal bars, the most first.

    Ties go in Vietnamese dictionary order of the unit's name; units with none are left out.
    Past ``limit`` bars, one line gives how many other units there are and their tasks.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    label = _("Open overdue tasks by unit")
    rows = sorted(
        ((name, count) for name, count in units if count > 0),
        key=lambda row: (-row[1], vi_sort_key(row[0], max_length=10_000)),
    )
    if not rows:
        return _no_data(label)
    shown, rest = rows[:limit], rows[limit:]
    total = sum(count for _name, count in rows)
    label = ngettext(
        "Open overdue tasks by unit: %(count)s in %(units)s unit",
        "Open overdue tasks by unit: %(count)s in %(units)s units",
        len(rows),
    ) % {
        "count": _count(total),
        "units": _count(len(rows)),
    }

    row_height, bar_height, top = 24, 16, 8
    names_right = 232
    bar_left = names_right + 8
    bar_room = WIDTH - bar_left - 8 - _text_width(_count(shown[0][1])) - 6
    height = top + row_height * (len(shown) + (1 if rest else 0)) + 8
    largest = shown[0][1]

    body = []
    for i, (name, count) in enumerate(shown):
        y = top + row_height * i + (row_height - bar_height) / 2
        length = max(2.0, bar_room * count / largest)
        middle = y + bar_height / 2 + FONT_SIZE / 3
        body += [
            f"<g><title>{escape(name)}: {_count(count)}</title>",
            _text(names_right, middle, _fit(name, names_right - 8), "end"),
            f'<rect x="{bar_left}" y="{_num(y)}" width="{_num(length)}" '
            f'height="{bar_height}" fill="{BAR}"/>',
            _text(bar_left + length + 6, middle, _count(count)),
            "</g>",
        ]
    body.append(
        f'<line x1="{bar_left}" y1="{top}" x2="{bar_left}" '
        f'y2="{top + row_height * len(shown)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    if rest:
        others = _("Other units (%(units)s): %(count)s") % {
            "units": _count(len(rest)),
            "count": _count(sum(count for _name, count in rest)),
        }
        y = top + row_height * len(shown) + row_height / 2 + FONT_SIZE / 3
        body.append(_text(names_right, y, others, "end", MUTED))
    return _svg(WIDTH, height, label, body)
