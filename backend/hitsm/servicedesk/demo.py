"""Demo service desk: support groups, categories, routing rules and a day of tickets.

Tickets are made through the real services, so their timelines are genuine; a few are moved
back in time (ticket and timeline together) so that the 无人受理 and 处理超时 queues have work.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F

from hitsm.accounts.models import User
from hitsm.cmdb.models import ConfigurationItem
from hitsm.servicedesk import services
from hitsm.servicedesk.choices import GroupDistribution, TicketKind
from hitsm.servicedesk.models import AssignmentGroup, Category, RoutingRule, Ticket, TicketEvent

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
TICKETS = [  # requester, kind, title, description, minutes ago, to do
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
        "staff007",
        "request",
        "HIS 账号开通：新入职医生",
        "工号 D2026，心内科，需处方权限。",
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
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _shift(ticket: Ticket, minutes: int) -> None:
    delta = timedelta(minutes=minutes)
    fields = [
        "created_at",
        "accepted_at",
        "assigned_at",
        "resolved_at",
        "closed_at",
        "response_due_at",
        "resolution_due_at",
    ]
    Ticket.objects.filter(pk=ticket.pk).update(
        **{f: F(f) - delta for f in fields if getattr(ticket, f) is not None}
    )
    TicketEvent.objects.filter(ticket=ticket).update(created_at=F("created_at") - delta)


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
    if not Ticket.objects.filter(form_data__demo=True).exists():
        created = _load_tickets(groups)
    return {"groups": len(groups), "categories": len(categories), "tickets_created": created}


def _load_tickets(groups: dict[str, AssignmentGroup]) -> int:
    agent = _user("agent_chen")
    for username, kind, title, description, minutes, target in TICKETS:
        requester = _user(username)
        ticket = services.ticket_create(
            requester=requester,
            submitted_by=requester,
            kind=kind,
            title=title,
            description=description,
            form_data={"demo": True},
            urgency=1 if "急诊" in title else 2,
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
        if worker is not None and target in ("resolved", "closed"):
            ticket = services.ticket_resolve(
                ticket=ticket, actor=worker, code="fixed", notes="已处理完毕，请确认。"
            )
        if target == "closed":
            ticket = services.ticket_confirm(ticket=ticket, actor=requester)
        _shift(ticket, minutes)
    return len(TICKETS)
