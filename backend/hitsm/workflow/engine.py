"""The BPMN engine: SpiffWorkflow 3.2.0, embedded. The only module that imports it.

What the rest of the app sees:
- :func:`process_compile` checks a BPMN document against what we support (no scripts, safe
  expressions only, RACI on every user task, a default flow on every deciding gateway, no dead
  ends) and returns a :class:`Compiled` process: the engine's serialized spec, the BPMN process id
  and our per-node configuration read from the ``hitsm:`` extension elements.
- :class:`Run` wraps one running workflow: ``start``/``load`` it, ``advance`` it (service tasks
  call back into the app), list its ready user tasks and waiting timers, complete a task, fire due
  timers, and ``dump`` its state *without* the spec (the instance stays pinned to its version).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from hitsm.workflow.expressions import UnsafeExpression, expression_check, expression_evaluate

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
HITSM = "http://hitsm.org/schema/bpmn"
MAX_XML = 2 * 1024 * 1024
WAIT_FLAG = "hitsm_wait"

# What the engine runs and the designer's palette offers. Everything else is refused by name.
FLOW_NODES = {
    "startEvent",
    "endEvent",
    "userTask",
    "task",
    "serviceTask",
    "exclusiveGateway",
    "parallelGateway",
    "callActivity",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
}
ALLOWED = FLOW_NODES | {
    "definitions",
    "process",
    "collaboration",
    "participant",
    "messageFlow",
    "message",
    "sequenceFlow",
    "conditionExpression",
    "laneSet",
    "lane",
    "flowNodeRef",
    "incoming",
    "outgoing",
    "documentation",
    "extensionElements",
    "timerEventDefinition",
    "timeDuration",
    "timeDate",
    "messageEventDefinition",
    "textAnnotation",
    "text",
    "association",
}
RACI_ROLES = ("responsible", "accountable", "supportive", "consulted", "informed")
APPROVAL_MODES = ("single", "all", "any")
FIELD_ACCESS = ("hidden", "readonly", "editable", "required")


class BpmnRejected(Exception):
    """The document cannot be published: ``problems`` name the element and the reason."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p['element']}: {p['message']}" for p in problems))


@dataclass
class NodeConfig:
    """Our settings for one BPMN element, from its ``hitsm:`` extension elements."""

    id: str
    kind: str
    name: str
    lane: str = ""
    raci: dict[str, list[str]] = field(default_factory=dict)
    approval: str = ""  # "", single, all (会签), any (或签)
    fields: dict[str, str] = field(default_factory=dict)
    deadline_minutes: int | None = None
    action: str = ""
    params: dict[str, str] = field(default_factory=dict)
    position: int = 0  # order in the document (stored JSON may not keep key order)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "position": self.position,
            "kind": self.kind,
            "name": self.name,
            "lane": self.lane,
            "raci": self.raci,
            "approval": self.approval,
            "fields": self.fields,
            "deadline_minutes": self.deadline_minutes,
            "action": self.action,
            "params": self.params,
        }


@dataclass
class Compiled:
    process_id: str
    name: str
    spec: dict[str, Any]  # the engine's serialized spec and sub-process specs
    nodes: dict[str, dict[str, Any]]
    lanes: dict[str, str]  # lane name → role code
    xml: str = ""  # the document it was compiled from


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _label(element: Element) -> str:
    name = element.get("name") or ""
    ident = element.get("id") or _local(element.tag)
    return f"{name}（{ident}）" if name else ident


def _hitsm(element: Element, name: str) -> list[Element]:
    ext = element.find(f"{{{BPMN}}}extensionElements")
    return [] if ext is None else ext.findall(f"{{{HITSM}}}{name}")


def _node_config(element: Element, lane: str, problems: list[dict[str, str]]) -> NodeConfig:
    kind = _local(element.tag)
    config = NodeConfig(
        id=element.get("id", ""), kind=kind, name=element.get("name") or "", lane=lane
    )
    for raci in _hitsm(element, "raci"):
        for role in RACI_ROLES:
            refs = (raci.get(role) or "").split()
            if refs:
                config.raci[role] = refs
    for approval in _hitsm(element, "approval"):
        mode = approval.get("mode") or "single"
        if mode not in APPROVAL_MODES:
            problems.append({"element": _label(element), "message": f"审批方式无效：{mode}"})
        config.approval = mode
    for fields in _hitsm(element, "fields"):
        for one in fields.findall(f"{{{HITSM}}}field"):
            access = one.get("access") or "editable"
            if access not in FIELD_ACCESS:
                problems.append({"element": _label(element), "message": f"字段权限无效：{access}"})
            config.fields[one.get("key") or ""] = access
    for deadline in _hitsm(element, "deadline"):
        try:
            config.deadline_minutes = max(1, int(deadline.get("minutes") or "0"))
        except ValueError:
            problems.append({"element": _label(element), "message": "处理时限须为分钟数"})
    for action in _hitsm(element, "action"):
        config.action = action.get("name") or ""
        config.params = {
            p.get("name") or "": p.get("value") or "" for p in action.findall(f"{{{HITSM}}}param")
        }
    return config


def _inspect(
    root: Element, known_actions: Iterable[str], known_processes: Iterable[str] = ()
) -> tuple[Element, dict[str, NodeConfig], dict[str, str]]:
    problems: list[dict[str, str]] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace, local = _ns(element.tag), _local(element.tag)
        if namespace == BPMN and local not in ALLOWED:
            problems.append({"element": _label(element), "message": f"不支持的 BPMN 元素：{local}"})
        if namespace == BPMN and local in ("conditionExpression", "timeDuration", "timeDate"):
            try:
                expression_check(element.text or "")
            except UnsafeExpression as unsafe:
                problems.append({"element": _label(element), "message": str(unsafe)})
    message_names = {
        m.get("id", ""): (m.get("name") or "").strip() for m in root.iter(f"{{{BPMN}}}message")
    }
    for event in root.iter():
        if not isinstance(event.tag, str):
            continue
        definition = event.find(f"{{{BPMN}}}messageEventDefinition")
        if definition is not None and not message_names.get(definition.get("messageRef") or ""):
            problems.append({"element": _label(event), "message": "消息事件须选择有名称的消息"})
    processes = list(root.findall(f"{{{BPMN}}}process"))
    executable = [p for p in processes if p.get("isExecutable") != "false"]
    if len(executable) != 1:
        problems.append({"element": "definitions", "message": "须有且只有一个可执行流程"})
        raise BpmnRejected(problems)
    process = executable[0]
    lanes: dict[str, str] = {}  # lane name → role code (for display)
    lane_of: dict[str, str] = {}  # node id → lane name
    role_of: dict[str, str] = {}  # node id → its own lane's role (two lanes may share a name)
    for lane in process.iter(f"{{{BPMN}}}lane"):
        role = next((r.get("code") or "" for r in _hitsm(lane, "role")), "")
        lanes[lane.get("name") or lane.get("id") or ""] = role
        for ref in lane.findall(f"{{{BPMN}}}flowNodeRef"):
            node_id = (ref.text or "").strip()
            lane_of[node_id] = lane.get("name") or lane.get("id") or ""
            role_of[node_id] = role
    nodes: dict[str, NodeConfig] = {}
    for element in process:
        if _local(element.tag) in FLOW_NODES:
            config = _node_config(element, lane_of.get(element.get("id", ""), ""), problems)
            config.position = len(nodes)
            nodes[config.id] = config
    flows = list(process.findall(f"{{{BPMN}}}sequenceFlow"))
    outgoing: dict[str, list[Element]] = {}
    incoming: dict[str, int] = {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
        incoming[flow.get("targetRef", "")] = incoming.get(flow.get("targetRef", ""), 0) + 1
    starts = [n for n in nodes.values() if n.kind == "startEvent"]
    if len(starts) != 1:
        problems.append(
            {"element": process.get("id", "process"), "message": "须有且只有一个开始事件"}
        )
    for element in process:
        local = _local(element.tag)
        ident = element.get("id", "")
        if local not in FLOW_NODES:
            continue
        config = nodes[ident]
        if local == "userTask":
            lane_role = role_of.get(ident, "")
            if not config.raci.get("responsible"):
                if lane_role:
                    config.raci["responsible"] = [f"role:{lane_role}"]
                else:
                    problems.append(
                        {"element": _label(element), "message": "人工任务须设置负责人（R）"}
                    )
        if local == "serviceTask" and config.action not in set(known_actions):
            problems.append(
                {
                    "element": _label(element),
                    "message": f"未知的服务动作：{config.action or '（未设置）'}",
                }
            )
        if local == "callActivity" and element.get("calledElement") not in set(known_processes):
            problems.append(
                {
                    "element": _label(element),
                    "message": f"调用的流程不存在或未发布：{element.get('calledElement')}",
                }
            )
        if (
            local == "exclusiveGateway"
            and len(outgoing.get(ident, [])) > 1
            and not element.get("default")
        ):
            problems.append({"element": _label(element), "message": "排他网关须设置默认流向"})
        if local == "exclusiveGateway" and len(outgoing.get(ident, [])) > 1:
            for flow in outgoing[ident]:
                if (
                    flow.get("id") != element.get("default")
                    and flow.find(f"{{{BPMN}}}conditionExpression") is None
                ):
                    problems.append({"element": _label(flow), "message": "非默认流向须设置条件"})
        if local != "endEvent" and not outgoing.get(ident):
            problems.append({"element": _label(element), "message": "该节点没有后续流向（死胡同）"})
        if local not in ("startEvent", "boundaryEvent") and not incoming.get(ident):
            problems.append(
                {"element": _label(element), "message": "该节点没有进入的流向，永远不会执行"}
            )
    if problems:
        raise BpmnRejected(problems)
    return process, nodes, lanes


class ActionTask(ServiceTask):
    """A service task: our action (``hitsm:action``) runs through the run's callback just
    before the engine completes it. A synchronous action finishes at once; an asynchronous one
    (an HTTP webhook) leaves the task STARTED until :meth:`Run.finish_service` completes it."""

    def _execute(self, task: Any) -> bool | None:
        return None if task._get_internal_data(WAIT_FLAG) else True


class _Parser(BpmnParser):
    OVERRIDE_PARSER_CLASSES = {full_tag("serviceTask"): (TaskParser, ActionTask)}


class _WorkflowConverter(BpmnWorkflowConverter):
    """Instances are stored without their spec and restored with a spec that is already built:
    a version's spec is deserialized once per process and shared by its instances (specs do not
    change while workflows run)."""

    def to_dict(self, workflow: Any) -> dict[str, Any]:
        """An instance's state without the spec (which lives once, on its version)."""
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> Any:
        spec, subs = dct.pop("spec"), dct.pop("subprocess_specs", {})
        if isinstance(spec, dict):
            spec, subs = self.registry.restore(spec), self.mapping_from_dict(subs)
        workflow = self.target_class(spec, subs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], uuid.UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(uuid.UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure(
        {**DEFAULT_CONFIG, ActionTask: BpmnTaskSpecConverter, BpmnWorkflow: _WorkflowConverter}
    )
)


def process_compile(
    xml: str | bytes,
    *,
    known_actions: Iterable[str],
    called: Callable[[set[str]], Mapping[str, Compiled]] | None = None,
) -> Compiled:
    """Check a BPMN document and compile it; raises :class:`BpmnRejected`.

    ``called`` looks up the published processes the document's call activities name (by BPMN
    process id); only those travel with the compiled spec."""
    data = xml.encode() if isinstance(xml, str) else xml
    if len(data) > MAX_XML:
        raise BpmnRejected([{"element": "definitions", "message": "BPMN 文件过大（上限 2 MB）"}])
    try:
        root = SafeET.fromstring(data)  # refuses DTDs, entities and external references
    except Exception as error:
        raise BpmnRejected(
            [{"element": "definitions", "message": f"不是有效的 BPMN XML：{error}"}]
        ) from None
    wanted = {e.get("calledElement") or "" for e in root.iter(f"{{{BPMN}}}callActivity")} - {""}
    found = dict(called(wanted)) if called is not None and wanted else {}
    process, nodes, lanes = _inspect(root, known_actions, found)
    # The called processes' steps run inside this one: their settings (RACI …) come along.
    merged = {k: v.as_dict() for k, v in nodes.items()}
    clashes = []
    for compiled in found.values():
        for node_id, node in compiled.nodes.items():
            if node_id in merged and node.get("kind") in ("userTask", "serviceTask"):
                clashes.append(
                    {
                        "element": node_id,
                        "message": f"与被调用流程 {compiled.process_id} 的节点标识重复",
                    }
                )
            merged.setdefault(node_id, node)
    if clashes:
        raise BpmnRejected(clashes)
    parser = _Parser()
    try:
        # Called processes are parsed with the caller and travel with its spec, pinned at the
        # version published now.
        for compiled in found.values():
            parser.add_bpmn_str(compiled.xml.encode())
        parser.add_bpmn_str(data)
        process_id = process.get("id", "")
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id, specs={})
    except SpiffWorkflowException as error:
        raise BpmnRejected(
            [{"element": process.get("id", ""), "message": f"流程无法解析：{error}"}]
        ) from None
    except Exception as error:
        raise BpmnRejected(
            [{"element": process.get("id", ""), "message": f"流程无法解析：{error}"}]
        ) from None
    spec_dict = {
        "spec": _SERIALIZER.to_dict(spec),
        "subprocess_specs": {k: _SERIALIZER.to_dict(v) for k, v in subprocesses.items()},
    }
    return Compiled(
        process_id=process_id,
        name=process.get("name") or process_id,
        spec=json.loads(json.dumps(spec_dict)),
        nodes=merged,
        lanes=lanes,
    )


_BUILT: dict[Any, tuple[Any, dict[str, Any]]] = {}


def _built_spec(
    compiled_spec: dict[str, Any] | Callable[[], dict[str, Any]], cache_key: Any
) -> tuple[Any, dict[str, Any]]:
    if cache_key is not None and cache_key in _BUILT:
        return _BUILT[cache_key]
    source = compiled_spec() if callable(compiled_spec) else compiled_spec
    built = (
        _SERIALIZER.from_dict(source["spec"]),
        {k: _SERIALIZER.from_dict(v) for k, v in source["subprocess_specs"].items()},
    )
    if cache_key is not None:
        if len(_BUILT) > 200:  # versions are few; bound it anyway
            _BUILT.clear()
        _BUILT[cache_key] = built
    return built


class _Environment(TaskDataEnvironment):
    """Evaluates only the safe subset (hitsm.workflow.expressions); scripts never run."""

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: Any = None
    ) -> Any:
        return expression_evaluate(expression, context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        raise UnsafeExpression("流程中不允许脚本")


def _engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=_Environment())


OnService = Callable[[str, dict[str, Any], str], bool | None]


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    node_id: str
    name: str


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    node_id: str
    due_at: dt.datetime


class Run:
    """One workflow in memory: built from a compiled spec and, when resuming, its saved state."""

    def __init__(self, workflow: BpmnWorkflow) -> None:
        self.workflow = workflow

    @classmethod
    def start(
        cls,
        compiled_spec: dict[str, Any] | Callable[[], dict[str, Any]],
        data: Mapping[str, Any],
        *,
        cache_key: Any = None,
    ) -> Run:
        spec, subs = _built_spec(compiled_spec, cache_key)
        workflow = BpmnWorkflow(spec, subs, script_engine=_engine())
        workflow.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        return cls(workflow)

    @classmethod
    def load(
        cls,
        compiled_spec: dict[str, Any] | Callable[[], dict[str, Any]],
        state: Mapping[str, Any],
        *,
        cache_key: Any = None,
    ) -> Run:
        """Resume a workflow. With ``cache_key`` (a published version's id) the built spec is
        kept per process; ``compiled_spec`` may then be a callable, read only on a miss."""
        spec, subs = _built_spec(compiled_spec, cache_key)
        full = dict(state)
        full["spec"], full["subprocess_specs"] = spec, subs
        workflow = _SERIALIZER.from_dict(full)
        workflow.script_engine = _engine()
        return cls(workflow)

    def dump(self) -> dict[str, Any]:
        """The state without the spec (which lives once, on the published version)."""
        state = _SERIALIZER.to_dict(self.workflow)
        return json.loads(json.dumps(state, default=str))

    def advance(self, on_service: OnService) -> None:
        """Run every automatic step; ``on_service(node_id, data, task_id)`` performs service
        tasks and returns True when the action finishes later (the task then waits)."""

        def before(task: Any) -> None:
            spec = task.task_spec
            if (
                isinstance(spec, ActionTask)
                and spec.bpmn_id
                and on_service(spec.bpmn_id, task.data, str(task.id))
            ):
                task._set_internal_data(**{WAIT_FLAG: True})

        self.workflow.do_engine_steps(will_complete_task=before)

    def finish_service(
        self, task_id: str, values: Mapping[str, Any], on_service: OnService
    ) -> None:
        """An asynchronous action is done: its task completes with ``values`` and the process
        goes on. Raises ValueError if the task is not waiting for its action."""
        task = self._task(task_id)
        if task.state != TaskState.STARTED:
            raise ValueError("task is not waiting for its action")
        self.set_data(task_id, values)
        task.complete()
        self.advance(on_service)

    def thrown_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """Messages thrown that no step of this process caught (name, the thrower's
        ``process`` variables): for other processes to receive. Taking them clears them."""
        found = []
        for event in self.workflow.get_events():
            definition = event.event_definition
            if isinstance(definition, MessageEventDefinition):
                payload = event.payload if isinstance(event.payload, dict) else {}
                process = payload.get("process") if isinstance(payload.get("process"), dict) else {}
                found.append((str(definition.name), dict(process or {})))
        return found

    def waiting_messages(self) -> list[str]:
        """The names of the messages this process waits for now."""
        return sorted(
            {
                str(pending.name)
                for pending in self.workflow.waiting_events()
                if pending.event_type == MessageEventDefinition.__name__
            }
        )

    def deliver(self, name: str, payload: Mapping[str, Any], on_service: OnService) -> bool:
        """Receive message ``name`` from another process. What it carries is put under
        ``message`` in the receiving step's data (never over this process's own fields).
        Returns False when no step was waiting for it."""
        event = BpmnEvent(MessageEventDefinition(name), payload={"message": dict(payload)})
        caught = self.workflow.event_manager.catch(event, internal=False)
        if not caught:
            return False
        self.advance(on_service)
        return True

    def set_data(self, task_id: str, values: Mapping[str, Any]) -> None:
        task = self._task(task_id)
        for key, value in values.items():
            if isinstance(value, Mapping) and isinstance(task.data.get(key), dict):
                task.data[key].update(value)
            else:
                task.data[key] = value

    def complete(self, task_id: str, values: Mapping[str, Any]) -> None:
        task = self._task(task_id)
        if task.state != TaskState.READY:
            raise ValueError("task is not ready")
        self.set_data(task_id, values)
        task.run()

    def _task(self, task_id: str) -> Any:
        task = self.workflow.get_task_from_id(uuid.UUID(task_id))
        if task is None:
            raise KeyError(task_id)
        return task

    def ready_user_tasks(self) -> list[ReadyTask]:
        return [
            ReadyTask(
                task_id=str(t.id), node_id=t.task_spec.bpmn_id, name=t.task_spec.bpmn_name or ""
            )
            for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
        ]

    def waiting_timers(self) -> list[WaitingTimer]:
        timers = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            value = task._get_internal_data("event_value")
            if isinstance(value, str):
                try:
                    due = dt.datetime.fromisoformat(value)
                except ValueError:
                    continue
                if due.tzinfo is None:
                    due = due.replace(tzinfo=dt.UTC)
                timers.append(
                    WaitingTimer(task_id=str(task.id), node_id=task.task_spec.bpmn_id, due_at=due)
                )
        return timers

    def fire_timers(self, on_service: OnService) -> None:
        self.workflow.refresh_timers()
        self.advance(on_service)

    @property
    def completed(self) -> bool:
        return bool(self.workflow.is_completed())

    def data(self) -> dict[str, Any]:
        return dict(self.workflow.data)

    def last_data(self) -> dict[str, Any]:
        """The data of the most recently completed task (what flows on)."""
        done = self.workflow.get_tasks(state=TaskState.COMPLETED)
        return dict(done[-1].data) if done else dict(self.workflow.data)

    def trail(self) -> dict[str, list[str]]:
        """Node ids completed, current (ready/waiting) and still possible (future)."""
        completed, current, future = [], [], []
        for task in self.workflow.get_tasks():
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if not bpmn_id:
                continue
            if task.state == TaskState.COMPLETED:
                completed.append(bpmn_id)
            elif task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
                current.append(bpmn_id)
            elif task.state in (TaskState.LIKELY, TaskState.MAYBE, TaskState.FUTURE):
                future.append(bpmn_id)
        return {
            "completed": list(dict.fromkeys(completed)),
            "current": list(dict.fromkeys(current)),
            "future": list(dict.fromkeys(future)),
        }


@dataclass(frozen=True)
class SimulatedStep:
    node_id: str
    name: str
    kind: str


def process_simulate(
    compiled: Compiled, data: Mapping[str, Any], *, approve: bool = True, max_steps: int = 200
) -> tuple[list[SimulatedStep], bool]:
    """Dry-run: start the process with sample data, complete every user task as it comes
    (approvals decided by ``approve``), never run actions or wait for timers. Returns the nodes
    passed in order and whether the process reached its end."""
    run = Run.start(compiled.spec, data)
    steps: list[SimulatedStep] = []
    seen: set[str] = set()

    def record() -> None:
        for task in run.workflow.get_tasks(state=TaskState.COMPLETED):
            if str(task.id) in seen:
                continue
            seen.add(str(task.id))
            bpmn_id = getattr(task.task_spec, "bpmn_id", None)
            if bpmn_id and bpmn_id in compiled.nodes:
                node = compiled.nodes[bpmn_id]
                steps.append(SimulatedStep(node_id=bpmn_id, name=node["name"], kind=node["kind"]))

    for _step in range(max_steps):
        run.advance(lambda node_id, task_data, task_id: None)
        record()
        ready = run.ready_user_tasks()
        if not ready and not run.completed:
            # A step waiting for another process's message: pretend it arrived.
            waiting = run.waiting_messages()
            if waiting and run.deliver(waiting[0], {}, lambda node_id, task_data, task_id: None):
                continue
        if not ready or run.completed:
            break
        for task in ready:
            node = compiled.nodes.get(task.node_id) or {}
            values: dict[str, Any] = {}
            if node.get("approval"):
                values["process"] = {
                    "approved": approve,
                    "outcome": "approved" if approve else "rejected",
                }
            run.complete(task.task_id, values)
    record()
    return steps, run.completed
