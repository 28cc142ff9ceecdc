"""manage.py change_unit rename|move|merge|dissolve …: the same changes as the units' pages.

Prints what would change (the same lists as the preview page); saves only with ``--commit``,
all or nothing. A unit is given by its id (as in its page's address, /org/units/ID/) or by its
official administrative code as ``admin:CODE``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chidao.org import actions, unit_changes
from chidao.org.models import Person, Unit


def _unit(ref: str) -> Unit:
    try:
        if ref.startswith("admin:"):
            return Unit.objects.get(admin_code=ref.removeprefix("admin:"))
        return Unit.objects.get(pk=int(ref))
    except (Unit.DoesNotExist, ValueError):
        raise CommandError(_("No unit %(ref)s.") % {"ref": ref}) from None


def _date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(_("Give the date as dd/mm/yyyy."))


def _count(singular: str, plural: str, items) -> str:
    n = items if isinstance(items, int) else len(items)
    return ngettext(singular, plural, n) % {"n": n}


class Command(BaseCommand):
    help = (
        "Rename, move, merge or dissolve a unit as a decision orders it. Prints exactly what "
        "would change; saves only with --commit."
    )

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)

        def common(sub, decision_required=True):
            sub.add_argument("--on", required=True, help="Effective date, dd/mm/yyyy.")
            sub.add_argument(
                "--decision", required=decision_required, default="", help="Decision number."
            )
            sub.add_argument("--by", help="Username recorded as the author (and checked).")
            sub.add_argument("--commit", action="store_true", help="Save the change.")

        rename = kinds.add_parser("rename", help="Rename a unit.")
        rename.add_argument("unit")
        rename.add_argument("--name", required=True)
        rename.add_argument("--short-name", default=None)
        rename.add_argument("--code", default=None)
        common(rename)
        move = kinds.add_parser("move", help="Move a unit under another parent.")
        move.add_argument("unit")
        move.add_argument("--to", required=True, help="The new parent unit.")
        common(move, decision_required=False)
        merge = kinds.add_parser("merge", help="Merge units into a successor.")
        merge.add_argument("unit", nargs="+")
        merge.add_argument("--into", required=True, help="The successor unit.")
        common(merge)
        dissolve = kinds.add_parser("dissolve", help="Dissolve a unit left with no work.")
        dissolve.add_argument("unit")
        common(dissolve)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options):
        kind = options["kind"]
        actor = None
        if options.get("by"):
            actor = Person.objects.filter(username=options["by"], is_active=True).first()
            if actor is None:
                raise CommandError(_("No active person %(name)s.") % {"name": options["by"]})
        on, decision = _date(options["on"]), options.get("decision") or ""
        refs = options["unit"] if isinstance(options["unit"], list) else [options["unit"]]
        units = [_unit(ref) for ref in refs]
        plan, apply = self._plan(kind, units, options, on, decision, actor)
        for line in describe(plan):
            self.stdout.write(line)
        if plan.errors:
            raise CommandError("\n".join(plan.errors))
        if not options["commit"]:
            self.stdout.write(_("Nothing was saved: run again with --commit to make the change."))
            return
        try:
            with transaction.atomic():
                apply(plan.fingerprint())
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        except (PermissionDenied, Http404):
            raise CommandError(
                _("%(person)s may not make this change.") % {"person": actor}
            ) from None
        self.stdout.write(self.style.SUCCESS(_("The change was saved.")))

    def _plan(self, kind, units, options, on, decision, actor):
        common = {"effective_on": on, "decision": decision}
        unit = units[0]
        if kind == unit_changes.RENAME:
            short = unit.short_name if options["short_name"] is None else options["short_name"]
            names = {"name": options["name"], "short_name": short, "code": options["code"]}
            plan = unit_changes.plan_rename(unit, **names, **common)
            return plan, lambda fp: actions.rename_unit(actor, unit, **names, **common, expected=fp)
        if kind == unit_changes.MOVE:
            parent = _unit(options["to"])
            plan = unit_changes.plan_move(unit, parent, **common)
            return plan, lambda fp: actions.move_unit(actor, unit, parent, **common, expected=fp)
        if kind == unit_changes.MERGE:
            into = _unit(options["into"])
            plan = unit_changes.plan_merge(units, into, **common)
            return plan, lambda fp: actions.merge_units(actor, units, into, **common, expected=fp)
        plan = unit_changes.plan_dissolve(unit, **common)
        return plan, lambda fp: actions.dissolve_unit(actor, unit, **common, expected=fp)


def describe(plan: unit_changes.Plan) -> list[str]:
    """The preview as lines of text: each count, then what it counts."""
    on = f"{plan.effective_on:%d/%m/%Y}"
    head = {
        unit_changes.RENAME: _("Rename the unit"),
        unit_changes.MOVE: _("Move the unit"),
        unit_changes.MERGE: _("Merge the unit into another"),
        unit_changes.DISSOLVE: _("Dissolve the unit"),
    }[plan.kind]
    lines = [f"{head}: {plan.unit.name} — {_('Effective date')} {on}"]
    if plan.decision:
        lines.append(f"{_('Decision')}: {plan.decision}")
    if plan.errors:
        return lines

    def block(title, items, show=str):
        lines.append(title)
        lines.extend(f"  - {show(item)}" for item in items)

    if isinstance(plan, unit_changes.RenamePlan):
        lines.append(f"{plan.unit.name} → {plan.name}")
        if plan.short_name != plan.unit.short_name:
            lines.append(f"{plan.unit.short_name or '—'} → {plan.short_name or '—'}")
        if plan.code != plan.unit.code:
            lines.append(f"{plan.unit.code or '—'} → {plan.code or '—'}")
    elif isinstance(plan, unit_changes.MovePlan):
        lines.append(f"{plan.unit.parent} → {plan.new_parent}")
        block(_count("%(n)s subunit moves along", "%(n)s subunits move along", plan.subunits),
              plan.subunits)  # fmt: skip
        block(
            _count("%(n)s follow assignment ends", "%(n)s follow assignments end",
                   plan.follows_ended),
            plan.follows_ended, lambda f: f"{f.specialist} → {f.unit}",
        )  # fmt: skip
    elif isinstance(plan, unit_changes.MergePlan):
        for part in plan.sources:
            _describe_source(part, plan, block, lines)
    else:
        block(
            _count("%(n)s follow assignment ends", "%(n)s follow assignments end",
                   plan.follows_ended),
            plan.follows_ended, lambda f: str(f.specialist),
        )  # fmt: skip
    return lines


def _task(task) -> str:
    due = f" ({task.deadline:%d/%m/%Y})" if task.deadline else ""
    return f"#{task.pk} {task.content[:80]}{due}"


def _describe_source(part, plan, block, lines) -> None:
    lines.append(f"{part.unit.name} → {plan.unit.name}")
    block(
        _count("%(n)s subunit moves under the successor",
               "%(n)s subunits move under the successor", part.subunits),
        part.subunits,
    )  # fmt: skip
    block(
        _count("%(n)s role ends here and continues in the successor",
               "%(n)s roles end here and continue in the successor", part.roles),
        part.roles, lambda r: f"{r.membership.person} — {r.membership.get_role_display()}",
    )  # fmt: skip
    block(
        _count("%(n)s follow assignment ends here", "%(n)s follow assignments end here",
               part.follows),
        part.follows,
        lambda f: f"{f.follow.specialist}"
        + (f" → {plan.unit}" if f.passes else ""),
    )  # fmt: skip
    block(
        _count("%(n)s unfinished task it leads passes to the successor",
               "%(n)s unfinished tasks it leads pass to the successor", part.lead_tasks),
        part.lead_tasks, lambda m: _task(m.task),
    )  # fmt: skip
    block(
        _count("%(n)s unfinished task it assigned is overseen by the successor",
               "%(n)s unfinished tasks it assigned are overseen by the successor",
               part.assigned_tasks),
        part.assigned_tasks, lambda m: _task(m.task),
    )  # fmt: skip
    block(
        _count("%(n)s cooperating share passes to the successor",
               "%(n)s cooperating shares pass to the successor", part.cooperations),
        part.cooperations, lambda m: _task(m.task),
    )  # fmt: skip
    if part.kept_cooperations:
        block(
            _count(
                "%(n)s cooperating share stays as it is: the successor leads that task or "
                "already takes part",
                "%(n)s cooperating shares stay as they are: the successor leads those tasks or "
                "already takes part",
                part.kept_cooperations,
            ),
            part.kept_cooperations, lambda c: _task(c.task),
        )  # fmt: skip
    lines.append(
        _count("%(n)s done or cancelled task keeps this unit, so past statistics stay as they "
               "were", "%(n)s done or cancelled tasks keep this unit, so past statistics stay as "
               "they were", part.finished_tasks)
    )  # fmt: skip
