"""The notify-target check on its own (no database, no network: names resolve through a resolver the test
gives): what a subscriber may name as its notify URI, and the connection that is made to it."""

import pytest

from intake.config import IntakeSettings, settings
from intake.registry import targets

REGISTRY = "registry.mca.example.gov.cn"


@pytest.fixture
def resolves(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}

    async def resolver(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"{host}: name unknown")
        return answers[host]

    monkeypatch.setattr(targets, "resolve", resolver)
    monkeypatch.setattr(settings, "registry_notify_hosts", [REGISTRY])
    monkeypatch.setattr(settings, "registry_notify_addresses", [])
    monkeypatch.setattr(settings, "registry_notify_http", False)
    return answers


async def refused(uri: str) -> str:
    with pytest.raises(targets.NotifyTargetRefused) as e:
        await targets.check(uri)
    assert e.value.detail_zh and e.value.extra["errors"][0]["field"] == "header.sender_uri"
    return str(e.value.detail)


async def test_the_connection_goes_to_the_address_checked_with_the_name_as_host_and_sni(
    resolves: dict[str, list[str]],
) -> None:
    resolves[REGISTRY] = ["202.96.0.10"]
    target = await targets.check(f"https://{REGISTRY}:8443/dci/notify?x=1")
    assert str(target.url) == "https://202.96.0.10:8443/dci/notify?x=1"
    assert target.headers == {"Host": f"{REGISTRY}:8443"} and target.extensions == {"sni_hostname": REGISTRY}
    resolves[REGISTRY] = ["2400:da00::6666"]
    assert str((await targets.check(f"https://{REGISTRY}/n")).url) == "https://[2400:da00::6666]/n"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "::1", "169.254.169.254", "fe80::a9fe:a9fe", "fd00:ec2::254", "10.0.0.1", "172.16.5.4",
        "192.168.1.1", "100.100.100.200", "100.64.0.1", "0.0.0.0", "::", "224.0.0.1", "ff02::1", "240.0.0.1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:a00:1::", "64:ff9b::a9fe:a9fe", "fc00::1",
    ],
)  # fmt: skip
async def test_a_name_resolving_to_an_internal_address_is_refused(resolves: dict[str, list[str]], address: str) -> None:
    resolves[REGISTRY] = ["202.96.0.10", address]  # one bad address among good ones is enough
    assert address in await refused(f"https://{REGISTRY}/notify")


async def test_an_address_allowed_explicitly_is_reached(
    resolves: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    resolves[REGISTRY] = ["10.20.3.4"]
    await refused(f"https://{REGISTRY}/notify")
    monkeypatch.setattr(settings, "registry_notify_addresses", ["10.20.0.0/16"])
    assert (await targets.check(f"https://{REGISTRY}/notify")).url.host == "10.20.3.4"
    resolves[REGISTRY] = ["10.20.3.4", "10.30.0.1"]  # outside the network allowed
    assert "10.30.0.1" in await refused(f"https://{REGISTRY}/notify")


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        (f"http://{REGISTRY}/notify", "https"),
        ("https://registry.elsewhere.example/notify", "REGISTRY_NOTIFY_HOSTS"),
        (f"https://user:secret@{REGISTRY}/notify", "credentials"),
        ("https://0x7f000001/", "numeric form of 127.0.0.1"),
        ("https://2130706433/", "numeric form of 127.0.0.1"),
        ("https://017700000001/", "numeric form of 127.0.0.1"),
        ("https://0177.0.0.1/", "0177.0.0.1"),  # httpx already refuses a dotted quad with leading zeros
        ("https://127.1/", "numeric form of 127.0.0.1"),
        ("https://0xa9.0xfe.0xa9.0xfe/", "numeric form of 169.254.169.254"),
        ("ftp://registry.mca.example.gov.cn/", "https"),
    ],
)
async def test_a_uri_of_the_wrong_form_is_refused_before_any_resolution(
    resolves: dict[str, list[str]], uri: str, why: str
) -> None:
    assert why in await refused(uri)  # the resolver knows no name: nothing was looked up


async def test_nothing_is_allowed_by_default_and_a_bad_allowed_network_stops_the_start() -> None:
    fresh = IntakeSettings(_env_file=None)
    assert fresh.registry_notify_hosts == [] and fresh.registry_notify_addresses == []
    assert not fresh.registry_notify_http
    with pytest.raises(ValueError):
        IntakeSettings(_env_file=None, registry_notify_addresses="10.0.0.0/33")
    listed = IntakeSettings(_env_file=None, registry_notify_hosts="Registry.Example.GOV.cn., [::ffff:127.0.0.1]")
    assert listed.registry_notify_hosts == ["registry.example.gov.cn", "::ffff:7f00:1"]
