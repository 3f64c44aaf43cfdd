"""A minimal Django project's settings, for the Django and DRF integration tests (its URL
conf is the test module) and for stubtest, which imports every module of the package
(DRF reads its settings on import): DJANGO_SETTINGS_MODULE=tests.integrations.django_settings.
"""

from __future__ import annotations

DEBUG = False
SECRET_KEY = "covet-tests"  # a test project's
ROOT_URLCONF = "tests.integrations.test_django"
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
DATABASES: dict[str, object] = {}
MIDDLEWARE: list[str] = []
USE_TZ = True
REST_FRAMEWORK = {"UNAUTHENTICATED_USER": None}
