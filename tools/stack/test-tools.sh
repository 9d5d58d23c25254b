#!/usr/bin/env bash
# The BitTorrent daemons the hunter's tests drive for real (and aria2c, the download bench's
# baseline), installed from Debian's packages when missing. Nothing is started here: each test
# suite starts its own daemon on free loopback ports from a config written beforehand, because
# their defaults reach for the internet (DHT, LSD, UPnP, GeoIP). See docs/research/bittorrent-engines.md.
# Also promtool (Debian's `prometheus` package, about 19 MB to download and 96 MB installed with
# its web UI's JavaScript), which the e2e suite runs to check docker/prometheus/*.yml; the
# Prometheus server it ships is never started here.
set -euo pipefail

missing=()
command -v transmission-daemon >/dev/null 2>&1 || missing+=(transmission-daemon)
command -v qbittorrent-nox >/dev/null 2>&1 || missing+=(qbittorrent-nox)
command -v aria2c >/dev/null 2>&1 || missing+=(aria2)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "[test-tools] installing ${missing[*]} from Debian's packages"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
# policy-rc.d keeps the packages' postinst from starting system-wide daemons we never use.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
