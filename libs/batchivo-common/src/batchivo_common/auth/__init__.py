"""Access tokens: issuing (auth service, tests), verifying (every service and the gateway), roles."""

from batchivo_common.auth.tokens import (
    ALGORITHM,
    JwksKeySource,
    KeySource,
    Principal,
    Role,
    SigningKey,
    StaticKeySource,
    TokenCache,
    TokenIssuer,
    TokenVerifier,
)

__all__ = [
    "ALGORITHM",
    "JwksKeySource",
    "KeySource",
    "Principal",
    "Role",
    "SigningKey",
    "StaticKeySource",
    "TokenCache",
    "TokenIssuer",
    "TokenVerifier",
]
