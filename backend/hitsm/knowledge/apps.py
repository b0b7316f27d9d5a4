from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "hitsm.knowledge"
    label = "knowledge"
    verbose_name = "知识库"

    def ready(self) -> None:
        from hitsm.knowledge.selectors import item_articles
        from hitsm.servicedesk.selectors import item_knowledge_register

        item_knowledge_register(item_articles)  # the catalog's 信息助手 lists linked articles
