#!/usr/bin/env bash
# Installs, from Debian, the real peers the tests run on 127.0.0.1: PostgreSQL, an MIT
# KDC with kinit, slapd with ldap-utils and cyrus-sasl's GSSAPI module, RabbitMQ, Chromium
# for the browser tests, and make.
# Installs only what is missing (so a second run installs nothing); needs root or sudo.
# `make test` and .ci/run both call it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

sudo=()
if [[ "$EUID" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-test-deps: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo DEBIAN_FRONTEND=noninteractive)
fi

packages=()
# The tests run PostgreSQL servers of their own; dev-postgres.sh knows where
# Debian puts the server programs (not in PATH).
if ! scripts/dev-postgres.sh bindir >/dev/null 2>&1; then
    packages+=(postgresql)
fi
if ! command -v make >/dev/null 2>&1; then
    packages+=(make)
fi
# The Kerberos tests run a throwaway MIT KDC (krb5kdc, kdb5_util, kadmin.local) and kinit.
if ! PATH="$PATH:/usr/sbin:/sbin" command -v krb5kdc >/dev/null 2>&1 \
    || ! PATH="$PATH:/usr/sbin:/sbin" command -v kadmin.local >/dev/null 2>&1 \
    || ! command -v kinit >/dev/null 2>&1; then
    packages+=(krb5-kdc krb5-admin-server krb5-user)
fi
# The LDAP group tests run a slapd of their own and seed it with ldapadd.
if [[ ! -x /usr/sbin/slapd ]] || ! command -v ldapadd >/dev/null 2>&1; then
    packages+=(slapd ldap-utils)
    # No system directory: the tests configure their own in a temporary folder.
    echo "slapd slapd/no_configuration boolean true" | "${sudo[@]}" debconf-set-selections
fi
# The LDAP GSSAPI bind test needs cyrus-sasl's GSSAPI module, in slapd and in libldap.
if ! dpkg -s libsasl2-modules-gssapi-mit >/dev/null 2>&1; then
    packages+=(libsasl2-modules-gssapi-mit)
fi
# The messaging tests run a RabbitMQ broker of their own on 127.0.0.1 (with the programs
# in /usr/lib/rabbitmq/bin); the package's system broker must not start.
if [[ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then
    packages+=(rabbitmq-server)
fi

# The browser tests drive Debian's Chromium with Playwright (which must not download a browser).
if [[ ! -x /usr/bin/chromium ]]; then
    packages+=(chromium)
fi

if (( ${#packages[@]} == 0 )); then
    echo "install-test-deps: nothing to install"
    exit 0
fi

# The packages' own daemons must not start (kadmind would fail without a realm and fail
# the install; the tests run their own servers), so invoke-rc.d is told no while we install.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    "${sudo[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d"
    trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
echo "install-test-deps: installing ${packages[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${packages[@]}"
