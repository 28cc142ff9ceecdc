"""Demo directives and tasks: eighteen months of a province's work, replayed through the actions.

Every task is issued, received, updated, extended, reported, checked and confirmed by the people
who would do it, at the dates they would have done it (``clock.at``), so timelines, statistics
and the hash chain are exactly what real use produces. Seeded: the same day gives the same data.
"""

import datetime
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from chidao.core import clock
from chidao.demo import contents
from chidao.demo.org import STARTED_ON
from chidao.directives import actions
from chidao.directives.actions import TaskSpec, WorkflowError
from chidao.directives.models import DeadlineKind, Directive, DirectiveKind, State, Task
from chidao.org.models import FollowAssignment, Membership, Person, Role, Unit, UnitKind
from chidao.workdays.calendar import WorkCalendar

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HISTORY_DAYS = 540

FATES = [  # what becomes of a task, with weights
    ("on_time", 38),
    ("late", 11),
    ("extended", 8),
    ("working", 16),
    ("reported", 5),
    ("proposed", 4),
    ("returned", 3),
    ("unreceived", 4),
    ("suspended", 2),
    ("cancelled", 2),
    ("pending_extension", 3),
]
UNFINISHED = {"working", "reported", "proposed", "returned", "unreceived", "pending_extension"}
# Work done by the deadline, or an extension to be asked by it: no progress posted after it.
BY_THE_DEADLINE = {"on_time", "extended", "pending_extension"}
# Sector blocks whose letters are drafted by a division of another code.
DRAFTERS = {"communes": "TH"}
KINDS = [
    (DirectiveKind.OFFICIAL_LETTER, 45),
    (DirectiveKind.CONCLUSION, 20),
    (DirectiveKind.MEETING, 12),
    (DirectiveKind.PLAN, 8),
    (DirectiveKind.INSTRUCTION, 5),
    (DirectiveKind.DECISION, 7),
    (DirectiveKind.OTHER, 3),
]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights)[0]


@dataclass
class Committee:
    """One committee's cast: who issues, signs, confirms, and the units it directs."""

    unit: Unit
    clerk: Person  # a specialist who enters directives
    signers: dict[str, Person]  # sector block code (or "") -> leader
    office_leader: Person
    units: dict[str, list[Unit]]  # sector block code -> units with accounts
    numbers: dict[tuple[int, str], int] = field(default_factory=dict)


class Replay:
    def __init__(self, today: datetime.date, seed: int = 2026):
        self.today = today
        self.rng = random.Random(seed)
        self.calendar = WorkCalendar.current()
        self.staff: dict[int, Person] = {
            m.unit_id: m.person
            for m in Membership.objects.filter(role=Role.UNIT_STAFF, is_active=True)
            .select_related("person")
            .order_by("-pk")
        }
        self.heads: dict[int, Person] = {
            m.unit_id: m.person
            for m in Membership.objects.filter(role=Role.UNIT_HEAD, is_active=True)
            .select_related("person")
            .order_by("-pk")
        }
        self.division_heads: dict[int, Person] = {
            m.unit_id: m.person
            for m in Membership.objects.filter(role=Role.DIVISION_HEAD, is_active=True)
        }
        self.tasks = 0
        self.last_moment: dict[int | None, datetime.datetime] = {}

    # --- time --------------------------------------------------------------------------------
    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        hour = hour if hour is not None else self.rng.randint(8, 16)
        return datetime.datetime.combine(
            day, datetime.time(hour, self.rng.randint(0, 59)), tzinfo=ZONE
        )

    def working_day_after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        n = self.rng.randint(low, high)
        return self.calendar.add_working_days(day, n) if n else self.calendar.roll_forward(day)

    def act(self, day: datetime.date, fn, *args, **kwargs):
        """Run one action as if on ``day``; a day not yet come is not replayed. Within one task
        each step comes after the one before, even on the same day."""
        if day > self.today:
            return None
        task_id = next((_task_id(arg) for arg in args if _task_id(arg)), None)
        moment = self.moment(day)
        last = self.last_moment.get(task_id)
        if last is not None and moment <= last:
            moment = last + datetime.timedelta(minutes=self.rng.randint(5, 90))
        self.last_moment[task_id] = moment
        with clock.at(moment):
            return fn(*args, **kwargs)

    # --- directives --------------------------------------------------------------------------
    def issue(
        self, committee: Committee, issued_on: datetime.date, task_count: int, due=None
    ) -> list[Task]:
        rng = self.rng
        block = rng.choice([b for b in committee.units if committee.units[b]])
        signer = committee.signers.get(block) or committee.signers[""]
        if rng.random() < 0.15:
            signer = committee.signers[""]
        kind = _pick(rng, KINDS)
        fields = {"kind": kind, "issued_on": issued_on, "summary": contents.SUMMARIES[kind]}
        if kind == DirectiveKind.MEETING:
            fields["meeting_name"] = rng.choice(contents.MEETINGS).format(month=issued_on.month)
            fields["meeting_chair"] = signer
            fields["summary"] = fields["meeting_name"]
        else:
            # Decree 30/2020: the issuer, then the drafting division (Phòng Tổng hợp, "TH", for
            # the letters to the communes: it follows them), never a word of English.
            drafter = DRAFTERS.get(block, block)
            symbol = f"{committee.unit.code or 'UBND'}-{drafter}" if block else "UBND-VP"
            key = (issued_on.year, symbol)
            committee.numbers[key] = committee.numbers.get(key, 0) + rng.randint(1, 9)
            fields.update(number=committee.numbers[key], symbol=symbol, signer=signer)
        fields["is_confidential"] = rng.random() < 0.04
        specs = [self.spec(committee, block, signer, issued_on) for _ in range(task_count)]
        for spec in specs if due else ():
            spec.deadline_kind, spec.deadline_date = DeadlineKind.DATE, due
        directive = self.act(
            issued_on,
            actions.issue_directive,
            committee.clerk,
            issuer=committee.unit,
            tasks=specs,
            **fields,
        )
        return list(directive.tasks.filter(series__isnull=True).order_by("pk"))

    def spec(self, committee: Committee, block: str, leader: Person, issued_on) -> TaskSpec:
        rng = self.rng
        units = committee.units[block]
        lead = rng.choice(units)
        others = [u for u in committee.units[block] if u != lead]
        cooperating = rng.sample(others, k=min(len(others), rng.choice([0, 0, 1, 1, 2])))
        template = rng.choice(contents.TASKS.get(block, contents.TASKS["KT"]))
        product, is_document = rng.choice(contents.PRODUCTS)
        deadline_kind = _pick(
            rng,
            [
                (DeadlineKind.DATE, 62),
                (DeadlineKind.WORKING_DAYS, 27),
                (DeadlineKind.NONE, 8),
                (DeadlineKind.RECURRING, 3),
            ],
        )
        spec = TaskSpec(
            content=template.format(year=issued_on.year),
            lead_unit=lead,
            cooperating_units=cooperating,
            directing_leader=leader,
            priority=_pick(rng, [("normal", 80), ("important", 15), ("urgent", 5)]),
            product=product,
            product_is_committee_document=is_document,
            deadline_kind=deadline_kind,
        )
        if deadline_kind == DeadlineKind.DATE:
            spec.deadline_date = issued_on + datetime.timedelta(days=rng.randint(10, 75))
        elif deadline_kind == DeadlineKind.WORKING_DAYS:
            spec.working_days = rng.choice([5, 7, 10, 15, 20, 30])
        elif deadline_kind == DeadlineKind.RECURRING:
            spec.recurrence = rng.choice(["monthly", "quarterly"])
            spec.recurrence_day = rng.choice([10, 15, 20])
            spec.content = "Báo cáo định kỳ tình hình thực hiện nhiệm vụ được giao"
            spec.product, spec.product_is_committee_document = "Báo cáo", False
        return spec

    # --- a task's life -------------------------------------------------------------------------
    def live(self, task: Task, committee: Committee) -> None:
        if task.deadline_kind == DeadlineKind.RECURRING:
            for occurrence in actions.open_periods(task, until=self.today):
                self.live(occurrence, committee)
            return
        self.tasks += 1
        rng = self.rng
        staff = self.staff.get(task.lead_unit_id)
        if staff is None:
            return
        fate = _pick(rng, FATES)
        deadline = task.deadline
        long_past = deadline is not None and (self.today - deadline).days > 45
        if long_past and fate in UNFINISHED and rng.random() < 0.75:
            fate = _pick(rng, [("on_time", 3), ("late", 1)])  # old work is mostly finished
        if deadline is not None and deadline >= self.today and fate in ("late", "extended"):
            fate = "working"
        if deadline is None and fate in ("late", "extended", "pending_extension"):
            fate = "on_time"
        day = task.assigned_on
        if fate == "unreceived":
            if rng.random() < 0.5:
                self.act(day, actions.suspend, committee.office_leader, task, "Chờ chủ trương.")
            return
        day = self.working_day_after(day, 1, 3)
        task = self.act(day, actions.receive, staff, task) or task
        if task.state != State.RECEIVED:
            return
        for _ in range(rng.randint(1, 3)):
            day = self.working_day_after(day, 2, 8)
            if deadline and day >= deadline and fate in BY_THE_DEADLINE:
                break  # done in time, or an extension still to be asked by the deadline
            done = self.act(
                day,
                actions.post_progress,
                staff,
                task,
                rng.choice(contents.PROGRESS),
                rng.choice([None, 20, 40, 60, 80]),
            )
            task = done or task
        # Difficulties of work that ends are closed with it: raised more often where it goes on.
        if rng.random() < (0.3 if fate in UNFINISHED else 0.12):
            self.difficulty(task, staff, day, committee)
        if rng.random() < 0.2 and task.lead_unit.kind == UnitKind.DEPARTMENT:
            self.subassign(task, day, committee)
        if fate in ("suspended", "cancelled"):
            step = actions.suspend if fate == "suspended" else actions.cancel
            self.act(day, step, committee.office_leader, task, "Theo ý kiến của lãnh đạo UBND.")
            return
        if fate in ("extended", "pending_extension"):
            extension = self.ask_extension(task, staff, day, deadline)
            if extension is None:  # the work already ran past the deadline: too late to ask
                fate = "late" if fate == "extended" else "working"
            elif fate == "pending_extension":
                return
            else:
                asked_on = extension.requested_at.astimezone(ZONE).date()
                decided_on = self.working_day_after(asked_on, 1, 3)
                self.act(
                    decided_on,
                    actions.decide_extension,
                    task.directing_leader or committee.office_leader,
                    extension,
                    approve=True,
                )
                task.refresh_from_db()
                day, deadline = max(day, decided_on), task.deadline
        if fate == "working":
            return
        report_on = self.report_day(fate, day, deadline)
        if report_on is None or report_on > self.today:
            return
        task = self.report(task, staff, report_on, deadline)
        if task is None or fate == "reported":
            return
        check_on = self.working_day_after(report_on, 0, 2) if report_on < self.today else report_on
        if fate == "returned":
            self.act(check_on, actions.return_task, task.specialist, task,
                     "Báo cáo chưa đầy đủ số liệu, đề nghị bổ sung.")  # fmt: skip
            return
        task = self.act(check_on, actions.propose_closing, task.specialist, task) or task
        if fate == "proposed" or task.state != State.PROPOSED:
            return
        confirm_on = min(self.working_day_after(check_on, 0, 2), self.today)
        self.act(confirm_on, actions.confirm, committee.office_leader, task)

    def ask_extension(self, task: Task, staff: Person, day: datetime.date, deadline):
        """The unit asks about a week before the deadline in force, and never after it (refused
        unless CHIDAO_LATE_EXTENSIONS): None when its last step already came after the deadline
        day, or when the request's day has not come yet."""
        ask_on = self.calendar.add_working_days(deadline - datetime.timedelta(days=7), 1)
        ask_on = min(max(ask_on, day), deadline)
        proposed = deadline + datetime.timedelta(days=self.rng.randint(15, 40))
        last = self.last_moment.get(task.pk)
        if last is not None and last.astimezone(ZONE).date() > ask_on:
            return None
        try:
            return self.act(
                ask_on,
                actions.request_extension,
                staff,
                task,
                proposed_date=proposed,
                reason="Cần thêm thời gian lấy ý kiến các đơn vị liên quan.",
            )
        except WorkflowError:  # same-day steps pushed the request past the deadline day
            return None

    def report_day(self, fate: str, day: datetime.date, deadline) -> datetime.date | None:
        rng = self.rng
        if fate == "late":
            return deadline + datetime.timedelta(days=rng.randint(1, 25))
        if deadline is None:
            return self.working_day_after(day, 2, 15)
        if deadline <= day:
            return deadline if fate != "late" else None
        low = max(day, deadline - datetime.timedelta(days=12))
        span = (deadline - low).days
        return low + datetime.timedelta(days=rng.randint(0, max(span, 0)))

    def report(self, task: Task, staff: Person, day: datetime.date, deadline) -> Task | None:
        rng = self.rng
        fields = {"result": "Đã hoàn thành, gửi kèm báo cáo kết quả thực hiện."}
        if task.product_is_committee_document:
            fields["product_number"] = f"{rng.randint(100, 3999)}/QĐ-UBND"
            fields["product_date"] = day
        # Given every time: the action asks for it only when the report is in fact late (a step
        # replayed on the same day as the one before may land a little later than planned).
        fields["late_explanation"] = self.late_explanation()
        try:
            return self.act(day, actions.report_done, staff, task, **fields)
        except WorkflowError:
            return None

    def late_explanation(self) -> dict:
        cause, explanation, remedy = self.rng.choice(contents.LATE_REASONS)
        return {"cause": cause, "explanation": explanation, "remedy": remedy}

    def difficulty(self, task: Task, staff: Person, day, committee: Committee) -> None:
        rng = self.rng
        difficulty = self.act(day, actions.raise_difficulty, staff, task,
                              rng.choice(contents.DIFFICULTIES))  # fmt: skip
        if difficulty is None or rng.random() < 0.3:
            return  # left open
        answer_on = self.working_day_after(day, 1, 4)
        answerer = self.division_head_for(task) or committee.office_leader
        if difficulty.addressed_to == "division_head" and rng.random() < 0.3:
            self.act(answer_on, actions.escalate_difficulty, answerer, difficulty)
            difficulty.refresh_from_db()
            answerer = committee.office_leader
        if self.act(answer_on, actions.answer_difficulty, answerer, difficulty,
                    rng.choice(contents.GUIDANCE)) is not None:  # fmt: skip
            difficulty.refresh_from_db()

    def division_head_for(self, task: Task) -> Person | None:
        if task.specialist_id is None:
            return None
        seat = (
            Membership.objects.filter(person_id=task.specialist_id, role=Role.SPECIALIST)
            .values_list("unit_id", flat=True)
            .first()
        )
        return self.division_heads.get(seat)

    def subassign(self, task: Task, day: datetime.date, committee: Committee) -> None:
        """A department hands part of its task to a commune with accounts."""
        head = self.heads.get(task.lead_unit_id)
        communes = [u for u in committee.units.get("communes", []) if u.pk in self.staff]
        if head is None or not communes or task.deadline is None or day >= task.deadline:
            return
        commune = self.rng.choice(communes)
        child_deadline = task.deadline - datetime.timedelta(days=self.rng.randint(0, 5))
        child_deadline = max(child_deadline, day)
        spec = TaskSpec(
            content="Triển khai trên địa bàn xã: " + task.content[:1].lower() + task.content[1:],
            lead_unit=commune,
            deadline_date=child_deadline,
        )
        try:
            child = self.act(day, actions.subassign, head, task, spec)
        except ValidationError:
            return  # the day slipped past the parent's deadline: no part handed down
        if child is None:
            return
        commune_staff = self.staff[commune.pk]
        received = self.working_day_after(day, 1, 2)
        child = self.act(received, actions.receive, commune_staff, child) or child
        if child.state == State.RECEIVED and self.rng.random() < 0.7:
            report_on = min(child.deadline, self.working_day_after(received, 2, 6))
            if report_on <= self.today:
                child = self.act(report_on, actions.report_done, commune_staff, child,
                                 result="Đã triển khai trên địa bàn xã.",
                                 late_explanation=self.late_explanation())  # fmt: skip
                close_on = self.working_day_after(report_on, 0, 2)
                if child and self.rng.random() < 0.8 and close_on <= self.today:
                    child = self.act(close_on, actions.propose_closing, head, child)
                    self.act(close_on, actions.confirm, head, child)


def _task_id(obj) -> int | None:
    if isinstance(obj, Task):
        return obj.pk
    return getattr(obj, "task_id", None)


def province_committee(province: Unit) -> Committee:
    office = province.children.get(kind=UnitKind.OFFICE)
    leaders = {
        (m.sector_block.code if m.sector_block else ""): m.person
        for m in Membership.objects.filter(
            unit=province, role=Role.COMMITTEE_LEADER, is_active=True
        ).select_related("sector_block", "person")
    }
    units: dict[str, list[Unit]] = {}
    for dept in province.children.filter(kind=UnitKind.DEPARTMENT).select_related("sector_block"):
        units.setdefault(dept.sector_block.code, []).append(dept)
    communes = list(
        Unit.objects.filter(
            parent=province, kind=UnitKind.COMMITTEE, memberships__role=Role.UNIT_STAFF
        ).distinct()
    )
    units["NC"] = units.get("NC", []) + communes[:4]
    units["communes"] = communes
    clerk = FollowAssignment.objects.filter(unit__parent=province, is_active=True).first()
    office_leader = Membership.objects.get(
        unit=office, role=Role.OFFICE_LEADER, position="Chánh Văn phòng", is_active=True
    ).person
    return Committee(province, clerk.specialist, leaders, office_leader, units)


def commune_committee(commune: Unit) -> Committee | None:
    office = commune.children.filter(kind=UnitKind.OFFICE).first()
    if office is None:
        return None
    leader = Membership.objects.filter(unit=commune, role=Role.COMMITTEE_LEADER).first()
    office_leader = Membership.objects.filter(unit=office, role=Role.OFFICE_LEADER).first()
    clerk = Membership.objects.filter(unit=office, role=Role.SPECIALIST).first()
    departments = list(commune.children.filter(kind=UnitKind.DEPARTMENT))
    if not (leader and office_leader and clerk and departments):
        return None
    return Committee(
        commune, clerk.person, {"": leader.person}, office_leader.person, {"": departments}
    )


def build(province: Unit, today: datetime.date, target: int = 600) -> int:
    """Replay about ``target`` tasks of the province (and a few of its communes' own)."""
    if target <= 0:
        return 0
    replay = Replay(today)
    committees = [(province_committee(province), 0.9)]
    for commune in Unit.objects.filter(parent=province, kind=UnitKind.COMMITTEE):
        committee = commune_committee(commune)
        if committee is not None:
            committees.append((committee, 0.1))
    start = max(today - datetime.timedelta(days=HISTORY_DAYS), STARTED_ON)
    span = (today - start).days
    dates = []
    while len(dates) * 1.8 < target:
        day = start + datetime.timedelta(days=replay.rng.randint(0, span - 2))
        dates.append(replay.calendar.roll_forward(day))
    for issued_on in sorted(dates):
        if replay.tasks >= target or issued_on > today:
            break
        committee = _pick(replay.rng, committees)
        count = _pick(replay.rng, [(1, 45), (2, 30), (3, 15), (4, 10)])
        for task in replay.issue(committee, issued_on, count):
            replay.live(task, committee)
    _urgent_this_week(replay, committees[0][0])
    return Task.objects.count()


def _urgent_this_week(replay: Replay, committee: Committee) -> None:
    """Urgent letters of the last few days, due within the week: what turns the board amber."""
    for back in range(6, 0, -1):
        issued_on = replay.calendar.roll_forward(replay.today - datetime.timedelta(days=back))
        if issued_on > replay.today:
            continue
        due = replay.calendar.add_working_days(replay.today, replay.rng.randint(1, 3))
        for task in replay.issue(committee, issued_on, 2, due=due):
            staff = replay.staff.get(task.lead_unit_id)
            if staff is not None and replay.rng.random() < 0.6:
                replay.act(issued_on, actions.receive, staff, task)


def directive_count() -> int:
    return Directive.objects.count()
