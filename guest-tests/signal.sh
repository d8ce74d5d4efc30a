#!/bin/bash
# SIGTERM and SIGINT stop a running guest cleanly: minivmm exits 128+N and
# says so.
. "$(dirname "$0")/lib.sh"

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/shell.sh"
	GT_INITRD="$GT_TMP/initrd" gt_enter_test_host 400 "$@"
fi

# Job control on: without it bash starts background jobs with SIGINT
# ignored, and minivmm (rightly) keeps an inherited SIG_IGN.
set -m
log="$GT_TMP/log"
# stop_with SIGNAL STATUS MESSAGE: boot, send SIGNAL, check the outcome.
stop_with() {
	"$MINIVMM" --kernel "$KERNEL" --initrd "$GT_INITRD" --cpus 2 \
		--cmdline "console=ttyS0 quiet" < /dev/null > "$log" 2>&1 &
	pid=$!
	for ((i = 0; i < 240; i++)); do
		grep -q "guest shell ready" "$log" && break
		sleep 0.5
	done
	grep -q "guest shell ready" "$log" && ok "guest up" || not_ok "guest did not come up"
	kill -"$1" "$pid"
	wait "$pid"
	rc=$?
	cat "$log"
	expect "exit status after SIG$1" "$2" "$rc"
	grep -q "minivmm: stopped by signal $3" "$log" && ok "said why it stopped ($3)" ||
		not_ok "no stop message for SIG$1"
}
stop_with TERM 143 Terminated
stop_with INT 130 Interrupt
gt_finish
