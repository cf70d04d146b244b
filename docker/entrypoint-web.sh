#!/bin/sh
# Web container entrypoint: wait for the database, apply migrations (unless MIGRATE_ON_START=0: with
# docker-compose the one-shot migrate service has applied them), then hand over to gunicorn.
set -eu

cd /app 2>/dev/null || cd "$(dirname "$0")/.."

echo "entrypoint: waiting for the database (up to ${DB_WAIT_SECONDS:-60}s)..."
python - <<'PY'
import os
import sys
import time

import django

django.setup()
from django.db import connection  # noqa: E402
from django.db.utils import OperationalError  # noqa: E402

deadline = time.monotonic() + int(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if time.monotonic() >= deadline:
            print(f"entrypoint: database still unreachable, giving up: {exc}", file=sys.stderr)
            sys.exit(1)
        time.sleep(2)
        connection.close()
    else:
        connection.close()
        print("entrypoint: database is up")
        break
PY

if [ "${MIGRATE_ON_START:-1}" != "0" ]; then
    python manage.py migrate --noinput
fi

exec gunicorn safetyops.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${GUNICORN_WORKERS:-3}" \
    --timeout 60 \
    --access-logfile -
