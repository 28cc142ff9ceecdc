from chidao.board.tests.worlds import world  # noqa: F401 (tasks of every kind)
from chidao.directives.tests.conftest import task  # noqa: F401 (the shared task fixture)
