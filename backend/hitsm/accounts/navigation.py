"""The web shell's menu, decided on the server by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hitsm.accounts.roles import IT_STAFF, Role, user_roles

EVERYONE = frozenset(Role.values)
DESK_CONFIG = frozenset({Role.ADMIN, Role.MANAGER})
SLA_CONFIG = frozenset({Role.ADMIN, Role.MANAGER})
# Who maintains the CMDB (hitsm/cmdb/selectors.py CMDB_WRITERS); importing is writing in bulk.
CMDB_WRITERS = frozenset({Role.ADMIN, Role.SYSADMIN, Role.ENGINEER})
# Satisfaction surveys (hitsm/surveys/selectors.py): the desk reads the follow-ups and the
# monthly report, IT managers and admins act on them and keep the survey settings.
SURVEY_DESK = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})
SURVEY_CONFIG = frozenset({Role.ADMIN, Role.MANAGER})
# The service boards (hitsm/dashboards/boards.py): the desk roles, as servicedesk DESK_ROLES.
DESK_BOARDS = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    key: str
    path: str
    icon: str
    roles: frozenset[str]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("home", "/", "House", EVERYONE),
    NavItem("desk", "/desk", "Headset", frozenset(IT_STAFF)),
    # The desk board (agents land there) and the wall screen (大屏, full screen).
    NavItem("desk_board", "/desk/board", "DataBoard", DESK_BOARDS),
    NavItem("wallboard", "/wall", "Monitor", DESK_BOARDS),
    # The service menu (服务菜单): everyone submits from their department's menu.
    NavItem("catalog", "/catalog", "Menu", EVERYONE),
    NavItem("new_ticket", "/tickets/new", "EditPen", EVERYONE),
    NavItem("my_tickets", "/my-tickets", "Tickets", EVERYONE),
    # Knowledge (hitsm/knowledge): everyone searches and reads; IT staff write articles, read the
    # synonyms and the self-service log (reviewers publish and edit synonyms, the API decides).
    NavItem("knowledge", "/knowledge", "Reading", EVERYONE),
    # Process tasks (审批、处理) reach anyone RACI names, a department head included.
    NavItem("workflow_tasks", "/tasks", "Checked", EVERYONE),
    NavItem("notifications", "/notifications", "Bell", EVERYONE),
    # The KPI board (five layers, drill-down, Excel): the API answers IT staff only.
    NavItem("kpi_board", "/kpi", "DataAnalysis", frozenset(IT_STAFF)),
    NavItem("survey_follow_ups", "/surveys/follow-ups", "PhoneFilled", SURVEY_DESK),
    NavItem("survey_summary", "/surveys/summary", "TrendCharts", SURVEY_DESK),
    # CMDB: IT staff read items and the B&IT diagram; writers import; admins define classes.
    NavItem("cmdb", "/cmdb", "Files", frozenset(IT_STAFF)),
    NavItem("cmdb_diagram", "/cmdb/diagram", "Share", frozenset(IT_STAFF)),
    NavItem("cmdb_import", "/cmdb/import", "Upload", CMDB_WRITERS),
    NavItem("cmdb_classes", "/cmdb/classes", "SetUp", frozenset({Role.ADMIN})),
    NavItem("jobs", "/jobs", "Timer", frozenset(IT_STAFF)),
    # The security officer finds and unlocks locked accounts there (hitsm.accounts.selectors).
    NavItem(
        "users",
        "/admin/users",
        "User",
        frozenset({Role.ADMIN, Role.MANAGER, Role.SECURITY_OFFICER}),
    ),
    NavItem(
        "departments", "/admin/departments", "OfficeBuilding", frozenset({Role.ADMIN, Role.MANAGER})
    ),
    NavItem("user_import", "/admin/user-import", "Upload", frozenset({Role.ADMIN})),
    # Service desk configuration: managers may look, only admins change (ReadAllWriteAdmin).
    NavItem("groups", "/admin/groups", "UserFilled", DESK_CONFIG),
    NavItem("categories", "/admin/categories", "FolderOpened", DESK_CONFIG),
    NavItem("routing_rules", "/admin/routing-rules", "Guide", DESK_CONFIG),
    # Catalog administration: items, their forms, NFR/PBA records and the OBASHI statistics.
    NavItem("catalog_items", "/admin/catalog/items", "Grid", DESK_CONFIG),
    NavItem("catalog_forms", "/admin/catalog/forms", "Document", frozenset({Role.ADMIN})),
    NavItem("catalog_records", "/admin/catalog/records", "Coin", DESK_CONFIG),
    NavItem("catalog_stats", "/catalog/stats", "PieChart", frozenset(IT_STAFF)),
    NavItem("knowledge_manage", "/admin/knowledge", "Notebook", frozenset(IT_STAFF)),
    NavItem(
        "knowledge_questions", "/admin/knowledge/questions", "ChatDotRound", frozenset(IT_STAFF)
    ),
    NavItem("knowledge_synonyms", "/admin/knowledge/synonyms", "Connection", frozenset(IT_STAFF)),
    # The knowledge category tree: reviewers (IT managers, admins) keep it (knowledge ConfigPolicy).
    NavItem("knowledge_categories", "/admin/knowledge/categories", "FolderOpened", DESK_CONFIG),
    # Processes: IT staff may read them (hitsm/workflow/api/views.py); the menu shows them to
    # those who keep them.
    NavItem("workflow_definitions", "/admin/workflow", "Share", DESK_CONFIG),
    # SLA configuration: the API lets IT staff read it and admins and IT managers change it
    # (hitsm/sla/selectors.py SlaConfigPolicy); the menu shows it to those who keep it.
    NavItem("sla_policies", "/admin/sla/policies", "Stopwatch", SLA_CONFIG),
    NavItem("sla_calendars", "/admin/sla/calendars", "Calendar", SLA_CONFIG),
    NavItem("sla_holidays", "/admin/sla/holidays", "Sunrise", SLA_CONFIG),
    # The priority matrix: IT managers look, only admins change (sla selectors, as above).
    NavItem("sla_priority_matrix", "/admin/sla/priority-matrix", "Sort", SLA_CONFIG),
    NavItem("survey_configs", "/admin/surveys", "StarFilled", SURVEY_CONFIG),
    NavItem("tokens", "/tokens", "Key", frozenset(IT_STAFF)),
    NavItem("security", "/security", "Lock", EVERYONE),
    # The audit log (hitsm/audit): the auditor's alone, the administrator's API answers 403.
    NavItem("audit_changes", "/audit/changes", "Tickets", frozenset({Role.AUDITOR})),
    NavItem("audit_logins", "/audit/logins", "Key", frozenset({Role.AUDITOR})),
    NavItem("audit_seals", "/audit/seals", "Lock", frozenset({Role.AUDITOR})),
    NavItem("system", "/admin/system", "Monitor", frozenset({Role.ADMIN, Role.SYSADMIN})),
    # WeCom (企业微信): connection settings, callback keys and the message logs (hitsm/wecom).
    NavItem("wecom", "/system/wecom", "ChatDotSquare", frozenset({Role.ADMIN})),
    NavItem("api_docs", "/api/docs/", "Document", frozenset({Role.ADMIN, Role.SYSADMIN})),
)


def navigation_for(user: Any) -> list[dict[str, str]]:
    roles = user_roles(user) or frozenset({Role.REQUESTER})
    return [
        {"key": item.key, "path": item.path, "icon": item.icon}
        for item in NAVIGATION
        if roles & item.roles
    ]
