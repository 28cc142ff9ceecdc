"""The menu's addresses, reversed once per process, are the addresses ``reverse`` gives, under
whatever prefix the product is served."""

from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix

from chidao.core import addresses

NAMES = ("home", "directives:task_list", "notifications:inbox", "logout", "set_language")


def test_a_kept_address_is_the_reversed_one_under_each_prefix():
    before = get_script_prefix()
    try:
        for prefix in ("/", "/chidao/", "/"):
            set_script_prefix(prefix)
            for name in NAMES:
                assert addresses.fixed(name) == reverse(name)
                assert addresses.fixed(name).startswith(prefix)
        set_script_prefix("/chidao/")
        drawn = engines["django"].from_string("{% load chidao %}{% fixed_url 'home' %}").render()
        assert drawn == "/chidao/"
    finally:
        set_script_prefix(before)
