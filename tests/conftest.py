"""Suite-wide: every Flask test client is signed in by default (tests/signin.py explains how and how not)."""

import flask

from tests.signin import SignedInClient

flask.Flask.test_client_class = SignedInClient


# Dash hands the pages' module-level callbacks (`dash.callback`) to the first app set up in a process: it pops
# them from its global map. In production there is one app; the suite builds many. Remember every one and offer
# it to each app set up later, so that any test app answers every callback, whatever app came first.
import dash._callback as _dash_callback  # noqa: E402


class _RememberedCallbacks(dict):
    seen: dict = {}

    def __iter__(self):
        own = list(super().keys())
        return iter(own + [k for k in _RememberedCallbacks.seen if k not in own])

    def pop(self, key, *default):
        if super().__contains__(key):
            value = super().pop(key)
            _RememberedCallbacks.seen.setdefault(key, value)
            return value
        if key in _RememberedCallbacks.seen:
            return _RememberedCallbacks.seen[key]
        return super().pop(key, *default)


_dash_callback.GLOBAL_CALLBACK_MAP = _RememberedCallbacks(_dash_callback.GLOBAL_CALLBACK_MAP)
