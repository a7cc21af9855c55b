import time

import pytest

from common.auth import Principal, TokenVerifier, issue_token
from common.errors import Unauthorized
from common.settings import CommonSettings

SETTINGS = CommonSettings()


def test_cached_tokens_expire() -> None:
    verifier = TokenVerifier(SETTINGS)
    token = issue_token(SETTINGS, sub="a", role="village_cadre", region="532504102", ttl_s=1)
    assert verifier.verify(token).sub == "a"
    assert verifier.verify(token).sub == "a"  # from the cache
    time.sleep(1.1)  # exp is whole seconds: issued at t, it expires by int(t) + 1 <= t + 1
    with pytest.raises(Unauthorized):
        verifier.verify(token)


def test_jurisdiction_is_a_region_prefix() -> None:
    officer = Principal(sub="t", role="township_officer", region="532504102")
    assert officer.covers("532504102001") and not officer.covers("532504103202")
    with pytest.raises(ValueError):
        Principal(sub="t", role="township_officer", region="53250410")
    national = issue_token(SETTINGS, sub="x", role="village_cadre", region="")
    with pytest.raises(Unauthorized, match="jurisdiction"):
        TokenVerifier(SETTINGS).verify(national)


ZHONGKAI = ("441302007", "441302008", "441302106", "441302107", "441302114")


def test_a_zone_is_a_set_of_prefixes() -> None:
    """仲恺高新区 is five townships inside 惠城区 (441302): a zone officer covers those and nothing else of it."""
    officer = Principal(sub="z", role="county_officer", regions=ZHONGKAI)
    assert officer.covers("441302106001") and officer.covers("441302114203")
    assert not officer.covers("441302001001") and not officer.national
    assert Principal(sub="z", role="county_officer", region="441302", regions=ZHONGKAI).covers("441302007001")
    with pytest.raises(ValueError, match="start with region"):
        Principal(sub="z", role="county_officer", region="532504", regions=ZHONGKAI)
    with pytest.raises(ValueError):
        Principal(sub="z", role="county_officer", regions=("4413021",))
    token = issue_token(SETTINGS, sub="z", role="county_officer", region="", regions=list(ZHONGKAI))
    assert TokenVerifier(SETTINGS).verify(token).prefixes == ZHONGKAI
