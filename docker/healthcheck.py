"""Web container health check: GET /healthz on this replica's gunicorn (the database answers too).

Sent with a Host the settings accept (the first of ALLOWED_HOSTS) and X-Forwarded-Proto: https, as
the proxy sends it, so that neither the host check nor the HTTPS redirect answers instead of the app.
"""

import os
import sys
import urllib.request

host = next((h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()), "")
if not host or "*" in host:
    host = "localhost"
request = urllib.request.Request("http://127.0.0.1:8000/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (a fixed local URL)
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:
    print(f"healthcheck: {exc}", file=sys.stderr)
    sys.exit(1)
