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


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    run: Callable[[ActionContext], None]
    params: tuple[str, ...] = field(default_factory=tuple)
    subject_type: str = ""  # "" = any


_REGISTRY: dict[str, Action] = {}


def action_register(
    name: str, label: str, *, params: tuple[str, ...] = (), subject_type: str = ""
) -> Callable[[Callable[[ActionContext], None]], Callable[[ActionContext], None]]:
    def register(func: Callable[[ActionContext], None]) -> Callable[[ActionContext], None]:
        _REGISTRY[name] = Action(
            name=name, label=label, run=func, params=params, subject_type=subject_type
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
