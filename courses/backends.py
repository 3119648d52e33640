"""Authentication: the user and their roles come from the database in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, StringAgg, Value

from .access import ROLES


class RoleAwareBackend(ModelBackend):
    """ModelBackend, but loading the user's roles with the user: every page needs both."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.filter(pk=user_id)
            .annotate(
                role_list=StringAgg(
                    "groups__name",
                    delimiter=Value(","),
                    filter=Q(groups__name__in=ROLES),
                    default=Value(""),
                )
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._callready_roles = frozenset(filter(None, user.role_list.split(",")))
        return user
