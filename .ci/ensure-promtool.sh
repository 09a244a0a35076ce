# shellcheck shell=bash
# Sourced by test.sh. Makes sure Prometheus's promtool exists for PrometheusRulesTests (promtool test rules
# ops/prometheus/rrr-portal.rules.test.yml). Order: $RRR_PROMTOOL_PATH, then `promtool` on PATH. When missing
# and we are root with apt-get, install Debian's prometheus package (it ships /usr/bin/promtool). Never fatal:
# without promtool the rules tests fail with a message that says how to install it (they never pass by skipping).
# --no-install-recommends and policy-rc.d: only the binaries are wanted, not a running Prometheus service.

rrr_ensure_promtool() {
  if [[ -n "${RRR_PROMTOOL_PATH:-}" && -x "${RRR_PROMTOOL_PATH}" ]] || command -v promtool >/dev/null 2>&1; then
    echo "promtool: ${RRR_PROMTOOL_PATH:-$(command -v promtool)}"
    return 0
  fi
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "promtool not found; installing Debian's prometheus package (apt-get install -y prometheus)..."
    local policy=/usr/sbin/policy-rc.d created=0
    if [[ ! -e "$policy" ]]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
    fi
    if DEBIAN_FRONTEND=noninteractive apt-get update -q \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus; then
      ((created)) && rm -f "$policy"
      command -v promtool >/dev/null 2>&1 && { echo "promtool: $(command -v promtool)"; return 0; }
    fi
    ((created)) && rm -f "$policy"
    echo "warning: installing prometheus (promtool) failed; the Prometheus rules tests will fail." >&2
    return 0
  fi
  echo "warning: promtool not found and cannot install it here (needs root + apt-get)." >&2
  echo "         Install it with: sudo apt-get install -y prometheus (or set RRR_PROMTOOL_PATH). The Prometheus rules tests will fail." >&2
  return 0
}
