from axes.helpers import get_client_ip_address
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from courses.platform.access import landing
from courses.platform.forms import LoginForm, PasswordResetForm
from courses.platform.language import language_choose, offered
from courses.platform.oidc import enabled as single_sign_on
from courses.platform.oidc import password_login_for_everyone
from courses.platform.resets import password_reset_admit


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


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset page, with its requests rate limited per client address and per
    email address (`platform.resets`). Over a limit, the form comes back with a 429 and no email
    goes out; the words are the same whether or not an account has the address. Its email is
    written in the person's language, and under OIDC_ONLY goes to administrators only."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        address = get_client_ip_address(self.request)
        if not password_reset_admit(address=address, email=form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "There have been too many requests to reset a password from your "
                    "connection or for that email address. Please try again in an hour."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@login_not_required
@require_POST
def choose_language(request):
    """The language chooser: Django's language view (the cookie, back to the page it was chosen
    on), and for a signed-in person the stored choice, so it follows them to other browsers."""
    language = request.POST.get("language")
    if not offered(language):
        return HttpResponseBadRequest(
            _("That language is not offered. Choose English or Suomi."),
            content_type="text/plain; charset=utf-8",
        )
    if request.user.is_authenticated:
        language_choose(user=request.user, language=language)
    return set_language(request)


@login_not_required
@require_GET
def health(request):
    """For load balancers and uptime checks: the app is up and answering."""
    return HttpResponse("ok", content_type="text/plain")
