"""Demo: the standard processes published, and bound to the demo catalog's matching items."""

from __future__ import annotations

from hitsm.catalog.models import CatalogItem
from hitsm.workflow.library import library_documents
from hitsm.workflow.models import ProcessBinding, ProcessDefinition
from hitsm.workflow.services import definition_publish

# process code → words that pick the demo catalog items it runs for
BINDINGS = {
    "account-permission": ("账号开通", "权限变更", "账号申请", "权限申请"),
    "incident": ("打不开", "无法登录", "故障", "报错"),
    "hazard": ("隐患",),
}


def load_demo() -> str:
    for code, name, description, xml in library_documents():
        definition, _created = ProcessDefinition.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description[:300], "draft_xml": xml},
        )
        if definition.published_id is None:
            definition_publish(definition=definition, actor=None, note="标准流程库")
    for code, words in BINDINGS.items():
        definition = ProcessDefinition.objects.get(code=code)
        for item in CatalogItem.objects.filter(process_binding__isnull=True, is_active=True):
            if any(word in item.name for word in words):
                ProcessBinding.objects.create(process=definition, catalog_item=item)
    published = ProcessDefinition.objects.filter(published__isnull=False).count()
    return f"{published} processes published, {ProcessBinding.objects.count()} catalog items bound"
