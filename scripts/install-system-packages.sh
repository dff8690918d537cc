#!/usr/bin/env bash
# Install the Debian/Ubuntu packages given as arguments, but only those not installed yet, so a
# repeat run costs one `dpkg -s` per package. Uses apt-get as root, or through sudo when it exists;
# otherwise names what is missing and fails. Packages that apt does not offer at all (for example
# `chromium` on an Ubuntu release that ships it only as a snap) are reported and skipped when
# OPTIONAL_PACKAGES lists them.
set -euo pipefail

if ! command -v dpkg >/dev/null 2>&1; then
    echo "install-system-packages: no dpkg here (not Debian/Ubuntu); make sure these are installed: $*" >&2
    exit 0
fi

missing=()
for package in "$@"; do
    # `dpkg -s` also succeeds for removed-but-configured packages; require "install ok installed".
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
"${as_root[@]}" apt-get update -qq

installable=()
for package in "${missing[@]}"; do
    candidate=$(apt-cache policy "$package" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
        if [[ " ${OPTIONAL_PACKAGES:-} " == *" $package "* ]]; then
            echo "Package $package is not offered by apt here; skipping it (see README.md)." >&2
            continue
        fi
        echo "Package $package is not offered by apt here; install it by hand." >&2
        exit 1
    fi
    installable+=("$package")
done
[ ${#installable[@]} -eq 0 ] && exit 0

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${installable[@]}"
