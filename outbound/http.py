"""POSTs to addresses that people typed in, without letting them reach inside the factory's network.

A webhook URL is chosen by an integration or a manager; without care, the server would send to itself
(the Redis port, the admin site), to the machines next to it, or to the cloud's metadata service. So:

- check_url: the URL is http(s) and every address its host resolves to is public: not loopback,
  private, link-local, shared (CGNAT), multicast, reserved or unspecified, IPv4 inside IPv6 included,
  unless it lies in a network the operator lists in settings.WEBHOOK_ALLOWED_NETWORKS (CIDRs, e.g. a
  gateway in the LAN). Used when an address is registered and again at every send.
- post: resolves and checks the host, then connects to the very address it checked (a second DNS answer
  between check and connect cannot swap in an internal one), with the Host header, TLS SNI and
  certificate check still on the host name. Redirects are never followed: a 3xx is a failure.
  Proxies from the environment are not used either (they would connect on our behalf, unchecked).
"""

import http.client
import ipaddress
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}
READ_LIMIT = 64 * 1024


class RefusedAddress(ValueError):
    """The URL may not be sent to; str() is a sentence in the active language."""


class SendError(Exception):
    def __init__(self, message, status_code=None):
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple  # the checked addresses, to connect to


def allowed_networks():
    try:
        return [ipaddress.ip_network(entry, strict=False) for entry in settings.WEBHOOK_ALLOWED_NETWORKS]
    except ValueError as exc:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {exc}") from None


def _embedded(address):
    """The IPv4 address carried inside an IPv6 one (mapped, 6to4, Teredo), which is where packets go."""
    if address.version == 6:
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address.teredo:
            return address.teredo[1]
    return None


def is_internal(address):
    address = ipaddress.ip_address(address)
    inner = _embedded(address)
    if inner is not None and is_internal(inner):
        return True
    return (not address.is_global or address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified)


def is_allowed(address):
    address = ipaddress.ip_address(address)
    if not is_internal(address):
        return True
    candidates = [address] + ([_embedded(address)] if _embedded(address) else [])
    return any(a in network for network in allowed_networks() for a in candidates if a.version == network.version)


def check_url(url):
    """The URL's Target (host, port, the addresses it resolves to), or RefusedAddress saying why."""
    parts = urllib.parse.urlsplit((url or "").strip())
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise RefusedAddress(_("Give the full http:// or https:// address the messages go to."))
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise RefusedAddress(_("The address has an invalid port.")) from None
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not is_allowed(address.split("%")[0]):
            raise RefusedAddress(_(
                "%(host)s is an address inside this server's own network (%(address)s): messages are not sent "
                "there. An administrator may allow such networks with the setting WEBHOOK_ALLOWED_NETWORKS.")
                % {"host": host, "address": address})
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, addresses)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked; Host stays the URL's host name."""

    def __init__(self, target, address, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, with TLS whose SNI and certificate check use the host name."""

    def __init__(self, target, address, timeout):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body: bytes, *, headers=None, timeout=None):
    """POST `body` to `url` (checked as above); returns (status, text of the answer). Raises RefusedAddress
    for an address that may not be reached and SendError for no answer or an answer that is not 2xx."""
    target = check_url(url)
    timeout = settings.ALERT_CHANNEL_TIMEOUT if timeout is None else timeout
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    last_error = None
    for address in target.addresses:
        connection = connection_class(target, address, timeout)
        try:
            connection.connect()
        except OSError as exc:  # nothing was sent: the next address of the host may answer
            connection.close()
            last_error = exc
            continue
        try:
            connection.request("POST", target.path, body=body, headers={"Content-Length": str(len(body)),
                                                                         **(headers or {})})
            response = connection.getresponse()
            status, text = response.status, response.read(READ_LIMIT).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            raise SendError(f"no answer: {exc}") from None
        finally:
            connection.close()
        if 300 <= status < 400:
            raise SendError(f"HTTP {status}: redirects are not followed", status)
        if status >= 400:
            raise SendError(f"HTTP {status}: {text[:500]}", status)
        return status, text
    raise SendError(f"no answer: {last_error}")
