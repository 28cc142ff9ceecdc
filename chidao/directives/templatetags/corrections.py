"""``{{ event.data|changes_of }}``: a correction's fields, before → after, as people read them
(``chidao.directives.timeline.changes_of``)."""

from django import template

from chidao.directives import timeline

register = template.Library()


@register.filter
def changes_of(data) -> list:
    return timeline.changes_of(data)
