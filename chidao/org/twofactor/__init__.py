"""Two-factor sign-in (xác thực hai lớp): a code from an authenticator app after the password.

A person turns it on by scanning a QR code into any TOTP app (``setup``); ten single-use
recovery codes stand in for a lost phone. The roles in ``CHIDAO_TWO_FACTOR_REQUIRED_ROLES``
(committee leaders, Office leaders, administrators by default) must turn it on at their first
sign-in; the admin site asks for it of everyone (``CHIDAO_TWO_FACTOR_ADMIN_SITE``). Devices and
their throttling come from django-otp; the rules of who must and when are here.
"""
