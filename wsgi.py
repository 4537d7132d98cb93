"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from dispatch import create_app

app = create_app()
