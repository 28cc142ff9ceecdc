"""A bare Django project: one view, one query, no middleware (and a page without a query). It
is the floor that ``bench/scale.py`` compares the product's pages to, served by the same
gunicorn settings.

The database settings are the product's own (``chidao.settings`` read from the same environment),
so both connect to the same DATABASE_URL in the same way.
"""

import os

from chidao.settings import DATABASES, TIME_ZONE  # noqa: F401

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bare"]
MIDDLEWARE = []
ROOT_URLCONF = "bare.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": False}]
USE_TZ = True
USE_I18N = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
