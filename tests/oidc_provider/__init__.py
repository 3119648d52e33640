"""A real OpenID Connect provider for the single sign-on tests: a small Django project of its
own (django-oauth-toolkit with OIDC on), run in a subprocess on loopback by `server.Provider`."""

# A client registered under this name is a provider that mixes audiences up: its ID tokens
# name another client as their audience.
MIXED_UP = "mixed-up audience"
OTHER_AUDIENCE = "some-other-application"
