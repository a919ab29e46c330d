"""Personal API tokens: shown once, stored as a hash, the owner's rights at each use, revocable, journaled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from appstate import api_tokens, service, users
from appstate.models import utcnow
from appstate.token_models import ApiToken
from indicators.scope import LECTEUR


def _person(sessions, login="a.analyste", regions=("53",)):
    with sessions.begin() as s:
        uid = users.create_user(s, login, by="admin", roles=[LECTEUR], regions=regions).id
        return users.scope_of(s, uid)


def test_a_token_stands_for_its_owner_and_only_its_hash_is_kept(sessions):
    me = _person(sessions)
    with sessions.begin() as s:
        token, view = api_tokens.create_token(s, me, "Power Query")
    assert token.startswith(f"segur_{view.prefix}_") and len(token) > 40 and view.active
    with sessions() as s:
        stored = s.scalar(select(ApiToken))
        assert stored.token_sha256 != token and token not in repr(vars(stored))
    with sessions.begin() as s:
        scope = api_tokens.scope_of_token(s, token)
    assert (scope.login, scope.regions, scope.roles) == ("a.analyste", frozenset({"53"}), frozenset({LECTEUR}))
    with sessions.begin() as s:
        assert api_tokens.scope_of_token(s, token + "x") is None
        assert api_tokens.scope_of_token(s, "not-a-token") is None
        users.grant(s, "a.analyste", by="admin", regions=["11"])
    with sessions.begin() as s:  # rights are read at each use, not frozen in the token
        assert api_tokens.scope_of_token(s, token).regions == frozenset({"53", "11"})


def test_revoked_expired_or_disabled_tokens_stop_at_once_and_the_journal_says_so(sessions):
    me = _person(sessions)
    other = _person(sessions, "b.autre", ())
    with sessions.begin() as s:
        revoked, v1 = api_tokens.create_token(s, me, "à révoquer")
        expired, _ = api_tokens.create_token(s, me, "ancien", days=1, now=utcnow() - timedelta(days=3))
        kept, v3 = api_tokens.create_token(s, me, "gardé")
    with sessions.begin() as s:
        with pytest.raises(ValueError, match="introuvable"):
            api_tokens.revoke_token(s, other, v1.id)  # somebody else's token is not theirs to revoke
        api_tokens.revoke_token(s, me, v1.id)
    with sessions.begin() as s:
        assert api_tokens.scope_of_token(s, revoked) is None
        assert api_tokens.scope_of_token(s, expired) is None
        assert api_tokens.scope_of_token(s, kept) is not None
        users.set_disabled(s, "a.analyste", True, by="admin")
    with sessions.begin() as s:
        assert api_tokens.scope_of_token(s, kept) is None
        actions = [e.action for e in service.list_events(s, object_type="api_token")]
    assert actions.count("api_token.create") == 3 and "api_token.revoke" in actions and "api_token.use" in actions


def test_only_a_signed_in_person_creates_tokens_and_at_most_ten(sessions):
    from dashboard.access import NOBODY

    me = _person(sessions)
    with sessions.begin() as s:
        with pytest.raises(ValueError, match="connectez-vous"):
            api_tokens.create_token(s, NOBODY, "x")
        for i in range(api_tokens.MAX_PER_PERSON):
            api_tokens.create_token(s, me, f"jeton {i}")
        with pytest.raises(ValueError, match="au plus"):
            api_tokens.create_token(s, me, "un de trop")
