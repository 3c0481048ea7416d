/**
 * The bash functions every enrollment script starts with: each brings one piece of state into
 * place only when it differs, and reports what it changed. Kept apart from the renderer, which
 * only calls them with shell-quoted data.
 */
export const ENROLLMENT_HELPERS = `changes=0
changed_paths=()
notes=()
console_access=no
packages_installed=no

note_change() {
  changes=$((changes + 1))
  echo "changed: $*"
}

changed_under() {
  local path
  for path in "\${changed_paths[@]}"; do
    case "$path" in "$1"*) return 0 ;; esac
  done
  return 1
}

parse_arguments() {
  local argument
  for argument in "$@"; do
    case "$argument" in
      --i-have-console-access) console_access=yes ;;
      *)
        echo "usage: enroll.sh [--i-have-console-access]" >&2
        exit 2
        ;;
    esac
  done
}

require_root_on() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "enroll: run as root: ssh <admin>@<host> sudo bash -s < enroll.sh" >&2
    exit 1
  fi
  if ! grep -qx "ID=$1" /etc/os-release || ! grep -qx "VERSION_ID=\\"$2\\"" /etc/os-release; then
    echo "enroll: this script is built for $1 $2; $(sed -n 's/^PRETTY_NAME=//p' /etc/os-release) found, nothing changed" >&2
    exit 1
  fi
}

# The SSH_CONNECTION of this session: sudo drops it from the environment, so it is read from
# the closest ancestor process (the admin's login shell) that has it.
ssh_connection() {
  local pid=$$ found=\${SSH_CONNECTION:-}
  while [ -z "$found" ] && [ "$pid" -gt 1 ]; do
    found=$(tr '\\0' '\\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^SSH_CONNECTION=//p' | head -n 1)
    pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null || echo 1)
    [ -n "$pid" ] || pid=1
  done
  printf '%s' "$found"
}

admitted_by_ssh_rule() {
  local source
  for source in "\${ssh_sources[@]}"; do
    [ "$source" = any ] && return 0
  done
  if ! command -v python3 >/dev/null; then
    echo "enroll: python3 is needed to compare this session's address with the SSH rule" >&2
    return 1
  fi
  python3 -c '
import ipaddress, sys
address = ipaddress.ip_address(sys.argv[1].split("%")[0])
if address.version == 6 and address.ipv4_mapped is not None:
    address = address.ipv4_mapped
sys.exit(0 if any(address in ipaddress.ip_network(block) for block in sys.argv[2:] if ipaddress.ip_network(block).version == address.version) else 1)
' "$1" "\${ssh_sources[@]}"
}

refuse_lockout() {
  echo "enroll: refusing to enable the firewall: $1." >&2
  echo "enroll: SSH will be allowed from: \${ssh_sources[*]} (port 22). Run from an address allowed_ssh_ips admits," >&2
  echo "enroll: or, with the provider's console open, pass --i-have-console-access. Nothing changed." >&2
  exit 3
}

guard_ssh_session() {
  local connection client server_port
  if [ "$console_access" = yes ]; then
    echo "lock-out check skipped: --i-have-console-access"
    return 0
  fi
  connection=$(ssh_connection)
  [ -n "$connection" ] || refuse_lockout "no SSH session found to check (run it over SSH, or from the console with the flag)"
  read -r client _ _ server_port <<<"$connection"
  [ "$server_port" = 22 ] || refuse_lockout "this session reached SSH on port $server_port, and the firewall allows port 22 only"
  admitted_by_ssh_rule "$client" || refuse_lockout "this session comes from $client, which the planned SSH rule does not admit"
  echo "enrolling $host: this SSH session from $client stays admitted by the firewall"
}

# Writes a file only when its content differs (atomically, by rename); a new sshd drop-in that
# sshd refuses is rolled back before anything reloads it.
ensure_file() {
  local path=$1 mode=$2 owner=$3 content=$4 staged
  staged=$(mktemp)
  printf '%s' "$content" >"$staged"
  if [ -f "$path" ] && cmp -s "$staged" "$path"; then
    rm -f "$staged"
    if [ "$(stat -c '%a %U:%G' "$path")" != "\${mode#0} $owner" ]; then
      chmod "$mode" "$path"
      chown "$owner" "$path"
      changed_paths+=("$path")
      note_change "$path (mode $mode, owner $owner)"
    fi
    return 0
  fi
  mkdir -p "$(dirname "$path")"
  install -m "$mode" -o "\${owner%%:*}" -g "\${owner#*:}" "$staged" "$path.enroll-new"
  rm -f "$staged"
  local previous=""
  if [ -f "$path" ]; then
    previous=$(mktemp)
    cp -p "$path" "$previous"
  fi
  mv -f "$path.enroll-new" "$path"
  case "$path" in
    /etc/ssh/sshd_config.d/*)
      if command -v sshd >/dev/null && ! sshd -t; then
        if [ -n "$previous" ]; then mv -f "$previous" "$path"; else rm -f "$path"; fi
        echo "enroll: sshd refuses $path; the previous file is back in place" >&2
        exit 1
      fi
      ;;
  esac
  [ -z "$previous" ] || rm -f "$previous"
  if [ "$path" = /etc/docker/daemon.json ] && systemctl is-active --quiet docker; then
    notes+=("$path changed: run systemctl restart docker when the containers may restart")
  fi
  changed_paths+=("$path")
  note_change "$path"
}

# A block appended to a file a package owns, between its # BEGIN and # END lines: replaced
# when it differs, the rest of the file kept.
ensure_block() {
  local path=$1 mode=$2 content=$3 begin end current staged
  begin=\${content%%$'\\n'*}
  end=$(printf '%s' "$content" | tail -n 1)
  current=$(awk -v b="$begin" -v e="$end" '$0 == b { inside = 1 } inside { print } $0 == e { inside = 0 }' "$path" 2>/dev/null || true)
  if [ -n "$current" ] && [ "$current"$'\\n' = "$content" ]; then return 0; fi
  staged=$(mktemp)
  if [ -f "$path" ]; then
    awk -v b="$begin" -v e="$end" '$0 == b { inside = 1 } !inside { print } $0 == e { inside = 0 }' "$path" >"$staged"
    chmod --reference="$path" "$staged"
    chown --reference="$path" "$staged"
  else
    chmod "$mode" "$staged"
  fi
  printf '%s' "$content" >>"$staged"
  mv -f "$staged" "$path"
  changed_paths+=("$path")
  note_change "$path (block \${begin#\\# BEGIN })"
}

# wg0.conf of a mesh member: its [Interface] section is enrolled, the peers pushed later kept.
ensure_wireguard_interface() {
  local path=$1 interface=$2 staged
  staged=$(mktemp)
  printf '%s' "$interface" >"$staged"
  if [ -f "$path" ]; then
    awk 'found || /^\\[Peer\\]$/ { if (!found) print ""; found = 1; print }' "$path" | sed '1{/^$/d;}' >"$staged.peers"
    if [ -s "$staged.peers" ]; then
      printf '\\n' >>"$staged"
      cat "$staged.peers" >>"$staged"
    fi
    rm -f "$staged.peers"
    if cmp -s "$staged" "$path"; then
      rm -f "$staged"
      return 0
    fi
  fi
  install -d -m 0700 "$(dirname "$path")"
  install -m 0600 "$staged" "$path"
  rm -f "$staged"
  changed_paths+=("$path")
  note_change "$path ([Interface])"
}

ensure_user() {
  local user=$1 shell=$2 groups=$3 group
  for group in \${groups//,/ }; do
    if ! getent group "$group" >/dev/null; then
      groupadd "$group"
      note_change "group $group"
    fi
  done
  if ! id "$user" >/dev/null 2>&1; then
    useradd --create-home --user-group --shell "$shell" \${groups:+--groups "$groups"} "$user"
    note_change "user $user"
    return 0
  fi
  if [ "$(getent passwd "$user" | cut -d: -f7)" != "$shell" ]; then
    usermod --shell "$shell" "$user"
    note_change "shell of $user"
  fi
  for group in \${groups//,/ }; do
    if ! id -nG "$user" | tr ' ' '\\n' | grep -qx "$group"; then
      usermod --append --groups "$group" "$user"
      note_change "$user in group $group"
    fi
  done
}

ensure_password_locked() {
  if [ "$(passwd --status "$1" | cut -d' ' -f2)" != L ]; then
    passwd --lock "$1" >/dev/null
    note_change "password of $1 locked"
  fi
}

ensure_sudo_rule() {
  local user=$1 rule=$2 staged
  if command -v visudo >/dev/null; then
    staged=$(mktemp)
    printf '%s' "$rule" >"$staged"
    if ! visudo -cqf "$staged"; then
      rm -f "$staged"
      echo "enroll: visudo refuses the sudo rule of $user" >&2
      exit 1
    fi
    rm -f "$staged"
  fi
  ensure_file "/etc/sudoers.d/90-enrollment-$user" 0440 root:root "$rule"
}

ensure_authorized_keys() {
  local user=$1 keys=$2 home group
  home=$(getent passwd "$user" | cut -d: -f6)
  group=$(id -gn "$user")
  if [ ! -d "$home/.ssh" ]; then
    install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
    note_change "$home/.ssh"
  fi
  ensure_file "$home/.ssh/authorized_keys" 0600 "$user:$group" "$keys"
}

ensure_timezone() {
  if [ "$(readlink /etc/localtime)" != "/usr/share/zoneinfo/$1" ]; then
    ln -sf "/usr/share/zoneinfo/$1" /etc/localtime
    printf '%s\\n' "$1" >/etc/timezone
    note_change "time zone $1"
  fi
}

ensure_apt_source() {
  local name=$1 key=$2 source=$3 keyring release
  keyring="/etc/apt/keyrings/\${name%.list}.asc"
  release=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
  ensure_file "$keyring" 0644 root:root "$key"
  source=\${source//\\$KEY_FILE/$keyring}
  source=\${source//\\$RELEASE/$release}
  ensure_file "/etc/apt/sources.list.d/$name" 0644 root:root "$source"$'\\n'
}

ensure_packages() {
  local package missing=()
  for package in "$@"; do
    dpkg-query --show --showformat="\\\${Status}" "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
  done
  [ "\${#missing[@]}" -gt 0 ] || return 0
  apt-get -o DPkg::Lock::Timeout=600 update
  apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold install --yes "\${missing[@]}"
  packages_installed=yes
  note_change "packages \${missing[*]}"
}

ensure_service_running() {
  local unit
  for unit in "$@"; do
    if ! systemctl is-enabled --quiet "$unit" || ! systemctl is-active --quiet "$unit"; then
      systemctl enable --now "$unit"
      note_change "service $unit enabled and running"
    fi
  done
}

ensure_service_enabled() {
  if ! systemctl is-enabled --quiet "$1"; then
    systemctl enable "$1"
    note_change "service $1 enabled"
  fi
}

restart_if_configured() {
  if ! systemctl is-active --quiet "$1" || changed_under "/etc/\${1%%.*}/" || [ "$packages_installed" = yes ]; then
    systemctl restart "$1"
    note_change "service $1 restarted"
  fi
}

reload_ssh_if_configured() {
  if changed_under /etc/ssh/; then
    systemctl reload ssh || systemctl reload sshd || true
    note_change "sshd reloaded"
  fi
}

daemon_reload_if_units_changed() {
  if changed_under /etc/systemd/system/; then
    systemctl daemon-reload
  fi
}

# Runs an install script only while the program it installs is missing.
ensure_installed_by() {
  if [ ! -x "$1" ]; then
    "$2"
    note_change "$1 installed"
  fi
}

# The WireGuard private key is made on the host once and never replaced.
ensure_wireguard_key() {
  local existed=yes
  [ -s /etc/wireguard/wg0.key ] || existed=no
  "$1"
  [ "$existed" = yes ] || note_change "WireGuard key generated on the host"
}

apply_wireguard_mesh() {
  local was_up=yes
  ip link show wg0 >/dev/null 2>&1 || was_up=no
  "$1"
  [ "$was_up" = yes ] || note_change "wg0 up"
}

ensure_ufw_default() {
  local key value
  case "$2" in incoming) key=DEFAULT_INPUT_POLICY ;; *) key=DEFAULT_OUTPUT_POLICY ;; esac
  case "$1" in deny) value=DROP ;; allow) value=ACCEPT ;; *) value=REJECT ;; esac
  if ! grep -qx "$key=\\"$value\\"" /etc/default/ufw; then
    ufw default "$1" "$2" >/dev/null
    note_change "ufw default $1 $2"
  fi
}

ensure_ufw_rule() {
  local output
  output=$(ufw "$@")
  case "$output" in
    *"Rule added"* | *"Rules updated"* | *"Rule updated"*) note_change "ufw $*" ;;
  esac
}

ensure_ufw_enabled() {
  if ! ufw status | grep -qx 'Status: active'; then
    ufw --force enable >/dev/null
    note_change "ufw enabled"
  fi
}

finish() {
  local note
  for note in "\${notes[@]}"; do echo "note: $note"; done
  if [ "$changes" -eq 0 ]; then
    echo "no changes"
  elif [ "$changes" -eq 1 ]; then
    echo "1 change"
  else
    echo "$changes changes"
  fi
}
`;
