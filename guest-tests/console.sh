#!/bin/bash
# The serial console is a terminal a person can type into: in tmux, start
# minivmm on a pty, wait for the guest shell, type a command and read its
# answer, reboot the guest, and check that minivmm exits 0 and leaves the
# terminal as it found it. Then the same with Ctrl-A x to quit.
. "$(dirname "$0")/lib.sh"

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/shell.sh"
	# Everything below runs in the test host, where tmux gets a pty.
	GT_INSIDE_KVM=1 GT_INITRD="$GT_TMP/initrd" \
		"$TOOLS/with-kvm" --timeout 500 -- bash "$0"
	exit $?
fi

command -v tmux > /dev/null || { echo "FAIL: tmux is missing"; exit 1; }
export TMUX_TMPDIR="$GT_TMP"
session=minivmm-console

# wait_for PATTERN SECONDS: poll the pane until PATTERN shows.
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		tmx capture-pane -p -t "$session" -S -200 2>/dev/null | grep -q -- "$1" && return 0
		tmx has-session -t "$session" 2>/dev/null ||
			{ echo "--- the tmux session is gone"; return 1; }
		sleep 0.5
	done
	echo "--- pane:"
	tmx capture-pane -p -t "$session" -S -200
	return 1
}

# Each start gets a tmux server of its own: a new session on a server
# that is still shutting down after kill-server fails with "server exited
# unexpectedly" (seen in a loaded run).
runs=0
tmx() { tmux -L "minivmm-run$runs" "$@"; }

start() {
	tmx kill-server 2>/dev/null
	runs=$((runs + 1))
	tmx new-session -d -s "$session" -x 160 -y 50 \
		"'$MINIVMM' --kernel '$KERNEL' --initrd '$GT_INITRD' --cmdline 'console=ttyS0 quiet'; \
		echo minivmm-exit=\$?; stty -a | tr ' ;' '\n\n' | grep -x -- '-\\?icanon'; sleep 600"
}

start
wait_for "guest shell ready" 240 && ok "guest shell came up" || not_ok "no guest shell"
sleep 1
tmx send-keys -t "$session" 'echo answer-$((6 * 7))' Enter
wait_for "^answer-42" 60 && ok "typed command answered" || not_ok "no answer to the typed command"
tmx send-keys -t "$session" 'reboot -f' Enter
wait_for "minivmm-exit=" 120 || not_ok "minivmm did not exit after reboot -f"
# The shell prints the terminal's mode just after the exit status.
wait_for "^-\?icanon$" 10
pane=$(tmx capture-pane -p -t "$session" -S -200)
echo "$pane" | grep -q "minivmm-exit=0" && ok "reboot -f ends minivmm with status 0" ||
	not_ok "reboot -f did not end minivmm with 0"
echo "$pane" | grep -qx "icanon" && ok "terminal restored (icanon)" ||
	not_ok "terminal left in raw mode"

start
wait_for "guest shell ready" 240 || not_ok "no guest shell (second boot)"
tmx send-keys -t "$session" C-a x
wait_for "minivmm-exit=" 60 || not_ok "Ctrl-A x did not quit"
wait_for "^-\?icanon$" 10
pane=$(tmx capture-pane -p -t "$session" -S -200)
echo "$pane" | grep -q "quit from the console" && echo "$pane" | grep -q "minivmm-exit=0" &&
	ok "Ctrl-A x quits with status 0" || not_ok "Ctrl-A x did not quit cleanly"
echo "$pane" | grep -qx "icanon" && ok "terminal restored after Ctrl-A x" ||
	not_ok "terminal left in raw mode after Ctrl-A x"
tmx kill-server 2>/dev/null
gt_finish
