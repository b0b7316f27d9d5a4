from __future__ import annotations

import factory
from django.utils import timezone

from hitsm.accounts.models import Department, DepartmentKind, User

PASSWORD = "Test@Hitsm2026"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"科室{n}")
    code = factory.Sequence(lambda n: f"D{n:04d}")
    kind = DepartmentKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            from hitsm.accounts.services import user_set_roles

            user_set_roles(user=self, roles=list(extracted))
