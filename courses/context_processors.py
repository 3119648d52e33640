from .access import is_compliance, is_manager


def roles(request):
    user = request.user
    return {
        "is_manager": is_manager(user),
        "is_compliance": is_compliance(user),
    }
