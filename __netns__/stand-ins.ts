/**
 * Stand-ins for what a network namespace cannot run, placed in an enrolled host's root: no
 * systemd (services are remembered as enabled/running; wg-quick@wg0 really runs wg-quick), no
 * package downloads (apt-get records what it would install, dpkg-query then reports it as
 * installed). Every call is logged to /var/log/host-commands.log in the host's root.
 */

export const STAND_IN_LOG = "/var/log/host-commands.log";

export const STAND_IN_SYSTEMCTL = `#!/bin/sh
# systemctl stand-in: remembers enabled and running units; wg-quick@wg0 runs wg-quick.
state=/var/lib/systemctl-stub
mkdir -p "$state"
echo "systemctl $*" >>/var/log/host-commands.log
quiet=no
[ "$2" = --quiet ] && quiet=yes
case "$1" in
  is-enabled) unit=\${3:-$2}; [ -e "$state/enabled-$unit" ] ;;
  is-active)
    unit=\${3:-$2}
    if [ "$unit" = wg-quick@wg0 ]; then ip link show wg0 >/dev/null 2>&1; else [ -e "$state/active-$unit" ]; fi ;;
  enable)
    if [ "$2" = --now ]; then shift 2; now=yes; else shift; now=no; fi
    for unit in "$@"; do
      : >"$state/enabled-$unit"
      if [ "$now" = yes ]; then
        : >"$state/active-$unit"
        if [ "$unit" = wg-quick@wg0 ] && ! ip link show wg0 >/dev/null 2>&1; then wg-quick up wg0; fi
      fi
    done ;;
  restart)
    : >"$state/active-$2"
    if [ "$2" = wg-quick@wg0 ]; then wg-quick down wg0; wg-quick up wg0; fi ;;
  *) exit 0 ;;
esac
`;

export const STAND_IN_APT_GET = `#!/bin/sh
# apt-get stand-in: records what would be installed.
echo "apt-get $*" >>/var/log/host-commands.log
installing=no
for word in "$@"; do
  if [ "$installing" = yes ]; then case "$word" in -*) ;; *) echo "$word" >>/var/lib/apt-stub-installed ;; esac; fi
  [ "$word" = install ] && installing=yes
done
exit 0
`;

export const STAND_IN_DPKG_QUERY = `#!/bin/sh
# dpkg-query stand-in: packages the apt-get stand-in installed count as installed.
package=$(for word in "$@"; do last=$word; done; echo "$last")
if grep -qx "$package" /var/lib/apt-stub-installed 2>/dev/null; then printf 'install ok installed'; exit 0; fi
exec /usr/bin/dpkg-query "$@"
`;

/** The Cloudflare Tunnel connector, as if installed before (its repository is out of reach here). */
export const STAND_IN_CLOUDFLARED = "#!/bin/sh\necho cloudflared stand-in\n";

/** Where each stand-in goes in the host's root. */
export const STAND_INS: Readonly<Record<string, string>> = {
  "usr/local/sbin/systemctl": STAND_IN_SYSTEMCTL,
  "usr/local/sbin/apt-get": STAND_IN_APT_GET,
  "usr/local/sbin/dpkg-query": STAND_IN_DPKG_QUERY,
  "usr/bin/cloudflared": STAND_IN_CLOUDFLARED,
};
