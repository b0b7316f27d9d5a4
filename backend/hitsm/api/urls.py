from django.urls import include, path
from rest_framework.routers import DefaultRouter

from hitsm.accounts.api import views as accounts
from hitsm.audit.api import views as audit
from hitsm.catalog.api import views as catalog
from hitsm.cmdb.api import views as cmdb
from hitsm.core.api import views as core
from hitsm.dashboards.api import boards
from hitsm.dashboards.api import views as dashboards
from hitsm.knowledge.api import views as knowledge
from hitsm.notifications.api import views as notifications
from hitsm.servicedesk.api import views as servicedesk
from hitsm.servicedesk.api.catalog_views import CatalogAssistantView, CatalogStatsView
from hitsm.servicedesk.api.sla_views import TicketSlaView
from hitsm.sla.api import views as sla
from hitsm.sla.api.views import (
    CatalogExpectationsView,
    PriorityMatrixResetView,
    PriorityMatrixView,
)
from hitsm.surveys.api import views as surveys
from hitsm.wecom.api import views as wecom
from hitsm.workflow.api import views as workflow

router = DefaultRouter()
router.register("auth/tokens", accounts.ApiTokenViewSet, basename="api-token")
router.register("departments", accounts.DepartmentViewSet, basename="department")
router.register("users", accounts.UserViewSet, basename="user")
router.register("jobs", core.JobViewSet, basename="job")
router.register("audit/changes", audit.AuditChangeViewSet, basename="audit-change")
router.register("audit/logins", audit.AuditLoginViewSet, basename="audit-login")
router.register("audit/seals", audit.AuditSealViewSet, basename="audit-seal")
router.register("tickets", servicedesk.TicketViewSet, basename="ticket")
router.register("attachments", servicedesk.AttachmentViewSet, basename="attachment")
router.register(
    "assignment-groups", servicedesk.AssignmentGroupViewSet, basename="assignment-group"
)
router.register("categories", servicedesk.CategoryViewSet, basename="category")
router.register(
    "configuration-items", servicedesk.ConfigurationItemLookupViewSet, basename="configuration-item"
)
router.register("routing-rules", servicedesk.RoutingRuleViewSet, basename="routing-rule")
router.register("saved-filters", servicedesk.SavedFilterViewSet, basename="saved-filter")
router.register("cmdb/classes", cmdb.CIClassViewSet, basename="cmdb-class")
router.register("cmdb/attributes", cmdb.AttributeViewSet, basename="cmdb-attribute")
router.register("cmdb/relation-types", cmdb.RelationTypeViewSet, basename="cmdb-relation-type")
router.register("cmdb/items", cmdb.ConfigurationItemViewSet, basename="cmdb-item")
router.register("cmdb/relations", cmdb.RelationViewSet, basename="cmdb-relation")
router.register("catalog/categories", catalog.CatalogCategoryViewSet, basename="catalog-category")
router.register("catalog/items", catalog.CatalogItemViewSet, basename="catalog-item")
router.register("catalog/forms", catalog.FormViewSet, basename="catalog-form")
router.register("catalog/nfr", catalog.NfrRecordViewSet, basename="catalog-nfr")
router.register("catalog/patterns", catalog.ActivityPatternViewSet, basename="catalog-pattern")
router.register("workflow/definitions", workflow.DefinitionViewSet, basename="workflow-definition")
router.register("workflow/tasks", workflow.TaskViewSet, basename="workflow-task")
router.register("workflow/webhooks", workflow.WebhookViewSet, basename="workflow-webhook")
router.register("knowledge/categories", knowledge.CategoryViewSet, basename="knowledge-category")
router.register("knowledge/articles", knowledge.ArticleViewSet, basename="knowledge-article")
router.register("knowledge/questions", knowledge.QuestionViewSet, basename="knowledge-question")
router.register("knowledge/synonyms", knowledge.SynonymViewSet, basename="knowledge-synonym")
router.register("knowledge/images", knowledge.ArticleImageViewSet, basename="knowledge-image")
router.register("wecom/inbound", wecom.InboundViewSet, basename="wecom-inbound")
router.register("wecom/outbound", wecom.OutboundViewSet, basename="wecom-outbound")
router.register("wecom/chats", wecom.ChatViewSet, basename="wecom-chat")
router.register("sla/calendars", sla.CalendarViewSet, basename="sla-calendar")
router.register("sla/calendar-days", sla.CalendarDayViewSet, basename="sla-calendar-day")
router.register("sla/public-holidays", sla.PublicHolidayViewSet, basename="sla-public-holiday")
router.register("sla/policies", sla.SlaPolicyViewSet, basename="sla-policy")
router.register("sla/escalations", sla.EscalationRuleViewSet, basename="sla-escalation")
router.register("notifications", notifications.NotificationViewSet, basename="notification")
# the sub-collections first: "surveys/{pk}" takes digits only, but the order keeps it obvious
router.register("surveys/follow-ups", surveys.FollowUpViewSet, basename="survey-follow-up")
router.register("surveys/configs", surveys.SurveyConfigViewSet, basename="survey-config")
router.register("surveys", surveys.SurveyViewSet, basename="survey")

urlpatterns = [
    path("auth/csrf/", accounts.CsrfView.as_view(), name="auth-csrf"),
    path("auth/login/", accounts.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", accounts.LogoutView.as_view(), name="auth-logout"),
    path("auth/me/", accounts.MeView.as_view(), name="auth-me"),
    path("auth/password/", accounts.PasswordView.as_view(), name="auth-password"),
    path("auth/totp/", accounts.TotpView.as_view(), name="auth-totp"),
    path("auth/totp/confirm/", accounts.TotpConfirmView.as_view(), name="auth-totp-confirm"),
    path("wecom/config/", wecom.SettingsView.as_view(), name="wecom-config"),
    path("wecom/config/test/", wecom.ConnectionTestView.as_view(), name="wecom-config-test"),
    path(
        "wecom/config/generate-callback-keys/",
        wecom.CallbackKeysView.as_view(),
        name="wecom-config-keys",
    ),
    path("wecom/status/", wecom.StatusView.as_view(), name="wecom-status"),
    path("wecom/jssdk/", wecom.JsSdkView.as_view(), name="wecom-jssdk"),
    path("wecom/media/", wecom.MediaAttachView.as_view(), name="wecom-media"),
    path("wecom/oauth/start/", wecom.OAuthStartView.as_view(), name="wecom-oauth-start"),
    path("wecom/oauth/callback/", wecom.OAuthCallbackView.as_view(), name="wecom-oauth-callback"),
    path("user-imports/", accounts.UserImportView.as_view(), name="user-import"),
    path(
        "user-imports/template/",
        accounts.UserImportTemplateView.as_view(),
        name="user-import-template",
    ),
    path("cmdb/imports/", cmdb.CIImportView.as_view(), name="cmdb-import"),
    path("catalog/menu/", catalog.MenuView.as_view(), name="catalog-menu"),
    path("catalog/options/", catalog.OptionsView.as_view(), name="catalog-options"),
    path(
        "catalog/items/<int:pk>/expectations/",
        CatalogExpectationsView.as_view(),
        name="catalog-item-expectations",
    ),
    path(
        "catalog/items/<int:pk>/assistant/",
        CatalogAssistantView.as_view(),
        name="catalog-item-assistant",
    ),
    path("catalog/stats/", CatalogStatsView.as_view(), name="catalog-stats"),
    path("workflow/actions/", workflow.ActionsView.as_view(), name="workflow-actions"),
    path("knowledge/answer/", knowledge.AnswerView.as_view(), name="knowledge-answer"),
    path("knowledge/stats/", knowledge.StatsView.as_view(), name="knowledge-stats"),
    path(
        "knowledge/assistant/", knowledge.TicketAssistantView.as_view(), name="knowledge-assistant"
    ),
    path("workflow/instances/", workflow.SubjectInstancesView.as_view(), name="workflow-instances"),
    path("tickets/<int:pk>/sla/", TicketSlaView.as_view(), name="ticket-sla"),
    path("sla/priority-matrix/", PriorityMatrixView.as_view(), name="sla-priority-matrix"),
    path(
        "sla/priority-matrix/reset/",
        PriorityMatrixResetView.as_view(),
        name="sla-priority-matrix-reset",
    ),
    path("surveys/summaries/", surveys.SummaryView.as_view(), name="survey-summary"),
    path(
        "surveys/summaries/export/",
        surveys.SummaryExportView.as_view(),
        name="survey-summary-export",
    ),
    path(
        "surveys/summaries/generate/",
        surveys.SummaryGenerateView.as_view(),
        name="survey-summary-generate",
    ),
    path("boards/desk/", boards.DeskBoardView.as_view(), name="board-desk"),
    path("boards/wall/", boards.WallboardView.as_view(), name="board-wall"),
    path("boards/home/", boards.RoleHomeView.as_view(), name="board-home"),
    path("kpis/", dashboards.KpiSetView.as_view(), name="kpi-set"),
    path("kpis/jobs/", dashboards.KpiSetJobView.as_view(), name="kpi-set-job"),
    path("kpis/export/", dashboards.KpiExportView.as_view(), name="kpi-export"),
    path("kpis/<slug:code>/", dashboards.KpiView.as_view(), name="kpi"),
    path("kpis/<slug:code>/trend/", dashboards.KpiTrendView.as_view(), name="kpi-trend"),
    path("kpis/<slug:code>/tickets/", dashboards.KpiTicketsView.as_view(), name="kpi-tickets"),
    path("system/health/", core.HealthView.as_view(), name="system-health"),
    path(
        "notification-preferences/",
        notifications.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("", include(router.urls)),
]
