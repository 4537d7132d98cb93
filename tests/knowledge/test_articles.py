"""Writing articles: agents and admins draft and publish; every field is checked, naming the wrong one."""

import pytest

from dispatch.audit import AuditEvent
from dispatch.enums import ArticleStatus, Role
from dispatch.errors import Invalid
from dispatch.extensions import db
from dispatch.knowledge import services
from dispatch.knowledge.models import Article
from tests.support.queries import count

GOOD = {"slug": "boiler-pressure", "title": "Boiler pressure too low", "summary": "Top it up.",
        "body": "Look at the gauge.\n\nTop up to 1.5 bar.", "language": "nl", "category": "heating"}


def test_a_new_article_is_a_draft_until_published(app, make):
    agent = make.user(Role.AGENT)
    article = services.save_article(GOOD, agent.id)
    assert article.status == ArticleStatus.DRAFT and article.published_at is None
    services.save_article(GOOD | {"status": "published"}, agent.id, article)
    db.session.commit()
    assert article.published_at is not None and article.author_id == agent.id
    actions = [event.action for event in db.session.query(AuditEvent).filter_by(object_type="knowledge_articles")]
    assert actions == ["knowledge.article_created", "knowledge.article_changed"]


@pytest.mark.parametrize(("change", "field"), [
    ({"slug": "Not A Slug"}, "slug"), ({"slug": "a--b"}, "slug"), ({"slug": ""}, "slug"), ({"title": "  "}, "title"),
    ({"body": ""}, "body"), ({"language": "fr"}, "language"), ({"language": None}, "language"),
    ({"status": "archived"}, "status"), ({"title": "x" * 201}, "title"), ({"summary": "x" * 501}, "summary"),
    ({"category": "x" * 81}, "category"), ({"title": 12}, "title"),
])
def test_wrong_fields_are_named(app, change, field):
    with pytest.raises(Invalid) as refused:
        services.save_article(GOOD | change, None)
    assert field in refused.value.errors


def test_two_articles_cannot_share_an_address(app, make):
    make.article(slug="boiler-pressure")
    with pytest.raises(Invalid) as refused:
        services.save_article(GOOD, None)
    assert "slug" in refused.value.errors


def test_the_paragraphs_of_a_body(app):
    assert services.paragraphs("One\r\n\r\nTwo\nlines\n \n\n\nThree") == ["One", "Two\nlines", "Three"]


def test_an_agent_writes_and_publishes_an_article_in_the_back_office(client, pages):
    pages.login_as("agent")
    token = pages.token("/knowledge/new")
    created = client.post("/knowledge/new", data=GOOD | {"csrf_token": token, "status": "draft"})
    assert created.status_code == 302
    article = db.session.query(Article).one()
    assert article.status == ArticleStatus.DRAFT
    assert client.get("/help/boiler-pressure").status_code == 404
    assert "Boiler pressure too low" in client.get("/knowledge").get_data(as_text=True)

    published = client.post(f"/knowledge/{article.id}", data=GOOD | {"csrf_token": token, "status": "published"})
    assert published.status_code == 302
    assert client.get("/help/boiler-pressure").status_code == 200


def test_the_article_form_shows_errors_and_saves_nothing(client, pages):
    pages.login_as("admin")
    token = pages.token("/knowledge/new")
    response = client.post("/knowledge/new", data=GOOD | {"csrf_token": token, "slug": "Bad Slug!", "language": "xx"})
    assert response.status_code == 422
    assert count(Article) == 0


def test_the_list_filters_and_searches_drafts_too(client, pages, make):
    make.article(slug="one", title="Thermostat battery", status="draft", language="de")
    make.article(slug="two", title="Radiator noise", language="en")
    pages.login_as("agent")
    assert "Thermostat battery" in client.get("/knowledge?q=thermo").get_data(as_text=True)
    only_published = client.get("/knowledge?status=published").get_data(as_text=True)
    assert "Radiator noise" in only_published and "Thermostat battery" not in only_published
    assert "Radiator noise" not in client.get("/knowledge?language=de").get_data(as_text=True)
    assert client.get("/knowledge?q=%22%28&status=bogus&language=zz&page=x").status_code == 200


def test_unknown_articles_are_not_found(client, pages):
    pages.login_as("agent")
    assert client.get("/knowledge/999").status_code == 404


@pytest.mark.parametrize(("role", "status"), [("agent", 200), ("admin", 200), ("billing", 403), ("technician", 403)])
def test_who_may_write_articles(client, pages, role, status):
    pages.login_as(role)
    for path in ("/knowledge", "/knowledge/new", "/knowledge/questions"):
        assert client.get(path).status_code == status, path


def test_the_knowledge_link_is_in_the_navigation_of_agents_only(client, pages):
    pages.login_as("agent")
    assert 'href="/knowledge"' in client.get("/knowledge").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": pages.token("/knowledge")})
    pages.login_as("billing")
    assert 'href="/knowledge"' not in client.get("/invoices").get_data(as_text=True)


def test_a_wrong_change_is_shown_on_its_field_and_changes_nothing(client, pages, make):
    article = make.article(slug="boiler-pressure", title="Boiler pressure too low")
    pages.login_as("agent")
    token = pages.token(f"/knowledge/{article.id}")
    response = client.post(f"/knowledge/{article.id}",
                           data=GOOD | {"csrf_token": token, "slug": "Bad Slug!", "title": "Changed"})
    assert response.status_code == 422
    assert 'id="slug-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Article, article.id).slug == "boiler-pressure"
    assert db.session.get(Article, article.id).title == "Boiler pressure too low"


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_other_roles_may_neither_open_nor_change_an_article(client, pages, make, role):
    article = make.article(slug="boiler-pressure", title="Boiler pressure too low")
    pages.login_as(role)
    token = pages.token("/knowledge")
    assert client.get(f"/knowledge/{article.id}").status_code == 403
    assert client.post(f"/knowledge/{article.id}", data=GOOD | {"csrf_token": token, "title": "Changed"}).status_code \
        == 403
    assert client.post("/knowledge/new", data=GOOD | {"csrf_token": token, "slug": "new-one"}).status_code == 403
    assert count(Article) == 1 and count(Article, Article.title == "Boiler pressure too low") == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, make):
    article = make.article()
    for path in ("/knowledge", "/knowledge/new", f"/knowledge/{article.id}", "/knowledge/questions"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    assert client.post("/knowledge/new", data=GOOD).status_code == 400  # no session, no CSRF token
    assert count(Article) == 1
