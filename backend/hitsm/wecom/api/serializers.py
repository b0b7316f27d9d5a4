from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from hitsm.wecom.config import connection
from hitsm.wecom.models import GroupChat, InboundMessage, OutboundMessage, WeComSettings


class WeComSettingsSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    token = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=64)
    encoding_aes_key = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=64
    )
    secret_set = serializers.SerializerMethodField()
    token_set = serializers.SerializerMethodField()
    encoding_aes_key_set = serializers.SerializerMethodField()
    secret_source = serializers.SerializerMethodField()
    from_env = serializers.SerializerMethodField()
    callback_url = serializers.SerializerMethodField()
    h5_url = serializers.SerializerMethodField()

    class Meta:
        model = WeComSettings
        fields = (
            "enabled",
            "corp_id",
            "agent_id",
            "base_url",
            "oauth_base_url",
            "proxy",
            "secret",
            "token",
            "encoding_aes_key",
            "secret_set",
            "token_set",
            "encoding_aes_key_set",
            "secret_source",
            "from_env",
            "callback_url",
            "h5_url",
            "updated_at",
        )
        read_only_fields = ("updated_at",)

    def get_secret_set(self, obj: WeComSettings) -> bool:
        return bool(connection().secret)

    def get_token_set(self, obj: WeComSettings) -> bool:
        return bool(connection().token)

    def get_encoding_aes_key_set(self, obj: WeComSettings) -> bool:
        return bool(connection().aes_key)

    def get_secret_source(self, obj: WeComSettings) -> str:
        conn = connection()
        if "secret" in conn.from_env:
            return "env"
        return "db" if obj.secret_sealed else ""

    def get_from_env(self, obj: WeComSettings) -> list[str]:
        """Settings given in the server's environment (they win over this page)."""
        return sorted(connection().from_env)

    def get_callback_url(self, obj: WeComSettings) -> str:
        return f"{settings.SITE_URL.rstrip('/')}/wecom/callback"

    def get_h5_url(self, obj: WeComSettings) -> str:
        return f"{settings.SITE_URL.rstrip('/')}/h5/"


class ConnectionTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    errcode = serializers.IntegerField(allow_null=True)
    elapsed_ms = serializers.IntegerField()


class CallbackKeysSerializer(serializers.Serializer):
    token = serializers.CharField()
    encoding_aes_key = serializers.CharField()


class WeComStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    oauth = serializers.BooleanField()


class _UserRef(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField(source="name")


class _TicketRef(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class InboundMessageSerializer(serializers.ModelSerializer):
    user = _UserRef(allow_null=True, read_only=True)
    ticket = _TicketRef(allow_null=True, read_only=True)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = InboundMessage
        fields = (
            "id",
            "received_at",
            "from_user",
            "user",
            "msg_type",
            "event",
            "summary",
            "status",
            "attempts",
            "error",
            "processed_at",
            "ticket",
        )

    def get_summary(self, obj: InboundMessage) -> str:
        payload: dict[str, Any] = obj.payload or {}
        if obj.msg_type == "text":
            return str(payload.get("Content", ""))[:200]
        if obj.msg_type == "event":
            return f"{obj.event} {payload.get('EventKey', '')}".strip()[:200]
        return str(payload.get("MediaId", ""))[:60]


class OutboundMessageSerializer(serializers.ModelSerializer):
    ticket = _TicketRef(allow_null=True, read_only=True)

    class Meta:
        model = OutboundMessage
        fields = (
            "id",
            "created_at",
            "kind",
            "to_users",
            "chat_id",
            "summary",
            "status",
            "attempts",
            "next_attempt_at",
            "errcode",
            "last_error",
            "invalid_users",
            "sent_at",
            "ticket",
        )
        read_only_fields = fields


class ChatMemberSerializer(serializers.Serializer):
    userid = serializers.CharField()
    display_name = serializers.CharField()


class GroupChatSerializer(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = GroupChat
        fields = ("id", "ticket", "chat_id", "name", "members", "status", "created_at")
        read_only_fields = fields

    def get_members(self, obj: GroupChat) -> list[dict[str, str]]:
        from hitsm.accounts.models import User

        names = dict(
            User.objects.filter(wecom_userid__in=obj.members).values_list(
                "wecom_userid", "display_name"
            )
        )
        return [{"userid": u, "display_name": names.get(u) or u} for u in obj.members]

    def get_status(self, obj: GroupChat) -> str:
        """Whether WeCom has created the chat: the status of the create call in the outbox."""
        row = (
            OutboundMessage.objects.filter(chat_id=obj.chat_id, kind="appchat_create")
            .values_list("status", flat=True)
            .first()
        )
        return row or "sent"


class GroupChatCreateSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()


class JsSdkCorpSerializer(serializers.Serializer):
    appId = serializers.CharField()
    timestamp = serializers.IntegerField()
    nonceStr = serializers.CharField()
    signature = serializers.CharField()


class JsSdkAgentSerializer(serializers.Serializer):
    corpid = serializers.CharField()
    agentid = serializers.IntegerField()
    timestamp = serializers.IntegerField()
    nonceStr = serializers.CharField()
    signature = serializers.CharField()


class JsSdkSerializer(serializers.Serializer):
    corp = JsSdkCorpSerializer()
    agent = JsSdkAgentSerializer()


class MediaAttachSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    media_ids = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=1, max_length=9
    )
