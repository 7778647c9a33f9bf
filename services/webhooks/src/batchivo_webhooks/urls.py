"""The URL policy of this process: the pure checks of ``ssrf`` with the environment's settings and a
resolver (the system's; tests may pass a stub)."""

from __future__ import annotations

from dataclasses import dataclass, field

from batchivo_common.errors import AppError

from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.ssrf import (
    IpAddress,
    Resolver,
    UrlRefused,
    UrlShape,
    check_url_shape,
    resolve_checked,
    system_resolver,
)


class WebhookUrlRefused(AppError):
    status_code = 422
    code = "WEBHOOK_URL_REFUSED"


@dataclass(frozen=True)
class UrlPolicy:
    production: bool
    allow_private_hosts: frozenset[str] = frozenset()
    resolver: Resolver = field(default=system_resolver)

    @classmethod
    def of(cls, settings: WebhooksSettings, resolver: Resolver | None = None) -> UrlPolicy:
        return cls(
            production=settings.environment == "prod",
            allow_private_hosts=frozenset(settings.allow_private_hosts),
            resolver=resolver or system_resolver,
        )

    async def resolve(self, url: str) -> tuple[UrlShape, IpAddress]:
        """The URL's shape and the checked address to connect to (raises ``ssrf.UrlRefused``)."""
        shape = check_url_shape(url, production=self.production, allow_private_hosts=self.allow_private_hosts)
        return shape, await resolve_checked(shape, self.resolver)

    async def check_for_api(self, url: str) -> None:
        """The registration-time check, as a 422 with the reason's code."""
        try:
            await self.resolve(url)
        except UrlRefused as refused:
            raise WebhookUrlRefused(refused.detail, code=refused.code) from None
