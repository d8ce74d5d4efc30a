/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_TESTS_CHECK_MAIN_H
#define MINIVMM_PROTO_TESTS_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

/* Run one suite; the exit status is what meson test reads. */
static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
