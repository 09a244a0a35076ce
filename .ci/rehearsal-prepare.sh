#!/usr/bin/env bash
# Gets everything the production rehearsal (tests/Rrr.Rehearsal) needs, called by test.sh before the tests:
#   - nginx and openssl (Debian packages, installed when missing and we are root);
#   - node + npm and the identity provider's packages (npm ci in tests/Rrr.Rehearsal/idp, oidc-provider);
#   - the three rehearsal names on loopback in /etc/hosts (when root; .NET resolves them from there);
#   - dotnet publish of the portal and the sandbox into artifacts/rehearsal/{portal,sandbox}.
# Never fatal by itself: whatever is still missing makes the rehearsal's fixture fail with a message naming it.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${RRR_REHEARSAL_ARTIFACTS:-$REPO/artifacts/rehearsal}"
CONFIGURATION="${CONFIGURATION:-Release}"

missing=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    echo "rehearsal: installing ${missing[*]} (apt-get install -y)"
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
      || echo "warning: apt-get install ${missing[*]} failed; the rehearsal will fail." >&2
  else
    echo "warning: ${missing[*]} missing and cannot install here (needs root + apt-get); the rehearsal will fail." >&2
  fi
fi

if command -v npm >/dev/null 2>&1; then
  (cd "$REPO/tests/Rrr.Rehearsal/idp" && npm ci --no-audit --no-fund --loglevel=error) \
    || echo "warning: npm ci in tests/Rrr.Rehearsal/idp failed; the rehearsal will fail." >&2
fi

if [[ "$(id -u)" == "0" ]] && [[ -w /etc/hosts ]]; then
  for name in portal.rehearsal.localhost idp.rehearsal.localhost rrr.rehearsal.localhost; do
    grep -qE "[[:space:]]$name([[:space:]]|\$)" /etc/hosts || echo "127.0.0.1 $name" >>/etc/hosts
  done
fi

for project in Rrr.Portal Rrr.Sandbox; do
  out="$ARTIFACTS/$(tr '[:upper:]' '[:lower:]' <<<"${project#Rrr.}")"
  echo "== dotnet publish src/$project -c $CONFIGURATION -o $out"
  dotnet publish "$REPO/src/$project" -c "$CONFIGURATION" -o "$out" -nologo -v q \
    || echo "warning: publishing $project failed; the rehearsal will fail." >&2
done
