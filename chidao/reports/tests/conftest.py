from chidao.board.tests.worlds import world  # noqa: F401 (tasks of every kind)
