#!/bin/bash
# SIGTERM stops a running guest cleanly: minivmm exits 128+15 and says so.
. "$(dirname "$0")/lib.sh"

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/shell.sh"
	GT_INSIDE_KVM=1 GT_INITRD="$GT_TMP/initrd" \
		"$TOOLS/with-kvm" --timeout 400 -- bash "$0"
	exit $?
fi

log="$GT_TMP/log"
"$MINIVMM" --kernel "$KERNEL" --initrd "$GT_INITRD" --cpus 2 \
	--cmdline "console=ttyS0 quiet" < /dev/null > "$log" 2>&1 &
pid=$!
for ((i = 0; i < 240; i++)); do
	grep -q "guest shell ready" "$log" && break
	sleep 0.5
done
grep -q "guest shell ready" "$log" && ok "guest up" || not_ok "guest did not come up"
kill -TERM "$pid"
wait "$pid"
rc=$?
cat "$log"
expect "exit status after SIGTERM" 143 "$rc"
grep -q "minivmm: stopped by signal Terminated" "$log" && ok "said why it stopped" ||
	not_ok "no stop message"
gt_finish
