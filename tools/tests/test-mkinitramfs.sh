#!/bin/sh
# tools/mkinitramfs: module dependencies come before the modules that need
# them, files land where asked, the archive is newc, bad input fails.
set -u
mk="$1"
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
printf '#!/bin/sh\necho hello\n' > "$t/init.sh"
echo payload > "$t/data"

if ! "$mk" -o "$t/img" --compress none --init "$t/init.sh" \
	--module kvm_amd --module 9pnet_virtio --file "$t/data:/etc/data"; then
	echo "FAIL: mkinitramfs failed"
	exit 1
fi
head -c 6 "$t/img" | grep -q 070701 && echo "ok: newc magic" ||
	{ echo "FAIL: not a newc archive"; fail=1; }
mkdir "$t/x"
(cd "$t/x" && cpio -id --quiet < "$t/img") || { echo "FAIL: cpio cannot unpack"; exit 1; }
mods=$(tr '\n' ' ' < "$t/x/etc/modules")
pos() { echo "$mods" | tr ' ' '\n' | grep -nx "$1" | cut -d: -f1; }
for pair in "kvm.ko kvm-amd.ko" "irqbypass.ko kvm.ko" "ccp.ko kvm-amd.ko" \
	"9pnet.ko 9pnet_virtio.ko" "virtio_ring.ko 9pnet_virtio.ko"; do
	set -- $pair
	a=$(pos "$1"); b=$(pos "$2")
	if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
		echo "ok: $1 loads before $2"
	else
		echo "FAIL: $1 must load before $2 (order: $mods)"
		fail=1
	fi
done
[ "$(echo "$mods" | tr ' ' '\n' | grep -cx virtio.ko)" = 1 ] &&
	echo "ok: shared dependency listed once" ||
	{ echo "FAIL: virtio.ko listed other than once"; fail=1; }
for m in $mods; do
	[ -f "$t/x/lib/modules/$m" ] || { echo "FAIL: $m missing from image"; fail=1; }
done
[ "$(cat "$t/x/etc/data")" = payload ] && echo "ok: extra file" ||
	{ echo "FAIL: extra file missing"; fail=1; }
cmp -s "$t/x/init.main" "$t/init.sh" && [ -x "$t/x/init" ] && [ -L "$t/x/bin/sh" ] &&
	echo "ok: init and busybox" || { echo "FAIL: init or busybox missing"; fail=1; }

# minivmm-exit: in every image, a shell script (not run here: it writes
# to /dev/port) that drains the console before the test-exit port.
[ -x "$t/x/bin/minivmm-exit" ] && sh -n "$t/x/bin/minivmm-exit" &&
	grep -q "^stty -F /dev/console" "$t/x/bin/minivmm-exit" &&
	grep -q "seek=1280" "$t/x/bin/minivmm-exit" &&
	echo "ok: minivmm-exit drains the console, then writes the test-exit port" ||
	{ echo "FAIL: /bin/minivmm-exit missing or not as expected"; fail=1; }

if "$mk" -o "$t/img2" --init "$t/init.sh" --module no_such_module 2>"$t/err"; then
	echo "FAIL: unknown module accepted"; fail=1
elif grep -q "no_such_module" "$t/err"; then
	echo "ok: unknown module named in the error"
else
	echo "FAIL: error does not name the module: $(cat "$t/err")"; fail=1
fi
[ ! -e "$t/img2" ] || { echo "FAIL: output written despite the error"; fail=1; }

if "$mk" -o "$t/img3" --init "$t/missing.sh" 2>/dev/null; then
	echo "FAIL: missing init accepted"; fail=1
else
	echo "ok: missing init rejected"
fi
exit $fail
