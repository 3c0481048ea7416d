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
section seeded-user-data cat /var/lib/cloud/instance/user-data.txt
section login-users sh -c 'awk -F: "\$7 !~ /(nologin|false|sync)\$/ { print \$1 }" /etc/passwd'
section id id "$user"
section authorized-keys cat "/home/$user/.ssh/authorized_keys"
section sudo sudo -l -U "$user"
section sshd sh -c 'sshd -T | grep -E "^(passwordauthentication|permitrootlogin|kbdinteractiveauthentication|pubkeyauthentication) "'
section ssh-active systemctl is-active ssh
section docker-active systemctl is-active docker
section docker-logging docker info --format '{{.LoggingDriver}}'
section docker-daemon-json cat /etc/docker/daemon.json
section docker-group sh -c "su -s /bin/sh -c 'docker ps >/dev/null && echo docker-ok' $user"
section docker-packages sh -c 'for package in docker.io docker-compose docker-ce docker-ce-cli containerd.io; do echo "$package $(dpkg-query -W -f "\${db:Status-Status} \${Version}" "$package" 2>/dev/null || echo not-installed)"; done'
section apt-sources sh -c 'grep -rhE "^(deb|URIs:)" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true'
section ufw-status ufw status verbose
section docker-user-chain iptables -S DOCKER-USER
section forward-chain iptables -S FORWARD
section wg-unit sh -c 'systemctl is-enabled wg-quick@wg0; systemctl is-active wg-quick@wg0'
section wg-show env WG_COLOR_MODE=never wg show wg0
section wg-peers wg show wg0 peers
section wg-link ip -o addr show dev wg0
section wg-mtu cat /sys/class/net/wg0/mtu
section wg-conf cat /etc/wireguard/wg0.conf
section wg-key-mode stat -c '%a %U' /etc/wireguard/wg0.key
section wg-public-key cat /var/lib/wireguard/wg0.pub
section wg-key-leaks sh -c 'key="$(cat /etc/wireguard/wg0.key)"; { grep -rlF -- "$key" /var/log /var/lib/cloud /run/cloud-init 2>/dev/null; journalctl -b --no-pager | grep -cF -- "$key"; } || true'
section mesh-ufw-sources cat /var/lib/wireguard/mesh-ufw-sources
section first-boot-output sh -c 'grep -E "^(wg0 public key: |wg0: )" /var/log/cloud-init-output.log'
section sync-scripts stat -c '%n %a %U' /usr/local/sbin/deploy-keys-sync /usr/local/sbin/wireguard-mesh-sync /usr/local/sbin/wireguard-first-boot-key
section deploy-keys-sync sh -c '/usr/local/sbin/deploy-keys-sync "$(cat "/home/$1/.ssh/authorized_keys")"' sh "$user"
section intrusion-prevention sh -c 'for unit in fail2ban crowdsec crowdsec-firewall-bouncer; do [ -e "/lib/systemd/system/$unit.service" ] && echo "$unit $(systemctl is-active "$unit")"; done'
# Debian's crowdsec registers with CrowdSec's central API (api.crowdsec.net) while it is configured.
section crowdsec-central-api sh -c 'if getent ahosts api.crowdsec.net >/dev/null; then echo resolves; else echo unresolved; fi'
section dpkg-failures sh -c 'grep -A2 -F "Errors were encountered while processing" /var/log/cloud-init-output.log || true'
section crowdsec-register sh -c 'grep -F "api client register" /var/log/cloud-init-output.log || true'
section crowdsec-bouncers sh -c 'command -v cscli >/dev/null && cscli bouncers list -o raw'
section crowdsec-sshd sh -c 'command -v cscli >/dev/null && { cscli parsers list -o raw | grep -F "crowdsecurity/sshd-logs"; cscli scenarios list -o raw | grep -F "crowdsecurity/ssh-bf"; grep -rhE "journalctl_filter|_SYSTEMD_UNIT=ssh" /etc/crowdsec/acquis.yaml /etc/crowdsec/acquis.d 2>/dev/null; }'
section crowdsec-firewall sh -c 'iptables -S 2>/dev/null | grep -i crowdsec; nft list tables 2>/dev/null | grep -i crowdsec; true'
section unattended-upgrades sh -c 'apt-config dump APT::Periodic; systemctl is-enabled apt-daily.timer apt-daily-upgrade.timer; dpkg-query -W -f "\${Package} \${db:Status-Status}\n" unattended-upgrades'
section timezone readlink /etc/localtime
section runcmd-output sh -c 'tail -n 60 /var/log/cloud-init-output.log'
echo "=== BOOT TEST DONE ==="
