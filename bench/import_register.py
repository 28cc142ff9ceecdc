"""Time the import of a large register (sổ theo dõi): the dry run and the import itself.

    .venv/bin/python bench/import_register.py [--rows 5000] \
        [--database-url sqlite:////tmp/chidao_import_bench.sqlite3]
    .venv/bin/python bench/import_register.py \
        --database-url postgres://postgres@127.0.0.1:5432/chidao_import_bench

1. The database named is EMPTIED (as ``bench/scale.py`` does), migrated, and given the demo's
   organisation (the real units of Đồng Tháp, province 82, with its Office and people).
2. A register of ``--rows`` task rows is written as an .xlsx the way Offices keep them: a title,
   a header over two rows with merged cells, five tasks per document with the document's cells
   merged down, lead and cooperating units by their names, short names, codes, without
   diacritics or abbreviated ("Sở TC"), dates as real dates, Excel serials and text, deadlines
   as dates and "N ngày làm việc", tasks done on time, done late, in progress and not started.
3. As the import page does it, timed: the upload (the file read and checked, the dry run
   stored), then the confirmation (the file read and checked again, then every directive and
   task created in one transaction, each with its first timeline step). The sum is the
   person's wait; the target is 60 s for 5,000 rows.

Prints the seconds of each step, the rows per second and whether the target is met.
"""

import argparse
import datetime
import io
import random
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import scale  # noqa: E402

TARGET_SECONDS = 60
TASKS_PER_DIRECTIVE = 5


def written(unit, rng: random.Random) -> str:
    """A unit as a register writes it: its name, short name or code, sometimes without
    diacritics or with "Sở" abbreviated away."""
    from chidao.core.text import fold

    choice = rng.random()
    if choice < 0.5:
        return unit.name
    if choice < 0.7:
        return fold(unit.name).title()
    if choice < 0.85 and unit.short_name:
        return unit.short_name
    return unit.name.replace("Ủy ban nhân dân", "UBND")


def write_register(rows: int, committee, seed: int = 7) -> bytes:
    from openpyxl import Workbook

    from chidao.org.models import Unit

    rng = random.Random(seed)
    units = list(Unit.objects.directed_by(committee).filter(is_active=True))
    # Names that more than one unit carries cannot be written unambiguously: leave them out.
    from chidao.registers.matching import UnitIndex

    index = UnitIndex(committee)
    units = [u for u in units if index.find(u.name).unit == u]
    book = Workbook()
    sheet = book.active
    sheet.append(["SỔ THEO DÕI NHIỆM VỤ"])
    sheet.merge_cells("A1:J1")
    sheet.append(["STT", "Văn bản chỉ đạo", None, None, "Nội dung nhiệm vụ", "Đơn vị chủ trì",
                  "Đơn vị phối hợp", "Thời hạn", "Tình trạng", "Ngày hoàn thành"])  # fmt: skip
    sheet.append([None, "Số, ký hiệu", "Ngày", "Trích yếu"])
    sheet.merge_cells("B2:D2")
    for col in "AEFGHIJ":
        sheet.merge_cells(f"{col}2:{col}3")
    today = datetime.date.today()
    start = today - datetime.timedelta(days=540)
    row = 4
    for n in range(rows):
        if n % TASKS_PER_DIRECTIVE == 0:
            number = 1000 + n // TASKS_PER_DIRECTIVE
            issued = start + datetime.timedelta(days=rng.randrange(480))
            serial = (issued - datetime.date(1899, 12, 30)).days
            issued_cell = rng.choice([issued, serial, f"{issued:%d/%m/%Y}"])
            first_row = row
        lead = rng.choice(units)
        partners = [u for u in rng.sample(units, 2) if u != lead][: rng.randrange(3)]
        if rng.random() < 0.5:
            due = issued + datetime.timedelta(days=rng.randrange(10, 60))
            deadline = f"{due:%d/%m/%Y}"
        else:
            deadline = f"{rng.choice([5, 10, 15, 30])} ngày làm việc"
            due = issued + datetime.timedelta(days=45)  # a bound: the working days end sooner
        fate = rng.random()
        if fate < 0.55 and due < today:
            done = issued + datetime.timedelta(days=rng.randrange(1, 10))
            state, completed = "Đã hoàn thành", done
        elif fate < 0.7:
            state, completed = "Đang thực hiện 50%", None
        else:
            state, completed = "Chưa thực hiện", None
        sheet.append([
            n + 1, f"{number}/UBND-KT", issued_cell, f"Về việc triển khai nhiệm vụ {number}",
            f"Nhiệm vụ số {n + 1}: tham mưu, báo cáo kết quả", written(lead, rng),
            "; ".join(written(u, rng) for u in partners), deadline, state,
            completed,
        ])  # fmt: skip
        if n % TASKS_PER_DIRECTIVE == TASKS_PER_DIRECTIVE - 1:
            for col in "BCD":
                sheet.merge_cells(f"{col}{first_row}:{col}{row}")
        row += 1
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", default="sqlite:////tmp/chidao_import_bench.sqlite3")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="chidao-import-bench-"))
    scale.configure(args.database_url, workdir)
    scale.empty_database(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    province = scale.build_org()

    from chidao.directives.models import Task
    from chidao.org import permissions
    from chidao.org.models import Membership, Role
    from chidao.registers import actions

    clerk = next(
        m.person
        for m in Membership.objects.filter(role=Role.SPECIALIST).select_related("person")
        if permissions.issuing_committees(m.person).filter(pk=province.pk).exists()
    )
    began = time.perf_counter()
    data = write_register(args.rows, province)
    written_s = time.perf_counter() - began
    print(f"Register of {args.rows} rows written: {len(data) / 1e6:.1f} MB in {written_s:.1f} s")

    began = time.perf_counter()
    record = actions.upload(clerk, province, io.BytesIO(data), "so-theo-doi.xlsx")
    upload_s = time.perf_counter() - began
    if not record.report["valid"]:
        errors = [r for r in record.report["rows"] if r["errors"]][:5]
        raise SystemExit(f"the generated register has errors: {record.report['file_errors']} "
                         f"{errors}")  # fmt: skip
    began = time.perf_counter()
    record = actions.import_register(clerk, record)
    import_s = time.perf_counter() - began
    assert Task.objects.count() == args.rows == record.tasks_created
    total = upload_s + import_s
    engine = "PostgreSQL" if scale.is_postgres(args.database_url) else "SQLite"
    print(f"| {engine} | rows | upload and dry run | confirmation (check + create) | total |")
    print("|---|---|---|---|---|")
    print(f"| | {args.rows} | {upload_s:.1f} s | {import_s:.1f} s | {total:.1f} s |")
    print(f"{args.rows / total:.0f} rows/s end to end; directives {record.directives_created}.")
    verdict = "met" if total <= TARGET_SECONDS * args.rows / 5000 else "NOT met"
    print(f"Target ({TARGET_SECONDS} s for 5,000 rows): {verdict}.")


if __name__ == "__main__":
    main()
