"""Running processes: publishing definitions, starting instances, completing human tasks with
RACI, and firing due timers exactly once.

Every change to an instance happens with its row locked (``select_for_update``), loads the
engine state, acts, and saves the new state, the human tasks and the timers in one transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.accounts.models import AssignmentGroup, User
from hitsm.core.errors import Conflict, Forbidden, ValidationFailed
from hitsm.core.refcache import cached
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.workflow import engine
from hitsm.workflow.actions import ActionContext, action_get, action_names
from hitsm.workflow.models import (
    HumanTask,
    InstanceStatus,
    MessageStatus,
    ProcessBinding,
    ProcessDefinition,
    ProcessInstance,
    ProcessMessage,
    ProcessVersion,
    TaskKind,
    TaskStatus,
    TaskVote,
    TimerJob,
    TimerStatus,
    WebhookStatus,
)

# --- subjects: what a process runs for ------------------------------------------------------


@dataclass
class Subject:
    """What the engine needs to know about the thing a process runs for (a ticket)."""

    data: dict[str, Any]  # {"form": {...}, "ticket": {...}} for conditions
    people: dict[str, int | None]  # requester, assignee, dept_head → user id
    form_people: dict[str, list[int]]  # form field key → user ids (RACI "field:<key>")


_SUBJECTS: dict[str, Callable[[int], Subject]] = {}


def subject_register(subject_type: str, resolver: Callable[[int], Subject]) -> None:
    _SUBJECTS[subject_type] = resolver


def _subject(instance: ProcessInstance) -> Subject:
    resolver = _SUBJECTS.get(instance.subject_type)
    if resolver is None:
        return Subject(data={}, people={}, form_people={})
    return resolver(instance.subject_id)


# --- definitions ----------------------------------------------------------------------------


def _published(process_ids: set[str]) -> dict[str, engine.Compiled]:
    """The published versions of the processes a call activity names (by BPMN id)."""
    return {
        version.process_id: engine.Compiled(
            process_id=version.process_id,
            name=version.definition.name,
            spec=version.spec,
            nodes=version.nodes,
            lanes=version.lanes,
            xml=version.xml,
        )
        for version in ProcessVersion.objects.filter(
            pk=F("definition__published"), process_id__in=process_ids
        ).select_related("definition")
    }


def definition_compile(xml: str) -> engine.Compiled:
    """Compile the XML as publishing does; raises :class:`engine.BpmnRejected`. Each service
    task's parameters are checked by its action (e.g. a webhook's host must be allowed)."""
    compiled = engine.process_compile(xml, known_actions=action_names(), called=_published)
    problems = []
    for node in compiled.nodes.values():
        action = action_get(node.get("action") or "") if node["kind"] == "serviceTask" else None
        if action is not None and action.check is not None:
            label = f"{node['name']}（{node['id']}）" if node.get("name") else node["id"]
            problems += [
                {"element": label, "message": m} for m in action.check(node.get("params") or {})
            ]
    if problems:
        raise engine.BpmnRejected(problems)
    return compiled


def definition_check(xml: str) -> engine.Compiled:
    """Compile the XML as publishing would; raises ValidationFailed naming each element."""
    try:
        return definition_compile(xml)
    except engine.BpmnRejected as rejected:
        raise ValidationFailed(
            _("流程不能发布：%(n)s处问题") % {"n": len(rejected.problems)},
            code="bpmn_rejected",
            fields={"draft_xml": [f"{p['element']}：{p['message']}" for p in rejected.problems]},
            extra={"problems": rejected.problems},
        ) from None


@transaction.atomic
def definition_publish(
    *, definition: ProcessDefinition, actor: User | None, note: str = ""
) -> ProcessVersion:
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    compiled = definition_check(definition.draft_xml)
    if definition.published and definition.published.xml == definition.draft_xml:
        raise Conflict(_("草稿与当前发布版本相同，无需重新发布"), code="unchanged_process")
    last = definition.versions.aggregate(n=Max("version"))["n"] or 0
    version = ProcessVersion.objects.create(
        definition=definition,
        version=last + 1,
        xml=definition.draft_xml,
        process_id=compiled.process_id,
        spec_json=json.dumps(compiled.spec, ensure_ascii=False),
        nodes=compiled.nodes,
        lanes=compiled.lanes,
        note=note[:200],
        published_by=actor,
    )
    definition.published = version
    definition.save(update_fields=["published", "updated_at"])
    return version


def _process_map() -> dict[str, int]:
    """Published version id per catalog item ("item:<id>") and per kind default ("kind:<k>")."""

    def load() -> dict[str, int]:
        found: dict[str, int] = {}
        active = ProcessDefinition.objects.filter(is_active=True, published__isnull=False)
        for item_id, version_id in ProcessBinding.objects.filter(process__in=active).values_list(
            "catalog_item_id", "process__published_id"
        ):
            found[f"item:{item_id}"] = version_id
        for kind, version_id in active.exclude(default_for_kind="").values_list(
            "default_for_kind", "published_id"
        ):
            found[f"kind:{kind}"] = version_id
        return found

    return cached("workflow.processes", load)


def process_for(*, catalog_item_id: int | None, kind: str) -> ProcessVersion | None:
    """The published process a new ticket follows: its catalog item's, else its kind's default."""
    processes = _process_map()
    version_id = processes.get(f"item:{catalog_item_id}") or processes.get(f"kind:{kind}")
    if version_id is None:
        return None
    return ProcessVersion.objects.filter(pk=version_id).first()


# --- running ----------------------------------------------------------------------------------


def _run_action(instance: ProcessInstance, version: ProcessVersion) -> engine.OnService:
    def on_service(node_id: str, data: dict[str, Any], task_id: str) -> bool:
        node = version.nodes.get(node_id) or {}
        action = action_get(node.get("action") or "")
        if action is None:  # published versions only name known actions
            raise ValidationFailed(_("未知的服务动作：%(a)s") % {"a": node.get("action")})
        waits = action.run(
            ActionContext(
                instance=instance,
                node_id=node_id,
                params=node.get("params") or {},
                data=data,
                engine_task_id=task_id,
            )
        )
        return bool(waits)

    return on_service


def _resolve(refs: Iterable[str], subject: Subject) -> tuple[set[int], set[int]]:
    """RACI references → (user ids, support group ids)."""
    users: set[int] = set()
    groups: set[int] = set()
    for ref in refs:
        kind, _sep, value = ref.partition(":")
        if kind == "user":
            users.update(
                User.objects.filter(username=value, is_active=True).values_list("pk", flat=True)
            )
        elif kind == "role":
            group = Group.objects.filter(name=value).first()
            if group is not None:
                users.update(group.user_set.filter(is_active=True).values_list("pk", flat=True))
        elif kind == "group":
            groups.update(AssignmentGroup.objects.filter(code=value).values_list("pk", flat=True))
        elif kind == "field":
            users.update(subject.form_people.get(value, []))
        elif kind in ("requester", "assignee", "dept_head") and subject.people.get(kind):
            users.add(int(subject.people[kind] or 0))
    return users, groups


def resolve_people(refs: Iterable[str], instance: ProcessInstance) -> set[int]:
    """RACI-style references → the user ids they name now (members of named support groups
    included)."""
    users, groups = _resolve(refs, _subject(instance))
    if groups:
        users |= set(
            User.objects.filter(assignment_groups__in=groups, is_active=True).values_list(
                "pk", flat=True
            )
        )
    return users


def _sync(
    instance: ProcessInstance, version: ProcessVersion, run: engine.Run, subject: Subject
) -> list[HumanTask]:
    """Make the inbox and the timer table match the engine: new ready tasks open, tasks the
    engine no longer waits for are cancelled (a timer or a parallel branch took over)."""
    now = timezone.now()
    ready = {t.task_id: t for t in run.ready_user_tasks()}
    open_tasks = {
        t.engine_task_id: t
        for t in instance.tasks.filter(
            parent__isnull=True, status__in=[TaskStatus.OPEN, TaskStatus.SIGNOFF]
        )
    }
    for engine_id, task in open_tasks.items():
        if engine_id not in ready:
            task.status = TaskStatus.CANCELLED
            task.completed_at = now
            task.save(update_fields=["status", "completed_at"])
            task.consults.filter(status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED)
    known = set(instance.tasks.filter(parent__isnull=True).values_list("engine_task_id", flat=True))
    created: list[HumanTask] = []
    for engine_id, ready_task in ready.items():
        if engine_id in known:
            continue
        node = version.nodes.get(ready_task.node_id) or {}
        raci = node.get("raci") or {}
        users, groups = _resolve(raci.get("responsible", []), subject)
        deadline = node.get("deadline_minutes")
        task = HumanTask.objects.create(
            instance=instance,
            engine_task_id=engine_id,
            node_id=ready_task.node_id,
            name=ready_task.name or node.get("name") or ready_task.node_id,
            kind=TaskKind.APPROVAL if node.get("approval") else TaskKind.HANDLE,
            approval_mode=node.get("approval") or "",
            supportive=sorted(_resolve(raci.get("supportive", []), subject)[0]),
            accountable=sorted(_resolve(raci.get("accountable", []), subject)[0]),
            informed=sorted(_resolve(raci.get("informed", []), subject)[0]),
            fields=node.get("fields") or {},
            due_at=now + dt.timedelta(minutes=int(deadline)) if deadline else None,
        )
        task.responsible.set(users)
        task.responsible_groups.set(groups)
        for consulted in sorted(_resolve(raci.get("consulted", []), subject)[0]):
            consult = HumanTask.objects.create(
                instance=instance,
                parent=task,
                engine_task_id=engine_id,
                node_id=ready_task.node_id,
                name=_("征询：%(n)s") % {"n": task.name},
                kind=TaskKind.CONSULT,
            )
            consult.responsible.set([consulted])
        created.append(task)
        _tell_responsible(instance, task, users, groups)
    waiting = {t.task_id: t for t in run.waiting_timers()}
    for job in instance.timers.filter(status=TimerStatus.WAITING):
        if job.engine_task_id not in waiting:
            job.status = TimerStatus.CANCELLED if job.due_at > now else TimerStatus.FIRED
            job.fired_at = now if job.status == TimerStatus.FIRED else None
            job.save(update_fields=["status", "fired_at"])
    have = set(instance.timers.values_list("engine_task_id", flat=True))
    TimerJob.objects.bulk_create(
        TimerJob(instance=instance, engine_task_id=t.task_id, node_id=t.node_id, due_at=t.due_at)
        for t in waiting.values()
        if t.task_id not in have
    )
    return created


def _link(instance: ProcessInstance) -> str:
    return f"/tickets/{instance.subject_id}" if instance.subject_type == "ticket" else "/tasks"


def _tell_responsible(
    instance: ProcessInstance, task: HumanTask, users: set[int], groups: set[int]
) -> None:
    """R (people and the members of R groups) hear that a task waits for them."""
    people = User.objects.filter(
        Q(pk__in=users) | Q(assignment_groups__in=groups), is_active=True
    ).distinct()
    notify(
        recipients=list(people),
        kind=NotificationKind.PROCESS_TASK,
        title=_("待处理：%(n)s") % {"n": task.name},
        body=instance.version.definition.name,
        link=_link(instance),
        ticket_id=instance.subject_id if instance.subject_type == "ticket" else None,
        dedupe_key=f"task{task.pk}:open",
    )


def _tell_informed(instance: ProcessInstance, task: HumanTask) -> None:
    """I hear what was decided or done at a step."""
    if not task.informed:
        return
    outcome = {
        "approved": _("已同意"),
        "rejected": _("已驳回"),
        "signed_off": _("已签核"),
    }.get(task.outcome, _("已完成"))
    notify(
        recipients=list(User.objects.filter(pk__in=task.informed, is_active=True)),
        kind=NotificationKind.PROCESS_INFORMED,
        title=_("%(n)s %(o)s") % {"n": task.name, "o": outcome},
        body=task.comment[:500],
        link=_link(instance),
        ticket_id=instance.subject_id if instance.subject_type == "ticket" else None,
        dedupe_key=f"task{task.pk}:done",
    )


def _save(instance: ProcessInstance, run: engine.Run) -> None:
    instance.state = run.dump()
    instance.revision += 1
    instance.waiting_for = run.waiting_messages()
    if run.completed:
        instance.status = InstanceStatus.COMPLETED
        instance.finished_at = timezone.now()
        instance.waiting_for = []
    instance.save(update_fields=["state_json", "revision", "status", "finished_at", "waiting_for"])


def _commit(
    instance: ProcessInstance,
    version: ProcessVersion,
    run: engine.Run,
    subject: Subject | None = None,
    *,
    depth: int = 0,
) -> None:
    """After the engine moved: inbox and timers follow it, the state is saved, and the messages
    it threw go to the processes of related subjects that wait for them."""
    messages = run.thrown_messages()
    _sync(instance, version, run, subject if subject is not None else _subject(instance))
    _save(instance, run)
    for name, variables in messages:
        _dispatch(instance, name, variables, depth=depth)


# --- messages between processes ---------------------------------------------------------------

_RELATED: dict[str, Callable[[int], Iterable[int]]] = {}
MAX_MESSAGE_DEPTH = 5


def subject_related_register(subject_type: str, related: Callable[[int], Iterable[int]]) -> None:
    """Which subjects' processes hear a message thrown for a subject (e.g. linked tickets)."""
    _RELATED[subject_type] = related


def _dispatch(sender: ProcessInstance, name: str, variables: dict[str, Any], *, depth: int) -> None:
    """Deliver message ``name`` to every running process of the sender's subject and of related
    subjects that waits for it (each locked in turn). A message nobody waits for is recorded as
    unmatched: BPMN messages are not kept for later."""
    related = _RELATED.get(sender.subject_type)
    subjects = {sender.subject_id, *(related(sender.subject_id) if related else ())}
    # Conditions after the catching step read it as message.<field>: the sender's process
    # variables, its name and who sent it.
    payload = {
        **variables,
        "name": name,
        "from": subject_label(sender.subject_type, sender.subject_id),
    }
    receivers = (
        ProcessInstance.objects.filter(
            subject_type=sender.subject_type,
            subject_id__in=subjects,
            status=InstanceStatus.RUNNING,
        )
        .exclude(pk=sender.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    delivered = 0
    for receiver_id in list(receivers):
        if depth >= MAX_MESSAGE_DEPTH:
            break
        receiver = _locked(receiver_id)
        if receiver.status != InstanceStatus.RUNNING or name not in (receiver.waiting_for or []):
            continue
        version = receiver.version
        run = engine.Run.load(
            functools.partial(getattr, version, "spec"), receiver.state, cache_key=version.cache_key
        )
        if not run.deliver(name, payload, _run_action(receiver, version)):
            continue
        ProcessMessage.objects.create(
            name=name,
            sender=sender,
            receiver=receiver,
            status=MessageStatus.DELIVERED,
            payload=payload,
        )
        delivered += 1
        _commit(receiver, version, run, depth=depth + 1)
    if not delivered:
        ProcessMessage.objects.create(
            name=name, sender=sender, status=MessageStatus.UNMATCHED, payload=payload
        )


@transaction.atomic
def service_task_finish(
    *, instance_id: int, engine_task_id: str, values: Mapping[str, Any]
) -> None:
    """An asynchronous service task's action is settled: the process goes on."""
    instance = _locked(instance_id)
    if instance.status != InstanceStatus.RUNNING:
        return
    version = instance.version
    run = engine.Run.load(lambda: version.spec, instance.state, cache_key=version.cache_key)
    try:
        run.finish_service(engine_task_id, values, _run_action(instance, version))
    except (KeyError, ValueError):
        raise Conflict(_("流程已不在该环节"), code="task_not_ready") from None
    _commit(instance, version, run)


@transaction.atomic
def instance_start(
    *, version: ProcessVersion, subject_type: str, subject_id: int, actor: User | None
) -> ProcessInstance:
    instance = ProcessInstance.objects.create(
        version=version, subject_type=subject_type, subject_id=subject_id, started_by=actor
    )
    subject = _subject(instance)
    run = engine.Run.start(lambda: version.spec, subject.data, cache_key=version.cache_key)
    run.advance(_run_action(instance, version))
    _commit(instance, version, run, subject)
    return instance


def _locked(instance_id: int) -> ProcessInstance:
    # of=self: lock the instance row only, not the version row every instance shares.
    return (
        ProcessInstance.objects.select_for_update(of=("self",))
        .select_related("version")
        .get(pk=instance_id)
    )


def task_can_act(task: HumanTask, user: User) -> bool:
    """R (the resolved people and groups) and S may act on a task; C answer their consults."""
    if task.responsible.filter(pk=user.pk).exists():
        return True
    if task.responsible_groups.filter(members=user).exists():
        return True
    return user.pk in (task.supportive or [])


def _checked_values(task: HumanTask, values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values a task may change: editable or required fields; required ones filled."""
    form = dict(values.get("form") or {})
    errors: dict[str, list[str]] = {}
    for key in form:
        if task.fields.get(key) not in ("editable", "required"):
            errors[f"form.{key}"] = [_("该环节不能修改此字段")]
    for key, access in task.fields.items():
        if access == "required" and form.get(key) in (None, "", []):
            errors[f"form.{key}"] = [_("该环节须填写此字段")]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"form": form} if form else {}


@transaction.atomic
def task_complete(
    *,
    task: HumanTask,
    actor: User,
    values: Mapping[str, Any] | None = None,
    approve: bool | None = None,
    comment: str = "",
) -> HumanTask:
    """Act on a task: handle it, vote on an approval (会签 all must approve, 或签 one is enough,
    a rejection decides at once), sign it off as A, or answer a consult."""
    instance = _locked(task.instance_id)
    task = HumanTask.objects.select_for_update().get(pk=task.pk)
    if instance.status != InstanceStatus.RUNNING:
        raise Conflict(_("流程已结束"), code="instance_finished")
    if task.kind == TaskKind.CONSULT:
        if task.status != TaskStatus.OPEN or not task.responsible.filter(pk=actor.pk).exists():
            raise Forbidden(_("您不是该征询的对象"))
        _finish(task, actor, outcome="answered", comment=comment)
        return task
    if task.status == TaskStatus.SIGNOFF:
        if actor.pk not in (task.accountable or []):
            raise Forbidden(_("只有负责签核（A）的人员可以签核"))
        if approve is False:
            task.status = TaskStatus.OPEN  # back to R
            task.comment = comment
            task.save(update_fields=["status", "comment"])
            return task
        return _advance(
            instance,
            task,
            actor,
            {"process": {"signed_off": True}},
            outcome="signed_off",
            comment=comment,
        )
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("该任务已处理"), code="task_closed")
    if not task_can_act(task, actor):
        raise Forbidden(_("只有负责（R）或协助（S）该环节的人员可以处理"))
    data = _checked_values(task, values or {})
    if task.kind == TaskKind.APPROVAL:
        if approve is None:
            raise ValidationFailed(fields={"approve": [_("请选择同意或驳回")]})
        if TaskVote.objects.filter(task=task, user=actor).exists():
            raise Conflict(_("您已表态"), code="already_voted")
        TaskVote.objects.create(task=task, user=actor, approve=approve, comment=comment)
        if approve and task.approval_mode == "all":
            needed = set(task.responsible.values_list("pk", flat=True))
            voted = set(task.votes.filter(approve=True).values_list("user_id", flat=True))
            if not needed <= voted:
                return task  # 会签: wait for the others
        outcome = "approved" if approve else "rejected"
        data = {**data, "process": {"approved": bool(approve), "outcome": outcome}}
        return _advance(instance, task, actor, data, outcome=outcome, comment=comment)
    if task.accountable:
        task.status = TaskStatus.SIGNOFF
        task.completed_by = actor
        task.comment = comment
        task.save(update_fields=["status", "completed_by", "comment"])
        if data:
            run = engine.Run.load(
                lambda: instance.version.spec, instance.state, cache_key=instance.version.cache_key
            )
            run.set_data(task.engine_task_id, data)
            _save(instance, run)
        return task
    return _advance(instance, task, actor, data, outcome="done", comment=comment)


def _finish(task: HumanTask, actor: User, *, outcome: str, comment: str) -> None:
    task.status = TaskStatus.COMPLETED
    task.completed_by = actor
    task.completed_at = timezone.now()
    task.outcome = outcome
    task.comment = comment or task.comment
    task.save(update_fields=["status", "completed_by", "completed_at", "outcome", "comment"])


def _advance(
    instance: ProcessInstance,
    task: HumanTask,
    actor: User,
    data: Mapping[str, Any],
    *,
    outcome: str,
    comment: str,
) -> HumanTask:
    version = instance.version
    run = engine.Run.load(lambda: version.spec, instance.state, cache_key=version.cache_key)
    try:
        run.complete(task.engine_task_id, data)
    except (KeyError, ValueError):
        raise Conflict(_("流程已不在该环节"), code="task_not_ready") from None
    _finish(task, actor, outcome=outcome, comment=comment)
    _tell_informed(instance, task)
    task.consults.filter(status=TaskStatus.OPEN).update(status=TaskStatus.CANCELLED)
    run.advance(_run_action(instance, version))
    _commit(instance, version, run)
    return task


# --- timers -----------------------------------------------------------------------------------


def timers_fire(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Fire due timers: each instance with a due timer is locked (other workers skip it), its
    timers refreshed and the process advanced; a timer row moves waiting → fired once."""
    now = now or timezone.now()
    fired = 0
    due = list(
        TimerJob.objects.filter(status=TimerStatus.WAITING, due_at__lte=now)
        .order_by("due_at")
        .values_list("instance_id", flat=True)[: limit * 4]
    )
    for instance_id in list(dict.fromkeys(due))[:limit]:
        with transaction.atomic():
            rows = ProcessInstance.objects.filter(pk=instance_id, status=InstanceStatus.RUNNING)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            instance = rows.select_related("version").first()
            if instance is None:
                continue  # another worker has it, or it finished
            jobs = list(instance.timers.filter(status=TimerStatus.WAITING, due_at__lte=now))
            if not jobs:
                continue  # fired by the worker that held the lock before us
            version = instance.version
            run = engine.Run.load(
                functools.partial(getattr, version, "spec"),
                instance.state,
                cache_key=version.cache_key,
            )
            run.fire_timers(_run_action(instance, instance.version))
            _commit(instance, instance.version, run)
            # _sync marked the timers the engine fired; one it has not (yet) stays waiting.
            fired += TimerJob.objects.filter(
                pk__in=[j.pk for j in jobs], status=TimerStatus.FIRED
            ).count()
    return fired


@transaction.atomic
def instance_cancel(*, instance: ProcessInstance) -> None:
    instance = _locked(instance.pk)
    if instance.status != InstanceStatus.RUNNING:
        return
    instance.status = InstanceStatus.CANCELLED
    instance.finished_at = timezone.now()
    instance.save(update_fields=["status", "finished_at"])
    instance.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.SIGNOFF]).update(
        status=TaskStatus.CANCELLED
    )
    instance.timers.filter(status=TimerStatus.WAITING).update(status=TimerStatus.CANCELLED)
    instance.webhooks.filter(status__in=[WebhookStatus.PENDING, WebhookStatus.MANUAL]).update(
        status=WebhookStatus.CANCELLED, finished_at=timezone.now()
    )


def subject_processes_cancel(subject_type: str, subject_id: int) -> int:
    """The subject ended (a ticket cancelled or merged): its running processes stop."""
    running = ProcessInstance.objects.filter(
        subject_type=subject_type, subject_id=subject_id, status=InstanceStatus.RUNNING
    )
    count = 0
    for instance in running:
        instance_cancel(instance=instance)
        count += 1
    return count


def subject_open_steps(subject_type: str, subject_id: int) -> list[str]:
    """The open steps of the subject's running processes that hold it (``holds_ticket``):
    "流程：环节" labels; empty when nothing holds the subject."""
    tasks = HumanTask.objects.filter(
        instance__subject_type=subject_type,
        instance__subject_id=subject_id,
        instance__status=InstanceStatus.RUNNING,
        instance__version__definition__holds_ticket=True,
        parent__isnull=True,
        status__in=[TaskStatus.OPEN, TaskStatus.SIGNOFF],
    ).select_related("instance__version__definition")
    steps = [f"{t.instance.version.definition.name}：{t.name}" for t in tasks]
    waiting = ProcessInstance.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        status=InstanceStatus.RUNNING,
        version__definition__holds_ticket=True,
    ).select_related("version__definition")
    for instance in waiting:
        if not any(s.startswith(f"{instance.version.definition.name}：") for s in steps):
            steps.append(f"{instance.version.definition.name}：{_('等待中')}")
    return steps


_VISIBILITY: dict[str, Callable[[Any, int], bool]] = {}


def subject_visibility_register(subject_type: str, check: Callable[[Any, int], bool]) -> None:
    _VISIBILITY[subject_type] = check


_LABELS: dict[str, Callable[[int], str]] = {}


def subject_label_register(subject_type: str, label: Callable[[int], str]) -> None:
    _LABELS[subject_type] = label


def subject_label(subject_type: str, subject_id: int) -> str:
    label = _LABELS.get(subject_type)
    return label(subject_id) if label else f"{subject_type} #{subject_id}"


def subject_visible(user: Any, subject_type: str, subject_id: int) -> bool:
    check = _VISIBILITY.get(subject_type)
    return bool(check and check(user, subject_id))


def instance_trail(instance: ProcessInstance) -> dict[str, list[str]]:
    """Completed, current and future node ids, for the viewer's highlighting."""
    return engine.Run.load(
        lambda: instance.version.spec, instance.state, cache_key=instance.version.cache_key
    ).trail()


def definition_simulate(
    *, definition: ProcessDefinition, data: Mapping[str, Any], approve: bool = True
) -> dict[str, Any]:
    """Which path the saved draft takes for sample data (no actions run, no timers wait)."""
    compiled = definition_check(definition.draft_xml)
    sample: dict[str, dict[str, Any]] = {"form": {}, "ticket": {}, "process": {}}
    for key in sample:
        if isinstance(data.get(key), Mapping):
            sample[key] = dict(data[key])
    steps, finished = engine.process_simulate(compiled, sample, approve=approve)
    return {
        "finished": finished,
        "path": [{"node_id": s.node_id, "name": s.name, "kind": s.kind} for s in steps],
    }


def versions_diff(old: ProcessVersion, new: ProcessVersion) -> dict[str, Any]:
    """Nodes added, removed and changed (name, kind, lane, RACI, approval, fields, deadline,
    action) between two versions of a process."""
    before, after = old.nodes, new.nodes
    changed = []
    for node_id in sorted(set(before) & set(after)):
        fields = sorted(
            k
            for k in after[node_id]
            if k != "position" and before[node_id].get(k) != after[node_id].get(k)
        )
        if fields:
            changed.append(
                {
                    "node_id": node_id,
                    "name": after[node_id].get("name") or node_id,
                    "fields": fields,
                    "before": {k: before[node_id].get(k) for k in fields},
                    "after": {k: after[node_id].get(k) for k in fields},
                }
            )
    return {
        "from": old.version,
        "to": new.version,
        "added": [
            {"node_id": k, "name": after[k].get("name") or k}
            for k in sorted(set(after) - set(before))
        ],
        "removed": [
            {"node_id": k, "name": before[k].get("name") or k}
            for k in sorted(set(before) - set(after))
        ],
        "changed": changed,
    }
