from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hitsm.accounts.models import Department, User
from hitsm.accounts.roles import COMMAND_LINE_ROLES, Role, user_roles
from hitsm.accounts.services import user_create, user_set_password, user_set_roles, user_update
from hitsm.core.context import acting_as
from hitsm.core.errors import ValidationFailed


class Command(BaseCommand):
    help = (
        "Create or update a user from the command line (first admin, scripted set-ups). The "
        "auditor and security-officer roles (三员分立) are appointed only here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="checked against the password policy")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--department", help="department code")
        parser.add_argument("--role", action="append", choices=Role.values, default=[])
        parser.add_argument("--title", default="")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        department = None
        if options["department"]:
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise CommandError(f"no department with code {options['department']!r}")
        try:
            with acting_as(label="command:hitsm_user"):
                user = User.objects.filter(username=options["username"]).first()
                if user is None:
                    user = user_create(
                        username=options["username"],
                        display_name=options["display_name"],
                        password=options["password"],
                        department=department,
                        title=options["title"],
                    )
                    verb = "created"
                else:
                    changes: dict[str, Any] = {}
                    if options["display_name"]:
                        changes["display_name"] = options["display_name"]
                    if department is not None:
                        changes["department"] = department
                    if options["title"]:
                        changes["title"] = options["title"]
                    user_update(user=user, **changes)
                    if options["password"]:
                        user_set_password(user=user, new_password=options["password"])
                    verb = "updated"
                if options["role"]:
                    user_set_roles(user=user, roles=options["role"])
                if options["superuser"] and user_roles(user) & COMMAND_LINE_ROLES:
                    raise CommandError(
                        "an auditor or security officer cannot be a superuser (三员分立)"
                    )
                if options["superuser"] and not user.is_superuser:
                    user.is_superuser = user.is_staff = True
                    user.save(update_fields=["is_superuser", "is_staff"])
        except ValidationFailed as exc:
            raise CommandError(f"{exc.message}: {exc.fields}") from exc
        self.stdout.write(self.style.SUCCESS(f"User {user.username} {verb}."))
