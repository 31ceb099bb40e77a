#!/usr/bin/env bash
# Vitrine's developer entry point: ./dev.sh run | test | setup | build | format | bench (./dev.sh help).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
readonly ROOT
readonly PRESET=default
readonly BUILD_DIR=$ROOT/build/$PRESET
readonly DATA_DIR=${VITRINE_DATA_DIR:-$ROOT/data}
# Every test starts its servers on free ports in temporary dirs, so they may run side by side.
readonly TEST_JOBS=${CTEST_PARALLEL_LEVEL:-2}

# Every Debian 12 package Vitrine needs to build, test and run: the one list.
readonly PACKAGES=(
    cmake ninja-build g++ ccache pkg-config clang-format
    qt6-base-dev qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6sql6-psql libqt6svg6
    libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
    libgit2-dev libarchive-dev libcurl4-openssl-dev libtomlplusplus-dev qtkeychain-qt6-dev
    postgresql openssl libssl-dev caddy bubblewrap git python3 curl
    podman runc busybox-static
)

# ccache keys on paths: relative to the checkout, a fresh clone elsewhere still hits the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

say() { printf 'dev.sh: %s\n' "$*"; }
fail() {
    printf 'dev.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<EOF
Usage: ./dev.sh COMMAND [ARGS...]

  run [SERVER-FLAGS...]  install what is missing, build, start vitrine-server on ./data (and the desktop
                         app when a display is there); extra flags go to vitrine-server
  test [CTEST-ARGS...]   install, build, run every test ($TEST_JOBS at a time, CTEST_PARALLEL_LEVEL),
                         check formatting; extra args go to ctest
  setup                  install the missing Debian packages only
  build                  install, configure (preset "$PRESET") and build into build/$PRESET
  format                 clang-format every C++ source in place
  bench                  build, then run the benchmarks in build/$PRESET/bench
  screenshots [DIR]      build, start a server with demo applications in a temporary dir, and save the
                         desktop app's views there with `vitrine --screenshot` (default: docs/screenshots)
EOF
}

missing_packages() {
    local installed
    # One dpkg-query for all: a package dpkg has never heard of is simply not listed.
    installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null |
        awk '$2 == "installed" { print $1 }' || true)
    local package
    for package in "${PACKAGES[@]}"; do
        grep -qxF -- "$package" <<<"$installed" || printf '%s\n' "$package"
    done
}

cmd_setup() {
    local missing
    mapfile -t missing < <(missing_packages)
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    say "installing ${missing[*]}"
    local as_root=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || fail "installing packages needs root; run as root or install sudo"
        as_root=(sudo)
    fi
    "${as_root[@]}" apt-get -q update
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y "${missing[@]}"
}

cmd_build() {
    cmd_setup
    if [[ ! -f $BUILD_DIR/build.ninja ]]; then
        cmake --preset "$PRESET"
    fi
    # Ninja re-runs CMake by itself when a CMakeLists.txt changed.
    ninja -C "$BUILD_DIR"
}

# Every C++ source of the project: in a Git checkout the files Git tracks or would track (new ones included,
# build trees and other ignored files not), elsewhere every one outside build/.
cxx_sources() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files --cached --others --exclude-standard -- '*.h' '*.cpp' |
            while IFS= read -r file; do [[ ! -f $file ]] || printf '%s\n' "$file"; done
    else
        find . -path ./build -prune -o -type f \( -name '*.h' -o -name '*.cpp' \) -printf '%P\n' | sort
    fi
}

# Lists the sources that do not follow .clang-format and returns non-zero when there are any.
check_format() {
    local files unformatted=() file
    mapfile -t files < <(cxx_sources)
    for file in "${files[@]}"; do
        clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
    done
    if ((${#unformatted[@]})); then
        {
            say "${#unformatted[@]} file(s) do not follow .clang-format:"
            printf '  %s\n' "${unformatted[@]}"
            echo "Fix them with: ./dev.sh format   (or: clang-format -i FILE...)"
        } >&2
        return 1
    fi
    say "formatting: ${#files[@]} files OK"
}

cmd_format() {
    cmd_setup
    local files
    mapfile -t files < <(cxx_sources)
    ((${#files[@]})) && clang-format -i "${files[@]}"
    say "formatted ${#files[@]} files"
}

# Checks the formatting even when a test failed, so that one run shows everything that needs fixing; fails
# when either does.
cmd_test() {
    cmd_build
    local test_status=0
    QT_QPA_PLATFORM=offscreen ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$TEST_JOBS" "$@" ||
        test_status=$?
    check_format || exit 1
    return "$test_status"
}

cmd_bench() {
    cmd_build
    local benchmarks bench
    mapfile -t benchmarks < <(find "$BUILD_DIR/bench" -maxdepth 1 -type f -executable 2>/dev/null | sort)
    ((${#benchmarks[@]})) || fail "no benchmark executables in $BUILD_DIR/bench"
    for bench in "${benchmarks[@]}"; do
        say "running ${bench#"$ROOT"/}"
        "$bench"
    done
}

# The value of FIELD in the server's "ready" log line, text (field=value) or JSON ("field":"value"), read
# from LOG (default: the log of `./dev.sh run`).
ready_field() {
    local field=$1 log=${2:-$SERVER_LOG} line
    line=$(grep -m1 -E "$READY_LINE" "$log") || return 0
    if [[ $line =~ (^|[\ \"])$field(=|\":\")([^\ \"]+) ]]; then
        printf '%s\n' "${BASH_REMATCH[3]}"
    fi
}

# A listening address as a client on this machine dials it.
dialable() {
    sed -E 's/^0\.0\.0\.0:/127.0.0.1:/; s/^\[::\]:/[::1]:/' <<<"$1"
}

SERVER_PID=
DESKTOP_PID=
# A copy of the server's log of the last `./dev.sh run`, for this script to read and for you to look back at.
readonly SERVER_LOG=$BUILD_DIR/vitrine-server.log
readonly READY_LINE='( ready |"msg":"ready")'

stop_desktop() {
    if [[ -n $DESKTOP_PID ]] && kill -0 "$DESKTOP_PID" 2>/dev/null; then
        kill -TERM "$DESKTOP_PID" 2>/dev/null || true
        wait "$DESKTOP_PID" 2>/dev/null || true
    fi
}

# Ctrl+C or a TERM to dev.sh: ask the server for its clean shutdown; the main loop then waits for it.
on_stop_signal() {
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
    fi
}

on_exit() {
    stop_desktop
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
}

# Prints where the running server listens, and starts the desktop app on it when there is a display.
announce_and_start_desktop() {
    local desktop=$BUILD_DIR/desktop/app/vitrine
    local cli=$BUILD_DIR/cli/vitrinectl
    local grpc http router token_file=$DATA_DIR/admin.token
    grpc=$(dialable "$(ready_field grpc)")
    http=$(dialable "$(ready_field http)")
    router=$(dialable "$(ready_field router)")
    cat <<EOF

Vitrine is running (Ctrl+C stops it).
  gRPC API     $grpc
  HTTP         http://$http/healthz (webhooks: http://$http/webhooks/github, …/gitea)
  sites        http://NAME.localhost:${router##*:} (an app NAME, through the router at $router)
  data         ${DATA_DIR#"$ROOT"/}
  server log   ${SERVER_LOG#"$ROOT"/}
  admin token  ${token_file#"$ROOT"/}
Try:
  export VITRINE_SERVER=$grpc VITRINE_TOKEN=\$(cat ${token_file#"$ROOT"/})
  ${cli#"$ROOT"/} users create alice

EOF

    if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} ]]; then
        if [[ -x $desktop ]]; then
            local token=
            [[ ! -r $token_file ]] || token=$(<"$token_file")
            VITRINE_SERVER=$grpc VITRINE_TOKEN=$token "$desktop" &
            DESKTOP_PID=$!
            say "started the desktop app (pid $DESKTOP_PID)"
        else
            say "no desktop app in the build (configured with VITRINE_BUILD_DESKTOP=OFF?)"
        fi
    fi
}

cmd_run() {
    cmd_build
    local server=$BUILD_DIR/backend/app/vitrine-server
    [[ -x $server ]] || fail "$server was not built"

    : >"$SERVER_LOG"
    trap on_exit EXIT
    trap on_stop_signal INT TERM
    # The server logs to stderr. The copy's tee ignores Ctrl+C: it must outlive the server's last words.
    "$server" --allow-local-repos --data-dir "$DATA_DIR" "$@" \
        2> >(trap '' INT TERM && exec tee -a "$SERVER_LOG" >&2) &
    SERVER_PID=$!

    # The "ready" line says where the server listens. It is an info record: above that log level it never
    # comes, and the server just runs on.
    local waited=0
    until grep -qE "$READY_LINE" "$SERVER_LOG"; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            local status=0
            wait "$SERVER_PID" || status=$?
            SERVER_PID=
            fail "vitrine-server stopped before it was ready (exit status $status); see its messages above"
        fi
        if ((waited++ == 300)); then
            say "vitrine-server logged no \"ready\" line in 60 s (log level above info?); it keeps running"
            break
        fi
        sleep 0.2
    done
    if grep -qE "$READY_LINE" "$SERVER_LOG"; then
        announce_and_start_desktop
    fi

    # `wait` returns early when a trapped signal arrives; keep waiting until the server has really exited.
    local status=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
        status=0
        wait "$SERVER_PID" || status=$?
    done
    SERVER_PID=
    stop_desktop
    return "$status"
}

# A git repository at DIR with the files given as NAME=CONTENT pairs, committed on main.
demo_repository() {
    local dir=$1 file
    shift
    mkdir -p "$dir"
    for file in "$@"; do
        printf '%s\n' "${file#*=}" >"$dir/${file%%=*}"
    done
    git -C "$dir" init -q -b main
    git -C "$dir" add -A
    git -C "$dir" -c user.name=Demo -c user.email=demo@example.invalid commit -q -m "First version"
}

# The pictures in the README: a server of its own on free ports in a temporary dir, a few demo applications
# (a static site, a Python app taking requests, a build that fails), then every main view of the desktop app
# saved by `vitrine --screenshot`. The desktop's settings go to the temporary dir too.
cmd_screenshots() {
    local out=${1:-$ROOT/docs/screenshots}
    cmd_build
    local work status=0
    work=$(mktemp -d)
    # The server goes when the script does, even when a step fails; then the temporary dir.
    trap 'on_exit; rm -rf "'"$work"'"' EXIT
    local log=$work/server.log cli=$BUILD_DIR/cli/vitrinectl
    printf '[metrics]\ninterval_seconds = 1\n' >"$work/vitrine.toml"
    "$BUILD_DIR/backend/app/vitrine-server" --config "$work/vitrine.toml" --allow-local-repos \
        --data-dir "$work/data" --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
        --router-listen 127.0.0.1:0 2>"$log" &
    SERVER_PID=$!
    local waited=0
    until grep -qE "$READY_LINE" "$log"; do
        kill -0 "$SERVER_PID" 2>/dev/null && ((waited++ < 300)) || {
            cat "$log" >&2
            fail "the demo server did not get ready"
        }
        sleep 0.2
    done
    local router
    router=$(dialable "$(ready_field router "$log")")
    export VITRINE_SERVER VITRINE_TOKEN
    VITRINE_SERVER=$(dialable "$(ready_field grpc "$log")")
    VITRINE_TOKEN=$(<"$work/data/admin.token")

    demo_repository "$work/repos/club-site" 'index.html=<h1>The club</h1>'
    demo_repository "$work/repos/guestbook" 'app.py=import http.server, os
class Guestbook(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"Sign the guestbook!\n")
        print("served", self.path, flush=True)
    def log_message(self, *args):
        pass
print("guestbook listening on", os.environ["PORT"], flush=True)
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), Guestbook).serve_forever()'
    demo_repository "$work/repos/docs" 'build.sh=echo "Rendering 12 pages"
echo "\033[32mok\033[0m index.md"
echo "docs/setup.md:14: error: unknown reference [install]" >&2
exit 1'
    "$cli" users create alice >/dev/null
    local repo
    for repo in club-site guestbook docs; do
        "$cli" repos create "$repo" --url "$work/repos/$repo" >/dev/null
    done
    "$cli" apps create club-site --repo club-site --ref main --type static >/dev/null
    "$cli" apps create guestbook --repo guestbook --ref main --type runtime-cmd --start-cmd 'python3 -u app.py' \
        --env GREETING=hello --memory 128 --owner alice --owner admin >/dev/null
    "$cli" apps create docs --repo docs --ref main --type static-cmd --build-cmd 'sh build.sh' --artifact site \
        >/dev/null

    # Requests for the guestbook's logs and charts, once it runs.
    waited=0
    until curl -fsS -H 'Host: guestbook.localhost' "http://$router/" >/dev/null 2>&1 || ((waited++ == 100)); do
        sleep 0.3
    done
    local request
    for request in $(seq 1 40); do
        curl -fsS -H 'Host: guestbook.localhost' "http://$router/page/$request" >/dev/null 2>&1 || true
        sleep 0.1
    done

    mkdir -p "$out"
    XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/share QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} \
        "$BUILD_DIR/desktop/app/vitrine" --screenshot "$out" || status=$?
    return "$status"
}

main() {
    local command=${1:-help}
    (($# == 0)) || shift
    case $command in
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    setup) cmd_setup ;;
    build) cmd_build ;;
    format) cmd_format ;;
    bench) cmd_bench ;;
    screenshots) cmd_screenshots "$@" ;;
    help | -h | --help) usage ;;
    *)
        printf "dev.sh: unknown command '%s'\n\n" "$command" >&2
        usage >&2
        exit 2
        ;;
    esac
}

main "$@"
