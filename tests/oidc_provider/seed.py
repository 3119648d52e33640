"""Sets the test provider's people and clients, from a JSON document on the command line:

    {"users": [{"username", "password", "groups", "first_name", "last_name", "email"}],
     "clients": [{"client_id", "client_secret", "redirect_uri", "name"}]}

A user's groups become exactly the ones listed. Run with the provider's settings.
"""

import json
import sys

import django


def main(document: dict) -> None:
    django.setup()
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    for spec in document.get("users", []):
        user, _ = User.objects.get_or_create(username=spec["username"])
        user.first_name = spec.get("first_name", "")
        user.last_name = spec.get("last_name", "")
        user.email = spec.get("email", "")
        user.set_password(spec["password"])
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in spec["groups"]])
    for spec in document.get("clients", []):
        Application.objects.filter(client_id=spec["client_id"]).delete()
        Application.objects.create(
            name=spec["name"],
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            redirect_uris=spec["redirect_uri"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
