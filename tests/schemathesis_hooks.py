"""Schemathesis hooks for HerLead: a GraphQL answer may refuse a request, but never with an
internal error."""

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# `Upload` (previewImport's file) arrives as a multipart part; a JSON body can only name one,
# which the server must refuse cleanly (VALIDATION on `file`), whatever the reference says.
schemathesis.graphql.scalar(
    "Upload",
    st.one_of(
        st.integers(min_value=-2, max_value=10**12).map(lambda i: f"#__graphql_file__:{i}"),
        st.text(max_size=40),
    ).map(nodes.String),
)


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
