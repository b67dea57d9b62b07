#!/usr/bin/env bash
# Installs what the tests and the demo need from Debian when it is missing: MariaDB server and
# client, Debian's Django and MySQLdb for /usr/bin/python3, and sshd (restore-from-prod's tests).
# An installed machine pays nothing: each package is checked with dpkg first.
set -euo pipefail

packages=(mariadb-server mariadb-client python3-django python3-mysqldb openssh-server openssh-client)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    prefix="sudo"
  else
    echo "migration-guard tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo sh -c '$command'" >&2
    exit 1
  fi
else
  prefix=""
fi
echo "Installing test dependencies: ${missing[*]}" >&2
# policy-rc.d keeps apt from starting the services: the tests run their own servers.
if [ ! -e /usr/sbin/policy-rc.d ] && [ -z "$prefix" ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
$prefix apt-get update -qq
DEBIAN_FRONTEND=noninteractive $prefix apt-get install -y -qq "${missing[@]}" >/dev/null
