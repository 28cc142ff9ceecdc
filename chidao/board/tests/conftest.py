from chidao.directives.tests.conftest import task  # noqa: F401 (the shared task fixture)
