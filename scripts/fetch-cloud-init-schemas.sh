#!/usr/bin/env bash
# Downloads cloud-init's own JSON schema for cloud-config from Debian's cloud-init packages:
# bookworm (22.4, what Debian 12 hosts run) and trixie (25.1, the closest Debian has to
# Ubuntu 24.04's cloud-init). Uses a throwaway apt directory, so the host's apt sources are
# left alone. Writes .cache/cloud-init-schemas/<version>/ (git-ignored), one directory per
# version with schema-cloud-config-v1.json, cloud-init's Python package (python/cloudinit, to
# run its own validator) and the full Debian package version in VERSION (written last).
# Idempotent: a version already present is not downloaded again.
set -euo pipefail
cd "$(dirname "$0")/.."

mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
cache=".cache/cloud-init-schemas"
schema_in_package="usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json"

# suite:expected upstream version (major.minor)
targets=("bookworm:22.4" "trixie:25.1")
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r "$keyring" ]] || { echo "error: $keyring is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }

missing=()
for target in "${targets[@]}"; do
  version="${target#*:}"
  [[ -s "$cache/$version/VERSION" ]] || missing+=("$target")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "cloud-init schemas already in $cache"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for target in "${missing[@]}"; do
  suite="${target%%:*}"
  version="${target#*:}"
  apt_dir="$work/apt-$suite"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/parts" "$apt_dir/prefs"
  {
    echo "deb [signed-by=$keyring] $mirror $suite main"
    echo "deb [signed-by=$keyring] $mirror $suite-updates main"
    echo "deb [signed-by=$keyring] $security_mirror $suite-security main"
  } >"$apt_dir/sources.list"
  apt_options=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::Etc::Preferences=$apt_dir/preferences"
    -o "Dir::Etc::PreferencesParts=$apt_dir/prefs"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::State::Status=$apt_dir/status"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Cache::Archives=$apt_dir/archives"
    -o "APT::Sandbox::User=root"
    -o "APT::Architecture=amd64"
    -o "Debug::NoLocking=1"
  )
  touch "$apt_dir/status"
  echo "fetching cloud-init from Debian $suite"
  apt-get "${apt_options[@]}" -qq update
  (cd "$work" && apt-get "${apt_options[@]}" -qq download cloud-init)
  deb="$(ls "$work"/cloud-init_*.deb)"
  package_version="$(dpkg-deb -f "$deb" Version)"
  case "$package_version" in
    "$version".*) ;;
    *) echo "error: Debian $suite ships cloud-init $package_version, expected $version.x" >&2; exit 1 ;;
  esac
  dpkg-deb -x "$deb" "$work/root-$suite"
  rm -f "$deb"
  mkdir -p "$cache/$version"
  cp "$work/root-$suite/$schema_in_package" "$cache/$version/schema-cloud-config-v1.json"
  # cloud-init's own Python package too, so tests can also run its validator
  # (`python3 -m cloudinit.cmd.main schema`), not only the JSON schema.
  mkdir -p "$cache/$version/python"
  cp -r "$work/root-$suite/usr/lib/python3/dist-packages/cloudinit" "$cache/$version/python/"
  echo "$package_version" >"$cache/$version/VERSION"
  echo "cloud-init $package_version schema -> $cache/$version/"
done
