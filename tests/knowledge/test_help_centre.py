"""The public help centre: published articles only, in the visitor's language, searchable with any input."""

import pytest

from dispatch.extensions import db
from dispatch.knowledge.models import Article
from tests.support.csrf import csrf_token_from
from tests.support.queries import count


def test_anonymous_visitors_find_published_articles_but_never_drafts(client, make):
    make.article(slug="low-pressure", title="Boiler pressure too low", language="en")
    make.article(slug="secret-draft", title="Boiler recall internal notes", language="en", status="draft")

    page = client.get("/help?q=boiler&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Boiler pressure too low" in text and "recall" not in text
    assert client.get("/help/low-pressure").status_code == 200
    assert client.get("/help/secret-draft").status_code == 404


def test_a_published_article_goes_when_it_is_withdrawn(client, make):
    from dispatch.knowledge import services

    article = make.article(slug="withdrawn", title="Radiator bleeding")
    services.save_article({"slug": "withdrawn", "title": "Radiator bleeding", "body": article.body,
                           "language": "en", "status": "draft"}, None, article)
    db.session.commit()
    assert client.get("/help/withdrawn").status_code == 404
    assert "Radiator bleeding" not in client.get("/help?q=radiator&lang=en").get_data(as_text=True)


def test_search_shows_the_articles_of_the_visitors_language(client, make):
    make.article(slug="druck", title="Heizung Druck zu niedrig", language="de")
    make.article(slug="druk", title="Ketel druk te laag", language="nl")
    make.article(slug="pressure", title="Boiler pressure too low", language="en")

    german = client.get("/help?lang=de").get_data(as_text=True)
    dutch = client.get("/help", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).get_data(as_text=True)
    assert "Heizung Druck" in german and "Ketel druk" not in german and "Boiler pressure" not in german
    assert "Ketel druk" in dutch and "Heizung Druck" not in dutch
    assert 'lang="nl"' in dutch  # the page itself is in Dutch too


@pytest.mark.parametrize("query", ['"', "'", '"boiler', "boiler*", "NEAR(boiler pressure)", "boiler OR", "AND",
                                   "-boiler", "^boiler", "title:boiler", "{boiler}", "(((", "*", ":*", "&|!",
                                   "", "   ", "x" * 500, "Störung", "ketel\u0000", "%_", "\\"])
def test_any_search_input_answers_without_a_server_error(client, make, query):
    make.article(slug="pressure", title="Boiler pressure too low", language="en")
    response = client.get("/help", query_string={"q": query, "lang": "en"})
    assert response.status_code == 200


def test_search_words_match_as_words_not_as_syntax(client, make):
    make.article(slug="pressure", title="Boiler pressure too low", language="en")
    make.article(slug="noise", title="Radiator makes noise", language="en")

    found = client.get("/help", query_string={"q": 'boiler" OR "radiator', "lang": "en"}).get_data(as_text=True)
    assert "Radiator makes noise" not in found  # "or" is just a word: no article has all three
    prefix = client.get("/help", query_string={"q": "press", "lang": "en"}).get_data(as_text=True)
    assert "Boiler pressure too low" in prefix  # the last word is still being typed


def test_words_with_diacritics_are_found(client, make):
    make.article(slug="stoerung", title="Störung der Heizung", language="de")
    assert "Störung der Heizung" in client.get("/help?q=Störung&lang=de").get_data(as_text=True)
    # SQLite's FTS5 index folds diacritics; PostgreSQL's index reads the text through unaccent() (0012).
    assert "Störung der Heizung" in client.get("/help?q=storung&lang=de").get_data(as_text=True)


def test_a_word_with_a_sharp_s_is_found_as_typed(client, make):
    make.article(slug="strasse", title="Anfahrt über die Hauptstraße", language="de")
    assert "Hauptstraße" in client.get("/help?q=Hauptstraße&lang=de").get_data(as_text=True)
    suggested = client.get("/api/v1/knowledge/suggestions?q=Hauptstraße&lang=de").json["items"]
    assert [item["url"] for item in suggested] == ["/help/strasse"]


def test_the_body_is_escaped_text_in_paragraphs(client, make):
    make.article(slug="html", title="<b>Bold</b> title", language="en",
                 body="First <script>alert(1)</script> para.\n\nSecond para\nwith a line break.")
    text = client.get("/help/html").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text
    assert "<p>Second para<br>with a line break.</p>" in text


def test_public_pages_carry_the_strict_content_security_policy(client, make):
    make.article(slug="pressure")
    for path in ("/help", "/help/pressure"):
        assert "script-src 'self'" in client.get(path).headers["Content-Security-Policy"]


def test_a_visitor_counts_as_helpful_once(client, make):
    article = make.article(slug="pressure")
    token = csrf_token_from(client.get("/help/pressure"))
    first = client.post("/help/pressure/helpful", data={"csrf_token": token})
    again = client.post("/help/pressure/helpful", data={"csrf_token": token})
    assert first.status_code == 303 and again.status_code == 303
    assert count(Article, Article.id == article.id, Article.helpful_votes == 1) == 1
    assert "Thank you for your feedback." in client.get("/help/pressure").get_data(as_text=True)


def test_a_vote_without_the_form_token_is_not_counted(client, make):
    article = make.article(slug="pressure")
    response = client.post("/help/pressure/helpful", data={})
    assert response.status_code in (400, 303)
    assert count(Article, Article.id == article.id, Article.helpful_votes == 0) == 1


def test_votes_are_rate_limited(app, client, make):
    app.config["KNOWLEDGE_VOTE_RATE_LIMIT"] = "2 per minute"
    make.article(slug="pressure")
    token = csrf_token_from(client.get("/help/pressure"))
    answers = [client.post("/help/pressure/helpful", data={"csrf_token": token}).status_code for _ in range(3)]
    assert answers == [303, 303, 429]


def test_votes_on_drafts_or_unknown_articles_are_not_found(client, make):
    make.article(slug="draft", status="draft")
    make.article(slug="published")
    token = csrf_token_from(client.get("/help/published"))
    assert client.post("/help/draft/helpful", data={"csrf_token": token}).status_code == 404
    assert client.post("/help/nothing/helpful", data={"csrf_token": token}).status_code == 404


def test_search_pages_are_bounded(client, make):
    for n in range(23):
        make.article(slug=f"boiler-{n}", title=f"Boiler question {n}")
    first = client.get("/help?q=boiler&lang=en").get_data(as_text=True)
    second = client.get("/help?q=boiler&lang=en&page=2").get_data(as_text=True)
    assert first.count("Boiler question") == 20 and 'rel="next"' in first
    assert second.count("Boiler question") == 3
    assert client.get("/help?q=boiler&page=-5").status_code == 200
    assert client.get("/help?q=boiler&page=abc").status_code == 200
    assert client.get("/help?q=boiler&page=99999999999999999999").status_code == 200
