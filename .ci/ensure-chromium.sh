# shellcheck shell=bash
# Sourced by test.sh and .ci/run. Makes sure a chromium binary exists for the Playwright E2E tests.
# Order: $RRR_CHROMIUM_PATH, then `chromium` on PATH (Debian: /usr/bin/chromium). When missing and we
# are root with apt-get, install Debian's package. Never fatal: without chromium the E2E tests fail
# with a message that says how to install it (they never pass by skipping).

rrr_is_executable_file() { [[ -f "$1" && -x "$1" ]]; }

rrr_find_chromium() {
  local candidate
  if [[ -n "${RRR_CHROMIUM_PATH:-}" ]]; then
    rrr_is_executable_file "$RRR_CHROMIUM_PATH" && { printf '%s\n' "$RRR_CHROMIUM_PATH"; return 0; }
    return 1
  fi
  candidate="$(command -v chromium 2>/dev/null || true)"
  for candidate in "$candidate" /usr/bin/chromium; do
    [[ -n "$candidate" ]] && rrr_is_executable_file "$candidate" && { printf '%s\n' "$candidate"; return 0; }
  done
  return 1
}

rrr_ensure_chromium() {
  local found
  if found="$(rrr_find_chromium)"; then
    echo "chromium: $found"
    return 0
  fi
  if [[ -n "${RRR_CHROMIUM_PATH:-}" ]]; then
    echo "warning: RRR_CHROMIUM_PATH=$RRR_CHROMIUM_PATH is not an executable file; E2E tests will fail." >&2
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium not found; installing Debian's chromium package (apt-get install -y chromium)..."
    if DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; then
      if found="$(rrr_find_chromium)"; then
        echo "chromium: $found"
        return 0
      fi
    fi
    echo "warning: installing chromium failed; E2E tests will fail." >&2
    return 0
  fi
  echo "warning: chromium not found and cannot install it here (needs root + apt-get)." >&2
  echo "         Install it with: sudo apt-get install -y chromium (or set RRR_CHROMIUM_PATH). E2E tests will fail." >&2
  return 0
}
