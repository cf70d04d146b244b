# SafetyOps production image: gunicorn (web), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's native libraries. libharfbuzz-subset0 makes write_pdf ~7x faster (font subsetting).
# Fonts are vendored in static/vendor/fonts; psycopg2-binary bundles libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code stays root-owned (read-only for the app user); only /data is writable.
COPY . .
RUN chmod 0755 docker/entrypoint-web.sh \
    && mkdir -p /data/media /data/var \
    && chown -R app:app /data

# collectstatic runs with DEBUG=0 (manifest storage), so the settings demand production values:
# dummies for this step only, never baked into the image's environment.
RUN DEBUG=0 \
    SECRET_KEY=build-only-dummy-secret-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    VAR_DIR=/tmp/build-var \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var /tmp/build.sqlite3

ENV DJANGO_SETTINGS_MODULE=safetyops.settings \
    DEBUG=0 \
    MEDIA_ROOT=/data/media \
    VAR_DIR=/data/var

USER app
EXPOSE 8000

CMD ["gunicorn", "safetyops.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
