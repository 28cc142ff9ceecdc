"""A file stored by a transaction that then failed is cleaned up; saved files never are."""

import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from chidao.directives import actions
from chidao.directives.models import Attachment

PDF = b"%PDF-1.4\n%%EOF\n"


def _age(name, hours):
    past = time.time() - hours * 3600
    os.utime(default_storage.path(name), (past, past))


@transaction.atomic
def _post_then_fail(task, people):
    orphan = SimpleUploadedFile("mồ côi.pdf", PDF)
    actions.post_progress(people.unit_staff, task, "Sẽ lỗi", files=[orphan])
    raise RuntimeError("the transaction fails after the file was stored")


def test_files_of_a_failed_transaction_are_removed_and_saved_ones_kept(task, people):
    actions.receive(people.unit_staff, task)
    kept = actions.post_progress(
        people.unit_staff, task, "Có tệp", files=[SimpleUploadedFile("giữ.pdf", PDF)]
    )
    saved = Attachment.objects.get(task=kept).file.name
    with pytest.raises(RuntimeError):
        _post_then_fail(task, people)
    assert Attachment.objects.count() == 1
    _folders, stored = default_storage.listdir(f"directives/{task.directive_id}")
    orphan = next(f"directives/{task.directive_id}/{n}" for n in stored if not saved.endswith(n))

    call_command("clean_orphan_files", stdout=io.StringIO())  # too recent: kept for now
    assert default_storage.exists(orphan)

    _age(orphan, 25)
    _age(saved, 25)
    call_command("clean_orphan_files", stdout=io.StringIO())
    assert not default_storage.exists(orphan)
    assert default_storage.exists(saved)
    call_command("clean_orphan_files", stdout=io.StringIO())
    assert default_storage.exists(saved)
