#!/usr/bin/env bash
# Boots <workdir>/disk.img (built by build-image.sh) under qemu and writes the serial console to
# <workdir>/serial.log. The guest powers itself off after its assertions. KVM when the CPU has
# hardware virtualization (vmx or svm) and /dev/kvm starts a VM, TCG otherwise: a /dev/kvm
# without either flag (PVM, the kvm_pvm module of some cloud sandboxes) boots only PVM-aware
# guest kernels, and Debian's stops silently right after the boot loader. BOOT_TEST_ACCEL=kvm|tcg forces one.
# Usage: boot.sh <workdir> [timeout-seconds]
set -euo pipefail
work="$1"
limit="${2:-2700}"
accel="${BOOT_TEST_ACCEL:-}"
if [[ -z "$accel" ]]; then
  accel=tcg
  if [[ -r /dev/kvm && -w /dev/kvm ]] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
    probe=0
    # A paused VM that initialised KVM runs until the timeout kills it (124); without KVM it exits at once.
    timeout 3 qemu-system-x86_64 -accel kvm -machine q35 -nodefaults -display none -monitor none -S >/dev/null 2>&1 || probe=$?
    [[ "$probe" == 124 ]] && accel=kvm
  fi
fi
case "$accel" in
  kvm) cpu=host ;;
  tcg) cpu=max ;;
  *) echo "error: BOOT_TEST_ACCEL=$accel: expected kvm or tcg" >&2; exit 2 ;;
esac
echo "qemu: accelerator $accel"
started=$(date +%s)
status=0
timeout "$limit" qemu-system-x86_64 \
  -accel "$accel" -cpu "$cpu" -smp 2 -m 2048 \
  -nographic -no-reboot \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 net.ifnames=1 systemd.show_status=0" \
  -drive "file=$work/disk.img,if=virtio,format=raw" \
  -netdev user,id=net0 -device virtio-net-pci,netdev=net0 \
  -serial "file:$work/serial.log" -monitor none -display none </dev/null >"$work/qemu.log" 2>&1 || status=$?
echo "qemu ($accel) exited $status after $(( $(date +%s) - started )) s"
exit "$status"
