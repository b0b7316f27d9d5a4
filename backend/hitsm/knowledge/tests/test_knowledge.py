"""The knowledge base: Chinese search with synonyms and field weights, the review lifecycle, the
auto-answer service and its outcomes, knowledge capture from tickets, and who sees what."""

from __future__ import annotations

import pytest

from hitsm.knowledge import services
from hitsm.knowledge.engine import Doc, Index
from hitsm.knowledge.models import Article, ArticleStatus, Question, Synonym
from hitsm.knowledge.text import Synonyms, words
from hitsm.servicedesk.services import (
    ticket_accept,
    ticket_assign,
    ticket_create,
    ticket_resolve,
)

PRINTER = {
    "title": "腕带打印机无法打印的处理方法",
    "summary": "腕带打印机亮红灯或不出纸时按以下步骤检查。",
    "body": "<h3>处理步骤</h3><ol><li>检查碳带和腕带是否装好</li><li>重新校准</li></ol>"
    "<script>alert(1)</script><p onclick='x()'>仍不能打印请联系服务台 8000</p>",
    "keywords": ["腕带", "打印机", "无法打印"],
    "tags": ["打印"],
}
HIS = {
    "title": "HIS 医生工作站登录失败",
    "summary": "提示用户名或密码错误、数据库连接失败时的处理。",
    "body": "<p>检查工号与密码；密码过期请在登录窗口修改。</p>",
    "keywords": ["HIS", "登录", "医生站"],
}
SERVER = {
    "title": "HIS 应用服务器重启步骤",
    "summary": "仅限信息部门。",
    "body": "<p>按顺序停止中间件、重启服务。</p>",
    "keywords": ["HIS", "服务器", "重启"],
    "audience": "it",
}


@pytest.fixture
def synonyms(db):
    Synonym.objects.create(terms=["打不出来", "无法打印", "打印不了"])
    Synonym.objects.create(terms=["登不上", "登录失败", "登不进去"])
    Synonym.objects.create(terms=["医生站", "医生工作站"])


def publish(data, author, reviewer) -> Article:
    article = services.article_save(article=None, actor=author, data=dict(data), relations={})
    return services.article_publish(article=article, actor=reviewer)


@pytest.fixture
def articles(synonyms, engineer_wang, manager_zhao):
    return {
        "printer": publish(PRINTER, engineer_wang, manager_zhao),
        "his": publish(HIS, engineer_wang, manager_zhao),
        "server": publish(SERVER, engineer_wang, manager_zhao),
    }


def test_words_keep_hospital_terms_whole_and_drop_stop_words():
    found = words("请问腕带打印机怎么一直打不出来了")
    assert "腕带打印机" in found and "打不出来" in found
    assert not {"请问", "怎么", "了", "一直"} & set(found)


def test_synonyms_and_field_weights_rank_the_right_article():
    docs = [
        Doc(1, "腕带打印机无法打印", "", "", (words("腕带打印机无法打印"), [], [])),
        Doc(
            2,
            "发票打印机卡纸",
            "",
            "腕带也可能",
            (words("发票打印机卡纸"), [], words("腕带也可能")),
        ),
    ]
    index = Index(docs, Synonyms.of([["打不出来", "无法打印"]]))
    answer = index.search("腕带打不出来")
    assert answer.hits[0].id == 1
    assert "打不出来" in answer.matched  # met through the synonym group (无法打印)
    # the title (×3) outweighs a mention in the body
    assert index.search("腕带").hits[0].id == 1


def test_bodies_are_cleaned_of_scripts_and_handlers(articles):
    body = articles["printer"].body
    assert "<script" not in body and "onclick" not in body
    assert "<ol><li>检查碳带和腕带是否装好</li>" in body


def test_requesters_see_published_articles_for_everyone_only(
    articles, client_for, nurse_li, engineer_wang
):
    draft = services.article_save(
        article=None, actor=engineer_wang, data={**HIS, "title": "草稿：HIS 打印"}, relations={}
    )
    listed = client_for(nurse_li).get("/api/v1/knowledge/articles/").json()["results"]
    assert {a["id"] for a in listed} == {articles["printer"].pk, articles["his"].pk}
    assert client_for(nurse_li).get(f"/api/v1/knowledge/articles/{draft.pk}/").status_code == 404
    server = articles["server"].pk
    assert client_for(nurse_li).get(f"/api/v1/knowledge/articles/{server}/").status_code == 404
    searched = client_for(nurse_li).get("/api/v1/knowledge/articles/", {"q": "HIS 重启"}).json()
    assert server not in {a["id"] for a in searched["results"]}
    it_search = client_for(engineer_wang).get("/api/v1/knowledge/articles/", {"q": "HIS 重启"})
    assert it_search.json()["results"][0]["id"] == server
    assert (
        client_for(nurse_li)
        .post("/api/v1/knowledge/articles/", {"title": "x", "body": "<p>x</p>"}, format="json")
        .status_code
        == 403
    )


def test_draft_review_publish_retire_with_versions(
    synonyms, client_for, engineer_wang, manager_zhao, nurse_li
):
    engineer = client_for(engineer_wang)
    made = engineer.post(
        "/api/v1/knowledge/articles/",
        {**PRINTER, "title": "条码打印机打不出来"},
        format="json",
    )
    assert made.status_code == 201, made.content
    article_id = made.json()["id"]
    assert made.json()["status"] == "draft"
    assert engineer.post(f"/api/v1/knowledge/articles/{article_id}/submit/").json()["status"] == (
        "review"
    )
    # only reviewers publish
    assert engineer.post(f"/api/v1/knowledge/articles/{article_id}/publish/").status_code == 403
    published = client_for(manager_zhao).post(f"/api/v1/knowledge/articles/{article_id}/publish/")
    assert published.json()["status"] == "published" and published.json()["version"] == 1
    # searchable at once, by a colloquial question
    answer = (
        client_for(nurse_li)
        .post("/api/v1/knowledge/answer/", {"question": "条码打印机无法打印"}, format="json")
        .json()
    )
    assert answer["articles"][0]["id"] == article_id
    # an engineer's edit of a published article goes back to review
    edited = engineer.patch(
        f"/api/v1/knowledge/articles/{article_id}/", {"summary": "新摘要"}, format="json"
    )
    assert edited.json()["status"] == "review"
    client_for(manager_zhao).post(f"/api/v1/knowledge/articles/{article_id}/publish/")
    versions = engineer.get(f"/api/v1/knowledge/articles/{article_id}/versions/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["reviewer_name"] == manager_zhao.name
    retired = client_for(manager_zhao).post(f"/api/v1/knowledge/articles/{article_id}/retire/")
    assert retired.json()["status"] == "retired"
    again = (
        client_for(nurse_li)
        .post("/api/v1/knowledge/answer/", {"question": "条码打印机无法打印"}, format="json")
        .json()
    )
    assert article_id not in [a["id"] for a in again["articles"]]
    assert engineer.post(f"/api/v1/knowledge/articles/{article_id}/retire/").status_code == 403


def test_the_auto_answer_records_the_question_and_its_outcome(
    articles, client_for, nurse_li, agent_chen, make_ticket
):
    nurse = client_for(nurse_li)
    answer = nurse.post(
        "/api/v1/knowledge/answer/", {"question": "腕带打不出来了", "channel": "h5"}, format="json"
    ).json()
    assert answer["answered"] is True and answer["confidence"] >= 0.6
    assert answer["articles"][0]["id"] == articles["printer"].pk
    question = Question.objects.get(pk=answer["question_id"])
    assert (question.channel, question.asked_by, question.article) == (
        "h5",
        nurse_li,
        articles["printer"],
    )
    solved = nurse.post(
        f"/api/v1/knowledge/questions/{question.pk}/outcome/", {"outcome": "solved"}, format="json"
    )
    assert solved.status_code == 200 and solved.json()["outcome"] == "solved"
    assert Article.objects.get(pk=articles["printer"].pk).helpful_count == 1
    # someone else cannot close my question; a vague question is not answered directly
    other = client_for(agent_chen).post(
        f"/api/v1/knowledge/questions/{question.pk}/outcome/",
        {"outcome": "unsolved"},
        format="json",
    )
    assert other.status_code == 403
    vague = nurse.post("/api/v1/knowledge/answer/", {"question": "电梯坏了"}, format="json").json()
    assert vague["answered"] is False
    ticket = make_ticket(title="电梯坏了")
    moved = nurse.post(
        f"/api/v1/knowledge/questions/{vague['question_id']}/outcome/",
        {"outcome": "ticket", "ticket": ticket.pk},
        format="json",
    )
    assert moved.json()["ticket_number"] == ticket.number
    stats = client_for(agent_chen).get("/api/v1/knowledge/stats/").json()
    assert (stats["questions"], stats["solved"], stats["tickets"]) == (2, 1, 1)
    assert stats["deflection_rate"] == 0.5
    assert client_for(nurse_li).get("/api/v1/knowledge/stats/").status_code == 403
    bad = nurse.post("/api/v1/knowledge/answer/", {"question": "  "}, format="json")
    assert bad.status_code == 400


def test_a_resolved_ticket_becomes_a_draft_article(
    synonyms, client_for, nurse_li, agent_chen, engineer_wang, make_ticket, desktop_group
):
    ticket = make_ticket(title="门诊3楼腕带打印机打不出来", description="换了新腕带后不出纸")
    ticket = ticket_accept(ticket=ticket, actor=agent_chen)
    engineer = client_for(engineer_wang)
    assert (  # not resolved yet
        client_for(agent_chen)
        .post("/api/v1/knowledge/articles/from-ticket/", {"ticket": ticket.pk}, format="json")
        .status_code
        == 409
    )
    ticket = ticket_assign(
        ticket=ticket, actor=agent_chen, group=desktop_group, assignee=engineer_wang
    )
    ticket_resolve(ticket=ticket, actor=engineer_wang, code="fixed", notes="重新校准腕带传感器")
    made = engineer.post(
        "/api/v1/knowledge/articles/from-ticket/", {"ticket": ticket.pk}, format="json"
    )
    assert made.status_code == 201
    draft = made.json()
    assert draft["status"] == "draft" and draft["source_ticket"] == ticket.pk
    assert "重新校准腕带传感器" in draft["body"] and ticket.number in draft["body"]
    assert (
        client_for(nurse_li)
        .post("/api/v1/knowledge/articles/from-ticket/", {"ticket": ticket.pk}, format="json")
        .status_code
        == 403
    )


def test_synonyms_are_edited_by_reviewers_and_apply_at_once(
    articles, client_for, engineer_wang, manager_zhao, nurse_li
):
    before = (
        client_for(nurse_li)
        .post("/api/v1/knowledge/answer/", {"question": "手环出不来"}, format="json")
        .json()
    )
    assert articles["printer"].pk not in [a["id"] for a in before["articles"]]
    assert (
        client_for(engineer_wang)
        .post("/api/v1/knowledge/synonyms/", {"terms": ["手环", "腕带"]}, format="json")
        .status_code
        == 403
    )
    made = client_for(manager_zhao).post(
        "/api/v1/knowledge/synonyms/", {"terms": ["手环", "腕带"]}, format="json"
    )
    assert made.status_code == 201
    after = (
        client_for(nurse_li)
        .post("/api/v1/knowledge/answer/", {"question": "手环出不来"}, format="json")
        .json()
    )
    assert after["articles"][0]["id"] == articles["printer"].pk


def test_published_articles_cannot_be_deleted(articles, client_for, manager_zhao):
    response = client_for(manager_zhao).delete(f"/api/v1/knowledge/articles/{articles['his'].pk}/")
    assert response.status_code == 400
    assert Article.objects.filter(pk=articles["his"].pk, status=ArticleStatus.PUBLISHED).exists()


def test_the_ticket_assistant_finds_similar_tickets_handlers_articles_and_known_errors(
    articles, client_for, nurse_li, agent_chen, engineer_wang, make_ticket, desktop_group
):
    import datetime as dt

    from django.utils import timezone

    from hitsm.servicedesk.models import Ticket
    from hitsm.servicedesk.services import ticket_link

    for title, days_ago in (
        ("腕带打印机打不出来", 10),
        ("腕带打印机又打不出来", 60),
        ("腕带打印机去年也打不出来", 200),
    ):
        old = make_ticket(title=title)
        old = ticket_accept(ticket=old, actor=agent_chen)
        old = ticket_assign(
            ticket=old, actor=agent_chen, group=desktop_group, assignee=engineer_wang
        )
        ticket_resolve(ticket=old, actor=engineer_wang, code="fixed", notes=f"{title}：重新校准")
        Ticket.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    make_ticket(title="HIS 登录失败")  # not similar
    problem = ticket_create(
        requester=agent_chen, submitted_by=agent_chen, kind="problem", title="腕带打印机批量故障"
    )
    current = make_ticket(title="急诊腕带打印机打不出来")
    ticket_link(ticket=current, actor=agent_chen, other=problem)
    answer = client_for(agent_chen).get("/api/v1/knowledge/assistant/", {"ticket": current.pk})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["similar"] == {"last_30_days": 1, "last_90_days": 2, "last_365_days": 3}
    assert data["handlers"] == [
        {"user_id": engineer_wang.pk, "name": engineer_wang.name, "count": 3}
    ]
    assert len(data["resolutions"]) == 3
    assert data["articles"][0]["id"] == articles["printer"].pk
    assert [k["number"] for k in data["known_errors"]] == [problem.number]
    forbidden = client_for(nurse_li).get("/api/v1/knowledge/assistant/", {"ticket": current.pk})
    assert forbidden.status_code == 403


def test_the_catalog_assistant_lists_the_items_articles(articles, client_for, nurse_li):
    from hitsm.catalog.models import CatalogCategory, CatalogItem

    menu = CatalogCategory.objects.create(code="print", name="打印")
    item = CatalogItem.objects.create(
        code="wristband", name="腕带打印机故障", kind="incident", category=menu
    )
    articles["printer"].catalog_items.add(item)
    articles["server"].catalog_items.add(item)  # IT only: not for the nurse
    data = client_for(nurse_li).get(f"/api/v1/catalog/items/{item.pk}/assistant/").json()
    assert [a["id"] for a in data["knowledge"]] == [articles["printer"].pk]


def test_category_counts_are_what_the_reader_can_open(articles, client_for, nurse_li, agent_chen):
    from hitsm.knowledge.models import KnowledgeCategory

    ops = KnowledgeCategory.objects.create(code="ops", name="运维")
    Article.objects.filter(pk=articles["server"].pk).update(category=ops)
    Article.objects.filter(pk=articles["his"].pk).update(category=ops)

    def count(user):
        rows = client_for(user).get("/api/v1/knowledge/categories/").json()
        return next(c["article_count"] for c in rows if c["code"] == "ops")

    assert (count(nurse_li), count(agent_chen)) == (1, 2)
