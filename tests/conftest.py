"""Suite-wide: every Flask test client is signed in by default (tests/signin.py explains how and how not)."""

import flask

from tests.signin import SignedInClient

flask.Flask.test_client_class = SignedInClient
