"""Authentication: each request's user comes from the database with their roles, in one query."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from courses.platform.access import with_roles


@cache
def _users_with_roles():
    # Built once per process: building the roles subquery cost three times running it, and
    # this runs on every request. Each lookup filters a copy; this one is never evaluated.
    return with_roles(get_user_model()._default_manager.all())


class RoleAwareBackend(ModelBackend):
    """ModelBackend, but loading the user with their roles (`access.with_roles`): every page
    checks them, and this way the checks cost no query of their own."""

    def get_user(self, user_id):
        try:
            user = _users_with_roles().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
