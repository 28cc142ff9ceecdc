"""A province's identity provider, for the single sign-on tests: a separate Django site running
django-oidc-provider in its own process, with its own database, accounts and cookies."""
