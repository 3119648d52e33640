from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def health(request):
    """For load balancers and uptime checks: the app is up and answering."""
    return HttpResponse("ok", content_type="text/plain")
