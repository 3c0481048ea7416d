#!/usr/bin/env bash
# Builds a bootable Debian 12 root filesystem with cloud-init (cached in .cache/boot/base) and
# a raw ext4 disk image from it with a NoCloud seed (user-data, meta-data) and the guest-side
# assertion unit. Usage: build-image.sh <user-data> <workdir>
set -euo pipefail
user_data="$1"
work="$2"
root_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cache="$root_dir/.cache/boot"
base="$cache/base"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

for tool in debootstrap mkfs.ext4 qemu-system-x86_64; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install debootstrap e2fsprogs qemu-system-x86)" >&2; exit 2; }
done

if [[ ! -f "$base/.complete" ]]; then
  rm -rf "$base"
  mkdir -p "$base"
  echo "debootstrap: Debian 12 (bookworm) with cloud-init into $base"
  started=$(date +%s)
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,udev,dbus,linux-image-amd64,cloud-init,openssh-server,sudo,iproute2,ca-certificates,kmod,procps,apt-utils,gnupg,curl,iptables,nftables,netbase,less,python3-cffi-backend \
    bookworm "$base" "$mirror" >"$cache/debootstrap.log" 2>&1 || { tail -30 "$cache/debootstrap.log" >&2; exit 1; }
  # Image plumbing the user data under test does not provide: DHCP on the first NIC through
  # systemd-networkd, qemu's user-mode DNS, and no cloud-init network rendering.
  mkdir -p "$base/etc/systemd/network"
  printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' >"$base/etc/systemd/network/80-dhcp.network"
  chroot "$base" systemctl enable systemd-networkd >/dev/null 2>&1
  printf 'nameserver 10.0.2.3\n' >"$base/etc/resolv.conf"
  printf 'network: {config: disabled}\ndatasource_list: [NoCloud, None]\n' >"$base/etc/cloud/cloud.cfg.d/90-boot-test.cfg"
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' "$mirror" "$mirror" >"$base/etc/apt/sources.list"
  printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$base/etc/fstab"
  echo "boot-test" >"$base/etc/hostname"
  rm -f "$base/etc/machine-id" && touch "$base/etc/machine-id"
  chroot "$base" apt-get clean
  echo "debootstrap took $(( $(date +%s) - started )) s"
  touch "$base/.complete"
fi

# Bring the base up to date with bookworm-security/-updates natively, as a fresh cloud image
# is: under TCG, the guest's own package_upgrade would otherwise spend minutes on a new kernel.
if [[ ! -f "$base/.upgraded" ]]; then
  started=$(date +%s)
  mount -t proc proc "$base/proc"
  trap 'umount "$base/proc" 2>/dev/null || true' EXIT
  chroot "$base" apt-get -qq update
  DEBIAN_FRONTEND=noninteractive chroot "$base" apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade >"$cache/upgrade.log" 2>&1 || { tail -30 "$cache/upgrade.log" >&2; exit 1; }
  chroot "$base" apt-get -qq clean
  umount "$base/proc"
  trap - EXIT
  echo "base upgrade took $(( $(date +%s) - started )) s"
  touch "$base/.upgraded"
fi

# Cloud images ship a generated en_US.UTF-8, the locale cloud-init's locale module sets by default.
if [[ ! -f "$base/.locale" ]]; then
  sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' "$base/etc/locale.gen"
  chroot "$base" locale-gen >>"$cache/upgrade.log" 2>&1
  chroot "$base" update-locale LANG=en_US.UTF-8
  touch "$base/.locale"
fi

rm -rf "$work/rootfs"
mkdir -p "$work"
cp -a "$base" "$work/rootfs"
rm -f "$work/rootfs/.complete" "$work/rootfs/.upgraded" "$work/rootfs/.locale"
seed="$work/rootfs/var/lib/cloud/seed/nocloud"
mkdir -p "$seed"
cp "$user_data" "$seed/user-data"
printf 'instance-id: boot-test-%s\nlocal-hostname: boot-test\n' "$(date +%s)" >"$seed/meta-data"
install -m 0755 "$(dirname "$0")/guest-assertions.sh" "$work/rootfs/usr/local/sbin/boot-test-assertions"
cat >"$work/rootfs/etc/systemd/system/boot-test-assertions.service" <<'UNIT'
[Unit]
Description=Boot test: check what cloud-init did, report on the serial console, power off
After=cloud-final.service
Wants=cloud-final.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c '/usr/local/sbin/boot-test-assertions >/dev/ttyS0 2>&1; systemctl poweroff'
StandardOutput=tty
TTYPath=/dev/ttyS0

[Install]
# cloud-init.target, not multi-user.target: cloud-final runs after multi-user.target, so a
# multi-user unit ordered after cloud-final is an ordering cycle systemd breaks by dropping it.
WantedBy=cloud-init.target
UNIT
chroot "$work/rootfs" systemctl enable boot-test-assertions.service >/dev/null 2>&1
kernel_version="$(find "$work/rootfs/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//' | sort -V | tail -n 1)"
cp "$work/rootfs/boot/vmlinuz-$kernel_version" "$work/vmlinuz"
cp "$work/rootfs/boot/initrd.img-$kernel_version" "$work/initrd.img"
chmod 0644 "$work/initrd.img"
rm -f "$work/disk.img"
mkfs.ext4 -q -L root -d "$work/rootfs" "$work/disk.img" 4G
rm -rf "$work/rootfs"
echo "image: $work/disk.img"
