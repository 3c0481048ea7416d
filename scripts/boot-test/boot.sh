#!/usr/bin/env bash
# Boots <workdir>/disk.img (built by build-image.sh) under qemu with TCG and writes the serial
# console to <workdir>/serial.log. The guest powers itself off after its assertions.
# Usage: boot.sh <workdir> [timeout-seconds]
set -euo pipefail
work="$1"
limit="${2:-2700}"
started=$(date +%s)
status=0
timeout "$limit" qemu-system-x86_64 \
  -accel tcg -cpu max -smp 2 -m 2048 \
  -nographic -no-reboot \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 net.ifnames=1 systemd.show_status=0" \
  -drive "file=$work/disk.img,if=virtio,format=raw" \
  -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
  -serial "file:$work/serial.log" -monitor none -display none </dev/null >"$work/qemu.log" 2>&1 || status=$?
echo "qemu exited $status after $(( $(date +%s) - started )) s"
exit "$status"
