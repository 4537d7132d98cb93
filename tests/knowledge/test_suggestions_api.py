"""GET /api/v1/knowledge/suggestions: public, rate limited, at most five published articles in a language."""

import pytest


def test_anonymous_callers_get_at_most_five_published_articles(client, make):
    for n in range(7):
        make.article(slug=f"boiler-{n}", title=f"Boiler pressure {n}", language="nl")
    make.article(slug="draft", title="Boiler draft", language="nl", status="draft")
    make.article(slug="english", title="Boiler in English", language="en")

    response = client.get("/api/v1/knowledge/suggestions?q=ketel%20boiler&lang=nl")
    assert response.status_code == 200
    items = response.json["items"]
    assert len(items) == 5
    assert set(items[0]) == {"id", "title", "summary", "url"}
    assert all(item["title"].startswith("Boiler pressure") for item in items)
    assert items[0]["url"].startswith("/help/boiler-")


def test_the_last_word_matches_as_it_is_being_typed(client, make):
    make.article(slug="thermostat", title="Thermostat shows an error", language="en")
    assert [item["title"] for item in client.get("/api/v1/knowledge/suggestions?q=my%20thermos&lang=en")
            .json["items"]] == ["Thermostat shows an error"]


def test_the_language_defaults_to_the_browsers(client, make):
    make.article(slug="de", title="Heizung fällt aus", language="de")
    response = client.get("/api/v1/knowledge/suggestions?q=heizung", headers={"Accept-Language": "de-DE"})
    assert [item["title"] for item in response.json["items"]] == ["Heizung fällt aus"]
    assert client.get("/api/v1/knowledge/suggestions?q=heizung&lang=en").json["items"] == []


@pytest.mark.parametrize("query", ["", " ", '"', "*", "NEAR(", "a OR b", "'; drop table x; --", "😀", "&|!:*"])
def test_odd_input_gives_an_answer_not_an_error(client, make, query):
    make.article(slug="pressure", title="Boiler pressure", language="en")
    response = client.get("/api/v1/knowledge/suggestions", query_string={"q": query, "lang": "en"})
    assert response.status_code == 200 and isinstance(response.json["items"], list)


@pytest.mark.parametrize(("query", "field"), [({"lang": "fr"}, "lang"), ({"q": "x" * 201}, "q")])
def test_bad_parameters_are_named(client, query, field):
    response = client.get("/api/v1/knowledge/suggestions", query_string=query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in str(response.json["errors"])


def test_suggestions_are_rate_limited(app, client):
    app.config["KNOWLEDGE_SUGGESTIONS_RATE_LIMIT"] = "3 per minute"
    answers = [client.get("/api/v1/knowledge/suggestions?q=boiler&lang=en").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert client.get("/api/v1/knowledge/suggestions?q=boiler").mimetype == "application/problem+json"
