#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/frontend, marker `browser`)
# where /usr/bin/chromium is missing and this user may install packages. Playwright
# drives this system browser; it never downloads a browser build of its own.
set -u
[ -x /usr/bin/chromium ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing chromium (for the browser tests) ..."
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      chromium fonts-dejavu-core >/dev/null && [ -x /usr/bin/chromium ] && exit 0
  fi
fi
echo "WARNING: could not install chromium; the browser tests will be skipped until /usr/bin/chromium exists." >&2
exit 0
