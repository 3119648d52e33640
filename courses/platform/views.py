from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.views.decorators.http import require_GET

from courses.platform.access import landing
from courses.platform.forms import LoginForm
from courses.platform.oidc import enabled as single_sign_on
from courses.platform.oidc import password_login_for_everyone


class RoleLoginView(LoginView):
    """The login page; without a `next` address, a person lands on their role's page."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            single_sign_on=single_sign_on(),
            password_login=password_login_for_everyone(),
        )

    def get_default_redirect_url(self):
        if self.next_page:
            return resolve_url(self.next_page)
        return resolve_url(landing(self.request.user))


@login_not_required
@require_GET
def health(request):
    """For load balancers and uptime checks: the app is up and answering."""
    return HttpResponse("ok", content_type="text/plain")
