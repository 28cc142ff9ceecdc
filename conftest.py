"""Shared fixtures live in chidao/*/tests/conftest.py; this file only guards the CI contract."""

import os

import pytest
from django.db import connection


@pytest.fixture(scope="session", autouse=True)
def _database_is_the_one_asked_for(django_db_setup, django_db_blocker):
    """In CI, DATABASE_URL=postgres://… must really run on PostgreSQL, never fall back."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql"
