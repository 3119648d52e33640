from django.urls import reverse

from courses.platform.access import is_compliance, is_manager


def navigation_urls() -> dict[str, str]:
    """The addresses the navigation links to."""
    names = {
        "home": "learner:home",
        "catalogue": "learner:catalogue",
        "team": "team:dashboard",
        "assignments": "team:assignments",
        "insights": "insights:quizzes",
        "rules": "rules:list",
        "compliance": "compliance:queue",
        "admin": "admin:index",
        "password_change": "password_change",
        "logout": "logout",
    }
    return {key: reverse(name) for key, name in names.items()}


def roles(request):
    user = request.user
    return {
        "is_manager": is_manager(user),
        "is_compliance": is_compliance(user),
        "urls": navigation_urls(),
    }
