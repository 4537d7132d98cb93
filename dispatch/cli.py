"""Flask CLI commands: ``flask --app dispatch users create``, ``demo``, ``tasks sweep``, ``worker``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from dispatch.enums import Role
from dispatch.errors import DomainError
from dispatch.extensions import db

users = AppGroup("users", help="Manage users.")
tasks_group = AppGroup("tasks", help="Background tasks.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--language", type=click.Choice(["en", "nl", "de"]), default="en")
def create_user_command(email: str, role: str, name: str, password: str, language: str) -> None:
    """Create a user with a role."""
    from dispatch.auth.services import create_user
    from dispatch.scheduling.services import ensure_technician_profile

    try:
        user = create_user(email, name, Role(role), password, language)
        if user.role == Role.TECHNICIAN:
            ensure_technician_profile(user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.detail} {error.errors}") from error
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("demo")
def demo_command() -> None:
    """Load demo data into an empty database and print a login for each role."""
    from dispatch.demo import DEMO_PASSWORD, database_is_empty, existing_logins, load_demo

    if database_is_empty():
        logins = load_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    else:
        logins = existing_logins()
        click.echo("The database already holds data; demo data not loaded.")
        if not logins:
            return
    click.echo("Sign in at http://127.0.0.1:5000 with:")
    for role, email in logins.items():
        click.echo(f"  {role:<11} {email:<28} password: {DEMO_PASSWORD}")


@tasks_group.command("sweep")
def sweep_command() -> None:
    """Dispatch background tasks that were recorded but never ran."""
    from dispatch.tasks import sweep

    click.echo(f"Dispatched {sweep()} pending task(s).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run an RQ worker for this app's queue (needs REDIS_URL)."""
    from rq import SimpleWorker

    from dispatch.tasks import redis_connection

    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("REDIS_URL is not set: tasks run in-process, no worker is needed.")
    worker = SimpleWorker(["default"], connection=redis_connection(current_app))
    worker.work(burst=burst, with_scheduler=True)  # the scheduler runs the delayed retries


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (users, tasks_group, demo_command, worker_command):
        app.cli.add_command(command)
