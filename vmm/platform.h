/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PLATFORM_H
#define MINIVMM_PLATFORM_H

#include <pthread.h>
#include <stdint.h>

struct vm;

/*
 * The small PC platform ports that are not devices of their own:
 * - i8042 at 0x60/0x64, only as far as its reset line: 0xFE written to
 *   0x64 pulses CPU reset, which is how Linux reboots (reboot=k);
 * - the test-exit port: the value the guest writes becomes minivmm's exit
 *   status (guest tests report pass/fail with it);
 * - the boot-timing port: each write is logged with the time since
 *   minivmm started, when --boot-timing is given;
 * - CMOS/RTC index and data (0x70/0x71), reading as zeros (a clock at
 *   2000-01-01 00:00, no update in progress) so Linux does not wait on it;
 * - the POST/delay port 0x80, which Linux writes to for I/O delays.
 */
struct platform {
	struct vm *vm;
	pthread_mutex_t lock;
	uint8_t cmos_index;
	unsigned int boot_timing_writes;
};

int platform_init(struct platform *p, struct vm *vm);

#endif
