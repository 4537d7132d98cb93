"""Wrong query arguments on the technicians API are 422 naming the argument."""

import pytest


@pytest.mark.parametrize("since", ["yesterday", "2026-12-01T09:00:00"])  # not a moment; no offset
def test_a_wrong_since_is_422_naming_it(api, make, since):
    technician = make.user("technician")
    response = api.as_user(make.user("agent")).get(f"technicians/{technician.id}/absences",
                                                   query_string={"since": since})
    assert response.status_code == 422 and "since" in str(response.json["errors"]), response.json
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("query", "name"), [({"limit": "many"}, "limit"), ({"limit": "0"}, "limit"),
                                             ({"cursor": "not-a-cursor"}, "cursor")])
def test_a_wrong_page_argument_is_4xx_naming_it(api, make, query, name):
    response = api.as_user(make.user("agent")).get("technicians", query_string=query)
    assert 400 <= response.status_code < 500 and name in str(response.json), response.json
    assert response.mimetype == "application/problem+json"
