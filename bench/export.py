"""Export every task a person sees as .xlsx, timed, with the process's peak memory.

    .venv/bin/python bench/export.py --database-url URL [--username cvp] [--query "..."]

Runs in its own process, as a worker would: sets Django up on the database named (read only),
signs the person in, requests ``/tasks/?format=xlsx`` (plus ``--query``), reads the whole
answer, and prints the seconds, the rows written (counted in the file itself), its size, the
peak resident memory of the process (``ru_maxrss``) and what it was before the request.
"""

import argparse
import io
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--username", default="cvp")
    parser.add_argument("--query", default="")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="chidao.settings",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" + "x" * 50),
        CHIDAO_TIMELINE_KEYS="bench:" + "t" * 40,
        HTTPS="false",
        DEBUG="false",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.test import Client
    from scale import give_second_factor

    from chidao.org.models import Person

    client = Client()
    client.force_login(Person.objects.get(username=args.username))
    # An Office leader's session has given its code, as it must before any page answers.
    give_second_factor(client.session.session_key)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get(f"/tasks/?format=xlsx&{args.query}")
    assert response.status_code == 200, response.status_code
    content = b"".join(response.streaming_content)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    rows = sheet.count(b"<row ") - 1  # the header
    print(
        f"export .xlsx as {args.username}: {rows:,} tasks, {len(content) / 1e6:.1f} MB in "
        f"{seconds:.1f} s; peak memory {peak:.0f} MB (before the request {before:.0f} MB)"
    )


if __name__ == "__main__":
    main()
