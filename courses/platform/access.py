"""Who may do what. Every view is guarded here, one decorator per audience.

Roles are groups (Rep, Manager, Compliance), created by a data migration. A manager's reach is
the members of the teams they manage; compliance sees everyone; administrators use the admin.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

REP = "Rep"
MANAGER = "Manager"
COMPLIANCE = "Compliance"
ROLES = (REP, MANAGER, COMPLIANCE)


def role_names(user) -> frozenset[str]:
    """The user's role names, loaded with the user (backends.RoleAwareBackend) or looked up
    once and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_callready_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._callready_roles = cached
    return cached


def is_manager(user) -> bool:
    return MANAGER in role_names(user)


def is_compliance(user) -> bool:
    return COMPLIANCE in role_names(user)


def _requires(check):
    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


manager_required = _requires(is_manager)
compliance_required = _requires(is_compliance)


def is_overseer(user) -> bool:
    """Managers and compliance officers: people who look at other people's training."""
    return is_manager(user) or is_compliance(user)


overseer_required = _requires(is_overseer)


def visible_people(user):
    """The people whose training `user` may see: everyone for compliance, else team members."""
    people = get_user_model().objects.all()
    if is_compliance(user):
        return people
    if is_manager(user):
        return people.filter(memberships__team__managers=user).distinct()
    return people.none()
