#!/bin/sh
# Runs inside the booted guest after cloud-init's final stage. Prints one section per fact for
# the host-side test to assert on; decides nothing itself.
# shellcheck disable=SC2016  # the single-quoted scripts run in sh -c and expand there
section() {
  name="$1"
  shift
  echo "=== BEGIN $name ==="
  "$@" 2>&1
  rc=$?
  echo "=== END $name rc=$rc ==="
}

user="$(awk -F: '$3 >= 1000 && $3 < 60000 { print $1 }' /etc/passwd | head -n 1)"
cloud-init status --wait >/dev/null 2>&1

section cloud-init-status cloud-init status --long
section cloud-init-result cat /run/cloud-init/result.json
section cloud-init-warnings sh -c 'grep -E "WARNING|ERROR|Traceback" /var/log/cloud-init.log || true'
section login-users sh -c 'awk -F: "\$7 !~ /(nologin|false|sync)\$/ { print \$1 }" /etc/passwd'
section id id "$user"
section authorized-keys cat "/home/$user/.ssh/authorized_keys"
section sudo sudo -l -U "$user"
section sshd sh -c 'sshd -T | grep -E "^(passwordauthentication|permitrootlogin|kbdinteractiveauthentication|pubkeyauthentication) "'
section docker-active systemctl is-active docker
section docker-logging docker info --format '{{.LoggingDriver}}'
section docker-daemon-json cat /etc/docker/daemon.json
section docker-group sh -c "su -s /bin/sh -c 'docker ps >/dev/null && echo docker-ok' $user"
section ufw-status ufw status verbose
section docker-user-chain iptables -S DOCKER-USER
section forward-chain iptables -S FORWARD
section wg-show env WG_COLOR_MODE=never wg show wg0
section wg-link ip -o addr show dev wg0
section wg-mtu cat /sys/class/net/wg0/mtu
section wg-key-mode stat -c '%a %U' /etc/wireguard/wg0.key
section wg-public-key cat /var/lib/wireguard/wg0.pub
section wg-key-leaks sh -c 'key="$(cat /etc/wireguard/wg0.key)"; { grep -rlF -- "$key" /var/log /var/lib/cloud /run/cloud-init 2>/dev/null; journalctl -b --no-pager | grep -cF -- "$key"; } || true'
section intrusion-prevention sh -c 'for unit in fail2ban crowdsec crowdsec-firewall-bouncer; do [ -e "/lib/systemd/system/$unit.service" ] && echo "$unit $(systemctl is-active "$unit")"; done'
section unattended-upgrades sh -c 'apt-config dump APT::Periodic; systemctl is-enabled apt-daily-upgrade.timer'
section timezone readlink /etc/localtime
section runcmd-output sh -c 'tail -n 40 /var/log/cloud-init-output.log'
echo "=== BOOT TEST DONE ==="
