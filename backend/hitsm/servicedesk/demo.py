"""Demo service desk: support groups, categories, routing rules and a day of tickets.

Tickets are made through the real services, so their timelines are genuine; a few are moved
back in time (ticket and timeline together) so that the 无人受理 and 处理超时 queues have work.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from hitsm.accounts.models import User
from hitsm.catalog.demo import demo_submission
from hitsm.cmdb.models import ConfigurationItem
from hitsm.core.numbering import number_next
from hitsm.servicedesk import services
from hitsm.servicedesk.choices import GroupDistribution, TicketKind
from hitsm.servicedesk.clocks import clocks_refresh
from hitsm.servicedesk.models import (
    AssignmentGroup,
    Category,
    RoutingRule,
    Ticket,
    TicketEvent,
)
from hitsm.servicedesk.search import tokens_text
from hitsm.workflow.models import HumanTask
from hitsm.workflow.services import subject_open_steps, task_complete

GROUPS = [  # code, name, members, distribution, escalates to
    (
        "desk",
        "服务台一线",
        ["agent_chen", "agent_he", "agent_gao", "agent_lin", "agent_luo"],
        GroupDistribution.MANUAL,
        "desktop",
    ),
    (
        "desktop",
        "桌面运维组",
        ["eng_desktop_zheng", "eng_desktop_liang"],
        GroupDistribution.ROUND_ROBIN,
        "apps-his",
    ),
    ("network", "网络组", ["eng_network_xie"], GroupDistribution.MANUAL, "system"),
    (
        "apps-his",
        "应用组（HIS/EMR）",
        ["engineer_zhang", "eng_app_tang"],
        GroupDistribution.LEAST_LOADED,
        "system",
    ),
    ("apps-pacs", "应用组（PACS/LIS）", ["eng_app_song"], GroupDistribution.MANUAL, "system"),
    (
        "system",
        "系统组（服务器/虚拟化）",
        ["sysadmin_liu", "eng_db_xu"],
        GroupDistribution.MANUAL,
        "",
    ),
    ("security", "安全组", ["sys_han"], GroupDistribution.MANUAL, "system"),
]
CATEGORIES = [  # code, name, parent, kind, default group
    ("hardware", "硬件设备", "", "", "desktop"),
    ("printer", "打印机（处方/腕带/条码/发票）", "hardware", "", "desktop"),
    ("pc", "电脑与外设", "hardware", "", "desktop"),
    ("card-reader", "读卡器（医保卡/身份证）", "hardware", "", "desktop"),
    ("network", "网络与Wi-Fi", "", "", "network"),
    ("application", "业务系统", "", "", "apps-his"),
    ("his", "HIS/EMR", "application", "", "apps-his"),
    ("pacs-lis", "PACS/LIS", "application", "", "apps-pacs"),
    ("account", "账号与权限", "", TicketKind.REQUEST, "apps-his"),
    ("server", "服务器与数据库", "", TicketKind.INCIDENT, "system"),
    ("security", "信息安全", "", "", "security"),
]
RULES = [  # name, keywords, group, auto assign, CI code
    ("打印机问题交桌面组", "打印机,卡纸,打印不出,腕带,条码", "desktop", True, ""),
    ("网络问题交网络组", "网络,Wi-Fi,WiFi,断网,网速", "network", False, ""),
    ("HIS 相关交应用组", "HIS,医生站,护士站,电子病历,EMR", "apps-his", False, "HIS"),
    ("影像检验交应用组", "PACS,LIS,影像,检验,报告", "apps-pacs", False, ""),
]
DAY = 24 * 60
# requester, kind, title, description, minutes ago, to do; most come from the service menu
# (hitsm.catalog.demo.DEMO_SUBMISSIONS gives their catalog item and form answers)
TICKETS = [
    (
        "nurse_li",
        "incident",
        "门诊3楼打印机一直卡纸，处方打不出来",
        "护士站左边那台打印机，换了纸还是卡，病人在排队。",
        5,
        "new",
    ),
    (
        "doctor_wang",
        "incident",
        "医生站开医嘱很慢",
        "心内科医生站点保存医嘱要转圈十几秒。",
        45,
        "new",
    ),
    (
        "head_sun",
        "request",
        "检验科新增一台条码打印机",
        "新来的检验师需要一台条码打印机，放在采血窗口 3 号。",
        95,
        "new",
    ),
    (
        "staff002",
        "incident",
        "急诊分诊台腕带打印机打不出来",
        "打印腕带时提示缺纸，实际有纸。",
        25,
        "assigned",
    ),
    (
        "staff003",
        "incident",
        "收费处排队叫号屏不显示",
        "门诊一楼收费处 3 号叫号屏黑屏。",
        35,
        "accepted",
    ),
    (
        "staff005",
        "incident",
        "病房 Wi-Fi 信号很差",
        "住院楼 A 座 7 层走廊尽头 PDA 经常断线。",
        180,
        "assigned",
    ),
    (
        "doctor_wang",
        "request",
        "HIS 账号开通：新入职医生",
        "工号 202611，心内科，需处方权限。",
        300,
        "in_progress",
    ),
    (
        "staff011",
        "incident",
        "PACS 调阅影像很慢",
        "放射科阅片室打开 CT 序列要一分钟。",
        600,
        "pending",
    ),
    ("staff013", "incident", "电脑蓝屏重启", "超声科 2 号诊室电脑反复蓝屏。", 1500, "resolved"),
    (
        "staff017",
        "request",
        "医保卡读卡器驱动安装",
        "收费 5 号窗口换了新电脑，需要装读卡器驱动。",
        2900,
        "closed",
    ),
    # the past weeks, from the service menu: the information assistant's history
    (
        "staff006",
        "incident",
        "医嘱提交提示合理用药接口超时",
        "神经内科病区，提交长期医嘱失败。",
        5 * DAY,
        "resolved",
    ),
    (
        "staff018",
        "incident",
        "生化仪结果不回传 LIS",
        "c702 做完的结果 LIS 里看不到。",
        3 * DAY,
        "closed",
    ),
    ("doctor_wang", "request", "HIS 密码忘记", "休假回来忘记 HIS 密码。", 8 * DAY, "closed"),
    (
        "staff023",
        "request",
        "护理部会议视频保障",
        "全院护士长例会，东院视频参会。",
        10 * DAY,
        "closed",
    ),
    ("staff002", "incident", "急诊抢救室腕带打印空白", "腕带打出来是空白的。", 12 * DAY, "closed"),
    (
        "staff019",
        "incident",
        "CT2 影像上传 PACS 失败",
        "CT2 今天下午的检查都没传上去。",
        15 * DAY,
        "closed",
    ),
    (
        "staff031",
        "incident",
        "门诊一楼自助机不出凭条",
        "患者缴费成功但没出凭条。",
        18 * DAY,
        "closed",
    ),
    (
        "nurse_li",
        "incident",
        "门诊三楼护士站处方打印机脱机",
        "打印时提示打印机脱机。",
        20 * DAY,
        "closed",
    ),
    (
        "engineer_zhang",
        "request",
        "东华工程师远程升级 HIS 补丁",
        "门诊收费模块补丁升级。",
        22 * DAY,
        "closed",
    ),
    ("staff010", "incident", "神经外科医生站打不开", "医生站启动报错。", 25 * DAY, "closed"),
    (
        "staff015",
        "request",
        "申请使用 U 盘拷贝教学课件",
        "示教室电脑需要拷贝课件。",
        28 * DAY,
        "closed",
    ),
    ("staff004", "request", "EMR 账号被锁定", "输错密码次数太多被锁了。", 30 * DAY, "closed"),
    (
        "staff012",
        "incident",
        "儿科 Wi-Fi 频繁断线",
        "移动查房车在病区里经常掉线。",
        35 * DAY,
        "closed",
    ),
    (
        "head_sun",
        "incident",
        "血球仪联机中断",
        "血球仪既收不到申请也传不了结果。",
        40 * DAY,
        "closed",
    ),
    (
        "staff025",
        "request",
        "门诊收费月报增加医保统筹列",
        "月报需要区分统筹与个人账户。",
        45 * DAY,
        "closed",
    ),
    (
        "staff009",
        "request",
        "VPN 账号申请：居家办公",
        "夜班后需在家中查阅病历，申请院外访问。",
        50 * DAY,
        "closed",
    ),
    (
        "staff012",
        "incident",
        "儿科入院处新生儿腕带打印偏移",
        "新生儿腕带字打到边上去了。",
        55 * DAY,
        "closed",
    ),
    (
        "staff022",
        "request",
        "合理用药规则：新增头孢类皮试提醒",
        "药事会决定增加皮试提醒。",
        60 * DAY,
        "closed",
    ),
    (
        "staff020",
        "incident",
        "超声科电脑开不了机",
        "5 诊室工作站按电源没反应。",
        65 * DAY,
        "closed",
    ),
    (
        "doctor_wang",
        "request",
        "科研数据提取：心衰患者再入院",
        "省级课题需要近 6 年数据。",
        70 * DAY,
        "closed",
    ),
]
# how long the engineers took (minutes) and how they resolved them: the information
# assistant's "experience"
RESOLUTIONS = {
    "医嘱提交提示合理用药接口超时": (95, "合理用药服务连接池耗尽，扩大连接池并重启 PASS 服务。"),
    "生化仪结果不回传 LIS": (45, "c702 串口服务器死机，重启后补传 36 份结果。"),
    "HIS 密码忘记": (12, "核实工号与手机号后重置密码，临时密码已短信发送。"),
    "护理部会议视频保障": (2 * DAY, "提前调试报告厅与东院视频会议终端，会议全程保障。"),
    "急诊抢救室腕带打印空白": (35, "碳带用完，更换碳带并校准标签传感器。"),
    "CT2 影像上传 PACS 失败": (
        150,
        "CT2 的 DICOM 节点 AE Title 被改动，恢复配置并补传 12 例检查。",
    ),
    "门诊一楼自助机不出凭条": (50, "凭条打印机卡纸，清理后恢复；患者凭条已由收费处补打。"),
    "门诊三楼护士站处方打印机脱机": (40, "打印机 IP 冲突，改为固定 IP 并在 DHCP 中保留。"),
    "东华工程师远程升级 HIS 补丁": (
        240,
        "经堡垒机接入，升级前已备份，补丁升级完成并验证收费流程。",
    ),
    "神经外科医生站打不开": (30, "客户端版本过旧，升级 HIS 客户端到 5.8.2。"),
    "申请使用 U 盘拷贝教学课件": (180, "临时开放该电脑 USB 存储 7 天，到期自动收回。"),
    "EMR 账号被锁定": (10, "核实身份后解锁，提醒使用密码找回功能。"),
    "儿科 Wi-Fi 频繁断线": (2 * DAY, "病区两台 AP 信道冲突，调整信道并新增一台 AP。"),
    "血球仪联机中断": (25, "仪器接口服务停止，重启 LIS 仪器接口服务并设为自动启动。"),
    "门诊收费月报增加医保统筹列": (5 * DAY, "报表增加统筹支付、个人账户两列，财务处已验收。"),
    "VPN 账号申请：居家办公": (DAY, "已开通 VPN，仅可访问 PACS 与 EMR，有效期 180 天。"),
    "儿科入院处新生儿腕带打印偏移": (75, "重新执行介质校准，调整打印偏移量。"),
    "合理用药规则：新增头孢类皮试提醒": (3 * DAY, "规则已配置并在测试环境验证，按期启用。"),
    "超声科电脑开不了机": (90, "电源损坏，更换电源后正常，数据无丢失。"),
    "科研数据提取：心衰患者再入院": (
        2 * DAY,
        "按去标识化要求提取 2019–2024 年数据，经医务处审核后交付。",
    ),
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _shift(ticket: Ticket, minutes: int, work: int = 0) -> None:
    """Move the ticket ``minutes`` back in time, and what happened before it was resolved
    ``work`` minutes further, so that it took that long; then its SLA clocks follow."""
    delta, before = timedelta(minutes=minutes), timedelta(minutes=minutes + work)
    early = ["created_at", "accepted_at", "assigned_at", "response_due_at", "resolution_due_at"]
    Ticket.objects.filter(pk=ticket.pk).update(
        **{f: F(f) - before for f in early if getattr(ticket, f) is not None},
        **{f: F(f) - delta for f in ("resolved_at", "closed_at") if getattr(ticket, f) is not None},
    )
    events = TicketEvent.objects.filter(ticket=ticket)
    if ticket.resolved_at is None:
        events.update(created_at=F("created_at") - before)
    else:  # the work before the resolution first, then the resolution and what followed
        events.filter(created_at__lt=ticket.resolved_at).update(created_at=F("created_at") - before)
        events.filter(created_at__gte=ticket.resolved_at).update(created_at=F("created_at") - delta)
    # a ticket from last month carries last month's number (today's number is left unused)
    day = timezone.localdate(ticket.created_at - before)
    if day != timezone.localdate(ticket.created_at):
        number = number_next(prefix=ticket.number.split("-")[0], day=day)
        Ticket.objects.filter(pk=ticket.pk).update(
            number=number,
            search_tokens=tokens_text(
                number, ticket.title, ticket.description, ticket.requester.name
            ),
        )
    clocks_refresh(Ticket.objects.get(pk=ticket.pk))  # met or breached as it happened


# which group supports which configuration items (by CI class, then a few by code)
SUPPORT_BY_CLASS = {
    "application": "apps-his",
    "database": "system",
    "middleware": "system",
    "virtual_machine": "system",
    "physical_server": "system",
    "storage": "system",
    "network_device": "network",
    "security_device": "security",
    "printer": "desktop",
    "terminal": "desktop",
}
SUPPORT_BY_CODE = dict.fromkeys(("PACS", "RIS", "LIS", "PIS"), "apps-pacs")


def _support_groups(groups: dict[str, AssignmentGroup]) -> None:
    for item in ConfigurationItem.objects.select_related("ci_class"):
        group = groups.get(
            SUPPORT_BY_CODE.get(item.code) or SUPPORT_BY_CLASS.get(item.ci_class.code, "")
        )
        if group is not None and item.support_group_id != group.pk:
            item.support_group = group
            item.save(update_fields=["support_group", "updated_at"])


def load_demo() -> dict[str, int]:
    groups = {}
    for code, name, members, distribution, _up in GROUPS:
        groups[code], _ = AssignmentGroup.objects.update_or_create(
            code=code, defaults={"name": name, "distribution": distribution}
        )
        groups[code].members.set(User.objects.filter(username__in=members))
        lead = User.objects.filter(username=members[0]).first() if members else None
        if lead and groups[code].manager_id != lead.pk:  # the first member leads the group
            groups[code].manager = lead
            groups[code].save(update_fields=["manager", "updated_at"])
    for code, _name, _members, _distribution, up in GROUPS:
        if up and groups[code].escalation_group_id != groups[up].pk:
            groups[code].escalation_group = groups[up]
            groups[code].save(update_fields=["escalation_group", "updated_at"])
    _support_groups(groups)
    categories: dict[str, Category] = {}
    for order, (code, name, parent, kind, group) in enumerate(CATEGORIES):
        categories[code], _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "kind": kind,
                "sort_order": order,
                "default_group": groups.get(group),
            },
        )
    for order, (name, keywords, group, auto, ci) in enumerate(RULES):
        RoutingRule.objects.update_or_create(
            name=name,
            defaults={
                "keywords": keywords,
                "target_group": groups[group],
                "auto_assign": auto,
                "order": (order + 1) * 10,
                "configuration_item": ConfigurationItem.objects.filter(code=ci).first()
                if ci
                else None,
            },
        )
    created = 0
    # the free-text demo tickets carry {"demo": true}; the first one marks the demo as loaded
    if not Ticket.objects.filter(form_data__demo=True).exists():
        created = _load_tickets(groups)
    return {"groups": len(groups), "categories": len(categories), "tickets_created": created}


def _play_process(ticket: Ticket) -> Ticket:
    """Walk the ticket's process as its people would: each open step done (approvals approved,
    sign-offs signed) by the first person who may act on it."""
    for _step in range(12):
        task = (
            HumanTask.objects.filter(
                instance__subject_type="ticket",
                instance__subject_id=ticket.pk,
                instance__status="running",
                parent__isnull=True,
                status__in=["open", "signoff"],
            )
            .order_by("id")
            .first()
        )
        if task is None:
            break
        if task.status == "signoff":
            actor = User.objects.filter(pk__in=task.accountable).order_by("pk").first()
        else:
            voted = task.votes.values("user_id")  # 会签: each approver in turn
            actor = (
                task.responsible.exclude(pk__in=voted).order_by("pk").first()
                or User.objects.filter(assignment_groups__in=task.responsible_groups.all())
                .exclude(pk__in=voted)
                .order_by("pk")
                .first()
            )
        if actor is None:
            break
        task_complete(
            task=task,
            actor=actor,
            approve=True if task.kind == "approval" or task.status == "signoff" else None,
            comment="同意" if task.kind == "approval" else "已处理",
        )
    return Ticket.objects.get(pk=ticket.pk)


def _load_tickets(groups: dict[str, AssignmentGroup]) -> int:
    agent = _user("agent_chen")
    for username, kind, title, description, minutes, target in TICKETS:
        requester = _user(username)
        work = RESOLUTIONS.get(title, (0, ""))[0]
        created = timezone.now() - timedelta(minutes=minutes + work)
        submitted = demo_submission(title, created=created)
        item, answers = submitted or (None, {"demo": True})  # the marker: a free-text ticket
        ticket = services.ticket_create(
            requester=requester,
            submitted_by=requester,
            kind=kind,
            title=title,
            description=description,
            form_data=answers,
            urgency=1 if "急诊" in title else None if item else 2,
            catalog_item=item,
        )
        ticket = Ticket.objects.get(pk=ticket.pk)
        if target != "new" and ticket.status == "new":
            ticket = services.ticket_accept(ticket=ticket, actor=agent)
        if target in ("assigned", "in_progress", "pending", "resolved", "closed"):
            group = ticket.assignment_group or groups["desktop"]
            worker = group.members.order_by("username").first()
            if ticket.status != "assigned" or ticket.assignee is None:
                ticket = services.ticket_assign(
                    ticket=ticket, actor=agent, group=group, assignee=worker
                )
        worker = ticket.assignee
        if worker is not None and target in ("in_progress", "pending", "resolved", "closed"):
            ticket = services.ticket_start(ticket=ticket, actor=worker)
        if worker is not None and target == "pending":
            ticket = services.ticket_pend(
                ticket=ticket,
                actor=worker,
                reason="vendor",
                note="已联系 PACS 厂商工程师，预计明天上午到场。",
            )
        if target in ("resolved", "closed"):
            ticket = _play_process(ticket)
        if worker is not None and target in ("resolved", "closed") and ticket.status != "resolved":
            if subject_open_steps("ticket", ticket.pk):
                _shift(ticket, minutes, work=work)
                continue  # its process still waits for someone the demo has not got
            ticket = services.ticket_resolve(
                ticket=ticket,
                actor=worker,
                code="fixed",
                notes=RESOLUTIONS.get(title, (0, "已处理完毕，请确认。"))[1],
            )
        if target == "closed":
            ticket = services.ticket_confirm(ticket=ticket, actor=requester)
        _shift(ticket, minutes, work=work)
    return len(TICKETS)
