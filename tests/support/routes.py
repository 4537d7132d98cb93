"""The app's URL map as tests walk it: API endpoints, back-office pages, and paths with made-up ids."""

from __future__ import annotations

import re

# Endpoints anyone may call: they declare no roles.
PUBLIC_API = {"api_auth.create_token", "api-docs.openapi_json", "api_knowledge.suggestions",
              "api_mailbox.receive_inbound_mail"}  # for mail services, by its own token (tests/desk/mailbox)


def api_rules(app) -> list:
    """Every /api/ rule but the public ones."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") and rule.endpoint not in PUBLIC_API]


def page_rules(app):
    """(method, rule, roles) of every back-office page that checks roles."""
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        if roles and not rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule, roles


def concrete(rule) -> str:
    """The rule's path with every id set to one that does not exist, and every ``any(...)`` to its first choice."""
    path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda match: match.group(1).strip(), rule.rule)
    return re.sub(r"<(?:int:)?[^>]+>", "999999", path)
