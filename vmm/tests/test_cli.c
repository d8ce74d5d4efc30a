// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cli.h"

struct parsed {
	enum cli_result result;
	struct vmm_options opts;
	char out[4096];
	char err[4096];
};

/* Run cli_parse on a NULL-terminated argument list, capturing its output. */
static void parse(struct parsed *p, const char *const *args)
{
	char *argv[32];
	FILE *out, *err;
	int argc = 0;

	argv[argc++] = (char *)"minivmm";
	while (*args)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	memset(p, 0, sizeof(*p));
	out = fmemopen(p->out, sizeof(p->out) - 1, "w");
	err = fmemopen(p->err, sizeof(p->err) - 1, "w");
	ck_assert(out && err);
	p->result = cli_parse(argc, argv, &p->opts, out, err);
	fclose(out);
	fclose(err);
}

START_TEST(test_cli_defaults_boot)
{
	static const char *const args[] = { "--kernel", "bz", NULL };
	struct parsed p;

	parse(&p, args);
	ck_assert_int_eq(p.result, CLI_RUN);
	ck_assert_str_eq(p.opts.kernel, "bz");
	ck_assert_ptr_null(p.opts.initrd);
	ck_assert_uint_eq(p.opts.cpus, 1);
	ck_assert_uint_eq(p.opts.memory, 512ull << 20);
	ck_assert_ptr_nonnull(strstr(p.opts.cmdline, "console=ttyS0"));
	ck_assert_str_eq(p.err, "");
}
END_TEST

START_TEST(test_cli_all_options)
{
	static const char *const args[] = {
		"--kernel=k", "--initrd", "i", "--cmdline", "quiet",
		"--cpus", "4", "--memory", "5G", "--boot-timing",
		"--exit-stats", NULL,
	};
	struct parsed p;

	parse(&p, args);
	ck_assert_int_eq(p.result, CLI_RUN);
	ck_assert_str_eq(p.opts.kernel, "k");
	ck_assert_str_eq(p.opts.initrd, "i");
	ck_assert_str_eq(p.opts.cmdline, "quiet");
	ck_assert_uint_eq(p.opts.cpus, 4);
	ck_assert_uint_eq(p.opts.memory, 5ull << 30);
	ck_assert(p.opts.boot_timing);
	ck_assert(p.opts.exit_stats);
}
END_TEST

START_TEST(test_cli_help_and_version_exit_ok)
{
	static const char *const help[] = { "--help", NULL };
	static const char *const version[] = { "--version", NULL };
	struct parsed p;

	parse(&p, help);
	ck_assert_int_eq(p.result, CLI_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(p.out, "--kernel PATH"));
	ck_assert_ptr_nonnull(strstr(p.out, "Ctrl-A x"));
	parse(&p, version);
	ck_assert_int_eq(p.result, CLI_EXIT_OK);
	ck_assert_ptr_nonnull(strstr(p.out, "minivmm "));
}
END_TEST

/* Each bad command line: usage error, one line that names the problem. */
START_TEST(test_cli_errors_name_the_problem)
{
	static const struct {
		const char *args[6];
		const char *needle;
	} cases[] = {
		{ { NULL }, "--kernel PATH is required" },
		{ { "--kernel", "k", "--cpus", "0", NULL }, "'0'" },
		{ { "--kernel", "k", "--cpus", "255", NULL }, "'255'" },
		{ { "--kernel", "k", "--cpus", "two", NULL }, "'two'" },
		{ { "--kernel", "k", "--memory", "lots", NULL }, "'lots'" },
		{ { "--kernel", "k", "--memory", "99999999T", NULL }, "too large" },
		{ { "--kernel", "k", "--frobnicate", NULL }, "'--frobnicate'" },
		{ { "--kernel", "k", "stray", NULL }, "'stray'" },
		{ { "--kernel", NULL }, "'--kernel' needs a value" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed p;
		char *nl;

		parse(&p, cases[i].args);
		ck_assert_msg(p.result == CLI_EXIT_USAGE, "case %u accepted", i);
		ck_assert_msg(strstr(p.err, cases[i].needle),
			      "case %u: '%s' does not contain '%s'", i, p.err,
			      cases[i].needle);
		nl = strchr(p.err, '\n');
		ck_assert_msg(nl && nl[1] == '\0', "case %u: not one line: %s",
			      i, p.err);
	}
}
END_TEST

START_TEST(test_cli_vfio_user_sockets_collected)
{
	static const char *const args[] = {
		"--kernel", "k", "--vfio-user", "/a.sock", "--vfio-user",
		"/b.sock", NULL,
	};
	struct parsed p;

	parse(&p, args);
	ck_assert_int_eq(p.result, CLI_RUN);
	ck_assert_uint_eq(p.opts.nr_vfio_user, 2);
	ck_assert_str_eq(p.opts.vfio_user[1], "/b.sock");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_cli_defaults_boot);
	tcase_add_test(tc, test_cli_all_options);
	tcase_add_test(tc, test_cli_help_and_version_exit_ok);
	tcase_add_test(tc, test_cli_errors_name_the_problem);
	tcase_add_test(tc, test_cli_vfio_user_sockets_collected);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
