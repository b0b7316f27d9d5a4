"""The service-task actions a process may call: a registry, never arbitrary code.

Apps register their own (the service desk: set a ticket's status, create a linked problem …) in
their ``AppConfig.ready``. A service task names one in ``<hitsm:action name="…">`` with
``<hitsm:param>`` values; publishing refuses unknown names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ActionContext:
    instance: Any  # ProcessInstance
    node_id: str
    params: Mapping[str, str]
    data: dict[str, Any]  # the task's data; an action may record results under "process"
    engine_task_id: str = ""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    # Returns True when the action finishes later (the task waits for it, e.g. an HTTP call
    # made outside the transaction); None/False when it is done.
    run: Callable[[ActionContext], bool | None]
    params: tuple[str, ...] = field(default_factory=tuple)
    subject_type: str = ""  # "" = any
    # Checks a service task's parameters when the process is published: problems, in Chinese.
    check: Callable[[Mapping[str, str]], list[str]] | None = None


_REGISTRY: dict[str, Action] = {}


Run = Callable[[ActionContext], Any]


def action_register(
    name: str,
    label: str,
    *,
    params: tuple[str, ...] = (),
    subject_type: str = "",
    check: Callable[[Mapping[str, str]], list[str]] | None = None,
) -> Callable[[Run], Run]:
    def register(func: Run) -> Run:
        _REGISTRY[name] = Action(
            name=name, label=label, run=func, params=params, subject_type=subject_type, check=check
        )
        return func

    return register


def action_get(name: str) -> Action | None:
    return _REGISTRY.get(name)


def action_names() -> list[str]:
    return sorted(_REGISTRY)


def actions_all() -> list[Action]:
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


@action_register("set_variable", "设置流程变量", params=("name", "value"))
def _set_variable(context: ActionContext) -> None:
    """``process.<name> = value``: a flag later gateways can test."""
    process = context.data.setdefault("process", {})
    process[str(context.params.get("name") or "")] = context.params.get("value", "")


@action_register("notify", "发送通知", params=("to", "title", "body"))
def _notify(context: ActionContext) -> None:
    """Tell people (the same references as RACI: ``role:manager group:desktop requester
    dept_head field:<key> user:<name>``) in-app, and on WeCom once it is connected."""
    from hitsm.accounts.models import User
    from hitsm.notifications.models import NotificationKind
    from hitsm.notifications.services import notify
    from hitsm.workflow.services import resolve_people, subject_label

    instance = context.instance
    people = resolve_people(str(context.params.get("to") or "").split(), instance)
    label = subject_label(instance.subject_type, instance.subject_id)
    is_ticket = instance.subject_type == "ticket"
    notify(
        recipients=list(User.objects.filter(pk__in=people, is_active=True)),
        kind=NotificationKind.PROCESS_INFORMED,
        title=str(context.params.get("title") or label)[:200],
        body=str(context.params.get("body") or label)[:2000],
        link=f"/tickets/{instance.subject_id}" if is_ticket else "/tasks",
        ticket_id=instance.subject_id if is_ticket else None,
        dedupe_key=f"process{instance.pk}:{context.engine_task_id}:notify",
    )
