"""Where the gateway's `notify` messages may go: nowhere unless a deployment says so.

A subscriber names its own notify URI, and intake then POSTs households' statuses and risks there from
inside the network: an open target is a server-side request forgery (the cloud's metadata service, the
database's port, an admin page on the loopback). So a target must pass three checks, at subscribe time and
again at each delivery (a name's addresses change, and subscriptions older than the rules were never checked):

- its scheme is https (plain http only in development, or where REGISTRY_NOTIFY_HTTP allows it);
- its host is one of REGISTRY_NOTIFY_HOSTS (empty: none), written canonically (no numeric forms such as
  `0x7f000001`, `2130706433` or `017700000001`, which resolvers read as 127.0.0.1);
- every address the host resolves to is a public one: loopback, link-local (the metadata services),
  private, shared (CGNAT, Alibaba Cloud's metadata at 100.100.100.200), multicast, unspecified and reserved
  addresses, and IPv6 forms that embed them, are refused unless REGISTRY_NOTIFY_ADDRESSES names them.

The connection then goes to the address that was checked (the name is sent as Host and as TLS SNI, and the
certificate is verified against it), so a second resolution cannot swap it; redirects are not followed.
"""

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from common.errors import ValidationFailed
from intake.config import canonical_host, settings

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Forms of an IPv4 address that `inet_aton` (and so many resolvers and HTTP clients) accept besides the
# dotted quad: one to four parts, each decimal, octal (leading 0) or hexadecimal (0x).
_NUMERIC = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$")
# IPv6 prefixes that carry an IPv4 address a gateway would reach: NAT64's well-known prefix and its local-use one.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# The resolver every check uses; a test replaces it to make a name resolve to what it needs.
resolve: Resolver = system_resolve


class NotifyTargetRefused(ValidationFailed):
    slug, title = "notify-target-refused", "The notify URI is not a target notifications may go to"
    title_zh = "通知地址不在允许范围内"

    @classmethod
    def because(cls, message: str, zh: str) -> "NotifyTargetRefused":
        error = {"field": "header.sender_uri", "message": message, "type": "value_error", "message_zh": zh}
        return cls(message, zh=zh, errors=[error])


class Unresolved(Exception):
    """The host's name did not resolve now: at delivery, tried again later like a subscriber that does not answer."""


@dataclass(frozen=True)
class Target:
    """A checked notify URI: the URL to connect to (the checked address), and what names the host to it."""

    url: httpx.URL
    headers: dict[str, str]
    extensions: dict[str, Any] = field(default_factory=dict)


def _scheme_allowed(scheme: str) -> bool:
    return scheme == "https" or (
        scheme == "http" and (settings.environment == "development" or settings.registry_notify_http)
    )


def _host_of(uri: str) -> tuple[httpx.URL, str]:
    """The URI parsed and its host as the allow-list compares it, or refused for its form."""
    try:
        url = httpx.URL(uri)
    except (httpx.InvalidURL, ValueError) as e:
        raise NotifyTargetRefused.because(f"not a URL: {e}", "通知地址不是有效的网址") from e
    if not _scheme_allowed(url.scheme):
        raise NotifyTargetRefused.because(
            f"the scheme {url.scheme!r} is not allowed: notifications go over https",
            "通知地址须使用 https 协议",
        )
    if url.userinfo:
        raise NotifyTargetRefused.because("a notify URI carries no credentials", "通知地址中不得包含用户名或密码")
    host = url.host.lower().rstrip(".")
    if not host or "%" in host:
        raise NotifyTargetRefused.because("the notify URI names no usable host", "通知地址缺少有效的主机名")
    if _NUMERIC.match(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            try:
                meant = socket.inet_ntoa(socket.inet_aton(host))
            except OSError:
                meant = "no address"
            raise NotifyTargetRefused.because(
                f"{host} is a numeric form of {meant}: write an address as a dotted quad, or use the host's name",
                f"主机名 {host} 是地址 {meant} 的数字写法,不予接受;请使用主机域名或标准的点分十进制地址",
            ) from None
    # One spelling of an address literal on both sides (`::ffff:127.0.0.1` is `::ffff:7f00:1`).
    host = canonical_host(host)
    if host not in {canonical_host(h) for h in settings.registry_notify_hosts}:
        raise NotifyTargetRefused.because(
            f"{host} is not among the hosts notifications may go to (REGISTRY_NOTIFY_HOSTS)",
            f"主机 {host} 不在允许接收通知的主机名单中(REGISTRY_NOTIFY_HOSTS)",
        )
    return url, host


def _embedded(ip: IP) -> list[IP]:
    """The address and the IPv4 addresses an IPv6 one carries (mapped, 6to4, NAT64), each judged alike."""
    found: list[IP] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            found.append(ip.ipv4_mapped)
        if ip.sixtofour:
            found.append(ip.sixtofour)
        if any(ip in net for net in _NAT64):
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def refused_because(address: str) -> str | None:
    """Why a connection to this address is refused (None: it may be reached)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in net for net in settings.registry_notify_networks):
        return None
    for a in _embedded(ip):
        if a.is_unspecified:
            return f"{ip} is the unspecified address"
        if a.is_loopback:
            return f"{ip} is a loopback address"
        if a.is_link_local:
            return f"{ip} is a link-local address (where cloud metadata services answer)"
        if a.is_multicast:
            return f"{ip} is a multicast address"
        if isinstance(a, ipaddress.IPv4Address) and a in ipaddress.IPv4Network("100.64.0.0/10"):
            return f"{ip} is a shared (CGNAT) address"
        if a.is_private or a.is_reserved or not a.is_global:
            return f"{ip} is a private or reserved address"
    return None


async def check(uri: str) -> Target:
    """The target to connect to for a notify URI, or NotifyTargetRefused (Unresolved: its name did not resolve)."""
    url, host = _host_of(uri)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = [str(ipaddress.ip_address(host))]
        literal = True
    except ValueError:
        literal = False
        try:
            addresses = await resolve(host, port)
        except OSError as e:
            raise Unresolved(f"{host} does not resolve: {e}") from e
    if not addresses:
        raise Unresolved(f"{host} resolves to no address")
    for address in addresses:  # every one: a name with one public and one internal address is refused
        why = refused_because(address)
        if why is not None:
            raise NotifyTargetRefused.because(
                f"{host} resolves to {address}, which notifications may not reach: {why}",
                f"主机 {host} 解析到的地址 {address} 为内网、回环、链路本地或保留地址,不允许接收通知",
            )
    extensions: dict[str, Any] = {} if literal else {"sni_hostname": host}
    return Target(
        url=url.copy_with(host=addresses[0]), headers={"Host": url.netloc.decode("ascii")}, extensions=extensions
    )


async def checked(uri: str) -> Target:
    """`check` for a URI given now (subscribe, an asynchronous request): a name that does not resolve is
    refused at once rather than tried again later."""
    try:
        return await check(uri)
    except Unresolved as e:
        raise NotifyTargetRefused.because(str(e), "通知地址的主机名无法解析") from e
