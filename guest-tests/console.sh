#!/bin/bash
# The serial console is a terminal a person can type into: in tmux, start
# minivmm on a pty, wait for the guest shell, type a command and read its
# answer, reboot the guest, and check that minivmm exits 0 and leaves the
# terminal as it found it. Then every other way out must restore the
# terminal too: Ctrl-A x, SIGTERM, a guest that KVM cannot run (which must
# also name the reason and print the vCPU's registers), and a triple fault.
. "$(dirname "$0")/lib.sh"

if [ -z "${GT_INSIDE_KVM:-}" ]; then
	build_initramfs "$GT_TMP/initrd" "$(dirname "$0")/init/shell.sh"
	# Everything below runs in the test host, where tmux gets a pty.
	GT_INITRD="$GT_TMP/initrd" gt_enter_test_host 500 "$@"
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

# minivmm runs through this so that the test knows its pid.
cat > "$GT_TMP/run-minivmm" <<EOF
#!/bin/sh
echo \$\$ > "$GT_TMP/minivmm.pid"
exec "$MINIVMM" "\$@"
EOF

# start [MINIVMM ARGS]: minivmm on a fresh pane (the shell guest by
# default); when it ends the pane shows its status and the terminal mode.
start() {
	local args=${1:-"--kernel '$KERNEL' --initrd '$GT_INITRD' --cpus 2 --cmdline 'console=ttyS0 quiet'"}
	tmx kill-server 2>/dev/null
	rm -f "$GT_TMP/minivmm.pid"
	runs=$((runs + 1))
	tmx new-session -d -s "$session" -x 160 -y 50 \
		"sh '$GT_TMP/run-minivmm' $args; \
		echo minivmm-exit=\$?; stty -a | tr ' ;' '\n\n' | grep -x -- '-\\?icanon'; sleep 600"
}

# ended WHAT SECONDS: wait for minivmm to exit and the shell to print the
# terminal's mode after it; leaves the pane (lines joined) in $pane.
ended() {
	wait_for "minivmm-exit=" "$2" || not_ok "$1: minivmm did not exit"
	wait_for "^-\?icanon$" 10
	pane=$(tmx capture-pane -p -J -t "$session" -S -200)
}

start
wait_for "guest shell ready" 240 && ok "guest shell came up" || not_ok "no guest shell"
wait_for "^/ #" 60 || not_ok "no shell prompt"
tmx send-keys -t "$session" 'echo answer-$((6 * 7))' Enter
wait_for "^answer-42" 60 && ok "typed command answered" || not_ok "no answer to the typed command"
tmx send-keys -t "$session" 'reboot -f' Enter
ended "reboot -f" 120
echo "$pane" | grep -q "minivmm-exit=0" && ok "reboot -f ends minivmm with status 0" ||
	not_ok "reboot -f did not end minivmm with 0"
echo "$pane" | grep -qx "icanon" && ok "terminal restored (icanon)" ||
	not_ok "terminal left in raw mode"

start
wait_for "guest shell ready" 240 || not_ok "no guest shell (second boot)"
tmx send-keys -t "$session" C-a x
ended "Ctrl-A x" 60
echo "$pane" | grep -q "quit from the console" && echo "$pane" | grep -q "minivmm-exit=0" &&
	ok "Ctrl-A x quits with status 0" || not_ok "Ctrl-A x did not quit cleanly"
echo "$pane" | grep -qx "icanon" && ok "terminal restored after Ctrl-A x" ||
	not_ok "terminal left in raw mode after Ctrl-A x"

start
wait_for "guest shell ready" 240 || not_ok "no guest shell (third boot)"
kill -TERM "$(cat "$GT_TMP/minivmm.pid")" || not_ok "no minivmm process to send SIGTERM to"
ended "SIGTERM" 60
echo "$pane" | grep -q "minivmm-exit=143" && ok "SIGTERM on a terminal: exit status 143" ||
	not_ok "SIGTERM on a terminal did not end minivmm with 143"
echo "$pane" | grep -qx "icanon" && ok "terminal restored after SIGTERM" ||
	not_ok "terminal left in raw mode after SIGTERM"

# A guest KVM cannot run (guest-tests/fault_kernel.c): an instruction
# KVM's emulator lacks, on unclaimed MMIO, with rbx and rax set to values
# the register dump must show.
start "--kernel '$EMULATION_KERNEL'"
ended "KVM internal error" 120
echo "$pane"
echo "$pane" | grep -q "minivmm-exit=1$" && ok "KVM internal error: exit status 1" ||
	not_ok "KVM internal error did not end minivmm with 1"
echo "$pane" | grep -q "KVM internal error: instruction emulation failed (suberror 1)" &&
	ok "the reason is named" || not_ok "no 'instruction emulation failed' reason"
echo "$pane" | grep -q "instruction bytes 66 0f 74 00" &&
	ok "the instruction's bytes are shown" || not_ok "no instruction bytes"
echo "$pane" | grep -q "minivmm: vcpu0 registers:" &&
	echo "$pane" | grep -Eq "^  rax 00000000d0000000 rbx 00000000baadf00d " &&
	ok "vcpu0's registers are printed, one line each" ||
	not_ok "no register dump with the guest's rax and rbx at the line start"
echo "$pane" | grep -qx "icanon" && ok "terminal restored after the KVM error" ||
	not_ok "terminal left in raw mode after the KVM error"

# A guest that triple-faults (KVM_EXIT_SHUTDOWN): a PC resets, so minivmm
# ends with status 0 and says why.
start "--kernel '$TRIPLE_FAULT_KERNEL'"
ended "triple fault" 120
echo "$pane" | grep -q "guest reset (triple fault on vcpu0)" && echo "$pane" | grep -q "minivmm-exit=0$" &&
	ok "a triple fault ends minivmm with status 0, saying so" ||
	not_ok "a triple fault did not end minivmm with 0 and its reason"
echo "$pane" | grep -qx "icanon" && ok "terminal restored after the triple fault" ||
	not_ok "terminal left in raw mode after the triple fault"
tmx kill-server 2>/dev/null
gt_finish
