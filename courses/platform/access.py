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

# The attribute the request's user carries: their role names, comma-separated ("" for none).
ROLE_LIST = "role_list"


def roles_of(user) -> frozenset[str]:
    """The user's role names, as the database holds them now.

    A request's user is loaded with their roles (backends.RoleAwareBackend), so every check on
    a page reads the roles it came with, at no further query; any other user is looked up.
    """
    if not user.is_authenticated:
        return frozenset()
    listed = getattr(user, ROLE_LIST, None)
    if listed is None:
        return frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    return frozenset(name for name in listed.split(",") if name)


def is_manager(user) -> bool:
    return MANAGER in roles_of(user)


def is_compliance(user) -> bool:
    return COMPLIANCE in roles_of(user)


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


def landing(user) -> str:
    """The URL name of the page a person starts on after logging in: the work waiting for
    their role. A compliance officer's review queue comes before a manager's dashboard (a
    decision waits on them); anyone else starts on their own training."""
    roles = roles_of(user)
    if COMPLIANCE in roles:
        return "compliance:queue"
    if MANAGER in roles:
        return "team:dashboard"
    return "learner:home"


def visible_people(user):
    """The people whose training `user` may see: everyone for compliance, else team members."""
    people = get_user_model().objects.all()
    roles = roles_of(user)
    if COMPLIANCE in roles:
        return people
    if MANAGER in roles:
        return people.filter(memberships__team__managers=user).distinct()
    return people.none()
