#!/bin/sh
# Guest side of guest-tests/console.sh: an interactive shell on the serial
# console, with the console as its controlling terminal.
echo "guest shell ready"
exec setsid cttyhack sh -i
