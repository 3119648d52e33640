"""Authentication: the user and their roles come from the database in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connection

from courses.platform.access import ROLES


class RoleAwareBackend(ModelBackend):
    """ModelBackend, but loading the user's roles with the user: every page needs both.

    The query is written out because it runs on every request, and building the equivalent
    ORM query cost more than running it.
    """

    def get_user(self, user_id):
        User = get_user_model()
        aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        users = User._meta.db_table
        links = User.groups.through._meta.db_table
        groups = Group._meta.db_table
        placeholders = ", ".join(["%s"] * len(ROLES))
        sql = (
            f"SELECT u.*, (SELECT {aggregate}(g.name, ',') FROM {links} ug "
            f"JOIN {groups} g ON g.id = ug.group_id "
            f"WHERE ug.user_id = u.id AND g.name IN ({placeholders})) AS role_list "
            f"FROM {users} u WHERE u.id = %s"
        )
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:  # a tampered or stale session value is no user
            return None
        user = next(iter(User.objects.raw(sql, [*ROLES, pk])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._callready_roles = frozenset(filter(None, (user.role_list or "").split(",")))
        return user
