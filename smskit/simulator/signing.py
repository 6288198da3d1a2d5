"""X-Twilio-Signature for the simulator's webhooks, computed as Twilio does (facts B5).

Twilio takes the full URL, appends each POST parameter sorted by name as ``name + value`` with no
separators, HMAC-SHA1s the result with the account's auth token and base64-encodes it
(https://www.twilio.com/docs/usage/security#validating-requests). The stdlib is enough; smskit keeps
the twilio package out of everything but the provider and the webhook receiver.

>>> signature("tok", "https://example.com/cb", {"b": "2", "a": "1"})
'lF2f+TICreUDq9p09qIN7Oc+szY='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping


def signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Return the X-Twilio-Signature of a form POST of ``params`` to ``url``.

    >>> len(signature("tok", "https://example.com/cb", {}))
    28
    """
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def vonage_signature(secret: str, params: Mapping[str, str], method: str = "sha256") -> str:
    """Vonage's ``sig`` of a request or webhook: an HMAC of ``&name=value`` pairs sorted by name.

    Every value has ``&`` and ``=`` replaced by ``_``; the parameters include a ``timestamp``
    (https://developer.vonage.com/en/getting-started/concepts/signing-messages). The hex digest is
    lower case, as the SDK's ``Auth.sign_params`` computes it; written here again so that the
    simulator and the SDK's check are two independent implementations.

    >>> vonage_signature("secret", {"b": "2", "a": "x&y", "timestamp": "1700000000"})[:12]
    'ecd548538a20'
    """
    digest = hmac.new(secret.encode(), digestmod=getattr(hashlib, method))
    for key in sorted(params):
        value = str(params[key]).replace("&", "_").replace("=", "_")
        digest.update(f"&{key}={value}".encode())
    return digest.hexdigest()
