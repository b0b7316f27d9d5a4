"""Writing the knowledge base: pictures in article bodies (upload checks, who reads them, what
the body keeps), the category tree's management, known errors on an article, and which reads
count as views."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hitsm.knowledge import services
from hitsm.knowledge.images import MAX_IMAGE_BYTES
from hitsm.knowledge.models import Article, ArticleImage, KnowledgeCategory

IMAGES = "/api/v1/knowledge/images/"
CATEGORIES = "/api/v1/knowledge/categories/"
ARTICLES = "/api/v1/knowledge/articles/"


def picture(name: str = "screen.png", fmt: str = "PNG", size: tuple[int, int] = (40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def upload(client, file, article: int | None = None):
    data = {"file": file}
    if article is not None:
        data["article"] = article
    return client.post(IMAGES, data, format="multipart")


def write(author, reviewer=None, *, body: str = "<p>步骤</p>", audience: str = "all") -> Article:
    article = services.article_save(
        article=None,
        actor=author,
        data={"title": "打印机卡纸处理", "body": body, "audience": audience},
        relations={},
    )
    if reviewer is not None:
        article = services.article_publish(article=article, actor=reviewer)
    return article


# --- pictures ---------------------------------------------------------------------------------


def test_an_engineer_uploads_a_picture_and_the_body_keeps_it(client_for, engineer_wang):
    article = write(engineer_wang)
    engineer = client_for(engineer_wang)
    answer = upload(engineer, picture(), article.pk)
    assert answer.status_code == 201, answer.content
    image = answer.json()
    assert image["url"] == f"{IMAGES}{image['id']}/download/"
    assert (image["width"], image["height"], image["content_type"]) == (40, 30, "image/png")
    body = f'<p>如图：</p><img src="{image["url"]}" alt="打印机后盖">'
    saved = engineer.patch(f"{ARTICLES}{article.pk}/", {"body": body}, format="json").json()
    assert f'src="{image["url"]}"' in saved["body"]
    got = engineer.get(image["url"])
    assert got.status_code == 200
    assert got["Content-Type"] == "image/png"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got.content.startswith(b"\x89PNG")


def test_a_picture_uploaded_before_the_first_save_joins_the_article_that_uses_it(
    client_for, engineer_wang
):
    engineer = client_for(engineer_wang)
    image = upload(engineer, picture()).json()
    assert image["article"] is None
    created = engineer.post(
        ARTICLES,
        {"title": "新文章", "body": f'<p>看图</p><img src="{image["url"]}">'},
        format="json",
    ).json()
    assert ArticleImage.objects.get(pk=image["id"]).article_id == created["id"]


def test_the_body_drops_pictures_from_elsewhere_and_of_other_articles(engineer_wang):
    other = write(engineer_wang)
    theirs = services.article_image_upload(upload=picture(), actor=engineer_wang, article=other)
    article = write(
        engineer_wang,
        body=(
            '<p>a</p><img src="https://evil.example/x.png">'
            '<img src="javascript:alert(1)"><img src="/media/knowledge/x.png">'
            f'<img src="/api/v1/knowledge/images/{theirs.pk}/download/" alt="b">'
            '<img src="/api/v1/knowledge/images/1/download/?x=1">'
        ),
    )
    assert "<img" not in article.body
    assert article.body.startswith("<p>a</p>")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "不支持的文件类型",
        ),
        ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "只能插入"),
        ("notes.txt", "打印机日志".encode(), "只能插入"),
        ("fake.png", b"MZ\x90\x00" + bytes(200), "不支持的文件类型"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "图片已损坏"),
    ],
)
def test_only_pictures_a_browser_shows_are_accepted(
    client_for, engineer_wang, name, content, message
):
    answer = upload(client_for(engineer_wang), SimpleUploadedFile(name, content))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "knowledge.image_refused"
    assert message in error["fields"]["file"][0]
    assert not ArticleImage.objects.exists()


def test_a_heic_photo_is_refused_because_browsers_do_not_show_it(client_for, engineer_wang):
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
    answer = upload(client_for(engineer_wang), SimpleUploadedFile("photo.heic", heic))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "knowledge.image_refused"


def test_an_oversized_picture_is_refused(client_for, engineer_wang):
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + bytes(MAX_IMAGE_BYTES))
    answer = upload(client_for(engineer_wang), big)
    assert answer.status_code == 400
    assert "不能超过 5 MB" in answer.json()["error"]["message"]


def test_requesters_cannot_upload(client_for, nurse_li):
    assert upload(client_for(nurse_li), picture()).status_code == 403


def test_who_reads_a_picture_follows_its_article(client_for, engineer_wang, manager_zhao, nurse_li):
    public = write(engineer_wang, manager_zhao)
    it_only = write(engineer_wang, manager_zhao, audience="it")
    draft = write(engineer_wang)
    images = {
        key: services.article_image_upload(upload=picture(), actor=engineer_wang, article=article)
        for key, article in (("public", public), ("it", it_only), ("draft", draft))
    }
    images["loose"] = services.article_image_upload(
        upload=picture(), actor=engineer_wang, article=None
    )
    nurse, engineer = client_for(nurse_li), client_for(engineer_wang)
    seen = {key: nurse.get(f"{IMAGES}{i.pk}/download/").status_code for key, i in images.items()}
    assert seen == {"public": 200, "it": 404, "draft": 404, "loose": 404}
    for image in images.values():
        assert engineer.get(f"{IMAGES}{image.pk}/download/").status_code == 200
    # Retired: the picture goes with the article
    services.article_retire(article=public, actor=manager_zhao)
    assert nurse.get(f"{IMAGES}{images['public'].pk}/download/").status_code == 404


def test_an_upload_for_an_article_one_cannot_see_is_refused(client_for, engineer_wang):
    answer = upload(client_for(engineer_wang), picture(), 987654)
    assert answer.status_code == 400
    assert "article" in answer.json()["error"]["fields"]


# --- categories -------------------------------------------------------------------------------


def test_a_manager_creates_renames_moves_reorders_and_deletes_a_category(client_for, manager_zhao):
    manager = client_for(manager_zhao)
    network = manager.post(CATEGORIES, {"name": "网络"}, format="json")
    assert network.status_code == 201, network.content
    assert network.json()["code"]  # made from the name
    wifi = manager.post(CATEGORIES, {"name": "无线", "order": 5}, format="json").json()
    renamed = manager.patch(f"{CATEGORIES}{wifi['id']}/", {"name": "无线网络"}, format="json")
    assert renamed.json()["name"] == "无线网络"
    moved = manager.patch(
        f"{CATEGORIES}{wifi['id']}/", {"parent": network.json()["id"], "order": 1}, format="json"
    ).json()
    assert (moved["parent"], moved["order"]) == (network.json()["id"], 1)
    assert manager.delete(f"{CATEGORIES}{wifi['id']}/").status_code == 204
    assert not KnowledgeCategory.objects.filter(pk=wifi["id"]).exists()


def test_a_category_cannot_move_under_itself_or_its_children(client_for, manager_zhao):
    manager = client_for(manager_zhao)
    top = KnowledgeCategory.objects.create(code="top", name="上级")
    child = KnowledgeCategory.objects.create(code="child", name="下级", parent=top)
    for parent in (top, child):
        answer = manager.patch(f"{CATEGORIES}{top.pk}/", {"parent": parent.pk}, format="json")
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "knowledge.category_cycle"
    top.refresh_from_db()
    assert top.parent_id is None


def test_a_category_in_use_is_not_deleted(client_for, manager_zhao, engineer_wang):
    manager = client_for(manager_zhao)
    top = KnowledgeCategory.objects.create(code="top", name="上级")
    KnowledgeCategory.objects.create(code="child", name="下级", parent=top)
    used = KnowledgeCategory.objects.create(code="used", name="有文章")
    article = write(engineer_wang)  # a draft counts too
    Article.objects.filter(pk=article.pk).update(category=used)
    for category in (top, used):
        answer = manager.delete(f"{CATEGORIES}{category.pk}/")
        assert answer.status_code == 409
        assert answer.json()["error"]["code"] == "in_use"
    assert KnowledgeCategory.objects.count() == 3


def test_engineers_and_requesters_do_not_change_categories(client_for, engineer_wang, nurse_li):
    category = KnowledgeCategory.objects.create(code="c", name="打印")
    for person in (engineer_wang, nurse_li):
        client = client_for(person)
        assert client.post(CATEGORIES, {"name": "x"}, format="json").status_code == 403
        patch = client.patch(f"{CATEGORIES}{category.pk}/", {"name": "x"}, format="json")
        assert patch.status_code == 403
        assert client.delete(f"{CATEGORIES}{category.pk}/").status_code == 403


# --- known errors -----------------------------------------------------------------------------


def test_an_article_links_known_errors_and_shows_their_numbers(
    client_for, engineer_wang, make_ticket
):
    problem = make_ticket(kind="problem", title="打印服务器队列堵塞", submitted_by=engineer_wang)
    incident = make_ticket()
    engineer = client_for(engineer_wang)
    article = write(engineer_wang)
    saved = engineer.patch(f"{ARTICLES}{article.pk}/", {"problems": [problem.pk]}, format="json")
    assert saved.json()["problem_details"] == [
        {
            "id": problem.pk,
            "number": problem.number,
            "title": problem.title,
            "status": problem.status,
        }
    ]
    refused = engineer.patch(f"{ARTICLES}{article.pk}/", {"problems": [incident.pk]}, format="json")
    assert refused.status_code == 400


# --- views ------------------------------------------------------------------------------------


def views(article: Article) -> int:
    article.refresh_from_db()
    return article.view_count


def test_a_reader_counts_once_an_hour_and_the_editor_never(
    client_for, engineer_wang, manager_zhao, nurse_li, agent_chen
):
    article = write(engineer_wang, manager_zhao)
    url = f"{ARTICLES}{article.pk}/"
    nurse = client_for(nurse_li)
    first = nurse.get(url).json()
    assert first["view_count"] == 1 and views(article) == 1
    nurse.get(url)
    assert views(article) == 1  # the same person within the hour
    client_for(agent_chen).get(url)
    assert views(article) == 2  # another person
    client_for(manager_zhao).get(url, {"edit": "true"})
    assert views(article) == 2  # the editor's fetch
    client_for(engineer_wang).get(url)
    assert views(article) == 2  # the author reading their own article


def test_a_reader_counts_again_after_an_hour(engineer_wang, manager_zhao, nurse_li, settings):
    from django.core.cache import cache

    article = write(engineer_wang, manager_zhao)
    assert services.article_viewed(article=article, user=nurse_li)
    assert not services.article_viewed(article=article, user=nurse_li)
    key = f"kb:viewed:{article.pk}:{nurse_li.pk}"
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        ttl = cache._cache.get_client().ttl(cache.make_key(key))
        assert services.VIEW_WINDOW_SECONDS - 5 <= ttl <= services.VIEW_WINDOW_SECONDS
    cache.delete(key)  # what the hour's expiry does
    assert services.article_viewed(article=article, user=nurse_li)
    assert views(article) == 2


def test_drafts_do_not_count_views(client_for, engineer_wang, manager_zhao):
    draft = write(engineer_wang)
    client_for(manager_zhao).get(f"{ARTICLES}{draft.pk}/")
    assert views(draft) == 0
