"""Accounts and the client registration of the test identity provider: run inside its settings
with ``python -m chidao.org.tests.identity_provider.populate REDIRECT_URI``."""

import sys

import django


def main(redirect_uri: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from oidc_provider.models import Client, ResponseType

    User.objects.create_user("leader", "leader@tinh.gov.vn", "mat-khau-cong-vu")
    User.objects.create_user("stranger", "stranger@tinh.gov.vn", "mat-khau-cong-vu")
    client = Client.objects.create(
        name="Chỉ đạo",
        client_type="confidential",
        client_id="chidao",
        client_secret="bi-mat-cua-chidao",
        jwt_alg="RS256",
        require_consent=False,
        redirect_uris=[redirect_uri],
        scope=["openid", "email", "profile"],
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(sys.argv[1])
