#!/usr/bin/env bash
# Installs the system programs OncoLens calls (tesseract for OCR) where they are
# missing and this user can install them; otherwise says what to install.
set -u
missing=()
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr tesseract-ocr-eng)
[ ${#missing[@]} -eq 0 ] && exit 0
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing ${missing[*]} ..."
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
  fi
elif command -v brew >/dev/null 2>&1; then
  brew install tesseract && exit 0
fi
echo "WARNING: could not install ${missing[*]}; scanned pages and images will fail with a clear message until tesseract is installed." >&2
exit 0
