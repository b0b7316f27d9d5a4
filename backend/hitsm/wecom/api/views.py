"""The WeCom API: connection settings and message logs for administrators, incident group
chats for IT staff, JS-SDK signatures for the H5 portal, and WeCom login (OAuth2)."""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user, login
from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hitsm.accounts.models import User
from hitsm.accounts.roles import IT_STAFF, Role, has_role
from hitsm.accounts.selectors import signed_in_user
from hitsm.accounts.services import WECOM_PENDING_BIND
from hitsm.api.serializers import ERROR_RESPONSES
from hitsm.api.viewsets import PolicyMixin
from hitsm.core.errors import DomainError, Forbidden, NotFound
from hitsm.core.permissions import Policy
from hitsm.servicedesk.api.serializers import AttachmentSerializer
from hitsm.servicedesk.models import Ticket
from hitsm.wecom import outbox, services
from hitsm.wecom.api import serializers as s
from hitsm.wecom.config import connection, settings_row
from hitsm.wecom.models import GroupChat, InboundMessage, OutboundMessage


def _admin(request: Request) -> User:
    user = signed_in_user(request)
    if not has_role(user, Role.ADMIN):
        raise Forbidden()
    return user


class SettingsView(APIView):
    """The WeCom connection (platform administrators)."""

    @extend_schema(responses={200: s.WeComSettingsSerializer, **ERROR_RESPONSES})
    def get(self, request: Request) -> Response:
        _admin(request)
        return Response(s.WeComSettingsSerializer(settings_row()).data)

    @extend_schema(
        request=s.WeComSettingsSerializer,
        responses={200: s.WeComSettingsSerializer, **ERROR_RESPONSES},
    )
    def put(self, request: Request) -> Response:
        """Save the settings; an empty secret, token or key keeps the stored one."""
        _admin(request)
        data = s.WeComSettingsSerializer(settings_row(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = services.settings_update(data=dict(data.validated_data))
        return Response(s.WeComSettingsSerializer(row).data)


class CallbackKeysView(APIView):
    @extend_schema(request=None, responses={200: s.CallbackKeysSerializer, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        """New random callback Token and EncodingAESKey, saved and shown this once."""
        _admin(request)
        return Response(services.callback_keys_generate())


class ConnectionTestView(APIView):
    @extend_schema(request=None, responses={200: s.ConnectionTestSerializer, **ERROR_RESPONSES})
    def post(self, request: Request) -> Response:
        """Fetch an access token with the saved settings and say how it went."""
        _admin(request)
        return Response(services.connection_test())


class StatusView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.WeComStatusSerializer})
    def get(self, request: Request) -> Response:
        """Whether WeCom is on (the H5 login page offers 企业微信登录 when it is)."""
        conn = connection()
        return Response({"enabled": conn.can_call, "oauth": conn.can_call})


class AdminOnly(Policy):
    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset if has_role(user, Role.ADMIN) else queryset.none()

    def can_list(self, user: Any) -> bool:
        return has_role(user, Role.ADMIN)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return has_role(user, Role.ADMIN)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str),
        OpenApiParameter("msg_type", str),
        OpenApiParameter("search", str, description="发送人或文字内容"),
    ]
)
class InboundViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """Callbacks received from WeCom and what became of them (the message log)."""

    policy = AdminOnly()
    serializer_class = s.InboundMessageSerializer

    def get_base_queryset(self) -> QuerySet[InboundMessage]:
        rows = InboundMessage.objects.select_related("user", "ticket")
        params = self.request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("msg_type"):
            rows = rows.filter(msg_type=params["msg_type"])
        if params.get("search"):
            term = params["search"][:100]
            rows = rows.filter(Q(from_user__icontains=term) | Q(payload__Content__icontains=term))
        return rows


@extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("kind", str)])
class OutboundViewSet(PolicyMixin, viewsets.ReadOnlyModelViewSet):
    """Calls made (or to be made) to WeCom, with delivery status (the message log)."""

    policy = AdminOnly()
    serializer_class = s.OutboundMessageSerializer

    def get_base_queryset(self) -> QuerySet[OutboundMessage]:
        rows = OutboundMessage.objects.select_related("ticket")
        params = self.request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("kind"):
            rows = rows.filter(kind=params["kind"])
        return rows

    @extend_schema(request=None, responses={200: s.OutboundMessageSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Send a failed message again."""
        return Response(s.OutboundMessageSerializer(outbox.retry(self.get_object())).data)


def _visible_tickets(user: Any) -> QuerySet[Ticket]:
    from hitsm.servicedesk.selectors import ticket_visibility

    rule = ticket_visibility(user)
    return Ticket.objects.all() if rule is None else Ticket.objects.filter(rule)


class ChatPolicy(Policy):
    """IT staff, for the tickets they can see."""

    def scope(self, user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not has_role(user, *IT_STAFF):
            return queryset.none()
        return queryset.filter(ticket__in=_visible_tickets(user))

    def can_list(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can_create(self, user: Any) -> bool:
        return has_role(user, *IT_STAFF)

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == "retrieve" and has_role(user, *IT_STAFF)


@extend_schema(parameters=[OpenApiParameter("ticket", int)])
class ChatViewSet(PolicyMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Incident group chats in WeCom (appchat)."""

    policy = ChatPolicy()
    serializer_class = s.GroupChatSerializer

    def get_base_queryset(self) -> QuerySet[GroupChat]:
        rows = GroupChat.objects.all()
        ticket = self.request.query_params.get("ticket", "")
        if ticket:
            rows = rows.filter(ticket_id=int(ticket)) if ticket.isdigit() else rows.none()
        return rows

    @extend_schema(
        request=s.GroupChatCreateSerializer,
        responses={201: s.GroupChatSerializer, **ERROR_RESPONSES},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create the incident's group chat with the assignee, the group's first and second
        responsible and the requester's department head."""
        user = signed_in_user(request)
        data = s.GroupChatCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = _visible_tickets(user).filter(pk=data.validated_data["ticket"]).first()
        if ticket is None:
            raise NotFound()
        chat = services.chat_create(ticket=ticket, actor=user)
        return Response(s.GroupChatSerializer(chat).data, status=201)


class JsSdkView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("url", str, required=True)],
        responses={200: s.JsSdkSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        """Signatures for the WeCom JS-SDK on the H5 page at ``url``."""
        signed_in_user(request)
        return Response(services.jssdk_signatures(url=request.query_params.get("url", "")))


class MediaAttachView(APIView):
    @extend_schema(
        request=s.MediaAttachSerializer,
        responses={201: AttachmentSerializer(many=True), **ERROR_RESPONSES},
    )
    def post(self, request: Request) -> Response:
        """Attach photos and voice taken with the WeCom JS-SDK (by their WeCom media ids)."""
        user = signed_in_user(request)
        data = s.MediaAttachSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = _visible_tickets(user).filter(pk=data.validated_data["ticket"]).first()
        if ticket is None:
            raise NotFound()
        items = services.media_attach(
            ticket=ticket, actor=user, media_ids=data.validated_data["media_ids"]
        )
        return Response(AttachmentSerializer(items, many=True).data, status=201)


# --- WeCom login (OAuth2): full-page navigations, not XHR ------------------------------------


def _safe_next(request: Request, target: str) -> str:
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith("/")
    ):
        return target
    return "/h5/"


def _redirect_uri() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/api/v1/wecom/oauth/callback/"


class OAuthStartView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("next", str)],
        responses={302: None},
        summary="Start WeCom login (a browser navigation; redirects to WeCom)",
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        target = _safe_next(request, request.query_params.get("next", ""))
        http = request._request
        if get_user(http).is_authenticated:  # already signed in: straight to the page
            return HttpResponseRedirect(target)
        nonce = secrets.token_urlsafe(12)
        http.session["wecom_oauth_nonce"] = nonce
        state = signing.dumps({"n": nonce, "next": target}, salt="wecom-oauth", compress=True)
        try:
            return HttpResponseRedirect(
                services.oauth_url(state=state, redirect_uri=_redirect_uri())
            )
        except DomainError:
            return HttpResponseRedirect("/h5/login?wecom=disabled")


class OAuthCallbackView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("code", str), OpenApiParameter("state", str)],
        responses={302: None},
        summary="WeCom login comes back here (a browser navigation)",
    )
    def get(self, request: Request) -> HttpResponseRedirect:
        from axes.handlers.proxy import AxesProxyHandler
        from django_otp.plugins.otp_totp.models import TOTPDevice

        http = request._request
        try:
            state = signing.loads(
                request.query_params.get("state", ""), salt="wecom-oauth", max_age=600
            )
        except signing.BadSignature:
            return HttpResponseRedirect("/h5/login?wecom=failed")
        nonce = http.session.pop("wecom_oauth_nonce", None)
        if not nonce or not secrets.compare_digest(str(nonce), str(state.get("n", ""))):
            return HttpResponseRedirect("/h5/login?wecom=failed")
        try:
            userid, user = services.oauth_user(code=request.query_params.get("code", ""))
        except DomainError:
            return HttpResponseRedirect("/h5/login?wecom=failed")
        if user is None:
            # Not bound yet: a password login within ten minutes binds this WeCom account.
            http.session[WECOM_PENDING_BIND] = {"userid": userid, "at": time.time()}
            return HttpResponseRedirect("/h5/login?wecom=unbound")
        if AxesProxyHandler.is_locked(http, {"username": user.username}):
            return HttpResponseRedirect("/h5/login?wecom=locked")
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # Two-factor accounts (administrators) sign in with password and code only.
            return HttpResponseRedirect("/h5/login?wecom=otp")
        login(http, user, backend="django.contrib.auth.backends.ModelBackend")
        return HttpResponseRedirect(state.get("next") or "/h5/")
