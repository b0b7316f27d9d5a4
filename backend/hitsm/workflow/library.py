"""The standard processes a hospital starts with, written as data and laid out for the designer.

``build`` turns a small description (lanes, nodes, flows) into BPMN 2.0 XML with diagram
interchange (positions), so the designer opens them as drawn diagrams: nodes left to right by
their distance from the start, one band per lane, boundary timers on their task's lower edge.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

SIZES = {
    "startEvent": (36, 36),
    "endEvent": (36, 36),
    "intermediateCatchEvent": (36, 36),
    "boundaryEvent": (36, 36),
    "exclusiveGateway": (50, 50),
    "parallelGateway": (50, 50),
}
TASK_SIZE = (110, 80)
COLUMN = 170
ROW = 120
LANE_HEADER = 30
POOL_HEADER = 30


@dataclass
class Node:
    id: str
    kind: str
    name: str = ""
    lane: str = ""
    ext: str = ""  # hitsm extension elements (inner XML)
    attached_to: str = ""  # boundary events
    timer: str = ""  # ISO duration for timer events
    interrupting: bool = False
    message: str = ""  # message events: the message's name


@dataclass
class Flow:
    source: str
    target: str
    condition: str = ""
    default: bool = False
    name: str = ""
    id: str = ""


@dataclass
class Lane:
    id: str
    name: str
    role: str


@dataclass
class Process:
    id: str
    name: str
    lanes: list[Lane]
    nodes: list[Node]
    flows: list[Flow]
    documentation: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # Definition settings (not part of the BPMN): the kind it is the default process of, and
    # whether it holds its ticket until done.
    default_for_kind: str = ""
    holds_ticket: bool = False


def raci(**refs: str) -> str:
    attrs = " ".join(f"{role}={quoteattr(value)}" for role, value in refs.items())
    return f"<hitsm:raci {attrs}/>"


def action(action_name: str, /, **params: str) -> str:
    inner = "".join(
        f"<hitsm:param name={quoteattr(k)} value={quoteattr(v)}/>" for k, v in params.items()
    )
    return f"<hitsm:action name={quoteattr(action_name)}>{inner}</hitsm:action>"


def _levels(process: Process) -> dict[str, int]:
    outgoing: dict[str, list[str]] = {}
    for flow in process.flows:
        outgoing.setdefault(flow.source, []).append(flow.target)
    for node in process.nodes:  # a boundary event sits one column after its task's start
        if node.attached_to:
            outgoing.setdefault(node.attached_to, []).append(node.id)
    start = next(n.id for n in process.nodes if n.kind == "startEvent")
    level = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for target in outgoing.get(current, []):
            if target not in level:  # first (shortest) reach; loops back do not move nodes
                level[target] = level[current] + 1
                queue.append(target)
    for node in process.nodes:
        if node.attached_to:
            level[node.id] = level[node.attached_to]
    return level


def build(process: Process) -> str:
    level = _levels(process)
    nodes = {n.id: n for n in process.nodes}
    lane_ids = [lane.id for lane in process.lanes] or [""]
    # rows: nodes sharing a lane and a column stack downwards
    slots: dict[tuple[str, int], int] = {}
    row_of: dict[str, int] = {}
    for node in process.nodes:
        if node.attached_to:
            continue
        key = (node.lane, level.get(node.id, 0))
        row_of[node.id] = slots.get(key, 0)
        slots[key] = row_of[node.id] + 1
    for node in process.nodes:  # a boundary's path goes a row below its task
        if node.attached_to:
            row_of[node.id] = row_of[node.attached_to]
    for node in process.nodes:
        for flow in process.flows:
            if flow.source in nodes and nodes[flow.source].attached_to and flow.target == node.id:
                row_of[node.id] = max(row_of.get(node.id, 0), row_of[flow.source] + 1)
    rows_in_lane = dict.fromkeys(lane_ids, 1)
    for node in process.nodes:
        rows_in_lane[node.lane] = max(rows_in_lane.get(node.lane, 1), row_of.get(node.id, 0) + 1)
    lane_top: dict[str, int] = {}
    top = 0
    for lane in lane_ids:
        lane_top[lane] = top
        top += rows_in_lane[lane] * ROW + 20
    height = top
    width = (max(level.values()) + 1) * COLUMN + 80
    origin_x = POOL_HEADER + LANE_HEADER + 40 if process.lanes else 60
    bounds: dict[str, tuple[int, int, int, int]] = {}
    for node in process.nodes:
        w, h = SIZES.get(node.kind, TASK_SIZE)
        if node.attached_to:
            hx, hy, hw, hh = bounds[node.attached_to]
            bounds[node.id] = (hx + hw - w - 10, hy + hh - h // 2, w, h)
            continue
        cx = origin_x + level.get(node.id, 0) * COLUMN + TASK_SIZE[0] // 2
        cy = lane_top[node.lane] + 20 + row_of[node.id] * ROW + ROW // 2
        bounds[node.id] = (cx - w // 2, cy - h // 2, w, h)

    flows = [
        Flow(f.source, f.target, f.condition, f.default, f.name, f.id or f"flow_{i + 1}")
        for i, f in enumerate(process.flows)
    ]
    incoming: dict[str, list[str]] = {}
    outgoing_ids: dict[str, list[str]] = {}
    for flow in flows:
        outgoing_ids.setdefault(flow.source, []).append(flow.id)
        incoming.setdefault(flow.target, []).append(flow.id)

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:hitsm="http://hitsm.org/schema/bpmn" '
        f'id="defs_{process.id}" targetNamespace="http://hitsm.org/bpmn">',
    ]
    messages = sorted({n.message for n in process.nodes if n.message})
    message_ids = {name: f"msg_{process.id}_{i + 1}" for i, name in enumerate(messages)}
    for name, ident in message_ids.items():
        out.append(f"<bpmn:message id={quoteattr(ident)} name={quoteattr(name)}/>")
    if process.lanes:
        out.append(
            f'<bpmn:collaboration id="collab_{process.id}"><bpmn:participant id="pool_{process.id}" '
            f"name={quoteattr(process.name)} processRef={quoteattr(process.id)}/></bpmn:collaboration>"
        )
    out.append(
        f'<bpmn:process id={quoteattr(process.id)} name={quoteattr(process.name)} isExecutable="true">'
    )
    if process.documentation:
        out.append(f"<bpmn:documentation>{escape(process.documentation)}</bpmn:documentation>")
    if process.lanes:
        out.append(f'<bpmn:laneSet id="lanes_{process.id}">')
        for band in process.lanes:
            refs = "".join(
                f"<bpmn:flowNodeRef>{n.id}</bpmn:flowNodeRef>"
                for n in process.nodes
                if n.lane == band.id
            )
            out.append(
                f"<bpmn:lane id={quoteattr(band.id)} name={quoteattr(band.name)}>"
                f"<bpmn:extensionElements><hitsm:role code={quoteattr(band.role)}/></bpmn:extensionElements>"
                f"{refs}</bpmn:lane>"
            )
        out.append("</bpmn:laneSet>")
    defaults = {f.source: f.id for f in flows if f.default}
    for node in process.nodes:
        attrs = f"id={quoteattr(node.id)}"
        if node.name:
            attrs += f" name={quoteattr(node.name)}"
        if node.id in defaults:
            attrs += f" default={quoteattr(defaults[node.id])}"
        if node.attached_to:
            attrs += f' attachedToRef={quoteattr(node.attached_to)} cancelActivity="{str(node.interrupting).lower()}"'
        inner = f"<bpmn:extensionElements>{node.ext}</bpmn:extensionElements>" if node.ext else ""
        inner += "".join(f"<bpmn:incoming>{i}</bpmn:incoming>" for i in incoming.get(node.id, []))
        inner += "".join(
            f"<bpmn:outgoing>{o}</bpmn:outgoing>" for o in outgoing_ids.get(node.id, [])
        )
        if node.timer:
            inner += (
                f'<bpmn:timerEventDefinition id="timer_{node.id}"><bpmn:timeDuration>{node.timer}'
                "</bpmn:timeDuration></bpmn:timerEventDefinition>"
            )
        if node.message:
            inner += (
                f"<bpmn:messageEventDefinition messageRef={quoteattr(message_ids[node.message])}/>"
            )
        out.append(f"<bpmn:{node.kind} {attrs}>{inner}</bpmn:{node.kind}>")
    for flow in flows:
        name = f" name={quoteattr(flow.name)}" if flow.name else ""
        condition = (
            f"<bpmn:conditionExpression>{escape(flow.condition)}</bpmn:conditionExpression>"
            if flow.condition
            else ""
        )
        out.append(
            f"<bpmn:sequenceFlow id={quoteattr(flow.id)}{name} sourceRef={quoteattr(flow.source)} "
            f"targetRef={quoteattr(flow.target)}>{condition}</bpmn:sequenceFlow>"
        )
    out.append("</bpmn:process>")

    plane_element = f"collab_{process.id}" if process.lanes else process.id
    out.append(
        f'<bpmndi:BPMNDiagram id="diagram_{process.id}"><bpmndi:BPMNPlane id="plane_{process.id}" bpmnElement="{plane_element}">'
    )
    if process.lanes:
        out.append(
            f'<bpmndi:BPMNShape id="pool_{process.id}_di" bpmnElement="pool_{process.id}" isHorizontal="true">'
            f'<dc:Bounds x="0" y="0" width="{width + POOL_HEADER + LANE_HEADER + 40}" height="{height}"/></bpmndi:BPMNShape>'
        )
        for band in process.lanes:
            lane_height = rows_in_lane[band.id] * ROW + 20
            out.append(
                f'<bpmndi:BPMNShape id="{band.id}_di" bpmnElement="{band.id}" isHorizontal="true">'
                f'<dc:Bounds x="{POOL_HEADER}" y="{lane_top[band.id]}" width="{width + LANE_HEADER + 40}" height="{lane_height}"/>'
                "</bpmndi:BPMNShape>"
            )
    for node in process.nodes:
        x, y, w, h = bounds[node.id]
        marker = ' isMarkerVisible="true"' if node.kind == "exclusiveGateway" else ""
        out.append(
            f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{marker}>'
            f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>'
        )
    for flow in flows:
        sx, sy, sw, sh = bounds[flow.source]
        tx, ty, tw, th = bounds[flow.target]
        if nodes[flow.source].attached_to:
            start = (sx + sw // 2, sy + sh)
            end = (tx, ty + th // 2)
            points = [start, (start[0], end[1]), end]
        elif tx > sx:
            start = (sx + sw, sy + sh // 2)
            end = (tx, ty + th // 2)
            if start[1] == end[1]:
                points = [start, end]
            else:
                middle = (start[0] + end[0]) // 2
                points = [start, (middle, start[1]), (middle, end[1]), end]
        else:  # a loop back: over the top
            start = (sx + sw // 2, sy)
            end = (tx + tw // 2, ty)
            lift = min(sy, ty) - 25
            points = [start, (start[0], lift), (end[0], lift), end]
        waypoints = "".join(f'<di:waypoint x="{px}" y="{py}"/>' for px, py in points)
        out.append(
            f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{waypoints}</bpmndi:BPMNEdge>'
        )
    out.append("</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>")
    return "\n".join(out)


# --- the library ---------------------------------------------------------------------------

DESK = Lane("lane_desk", "服务台", "agent")
ENGINEERS = Lane("lane_engineers", "工程师", "engineer")
MANAGEMENT = Lane("lane_management", "信息管理处", "manager")
REQUESTER_SIDE = Lane("lane_department", "申请科室", "requester")


def standard_request() -> Process:
    return Process(
        id="standard_request",
        name="标准服务请求",
        documentation="服务台受理并派发，工程师处理；处理超过4小时自动在工单上提醒。",
        lanes=[DESK, ENGINEERS],
        nodes=[
            Node("start", "startEvent", "提交请求", "lane_desk"),
            Node(
                "accept",
                "userTask",
                "受理与派发",
                "lane_desk",
                ext='<hitsm:deadline minutes="30"/>',
            ),
            Node(
                "handle",
                "userTask",
                "处理请求",
                "lane_engineers",
                ext='<hitsm:deadline minutes="240"/>',
            ),
            Node(
                "handle_timer",
                "boundaryEvent",
                "处理超时",
                "lane_engineers",
                attached_to="handle",
                timer="PT4H",
            ),
            Node(
                "handle_note",
                "serviceTask",
                "超时提醒",
                "lane_engineers",
                ext=action("ticket_note", text="处理已超过4小时，请关注进度"),
            ),
            Node("timer_end", "endEvent", "", "lane_engineers"),
            Node("end", "endEvent", "完成", "lane_engineers"),
        ],
        flows=[
            Flow("start", "accept"),
            Flow("accept", "handle"),
            Flow("handle", "end"),
            Flow("handle_timer", "handle_note"),
            Flow("handle_note", "timer_end"),
        ],
    )


def account_permission() -> Process:
    return Process(
        id="account_permission",
        name="账号与权限申请（科主任审批）",
        documentation="科主任审批、信息管理处审核后由应用组开通，开通即解决工单；任一环节驳回即结束并在工单上留痕。审批完成前工单不能被手工解决。",
        holds_ticket=True,
        lanes=[REQUESTER_SIDE, MANAGEMENT, ENGINEERS],
        nodes=[
            Node("start", "startEvent", "提交申请", "lane_department"),
            Node(
                "head_approval",
                "userTask",
                "科主任审批",
                "lane_department",
                ext=raci(responsible="dept_head", informed="requester")
                + '<hitsm:approval mode="single"/><hitsm:deadline minutes="480"/>',
            ),
            Node("head_ok", "exclusiveGateway", "科主任同意？", "lane_department"),
            Node(
                "it_review",
                "userTask",
                "信息管理处审核",
                "lane_management",
                ext='<hitsm:approval mode="any"/><hitsm:deadline minutes="480"/>',
            ),
            Node("it_ok", "exclusiveGateway", "审核通过？", "lane_management"),
            Node(
                "provision",
                "userTask",
                "开通账号与权限",
                "lane_engineers",
                ext=raci(
                    responsible="role:engineer", accountable="role:manager", informed="requester"
                )
                + '<hitsm:deadline minutes="240"/>',
            ),
            Node(
                "done_note",
                "serviceTask",
                "工单已解决",
                "lane_engineers",
                ext=action(
                    "ticket_set_status", status="resolved", code="fixed", note="账号与权限已开通"
                ),
            ),
            Node("end", "endEvent", "已开通", "lane_engineers"),
            Node(
                "reject_note",
                "serviceTask",
                "记录驳回",
                "lane_management",
                ext=action("ticket_note", text="申请未通过审批"),
            ),
            Node("end_rejected", "endEvent", "已驳回", "lane_management"),
        ],
        flows=[
            Flow("start", "head_approval"),
            Flow("head_approval", "head_ok"),
            Flow("head_ok", "it_review", "process.approved == True", name="同意"),
            Flow("head_ok", "reject_note", default=True, name="驳回"),
            Flow("it_review", "it_ok"),
            Flow("it_ok", "provision", "process.approved == True", name="通过"),
            Flow("it_ok", "reject_note", default=True, name="驳回"),
            Flow("provision", "done_note"),
            Flow("done_note", "end"),
            Flow("reject_note", "end_rejected"),
        ],
    )


def incident() -> Process:
    return Process(
        id="incident",
        name="故障处理（分诊、升级、二线处理）",
        documentation="服务台15分钟内分诊；P1/P2 转二线工程师并由主管签核，其余一线解决。分诊超时在工单上提醒。P1 恢复后自动建立问题记录（双向关联），进入问题管理。",
        lanes=[DESK, ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "报障", "lane_desk"),
            Node(
                "triage",
                "userTask",
                "分诊",
                "lane_desk",
                ext='<hitsm:deadline minutes="15"/>',
            ),
            Node(
                "triage_timer",
                "boundaryEvent",
                "15分钟未分诊",
                "lane_desk",
                attached_to="triage",
                timer="PT15M",
            ),
            Node(
                "triage_note",
                "serviceTask",
                "分诊超时提醒",
                "lane_desk",
                ext=action("ticket_note", text="分诊已超过15分钟，请服务台组长关注"),
            ),
            Node("timer_end", "endEvent", "", "lane_desk"),
            Node("severity", "exclusiveGateway", "严重程度", "lane_desk"),
            Node(
                "first_line",
                "userTask",
                "一线处理",
                "lane_desk",
                ext='<hitsm:deadline minutes="120"/>',
            ),
            Node(
                "second_line",
                "userTask",
                "二线处理",
                "lane_engineers",
                ext=raci(
                    responsible="role:engineer", accountable="role:manager", consulted="assignee"
                )
                + '<hitsm:deadline minutes="240"/>',
            ),
            Node("p1", "exclusiveGateway", "P1？", "lane_engineers"),
            Node(
                "to_problem",
                "serviceTask",
                "转问题管理",
                "lane_management",
                ext=action("create_linked_ticket", kind="problem", title="问题调查"),
            ),
            Node("end", "endEvent", "已恢复", "lane_engineers"),
            Node("end_problem", "endEvent", "已转问题", "lane_management"),
        ],
        flows=[
            Flow("start", "triage"),
            Flow("triage", "severity"),
            Flow("severity", "second_line", "ticket.priority <= 2", name="P1/P2"),
            Flow("severity", "first_line", default=True, name="其他"),
            Flow("first_line", "end"),
            Flow("second_line", "p1"),
            Flow("p1", "to_problem", "ticket.priority == 1", name="P1"),
            Flow("p1", "end", default=True, name="P2"),
            Flow("to_problem", "end_problem"),
            Flow("triage_timer", "triage_note"),
            Flow("triage_note", "timer_end"),
        ],
    )


def major_incident() -> Process:
    return Process(
        id="major_incident",
        name="重大故障（并行处置与沟通）",
        documentation="通报后技术处置与沟通协调并行；恢复由服务台确认、主管签核，最后复盘。",
        lanes=[DESK, ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "重大故障", "lane_desk"),
            Node(
                "announce",
                "serviceTask",
                "通报",
                "lane_desk",
                ext=action("ticket_note", text="已按重大故障流程通报"),
            ),
            Node("split", "parallelGateway", "", "lane_desk"),
            Node(
                "fix",
                "userTask",
                "技术处置",
                "lane_engineers",
                ext='<hitsm:deadline minutes="60"/>',
            ),
            Node(
                "communicate",
                "userTask",
                "沟通协调",
                "lane_management",
                ext='<hitsm:deadline minutes="30"/>',
            ),
            Node("join", "parallelGateway", "", "lane_desk"),
            Node(
                "confirm",
                "userTask",
                "恢复确认",
                "lane_desk",
                ext=raci(
                    responsible="role:agent", accountable="role:manager", informed="requester"
                ),
            ),
            Node(
                "review",
                "userTask",
                "故障复盘",
                "lane_management",
                ext='<hitsm:deadline minutes="4320"/>',
            ),
            Node("end", "endEvent", "结束", "lane_management"),
        ],
        flows=[
            Flow("start", "announce"),
            Flow("announce", "split"),
            Flow("split", "fix"),
            Flow("split", "communicate"),
            Flow("fix", "join"),
            Flow("communicate", "join"),
            Flow("join", "confirm"),
            Flow("confirm", "review"),
            Flow("review", "end"),
        ],
    )


def hazard() -> Process:
    return Process(
        id="hazard",
        name="隐患整改",
        documentation="隐患（低紧急度）登记评估后整改，主管验证通过才关闭，不通过退回整改。",
        lanes=[ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "发现隐患", "lane_engineers"),
            Node(
                "assess",
                "userTask",
                "登记评估",
                "lane_engineers",
                ext='<hitsm:deadline minutes="1440"/>',
            ),
            Node(
                "rectify",
                "userTask",
                "整改",
                "lane_engineers",
                ext='<hitsm:deadline minutes="4320"/>',
            ),
            Node(
                "verify",
                "userTask",
                "验证",
                "lane_management",
                ext='<hitsm:approval mode="single"/>',
            ),
            Node("verified", "exclusiveGateway", "验证通过？", "lane_management"),
            Node("end", "endEvent", "关闭", "lane_management"),
        ],
        flows=[
            Flow("start", "assess"),
            Flow("assess", "rectify"),
            Flow("rectify", "verify"),
            Flow("verify", "verified"),
            Flow("verified", "end", "process.approved == True", name="通过"),
            Flow("verified", "rectify", default=True, name="退回整改"),
        ],
    )


def problem() -> Process:
    return Process(
        id="problem",
        name="问题管理（根因分析、已知问题、改进建议）",
        documentation=(
            "根因分析后由信息管理处评估审批解决方案；通过则登记为已知问题（原因与临时方案），"
            "派生改进建议，并通知关联故障的流程「问题已解决」；不通过退回重新分析。"
        ),
        default_for_kind="problem",
        holds_ticket=True,
        lanes=[ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "问题登记", "lane_engineers"),
            Node(
                "investigate",
                "userTask",
                "根因分析",
                "lane_engineers",
                ext=raci(responsible="role:engineer", consulted="assignee")
                + '<hitsm:deadline minutes="4320"/>',
            ),
            Node(
                "assess",
                "userTask",
                "解决方案评估审批",
                "lane_management",
                ext='<hitsm:approval mode="single"/><hitsm:deadline minutes="1440"/>',
            ),
            Node("feasible", "exclusiveGateway", "方案可行？", "lane_management"),
            Node(
                "known_error",
                "userTask",
                "登记已知问题",
                "lane_engineers",
                ext=raci(responsible="role:engineer", accountable="role:manager")
                + '<hitsm:deadline minutes="1440"/>',
            ),
            Node(
                "propose",
                "serviceTask",
                "派生改进建议",
                "lane_engineers",
                ext=action("create_linked_ticket", kind="improvement", title="改进建议"),
            ),
            Node(
                "outcome",
                "serviceTask",
                "记录结论",
                "lane_engineers",
                ext=action("set_variable", name="outcome", value="known_error"),
            ),
            Node(
                "resolved",
                "serviceTask",
                "问题已解决",
                "lane_engineers",
                ext=action(
                    "ticket_set_status",
                    status="resolved",
                    code="workaround",
                    note="已登记为已知问题，改进建议已提交",
                ),
            ),
            Node(
                "tell",
                "intermediateThrowEvent",
                "通知关联故障",
                "lane_engineers",
                message="问题已解决",
            ),
            Node("end", "endEvent", "已知问题", "lane_engineers"),
        ],
        flows=[
            Flow("start", "investigate"),
            Flow("investigate", "assess"),
            Flow("assess", "feasible"),
            Flow("feasible", "known_error", "process.approved == True", name="可行"),
            Flow("feasible", "investigate", default=True, name="退回分析"),
            Flow("known_error", "propose"),
            Flow("propose", "outcome"),
            Flow("outcome", "resolved"),
            Flow("resolved", "tell"),
            Flow("tell", "end"),
        ],
    )


def improvement() -> Process:
    return Process(
        id="improvement",
        name="改进建议（评估、会签审批、发布）",
        documentation=(
            "改进建议经评估后由信息管理处会签；通过则建立发布记录并等待「发布完成」，"
            "再验证效果并解决；不通过在工单上留痕后结束。"
        ),
        default_for_kind="improvement",
        holds_ticket=True,
        lanes=[ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "改进建议", "lane_engineers"),
            Node(
                "evaluate",
                "userTask",
                "评估（收益、风险、工作量）",
                "lane_engineers",
                ext='<hitsm:deadline minutes="2880"/>',
            ),
            Node(
                "approve",
                "userTask",
                "改进会签",
                "lane_management",
                ext='<hitsm:approval mode="all"/><hitsm:deadline minutes="2880"/>',
            ),
            Node("approved", "exclusiveGateway", "会签通过？", "lane_management"),
            Node(
                "to_release",
                "serviceTask",
                "建立发布记录",
                "lane_engineers",
                ext=action("create_linked_ticket", kind="change", title="发布"),
            ),
            Node(
                "wait_release",
                "intermediateCatchEvent",
                "等待发布完成",
                "lane_engineers",
                message="发布完成",
            ),
            Node(
                "verify",
                "userTask",
                "效果验证",
                "lane_management",
                ext=raci(responsible="role:manager", informed="requester"),
            ),
            Node(
                "done",
                "serviceTask",
                "改进已完成",
                "lane_management",
                ext=action("ticket_set_status", status="resolved", note="改进已发布并验证"),
            ),
            Node("end", "endEvent", "已改进", "lane_management"),
            Node(
                "rejected_note",
                "serviceTask",
                "记录不予改进",
                "lane_management",
                ext=action("ticket_note", text="改进建议未通过会签"),
            ),
            Node("end_rejected", "endEvent", "不予改进", "lane_management"),
        ],
        flows=[
            Flow("start", "evaluate"),
            Flow("evaluate", "approve"),
            Flow("approve", "approved"),
            Flow("approved", "to_release", "process.approved == True", name="通过"),
            Flow("approved", "rejected_note", default=True, name="不通过"),
            Flow("to_release", "wait_release"),
            Flow("wait_release", "verify"),
            Flow("verify", "done"),
            Flow("done", "end"),
            Flow("rejected_note", "end_rejected"),
        ],
    )


def release() -> Process:
    return Process(
        id="release",
        name="发布（计划、变更审批、实施、验证）",
        documentation=(
            "制定发布计划，信息管理处审批（或签）后实施，实施超过1天提醒；验证通过后解决发布记录，"
            "并通知等待它的改进建议「发布完成」；验证不通过回到实施。"
        ),
        default_for_kind="change",
        holds_ticket=True,
        lanes=[ENGINEERS, MANAGEMENT],
        nodes=[
            Node("start", "startEvent", "发布记录", "lane_engineers"),
            Node(
                "plan",
                "userTask",
                "制定发布计划（范围、窗口、回退）",
                "lane_engineers",
                ext='<hitsm:deadline minutes="2880"/>',
            ),
            Node(
                "cab",
                "userTask",
                "变更审批",
                "lane_management",
                ext='<hitsm:approval mode="any"/><hitsm:deadline minutes="1440"/>',
            ),
            Node("cab_ok", "exclusiveGateway", "批准？", "lane_management"),
            Node(
                "implement",
                "userTask",
                "实施发布",
                "lane_engineers",
                ext=raci(responsible="role:engineer", accountable="role:manager")
                + '<hitsm:deadline minutes="1440"/>',
            ),
            Node(
                "implement_timer",
                "boundaryEvent",
                "实施超1天",
                "lane_engineers",
                attached_to="implement",
                timer="P1D",
            ),
            Node(
                "implement_note",
                "serviceTask",
                "实施超时提醒",
                "lane_engineers",
                ext=action("ticket_note", text="发布实施已超过1天，请确认进度与回退方案"),
            ),
            Node("timer_end", "endEvent", "", "lane_engineers"),
            Node(
                "verify",
                "userTask",
                "发布验证",
                "lane_management",
                ext='<hitsm:approval mode="single"/>',
            ),
            Node("verified", "exclusiveGateway", "验证通过？", "lane_management"),
            Node(
                "done",
                "serviceTask",
                "发布已完成",
                "lane_management",
                ext=action("ticket_set_status", status="resolved", note="发布完成并已验证"),
            ),
            Node(
                "tell",
                "intermediateThrowEvent",
                "通知改进建议",
                "lane_management",
                message="发布完成",
            ),
            Node("end", "endEvent", "已发布", "lane_management"),
            Node(
                "rejected_note",
                "serviceTask",
                "记录未批准",
                "lane_management",
                ext=action("ticket_note", text="发布未获批准"),
            ),
            Node("end_rejected", "endEvent", "未批准", "lane_management"),
        ],
        flows=[
            Flow("start", "plan"),
            Flow("plan", "cab"),
            Flow("cab", "cab_ok"),
            Flow("cab_ok", "implement", "process.approved == True", name="批准"),
            Flow("cab_ok", "rejected_note", default=True, name="不批准"),
            Flow("implement", "verify"),
            Flow("verify", "verified"),
            Flow("verified", "done", "process.approved == True", name="通过"),
            Flow("verified", "implement", default=True, name="回到实施"),
            Flow("done", "tell"),
            Flow("tell", "end"),
            Flow("rejected_note", "end_rejected"),
            Flow("implement_timer", "implement_note"),
            Flow("implement_note", "timer_end"),
        ],
    )


LIBRARY = (
    standard_request,
    account_permission,
    incident,
    major_incident,
    hazard,
    problem,
    improvement,
    release,
)


def library_settings() -> dict[str, dict[str, object]]:
    """Per standard process (by code): its definition settings."""
    return {
        p.id.replace("_", "-"): {
            "default_for_kind": p.default_for_kind,
            "holds_ticket": p.holds_ticket,
        }
        for p in (make() for make in LIBRARY)
    }


def library_documents() -> list[tuple[str, str, str, str]]:
    """(code, name, description, BPMN XML) of every standard process."""
    return [
        (p.id.replace("_", "-"), p.name, p.documentation, build(p))
        for p in (make() for make in LIBRARY)
    ]
