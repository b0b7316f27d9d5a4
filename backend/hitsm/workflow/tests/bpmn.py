"""Small BPMN documents for tests, written the way the designer writes them."""

from __future__ import annotations

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:hitsm="http://hitsm.org/schema/bpmn" id="defs" targetNamespace="http://hitsm.org/bpmn">'
)


def document(
    body: str, *, process_id: str = "proc", name: str = "测试流程", messages: tuple[str, ...] = ()
) -> str:
    declared = "".join(f'<bpmn:message id="msg_{m}" name="{m}"/>' for m in messages)
    return f'{HEAD}{declared}<bpmn:process id="{process_id}" name="{name}" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'


def message_event(ident: str, message: str, *, throw: bool) -> str:
    kind = "intermediateThrowEvent" if throw else "intermediateCatchEvent"
    return (
        f'<bpmn:{kind} id="{ident}" name="{message}">'
        f'<bpmn:messageEventDefinition messageRef="msg_{message}"/></bpmn:{kind}>'
    )


def raci(**refs: str) -> str:
    attrs = " ".join(f'{role}="{value}"' for role, value in refs.items())
    return f"<hitsm:raci {attrs}/>"


def user_task(ident: str, name: str, *extensions: str) -> str:
    ext = "".join(extensions)
    return f'<bpmn:userTask id="{ident}" name="{name}"><bpmn:extensionElements>{ext}</bpmn:extensionElements></bpmn:userTask>'


def flow(ident: str, source: str, target: str, condition: str = "") -> str:
    cond = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="{ident}" sourceRef="{source}" targetRef="{target}">{cond}</bpmn:sequenceFlow>'


def service(ident: str, action: str, **params: str) -> str:
    ps = "".join(f'<hitsm:param name="{k}" value="{v}"/>' for k, v in params.items())
    return (
        f'<bpmn:serviceTask id="{ident}" name="{ident}"><bpmn:extensionElements>'
        f'<hitsm:action name="{action}">{ps}</hitsm:action></bpmn:extensionElements></bpmn:serviceTask>'
    )


def triage_process(*, responsible: str = "role:agent", extra: str = "") -> str:
    """start → triage (R) → gateway on form.level: high → fix (engineers) → end; else end.
    A non-interrupting 15-minute timer on triage writes a note."""
    return document(
        '<bpmn:startEvent id="start"/>'
        + flow("f1", "start", "triage")
        + user_task("triage", "分诊", raci(responsible=responsible, informed="requester"))
        + '<bpmn:boundaryEvent id="remind_timer" attachedToRef="triage" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT15M</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        + flow("ft", "remind_timer", "remind")
        + service("remind", "ticket_note", text="分诊已超过15分钟")
        + flow("ft2", "remind", "end_timer")
        + '<bpmn:endEvent id="end_timer"/>'
        + flow("f2", "triage", "gw")
        + '<bpmn:exclusiveGateway id="gw" name="级别" default="f4"/>'
        + flow("f3", "gw", "fix", 'form.level == "high"')
        + flow("f4", "gw", "end")
        + user_task("fix", "处理", raci(responsible="role:engineer"))
        + flow("f5", "fix", "end")
        + '<bpmn:endEvent id="end"/>'
        + extra
    )


def approval_process(mode: str, approvers: str, *, accountable: str = "") -> str:
    signoff = user_task(
        "handle",
        "处理",
        raci(responsible="role:engineer", **({"accountable": accountable} if accountable else {})),
    )
    return document(
        '<bpmn:startEvent id="start"/>'
        + flow("f1", "start", "approve")
        + user_task(
            "approve", "科主任审批", raci(responsible=approvers), f'<hitsm:approval mode="{mode}"/>'
        )
        + flow("f2", "approve", "gw")
        + '<bpmn:exclusiveGateway id="gw" default="rejected"/>'
        + flow("ok", "gw", "handle", "process.approved == True")
        + flow("rejected", "gw", "end_rejected")
        + '<bpmn:endEvent id="end_rejected"/>'
        + signoff
        + flow("f3", "handle", "end")
        + '<bpmn:endEvent id="end"/>'
    )
