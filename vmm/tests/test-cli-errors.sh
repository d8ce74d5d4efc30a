#!/bin/bash
# Bad input to minivmm: each case exits with the right status and one line
# that names the problem, and none of them needs /dev/kvm (input is checked
# before KVM is opened).
# Usage: test-cli-errors.sh MINIVMM KERNEL
set -u
minivmm=$1
kernel=$2
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0

# case NAME STATUS NEEDLE ARGS...: run, check status and the message.
case_() {
	local name=$1 want=$2 needle=$3
	shift 3
	"$minivmm" "$@" < /dev/null > "$t/out" 2> "$t/err"
	local rc=$?
	local lines
	lines=$(grep -c . "$t/err")
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $name: exit $rc, expected $want ($(head -c 300 "$t/err"))"
		fail=1
	elif ! grep -qF -- "$needle" "$t/err"; then
		echo "FAIL: $name: message lacks '$needle': $(cat "$t/err")"
		fail=1
	elif [ "$lines" != 1 ]; then
		echo "FAIL: $name: $lines lines of errors, expected 1: $(cat "$t/err")"
		fail=1
	else
		echo "ok: $name: $(cat "$t/err")"
	fi
}

# An old-protocol image and one without a 64-bit entry, patched from the
# real kernel (boot.rst: version at 0x206, xloadflags at 0x236).
cp "$kernel" "$t/old"
printf '\x09\x02' | dd of="$t/old" bs=1 seek=$((0x206)) conv=notrunc status=none
cp "$kernel" "$t/no64"
printf '\x00\x00' | dd of="$t/no64" bs=1 seek=$((0x236)) conv=notrunc status=none
truncate -s 600M "$t/huge-initrd"
mkdir "$t/dir"

case_ "no kernel" 2 "--kernel PATH is required"
case_ "missing kernel file" 1 "kernel '$t/nope': No such file or directory" --kernel "$t/nope"
case_ "kernel is a directory" 1 "kernel '$t/dir': not a regular file" --kernel "$t/dir"
case_ "kernel is not a bzImage" 1 "not a bzImage" --kernel /etc/passwd
case_ "boot protocol too old" 1 "older than 2.12" --kernel "$t/old"
case_ "no 64-bit entry" 1 "XLF_KERNEL_64" --kernel "$t/no64"
case_ "missing initrd" 1 "initrd '$t/nope': No such file or directory" --kernel "$kernel" --initrd "$t/nope"
case_ "initrd does not fit" 1 "initrd of 600 MiB does not fit" --kernel "$kernel" --initrd "$t/huge-initrd" --memory 512M
case_ "too little memory" 1 "too little memory" --kernel "$kernel" --memory 16M
case_ "kernel does not fit" 1 "too small for the kernel" --kernel "$kernel" --memory 64M
case_ "command line too long" 1 "command line too long" --kernel "$kernel" --cmdline "$(head -c 3000 /dev/zero | tr '\0' a)"
case_ "bad memory size" 2 "--memory 'lots' is not a size" --kernel "$kernel" --memory lots
case_ "zero cpus" 2 "--cpus must be a number from 1 to 254, not '0'" --kernel "$kernel" --cpus 0
case_ "too many cpus" 2 "not '300'" --kernel "$kernel" --cpus 300
case_ "unknown option" 2 "unknown option '--frobnicate'" --kernel "$kernel" --frobnicate
nine=""
for i in 1 2 3 4 5 6 7 8 9; do nine="$nine --vfio-user /run/dev$i.sock"; done
# shellcheck disable=SC2086
case_ "too many devices" 2 "at most 8 --vfio-user devices" --kernel "$kernel" $nine

"$minivmm" --help > "$t/help" 2>&1
if [ $? -eq 0 ] && grep -q -- "--kernel PATH" "$t/help" && grep -q "Ctrl-A x" "$t/help"; then
	echo "ok: --help exits 0 and documents the options and the escape"
else
	echo "FAIL: --help"
	fail=1
fi
exit $fail
