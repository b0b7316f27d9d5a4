"""The ``http_webhook`` service task: a process calls another system over HTTP.

The call never happens inside the transaction that advances the process: the service task
records a :class:`WebhookCall` and waits (the engine leaves it STARTED); ``webhooks_send`` —
run by the same periodic job as the timers, and kicked once right after the commit — claims due
calls with a conditional UPDATE (so two workers never send one attempt twice), posts them, and
settles the result:

- success (2xx): the task completes with ``process.<result>`` = ``{"ok": true, "status": …,
  "data": <the JSON answer if it is a small object>}``;
- failure, policy ``retry``: tried again with backoff up to ``attempts`` times, then left to a
  person (``manual``);
- failure, policy ``ignore``: after ``attempts`` tries the process goes on with ``ok: false``
  (a gateway may branch on it);
- failure, policy ``manual``: a person decides at once — retry or skip (the managers are told).

Every attempt carries the same ``Idempotency-Key`` and, with ``HITSM_WEBHOOK_SECRET`` set, an
``X-HITSM-Signature: sha256=<hmac of the body>``. Only hosts in ``HITSM_WEBHOOK_ALLOWED_HOSTS``
may be called (checked when the process is published and again before each attempt).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hitsm.accounts.models import User
from hitsm.accounts.roles import Role
from hitsm.core.errors import Conflict
from hitsm.notifications.models import NotificationKind
from hitsm.notifications.services import notify
from hitsm.workflow.actions import ActionContext, action_register
from hitsm.workflow.models import (
    InstanceStatus,
    WebhookCall,
    WebhookPolicy,
    WebhookStatus,
)

log = logging.getLogger(__name__)

MAX_RESPONSE = 16 * 1024  # a JSON answer larger than this is not kept in the process data
BACKOFF_MINUTES = (1, 2, 5, 10, 30, 60)


def _host_allowed(url: str) -> bool:
    parts = urlsplit(url)
    allowed = {h.lower() for h in settings.WORKFLOW_WEBHOOK_HOSTS}
    host = (parts.hostname or "").lower()
    with_port = f"{host}:{parts.port}" if parts.port else host
    return bool(host) and (host in allowed or with_port in allowed)


def webhook_check(params: Mapping[str, str]) -> list[str]:
    """Publishing refuses a webhook step whose parameters cannot work."""
    problems = []
    url = str(params.get("url") or "")
    if urlsplit(url).scheme not in ("http", "https"):
        problems.append(_("Webhook 地址须以 http:// 或 https:// 开头"))
    elif not _host_allowed(url):
        problems.append(
            _("Webhook 主机不在允许列表（HITSM_WEBHOOK_ALLOWED_HOSTS）：%(h)s")
            % {"h": urlsplit(url).netloc}
        )
    policy = str(params.get("policy") or WebhookPolicy.RETRY)
    if policy not in WebhookPolicy.values:
        problems.append(_("失败处理方式无效：%(p)s") % {"p": policy})
    try:
        attempts = int(params.get("attempts") or 5)
        if not 1 <= attempts <= 10:
            raise ValueError
    except ValueError:
        problems.append(_("重试次数须为 1–10"))
    return problems


@action_register(
    "http_webhook",
    "调用外部系统（HTTP Webhook）",
    params=("url", "policy", "attempts", "result"),
    check=webhook_check,
)
def _webhook(context: ActionContext) -> bool:
    """Record the call; the task waits until it is settled."""
    from hitsm.workflow.services import subject_label

    instance = context.instance
    data = context.data
    payload = {
        "event": "process.step",
        "process": {
            "code": instance.version.definition.code,
            "version": instance.version.version,
            "instance": instance.pk,
            "node": context.node_id,
        },
        "subject": {
            "type": instance.subject_type,
            "id": instance.subject_id,
            "label": subject_label(instance.subject_type, instance.subject_id),
        },
        "ticket": data.get("ticket") or {},
        "variables": data.get("process") or {},
    }
    WebhookCall.objects.create(
        key=uuid.uuid4(),
        instance=instance,
        engine_task_id=context.engine_task_id,
        node_id=context.node_id,
        url=str(context.params.get("url") or ""),
        payload=payload,
        policy=str(context.params.get("policy") or WebhookPolicy.RETRY),
        max_attempts=int(context.params.get("attempts") or 5),
        next_at=timezone.now(),
    )
    transaction.on_commit(_kick)
    return True


def _kick() -> None:
    from hitsm.workflow.tasks import send_webhooks

    try:
        send_webhooks.delay()
    except Exception:  # the broker is down: the periodic job sends it
        log.warning("webhook kick not queued; the periodic job will send it", exc_info=True)


def _result_name(call: WebhookCall) -> str:
    node = call.instance.version.nodes.get(call.node_id) or {}
    return str((node.get("params") or {}).get("result") or "webhook")


def _finish_task(call: WebhookCall, result: dict[str, Any]) -> None:
    from hitsm.workflow.services import service_task_finish

    service_task_finish(
        instance_id=call.instance_id,
        engine_task_id=call.engine_task_id,
        values={"process": {_result_name(call): result}},
    )


def _post(call: WebhookCall) -> tuple[bool, int | None, str, Any]:
    """One attempt: (ok, HTTP status, error, JSON answer)."""
    if not _host_allowed(call.url):
        return False, None, _("主机不在允许列表"), None
    body = json.dumps(call.payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": str(call.key),
        "User-Agent": f"HITSM/{settings.HITSM_VERSION}",
    }
    if settings.WORKFLOW_WEBHOOK_SECRET:
        digest = hmac.new(settings.WORKFLOW_WEBHOOK_SECRET.encode(), body, hashlib.sha256)
        headers["X-HITSM-Signature"] = f"sha256={digest.hexdigest()}"
    try:
        with httpx.Client(
            timeout=settings.WORKFLOW_WEBHOOK_TIMEOUT,
            proxy=settings.WORKFLOW_WEBHOOK_PROXY,
            follow_redirects=False,
            trust_env=False,  # the proxy is ours to configure, not the process environment's
        ) as client:
            response = client.post(call.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return False, None, f"{type(error).__name__}: {error}"[:500], None
    answer = None
    if len(response.content) <= MAX_RESPONSE:
        try:
            parsed = response.json()
            answer = parsed if isinstance(parsed, dict) else None
        except ValueError:
            answer = None
    if response.is_success:
        return True, response.status_code, "", answer
    return False, response.status_code, f"HTTP {response.status_code}", answer


def _claim(call_id: int, attempts: int, now: dt.datetime) -> bool:
    """Take one due attempt: only one worker's conditional UPDATE matches."""
    lease = now + dt.timedelta(seconds=settings.WORKFLOW_WEBHOOK_TIMEOUT + 60)
    return bool(
        WebhookCall.objects.filter(
            pk=call_id, status=WebhookStatus.PENDING, attempts=attempts, next_at__lte=now
        ).update(attempts=F("attempts") + 1, next_at=lease)
    )


def webhooks_send(*, now: dt.datetime | None = None, limit: int = 50) -> int:
    """Send the due calls; returns how many attempts were made."""
    now = now or timezone.now()
    due = list(
        WebhookCall.objects.filter(status=WebhookStatus.PENDING, next_at__lte=now)
        .order_by("next_at")
        .values_list("pk", "attempts")[:limit]
    )
    sent = 0
    for call_id, attempts in due:
        if not _claim(call_id, attempts, now):
            continue  # another worker took it
        call = WebhookCall.objects.select_related("instance__version").get(pk=call_id)
        ok, status, error, answer = _post(call)
        sent += 1
        _settle(call.pk, ok=ok, status=status, error=error, answer=answer)
    return sent


@transaction.atomic
def _settle(call_id: int, *, ok: bool, status: int | None, error: str, answer: Any) -> None:
    call = (
        WebhookCall.objects.select_for_update().select_related("instance__version").get(pk=call_id)
    )
    if call.status != WebhookStatus.PENDING:
        return  # cancelled (the process ended) while the request was on the wire
    call.response_status = status
    call.last_error = error
    now = timezone.now()
    if ok:
        call.status = WebhookStatus.SUCCEEDED
        call.finished_at = now
        call.save()
        _finish_task(call, {"ok": True, "status": status, "data": answer or {}})
        return
    give_up = call.attempts >= call.max_attempts
    if call.policy == WebhookPolicy.MANUAL or (call.policy == WebhookPolicy.RETRY and give_up):
        call.status = WebhookStatus.MANUAL
        call.save()
        _tell_managers(call)
        return
    if not give_up:
        wait = BACKOFF_MINUTES[min(call.attempts, len(BACKOFF_MINUTES)) - 1]
        call.next_at = now + dt.timedelta(minutes=wait)
        call.save()
        return
    call.status = WebhookStatus.FAILED  # policy ignore: the process goes on
    call.finished_at = now
    call.save()
    _finish_task(call, {"ok": False, "status": status, "error": error})


def _tell_managers(call: WebhookCall) -> None:
    instance = call.instance
    managers = User.objects.filter(
        is_active=True, groups__name__in=[Role.MANAGER, Role.ADMIN]
    ).distinct()
    notify(
        recipients=list(managers),
        kind=NotificationKind.PROCESS_TASK,
        title=_("流程调用外部系统失败，需人工处理：%(n)s")
        % {"n": instance.version.definition.name},
        body=f"{call.node_id}: {call.last_error}",
        link=f"/tickets/{instance.subject_id}" if instance.subject_type == "ticket" else "/tasks",
        ticket_id=instance.subject_id if instance.subject_type == "ticket" else None,
        dedupe_key=f"webhook{call.pk}:manual:{call.attempts}",
    )


def _manual(call: WebhookCall) -> WebhookCall:
    locked = WebhookCall.objects.select_for_update().select_related("instance__version")
    call = locked.get(pk=call.pk)
    if call.status != WebhookStatus.MANUAL:
        raise Conflict(_("该调用不在待人工处理状态"), code="webhook_not_manual")
    if call.instance.status != InstanceStatus.RUNNING:
        raise Conflict(_("流程已结束"), code="instance_finished")
    return call


@transaction.atomic
def webhook_retry(*, call: WebhookCall, actor: User) -> WebhookCall:
    """A person tries the call again (as many attempts as the step allows)."""
    call = _manual(call)
    call.status = WebhookStatus.PENDING
    call.attempts = 0
    call.next_at = timezone.now()
    call.finished_by = actor
    call.save()
    transaction.on_commit(_kick)
    return call


@transaction.atomic
def webhook_skip(*, call: WebhookCall, actor: User, note: str = "") -> WebhookCall:
    """A person gives the call up: the process goes on with ``ok: false, skipped: true``."""
    call = _manual(call)
    call.status = WebhookStatus.SKIPPED
    call.finished_at = timezone.now()
    call.finished_by = actor
    call.note = note[:500]
    call.save()
    _finish_task(
        call,
        {
            "ok": False,
            "skipped": True,
            "status": call.response_status,
            "error": call.last_error,
            "note": call.note,
        },
    )
    return call
