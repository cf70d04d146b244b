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
