"""The dashboard's and the PDF reports' SVG charts: valid, accessible, CSP-safe, and drawable by
fpdf2 with their figures still in the PDF's text."""

import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils.translation import override

from chidao.reports.charts import on_time_rate_svg, overdue_by_unit_svg

SVG = "{http://www.w3.org/2000/svg}"
SERIF = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

# Months of 2026: 9/12 in January, nothing judged in March, 0/3 in June, 1.234/1.500 in October.
MONTHS = [
    ("1/2026", 9, 12),
    ("2/2026", 40, 50),
    ("3/2026", 0, 0),
    ("4/2026", 33, 40),
    ("5/2026", 10, 10),
    ("6/2026", 0, 3),
    ("7/2026", 7, 9),
    ("8/2026", 80, 100),
    ("9/2026", 45, 50),
    ("10/2026", 1234, 1500),
    ("11/2026", 999, 1000),
    ("12/2026", 1, 1000),
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own markup)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def assert_accessible_and_csp_safe(svg: str) -> ET.Element:
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert root[0].tag == f"{SVG}title" and root[0].text == root.get("aria-label")
    assert root.get("width").endswith("px") and root.get("viewBox")
    for element in root.iter():
        assert "style" not in element.attrib, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.tag
        assert element.tag.removeprefix(SVG) not in {"style", "script", "foreignObject", "a"}
        assert "href" not in "".join(element.attrib)
    return root


def texts_x(root: ET.Element, content: str) -> str:
    return next(t.get("x") for t in root.iter(f"{SVG}text") if t.text == content)


def bar_rows(root: ET.Element) -> list[tuple[str, str, float]]:
    """(full name from the title, count written, bar width) per bar, top to bottom."""
    rows = []
    for group in root.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        if rect is None:
            continue
        count = group.findall(f"{SVG}text")[-1].text
        name = group.find(f"{SVG}title").text.rsplit(": ", 1)[0]
        rows.append((name, count, float(rect.get("width"))))
    return rows


def test_on_time_rate_has_a_labelled_point_per_judged_month():
    with override("en"):
        root = assert_accessible_and_csp_safe(on_time_rate_svg(MONTHS))
    assert root.get("aria-label") == "On-time rate by month, 1/2026 to 12/2026"
    points = list(root.iter(f"{SVG}circle"))
    assert len(points) == 11  # every month but March
    written = texts(root)
    # 9/12, 0/3, 1.234/1.500; 999/1.000 is not "100%" and 1/1.000 is not "0%".
    for label in ("75%", "0%", "82%", "99%", "1%", "100%"):
        assert label in written
    for grid in ("0%", "25%", "50%", "75%", "100%"):
        assert grid in written
    # Every month is named under the axis, short enough for 12 to fit in 640 px.
    for month in range(1, 13):
        assert f"{month}/26" in written
    assert float(root.get("width").removesuffix("px")) == 640


def test_on_time_rate_breaks_the_line_at_a_month_without_judged_tasks():
    root = parse(on_time_rate_svg(MONTHS))
    lines = [line.get("points").split() for line in root.iter(f"{SVG}polyline")]
    assert [len(points) for points in lines] == [2, 9]  # January to February, April to December
    march_x = float(texts_x(root, "3/26"))
    ends = [float(points[-1].split(",")[0]) for points in lines]
    starts = [float(points[0].split(",")[0]) for points in lines]
    assert ends[0] < march_x < starts[1]
    assert root.find(f"{SVG}path") is None


def test_on_time_rate_point_height_follows_the_rate():
    root = parse(on_time_rate_svg([("1/2026", 0, 4), ("2/2026", 2, 4), ("3/2026", 4, 4)]))
    low, middle, high = (float(c.get("cy")) for c in root.iter(f"{SVG}circle"))
    assert low > middle > high
    assert middle == pytest.approx((low + high) / 2)


def test_many_months_keep_every_label():
    months = [(f"{m}/{year}", m, 12) for year in (2025, 2026) for m in range(1, 13)]
    root = assert_accessible_and_csp_safe(on_time_rate_svg(months))
    written = texts(root)
    for year in (25, 26):
        for m in range(1, 13):
            assert f"{m}/{year}" in written
    assert len(list(root.iter(f"{SVG}circle"))) == 24


def test_on_time_rate_refuses_more_on_time_than_judged():
    with pytest.raises(ValueError, match="1/2026"):
        on_time_rate_svg([("1/2026", 5, 4)])


def test_overdue_bars_largest_first_ties_in_vietnamese_order():
    units = [
        ("Sở Đầu tư", 7),
        ("Sở Y tế", 0),
        ("Sở Công Thương", 7),
        ("Sở Du lịch", 7),
        ("Ủy ban nhân dân phường Hòa Khánh Bắc, quận Liên Chiểu, thành phố Đà Nẵng", 20),
        ("Sở Xây dựng", 2),
    ]
    with override("en"):
        root = assert_accessible_and_csp_safe(overdue_by_unit_svg(units))
    assert root.get("aria-label") == "Open overdue tasks by unit: 43 in 5 units"
    rows = bar_rows(root)
    assert [name for name, _count, _width in rows] == [
        "Ủy ban nhân dân phường Hòa Khánh Bắc, quận Liên Chiểu, thành phố Đà Nẵng",
        "Sở Công Thương",
        "Sở Du lịch",  # d before đ
        "Sở Đầu tư",
        "Sở Xây dựng",
    ]
    assert [count for _name, count, _width in rows] == ["20", "7", "7", "7", "2"]
    widths = [width for _name, _count, width in rows]
    assert widths == sorted(widths, reverse=True) and widths[1] == widths[3] > widths[4] > 0
    # The long name is cut on the chart and whole in the bar's title.
    written = texts(root)
    assert any(t.startswith("Ủy ban nhân dân") and t.endswith("…") for t in written)
    assert "Sở Y tế" not in "".join(root.itertext())
    assert not any("Other units" in t for t in written)


def test_overdue_cuts_at_the_limit_with_the_others_total():
    units = [(f"Phường {i:02}", i) for i in range(1, 21)]
    with override("en"):
        root = parse(overdue_by_unit_svg(units, limit=5))
    rows = bar_rows(root)
    assert [count for _name, count, _width in rows] == ["20", "19", "18", "17", "16"]
    # The 15 others: 1 + 2 + … + 15 = 120 tasks.
    assert "Other units (15): 120" in texts(root)
    assert len(bar_rows(parse(overdue_by_unit_svg(units)))) == 15
    with override("vi"):
        assert "Các đơn vị khác (15): 120" in texts(parse(overdue_by_unit_svg(units, limit=5)))


def test_overdue_escapes_unit_names():
    name = 'Phòng <script>alert("x")</script> & Co'
    svg = overdue_by_unit_svg([(name, 3)])
    assert "<script>" not in svg and "& " not in svg
    root = assert_accessible_and_csp_safe(svg)
    assert bar_rows(root)[0][0] == name
    assert name in texts(root)


def test_empty_input_says_no_data_in_vietnamese():
    with override("vi"):
        charts = [
            on_time_rate_svg([]),
            on_time_rate_svg([("1/2026", 0, 0)]),
            overdue_by_unit_svg([]),
            overdue_by_unit_svg([("Sở Y tế", 0)]),
        ]
    for svg in charts:
        root = assert_accessible_and_csp_safe(svg)
        assert texts(root) == ["Không có dữ liệu"]
        assert root.get("aria-label").endswith("Không có dữ liệu")


def test_fpdf2_draws_both_charts_with_their_figures_as_text(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is needed in CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    if not SERIF.exists():
        pytest.skip("Liberation Serif is not installed")
    units = [("Sở Công Thương", 12), ("Sở Đầu tư", 1234), ("A <b> & B", 3)]
    with override("vi"):
        charts = [
            on_time_rate_svg(MONTHS),
            overdue_by_unit_svg(units),
            overdue_by_unit_svg([]),
        ]
    pdf = fpdf.FPDF()
    pdf.add_font("Liberation Serif", fname=str(SERIF))
    for svg in charts:
        pdf.add_page()
        pdf.image(io.BytesIO(svg.encode()), w=160)
    path = tmp_path / "charts.pdf"
    pdf.output(str(path))
    text = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for figure in ("75%", "82%", "100%", "12/26", "1.234", "Sở Đầu tư", "A <b> & B"):
        assert figure in text
    assert "Không có dữ liệu" in text
