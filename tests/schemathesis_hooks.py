"""Schemathesis hooks for HerLead: a GraphQL answer may refuse a request, but never with an
internal error."""

import schemathesis


@schemathesis.check
def no_internal_error(ctx, response, case):
    # Schemathesis's own GraphQL check fails on any error, refusals included; this one only
    # on what must never happen: a 5xx or an INTERNAL error.
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = ((error or {}).get("extensions") or {}).get("code")
        if code == "INTERNAL":
            raise AssertionError(f"INTERNAL error: {error.get('message')}")
        if code is None:
            raise AssertionError(f"an error without extensions.code: {error}")
    return None
