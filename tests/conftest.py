"""Suite-wide: every Flask test client is signed in by default (tests/signin.py explains how and how not)."""

import flask

from tests.signin import SignedInClient

flask.Flask.test_client_class = SignedInClient


# Dash hands the pages' module-level callbacks to the first app set up in a process (it pops them from its
# global map): remember every one, so that a test walking "every callback" sees them whatever app came first.
import dash._callback as _dash_callback  # noqa: E402


class _RememberedCallbacks(dict):
    seen: dict = {}

    def pop(self, key, *default):
        value = super().pop(key, *default)
        _RememberedCallbacks.seen.setdefault(key, value)
        return value


_dash_callback.GLOBAL_CALLBACK_MAP = _RememberedCallbacks(_dash_callback.GLOBAL_CALLBACK_MAP)
