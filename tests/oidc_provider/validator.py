"""The claims the test provider puts in ID tokens and userinfo: names, email, and `groups`
(the provider's own Django groups of the user)."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider import MIXED_UP, OTHER_AUDIENCE


class ClaimsValidator(OAuth2Validator):
    # Every claim below is given for the scopes the site asks (openid email profile).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        claims = {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": user.get_full_name(),
            "email": user.email,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        if request.client.name == MIXED_UP:
            claims["aud"] = OTHER_AUDIENCE
        return claims
