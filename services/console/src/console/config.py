"""The console's settings: where the four services answer, the identity provider, the session key."""

from typing import ClassVar

from pydantic import SecretStr, model_validator

from common.settings import DEV_JWT_SECRET, CommonSettings

DEV_SESSION_KEY = "dev-only-console-session-key-change-me-0123456789"


class ConsoleSettings(CommonSettings):
    # The console reads no identifier itself: it holds no PII key (the services decrypt what they show).
    pii_keys: ClassVar[tuple[str, ...]] = ()

    service_name: str = "console"
    intake_url: str = "http://127.0.0.1:8001"
    screening_url: str = "http://127.0.0.1:8002"
    assistance_url: str = "http://127.0.0.1:8003"
    ledger_url: str = "http://127.0.0.1:8004"
    upstream_timeout_s: float = 30.0

    # Signs the session cookie (the person's token and CSRF secret); refused at its default outside development.
    console_session_key: SecretStr = SecretStr(DEV_SESSION_KEY)
    # A working day at most, as the tokens themselves (docs/identity.md).
    session_max_age_s: int = 8 * 3600

    # OpenID Connect, authorization code with PKCE (the provider's endpoints; for Keycloak
    # <realm>/protocol/openid-connect/auth and .../token). Unset: only the development sign-in, in development.
    oidc_authorization_endpoint: str | None = None
    oidc_token_endpoint: str | None = None
    oidc_client_id: str = "safetynet-console"
    # Where the provider sends the browser back: this console's /signin/callback as the browser reaches it.
    oidc_redirect_uri: str = "http://127.0.0.1:8005/signin/callback"
    oidc_scope: str = "openid"

    @property
    def development(self) -> bool:
        return self.environment in ("development", "test")

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_authorization_endpoint and self.oidc_token_endpoint)

    @model_validator(mode="after")
    def _refuse_dev_secrets(self) -> "ConsoleSettings":
        # The console's own check replaces the services': it needs no database, broker or PII keys, but the
        # same token keys, a session key of its own, and an identity provider to sign in with.
        if self.environment == "production":
            if self.jwt_algorithm == "HS256" and self.jwt_secret == DEV_JWT_SECRET:
                raise ValueError("JWT_SECRET must be set outside development")
            if self.jwt_algorithm != "HS256" and not (self.jwt_public_key or self.jwt_jwks_url):
                raise ValueError("JWT_JWKS_URL (or JWT_PUBLIC_KEY, or JWT_PUBLIC_KEY_FILE) must be set")
            if self.console_session_key.get_secret_value() == DEV_SESSION_KEY:
                raise ValueError("CONSOLE_SESSION_KEY must be set outside development")
            if not self.oidc_configured:
                raise ValueError("OIDC_AUTHORIZATION_ENDPOINT and OIDC_TOKEN_ENDPOINT must be set outside development")
        return self


settings = ConsoleSettings()
