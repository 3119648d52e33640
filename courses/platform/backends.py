"""Authentication: each request's user comes from the database with their roles, in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from courses.platform.access import with_roles


class RoleAwareBackend(ModelBackend):
    """ModelBackend, but loading the user with their roles (`access.with_roles`): every page
    checks them, and this way the checks cost no query of their own."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = with_roles(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
