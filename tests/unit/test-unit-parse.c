/* test-unit-parse.c — lexer, key tables, value parsers, fail-closed keys
 * and the service checks, with exact "path:line: message" diagnostics. */
#include <signal.h>
#include <syslog.h>

#include "test-unit-helpers.h"
#include "unit/unit-internal.h"
#include "lib/strv.h"

#define SVC "[Service]\nExecStart=/bin/true\n"

static void test_tables_sorted(void **state) {
        size_t n;
        const ConfigTable *t = unit_tables_all(&n);
        for (size_t i = 0; i < n; i++)
                for (size_t k = 1; k < t[i].n; k++)
                        if (strcmp(t[i].keys[k - 1].key, t[i].keys[k].key) >= 0) {
                                fprintf(stderr, "unsorted: %s >= %s\n", t[i].keys[k - 1].key, t[i].keys[k].key);
                                fail();
                        }
}

static void test_minimal(void **state) {
        UnitFile *u = load_text("a.service", "[Unit]\nDescription=Hello world\n" SVC);
        assert_no_diag(u);
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(u->s.description, "Hello world");
        assert_int_equal(u->s.service.type, SERVICE_SIMPLE);
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].n, 1);
        assert_string_equal(u->s.service.exec[SERVICE_EXEC_START].items[0].path, "/bin/true");
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].items[0].line, 4);
        unit_file_free(u);
}

static void test_defaults(void **state) {
        UnitFile *u = load_text("a.service", SVC);
        UnitSettings *s = &u->s;
        assert_int_equal(s->exec.umask, 0022);
        assert_true(s->exec.ignore_sigpipe);
        assert_true(s->service.guess_main_pid);
        assert_true(s->default_dependencies);
        assert_int_equal(s->kill.kill_signal, SIGTERM);
        assert_int_equal(s->kill.final_kill_signal, SIGKILL);
        assert_true(s->kill.send_sigkill);
        assert_true(s->exec.syslog_level_prefix);
        assert_int_equal(s->exec.syslog_level, LOG_INFO);
        assert_int_equal(s->exec.syslog_facility, LOG_DAEMON >> 3);
        assert_true(s->service.restart_usec == USEC_INFINITY);
        assert_true(s->start_limit_interval == USEC_INFINITY);
        assert_int_equal(s->start_limit_burst, 0);
        assert_int_equal(s->failure_action_exit_status, -1);
        assert_int_equal(s->service.tasks_max, -1);
        for (int i = 0; i < _EXEC_DIRECTORY_MAX; i++)
                assert_int_equal(s->exec.directory_mode[i], 0755);
        assert_false(exit_status_set_has_status(&s->service.success_status, 0));
        unit_file_free(u);
}

static void test_lexer_comments_continuation(void **state) {
        UnitFile *u = load_text("a.service",
                                "# comment\n"
                                "; other comment\n"
                                "[Unit]\n"
                                "   # indented comment\n"
                                "Description=one \\\n"
                                "# skipped inside continuation\n"
                                "two\\\n"
                                "  three\n"
                                "Documentation = man:a(8)   \n"
                                "[Service]\n"
                                "ExecStart=/bin/echo a#b ;c\n");
        assert_no_diag(u);
        assert_string_equal(u->s.description, "one  two   three"); /* the backslash becomes a space */
        assert_string_equal(u->s.documentation[0], "man:a(8)");
        char **argv = u->s.service.exec[SERVICE_EXEC_START].items[0].argv;
        assert_string_equal(argv[1], "a#b");
        assert_string_equal(argv[2], ";c");
        unit_file_free(u);
}

static void test_lexer_errors(void **state) {
        UnitFile *u = load_text("bad.service",
                                "Description=outside\n"
                                "[Unit\n"
                                "Description=in broken section\n"
                                "[Unit]\n"
                                "no equals sign\n"
                                "=value\n"
                                "Bogus=1\n"
                                "X-Whatever=fine\n"
                                "[X-Mine]\n"
                                "Anything=goes\n"
                                "[Weird]\n"
                                "Key=v\n" SVC);
        assert_diag(u, "bad.service:1: Assignment outside of section, ignoring.");
        assert_diag(u, "bad.service:2: Invalid section header '[Unit', ignoring section.");
        assert_diag(u, "bad.service:5: Missing '=', ignoring line.");
        assert_diag(u, "bad.service:6: Missing key name before '=', ignoring line.");
        assert_diag(u, "bad.service:7: Unknown key 'Bogus' in section [Unit], ignoring.");
        assert_diag(u, "bad.service:11: Unknown section 'Weird', ignoring.");
        assert_int_equal(u->diag.n, 6);
        assert_null(u->s.description);
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
}

static void test_lexer_line_numbers_after_continuation(void **state) {
        UnitFile *u = load_text("c.service", "[Service]\nExecStart=/bin/true \\\n  a \\\n  b\nRestart=bogus\n");
        assert_diag(u, "c.service:5: Failed to parse Restart= value 'bogus': unknown value, ignoring.");
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].items[0].line, 2);
        unit_file_free(u);
}

static void test_section_of_other_type(void **state) {
        UnitFile *u = load_text("a.socket", "[Service]\nExecStart=/bin/true\n[Socket]\nListenStream=80\n");
        assert_diag(u, "a.socket:1: Unknown section 'Service', ignoring.");
        assert_int_equal(u->diag.n, 1);
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
}

static void test_unsupported_types(void **state) {
        const char *names[] = { "a.mount", "a.swap", "a.automount", "a.slice", "a.scope" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                UnitFile *u = load_text(names[i], "[Unit]\nDescription=x\n[Mount]\nWhat=/dev/sda\n[Swap]\n"
                                                  "[Automount]\n[Slice]\n[Scope]\nFoo=1\n");
                assert_int_equal(u->load_state, UNIT_ERROR);
                assert_non_null(strstr(u->load_error, "not supported"));
                unit_file_free(u);
        }
}

static void test_bool_and_sec(void **state) {
        UnitFile *u = load_text("b.service", SVC "RemainAfterExit=yes\nGuessMainPID=off\nRestartSec=1min 30s\n"
                                                 "RuntimeMaxSec=infinity\nWatchdogSec=100ms\n"
                                                 "IgnoreSIGPIPE=maybe\nRestartSec=fast\n");
        assert_true(u->s.service.remain_after_exit);
        assert_false(u->s.service.guess_main_pid);
        assert_true(u->s.service.restart_usec == 90 * USEC_PER_SEC);
        assert_true(u->s.service.runtime_max == USEC_INFINITY);
        assert_true(u->s.service.watchdog == 100 * USEC_PER_MSEC);
        assert_true(u->s.exec.ignore_sigpipe);
        assert_diag(u, "b.service:8: Failed to parse IgnoreSIGPIPE= value 'maybe': not a boolean, ignoring.");
        assert_diag(u, "b.service:9: Failed to parse RestartSec= value 'fast': invalid time span, ignoring.");
        unit_file_free(u);
}

static void test_empty_resets_scalar(void **state) {
        UnitFile *u = load_text("r.service", SVC "IgnoreSIGPIPE=no\nIgnoreSIGPIPE=\nUMask=0077\nUMask=\n"
                                                 "KillSignal=SIGINT\nKillSignal=\nRestartSec=5\nRestartSec=\n");
        assert_no_diag(u);
        assert_true(u->s.exec.ignore_sigpipe);
        assert_int_equal(u->s.exec.umask, 0022);
        assert_int_equal(u->s.kill.kill_signal, SIGTERM);
        assert_true(u->s.service.restart_usec == USEC_INFINITY);
        unit_file_free(u);
}

static void test_timeouts(void **state) {
        UnitFile *u = load_text("t.service", SVC "TimeoutSec=30\n");
        assert_true(u->s.service.timeout_start == 30 * USEC_PER_SEC);
        assert_true(u->s.service.timeout_stop == 30 * USEC_PER_SEC);
        assert_true(u->s.service.timeout_start_set && u->s.service.timeout_stop_set);
        unit_file_free(u);
        u = load_text("t.service", SVC "TimeoutStartSec=0\nTimeoutStopSec=2min\n");
        assert_true(u->s.service.timeout_start == USEC_INFINITY);
        assert_true(u->s.service.timeout_stop == 2 * USEC_PER_MINUTE);
        unit_file_free(u);
        u = load_text("t.service", SVC "TimeoutSec=5\nTimeoutStartSec=\n");
        assert_false(u->s.service.timeout_start_set);
        assert_true(u->s.service.timeout_stop_set);
        unit_file_free(u);
}

static void test_enums(void **state) {
        UnitFile *u = load_text("e.service", SVC "Type=notify\nRestart=on-failure\nKillMode=mixed\n"
                                                 "NotifyAccess=all\nStandardOutput=append:/var/log/x\n"
                                                 "StandardError=journal+console\nStandardInput=null\n"
                                                 "SyslogFacility=local3\nSyslogLevel=debug\n");
        assert_no_diag(u);
        assert_int_equal(u->s.service.type, SERVICE_NOTIFY);
        assert_int_equal(u->s.service.restart, SERVICE_RESTART_ON_FAILURE);
        assert_int_equal(u->s.kill.kill_mode, KILL_MIXED);
        assert_int_equal(u->s.service.notify_access, NOTIFY_ALL);
        assert_int_equal(u->s.exec.std_output.type, EXEC_STDIO_APPEND);
        assert_string_equal(u->s.exec.std_output.path, "/var/log/x");
        assert_int_equal(u->s.exec.std_error.type, EXEC_STDIO_JOURNAL_CONSOLE);
        assert_int_equal(u->s.exec.std_input.type, EXEC_STDIO_NULL);
        assert_int_equal(u->s.exec.syslog_facility, 19);
        assert_int_equal(u->s.exec.syslog_level, 7);
        unit_file_free(u);
}

static void test_type_defaults(void **state) {
        UnitFile *u = load_text("o.service", "[Service]\nExecStop=/bin/true\nRemainAfterExit=yes\n");
        assert_int_equal(u->s.service.type, SERVICE_ONESHOT);
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
        u = load_text("n.service", "[Service]\nType=notify\nExecStart=/bin/x\n");
        assert_int_equal(u->s.service.notify_access, NOTIFY_MAIN);
        unit_file_free(u);
}

static void test_service_verify(void **state) {
        UnitFile *u = load_text("v.service", "[Unit]\nDescription=x\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_string_equal(u->load_error, "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        assert_diag(u, "v.service: Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        unit_file_free(u);
        u = load_text("v.service", "[Service]\nType=simple\nExecStop=/bin/true\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        unit_file_free(u);
        u = load_text("v.service", "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_non_null(strstr(u->load_error, "more than one ExecStart="));
        unit_file_free(u);
        u = load_text("v.service", "[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
        u = load_text("v.service", "[Service]\nType=dbus\nBusName=a.b\nExecStart=/bin/a\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        assert_string_equal(u->load_error, "Type=dbus is not supported by superd, refusing.");
        assert_diag(u, "v.service:2: Type=dbus is not supported by superd, refusing.");
        unit_file_free(u);
        u = load_text("v.service", "[Service]\nExecStart=/bin/a\nExecStart=\n");
        assert_int_equal(u->load_state, UNIT_BAD_SETTING);
        unit_file_free(u);
}

static void test_fail_closed(void **state) {
        static const struct {
                const char *line, *diag;
        } cases[] = {
                { "User=0day", "f.service:3: Failed to parse User= value '0day': invalid user name, refusing." },
                { "User=", NULL },
                { "User=root:x", "f.service:3: Failed to parse User= value 'root:x': invalid user name, refusing." },
                { "User=4294967295", "f.service:3: Failed to parse User= value '4294967295': invalid user name, refusing." },
                { "Group=-x", "f.service:3: Failed to parse Group= value '-x': invalid group name, refusing." },
                { "UMask=999", "f.service:3: Failed to parse UMask= value '999': not an octal file mode, refusing." },
                { "LimitNOFILE=lots", "f.service:3: Failed to parse LimitNOFILE= value 'lots': not a resource limit, refusing." },
                { "LimitCORE=2:1", "f.service:3: Failed to parse LimitCORE= value '2:1': soft limit above hard limit, refusing." },
                { "NoNewPrivileges=perhaps", "f.service:3: Failed to parse NoNewPrivileges= value 'perhaps': not a boolean, refusing." },
                { "DynamicUser=maybe", "f.service:3: Failed to parse DynamicUser= value 'maybe': not a boolean, refusing." },
                { "RootDirectory=relative", "f.service:3: Failed to parse RootDirectory= value 'relative': not an absolute path, refusing." },
                { "SupplementaryGroups=adm 9lives", "f.service:3: Invalid group name '9lives' in SupplementaryGroups=, refusing." },
                { "CapabilityBoundingSet=CAP_NET_ADMIN CAP_BOGUS", "f.service:3: Unknown capability 'CAP_BOGUS' in CapabilityBoundingSet=, refusing." },
                { "AmbientCapabilities=foo", "f.service:3: Unknown capability 'foo' in AmbientCapabilities=, refusing." },
                { "IPAddressDeny=10.0.0.0/33", "f.service:3: Invalid address '10.0.0.0/33' in IPAddressDeny=, refusing." },
                { "NotifyAccess=some", "f.service:3: Failed to parse NotifyAccess= value 'some': unknown value, refusing." },
                { "User=%q", "f.service:3: Unknown specifier '%q' in User=, refusing." },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char text[512];
                snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\n%s\n", cases[i].line);
                UnitFile *u = load_text("f.service", text);
                if (!cases[i].diag) {
                        assert_int_equal(u->load_state, UNIT_LOADED);
                        unit_file_free(u);
                        continue;
                }
                if (u->load_state != UNIT_BAD_SETTING)
                        fprintf(stderr, "case %s\n", cases[i].line);
                assert_int_equal(u->load_state, UNIT_BAD_SETTING);
                assert_diag(u, cases[i].diag);
                assert_string_equal(u->load_error, cases[i].diag);
                unit_file_free(u);
        }
}

static void test_fail_closed_socket(void **state) {
        const char *lines[] = { "SocketMode=0999", "SocketUser=1x", "SocketGroup=", "MaxConnections=-1",
                                "MaxConnectionsPerSource=many", "IPAddressAllow=nowhere" };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                char text[256];
                snprintf(text, sizeof text, "[Socket]\nListenStream=80\n%s\n", lines[i]);
                UnitFile *u = load_text("s.socket", text);
                assert_int_equal(u->load_state, streq(lines[i], "SocketGroup=") ? UNIT_LOADED : UNIT_BAD_SETTING);
                unit_file_free(u);
        }
}

static void test_valid_privileges(void **state) {
        UnitFile *u = load_text("p.service", SVC "User=www-data\nGroup=_sys.x\nSupplementaryGroups=adm\n"
                                                 "SupplementaryGroups=dialout 1000\nUMask=0077\n"
                                                 "LimitNOFILE=1024:4096\nLimitCORE=infinity\nLimitAS=64M\n"
                                                 "LimitCPU=1min\nLimitNICE=-5\nLimitRTTIME=1s\n"
                                                 "NoNewPrivileges=yes\nRootDirectory=/srv//root/\n"
                                                 "CapabilityBoundingSet=~cap_sys_admin\n"
                                                 "IPAddressAllow=localhost 10.0.0.0/8 ::1/128 any\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(u->s.exec.user, "www-data");
        assert_string_equal(u->s.exec.group, "_sys.x");
        assert_int_equal(strv_length(u->s.exec.supplementary_groups), 3);
        assert_int_equal(u->s.exec.umask, 0077);
        assert_true(u->s.exec.rlimit_set[RLIMIT_NOFILE]);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_NOFILE].rlim_cur, 1024);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_NOFILE].rlim_max, 4096);
        assert_true(u->s.exec.rlimit[RLIMIT_CORE].rlim_cur == RLIM_INFINITY);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_AS].rlim_max, 64 << 20);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_CPU].rlim_max, 60);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_NICE].rlim_max, 25);
        assert_int_equal(u->s.exec.rlimit[RLIMIT_RTTIME].rlim_max, 1000000);
        assert_true(u->s.exec.no_new_privileges);
        assert_string_equal(u->s.exec.root_directory, "/srv/root");
        assert_string_equal(u->s.exec.unenforced[0], "CapabilityBoundingSet");
        unit_file_free(u);
}

static void test_unenforced(void **state) {
        UnitFile *u = load_text("u.service", SVC "PrivateTmp=yes\nProtectSystem=strict\nProtectHome=no\n"
                                                 "SystemCallFilter=@system-service\nMemoryMax=1G\n"
                                                 "ReadWritePaths=/var/lib/x\nReadWritePaths=\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_int_equal(strv_length(u->s.exec.unenforced), 4);
        assert_true(strv_contains(u->s.exec.unenforced, "PrivateTmp"));
        assert_false(strv_contains(u->s.exec.unenforced, "ProtectHome"));
        assert_false(strv_contains(u->s.exec.unenforced, "ReadWritePaths"));
        assert_diag(u, "u.service: Settings not enforced by superd, the unit runs without them: PrivateTmp "
                       "ProtectSystem SystemCallFilter MemoryMax");
        size_t warnings = 0;
        for (size_t i = 0; i < u->diag.n; i++)
                warnings += strstr(u->diag.entries[i].text, "not enforced") != NULL;
        assert_int_equal(warnings, 1);
        unit_file_free(u);
}

static void test_lists_and_reset(void **state) {
        UnitFile *u = load_text("l.service", "[Unit]\nWants=a b.socket\nWants=c\nWants=a\nAfter=x.target\n"
                                             "After=\nAfter=y.target\nDocumentation=https://x man:y(1) bogus\n"
                                             SVC "Environment=A=1 \"B=two words\"\nEnvironment=A=3\n"
                                             "Environment=1BAD=x\nPassEnvironment=TERM LANG\n"
                                             "UnsetEnvironment=X Y=1\nRuntimeDirectory=foo bar/baz\n"
                                             "StateDirectory=../up\nEnvironmentFile=-/etc/default/x\n"
                                             "EnvironmentFile=/etc/y\n");
        char **w = u->s.deps[UNIT_WANTS];
        assert_int_equal(strv_length(w), 3);
        assert_string_equal(w[0], "a.service");
        assert_string_equal(w[1], "b.socket");
        assert_string_equal(w[2], "c.service");
        assert_int_equal(strv_length(u->s.deps[UNIT_AFTER]), 1);
        assert_string_equal(u->s.deps[UNIT_AFTER][0], "y.target");
        assert_int_equal(strv_length(u->s.documentation), 2);
        assert_diag(u, "l.service:8: Invalid URL 'bogus' in Documentation=, ignoring.");
        char **env = u->s.exec.environment;
        assert_int_equal(strv_length(env), 2);
        assert_string_equal(env[0], "B=two words");
        assert_string_equal(env[1], "A=3");
        assert_diag(u, "l.service:13: Invalid environment assignment '1BAD=x', ignoring.");
        assert_int_equal(strv_length(u->s.exec.pass_environment), 2);
        assert_int_equal(strv_length(u->s.exec.unset_environment), 2);
        assert_int_equal(strv_length(u->s.exec.directories[EXEC_DIRECTORY_RUNTIME]), 2);
        assert_null(u->s.exec.directories[EXEC_DIRECTORY_STATE]);
        assert_diag(u, "l.service:17: StateDirectory= path '../up' must be relative and without '..', ignoring.");
        assert_string_equal(u->s.exec.environment_files[0], "-/etc/default/x");
        assert_string_equal(u->s.exec.environment_files[1], "/etc/y");
        unit_file_free(u);
}

static void test_exit_status_sets(void **state) {
        UnitFile *u = load_text("x.service", SVC "SuccessExitStatus=1 2 SIGKILL TERM NOTINSTALLED\n"
                                                 "RestartPreventExitStatus=255 256 SIGFOO\n"
                                                 "RestartForceExitStatus=3\nRestartForceExitStatus=\n");
        ExitStatusSet *s = &u->s.service.success_status;
        assert_true(exit_status_set_has_status(s, 1));
        assert_true(exit_status_set_has_status(s, 2));
        assert_true(exit_status_set_has_status(s, 5));
        assert_false(exit_status_set_has_status(s, 0));
        assert_true(exit_status_set_has_signal(s, SIGKILL));
        assert_true(exit_status_set_has_signal(s, SIGTERM));
        assert_true(exit_status_set_has_status(&u->s.service.restart_prevent_status, 255));
        assert_diag(u, "x.service:4: Invalid exit status or signal '256' in RestartPreventExitStatus=, ignoring.");
        assert_diag(u, "x.service:4: Invalid exit status or signal 'SIGFOO' in RestartPreventExitStatus=, ignoring.");
        assert_false(exit_status_set_has_status(&u->s.service.restart_force_status, 3));
        unit_file_free(u);
}

static void test_unit_section(void **state) {
        UnitFile *u = load_text("s.service", "[Unit]\nStartLimitIntervalSec=20s\nStartLimitBurst=3\n"
                                             "FailureAction=exit\nFailureActionExitStatus=7\n"
                                             "SuccessAction=exit-force\nStartLimitAction=reboot\n"
                                             "DefaultDependencies=no\nStopWhenUnneeded=true\n"
                                             "RefuseManualStart=yes\nJobTimeoutSec=5min\n"
                                             "ConditionPathExists=!/etc/x\nConditionPathExists=|/y\n"
                                             "AssertUser=root\nConditionFirstBoot=yes\n"
                                             "ConditionPathIsDirectory=relative\n" SVC);
        assert_true(u->s.start_limit_interval == 20 * USEC_PER_SEC);
        assert_int_equal(u->s.start_limit_burst, 3);
        assert_int_equal(u->s.failure_action, UNIT_ACTION_EXIT);
        assert_int_equal(u->s.failure_action_exit_status, 7);
        assert_int_equal(u->s.success_action, UNIT_ACTION_EXIT_FORCE);
        assert_int_equal(u->s.start_limit_action, UNIT_ACTION_NONE);
        assert_diag(u, "s.service:7: Failed to parse StartLimitAction= value 'reboot': action not supported by "
                       "superd (only none, exit, exit-force), ignoring.");
        assert_false(u->s.default_dependencies);
        assert_true(u->s.stop_when_unneeded);
        assert_true(u->s.refuse_manual_start);
        assert_true(u->s.job_timeout == 5 * USEC_PER_MINUTE);
        assert_int_equal(u->s.n_conditions, 3);
        assert_true(u->s.conditions[0].negate);
        assert_string_equal(u->s.conditions[0].param, "/etc/x");
        assert_true(u->s.conditions[1].trigger);
        assert_true(u->s.conditions[2].assert);
        assert_int_equal(u->s.conditions[2].type, CONDITION_USER);
        assert_diag(u, "s.service:15: ConditionFirstBoot= is not supported by superd, ignoring.");
        assert_diag(u, "s.service:16: Failed to parse ConditionPathIsDirectory= value 'relative': not an "
                       "absolute path, ignoring.");
        unit_file_free(u);
}

static void test_install_section(void **state) {
        UnitFile *u = load_text("i@.service", SVC "[Install]\nWantedBy=multi-user.target\nRequiredBy=x\n"
                                              "Alias=j@.service k.socket\nAlso=other.socket\nDefaultInstance=tty1\n");
        assert_string_equal(u->s.install.wanted_by[0], "multi-user.target");
        assert_string_equal(u->s.install.required_by[0], "x.service");
        assert_int_equal(strv_length(u->s.install.alias), 1);
        assert_diag(u, "i@.service:6: Alias 'k.socket' is not of the unit's type, ignoring.");
        assert_string_equal(u->s.install.also[0], "other.socket");
        assert_string_equal(u->s.install.default_instance, "tty1");
        unit_file_free(u);
}

static void test_specifiers_in_values(void **state) {
        UnitLoadContext ctx = { .runtime_dir = "/R", .state_dir = "/S", .cache_dir = "/C", .logs_dir = "/L",
                                .config_dir = "/E" };
        const char *text = "[Unit]\nDescription=%n %N %p %i %I %f %%\nWants=foo@%i.service bar@.service\n"
                           "[Service]\nExecStart=/bin/echo %t %S %C %L %E %j\nPIDFile=x-%i.pid\n"
                           "Environment=\"INST=%I\"\n";
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load_string(&ctx, "/u/web-app@a-b.service", "web-app@a-b.service", text,
                                               strlen(text), &u), 0);
        assert_no_diag(u);
        assert_string_equal(u->s.description, "web-app@a-b.service web-app@a-b web-app a-b a/b /a/b %");
        assert_string_equal(u->s.deps[UNIT_WANTS][0], "foo@a-b.service");
        assert_string_equal(u->s.deps[UNIT_WANTS][1], "bar@a-b.service");
        char **argv = u->s.service.exec[SERVICE_EXEC_START].items[0].argv;
        assert_string_equal(argv[1], "/R");
        assert_string_equal(argv[2], "/S");
        assert_string_equal(argv[3], "/C");
        assert_string_equal(argv[4], "/L");
        assert_string_equal(argv[5], "/E");
        assert_string_equal(argv[6], "app");
        assert_string_equal(u->s.service.pid_file, "/R/x-a-b.pid");
        assert_string_equal(u->s.exec.environment[0], "INST=a/b");
        unit_file_free(u);
}

static void test_specifier_errors(void **state) {
        UnitFile *u = load_text("sp.service", "[Unit]\nDescription=%%%%n%\nDocumentation=man:%z\n"
                                              "[Service]\nExecStart=/bin/echo %n%%%i\nSyslogIdentifier=%\n");
        assert_diag(u, "sp.service:2: Unterminated specifier '%' at the end of Description=, ignoring.");
        assert_diag(u, "sp.service:3: Unknown specifier '%z' in Documentation=, ignoring.");
        assert_diag(u, "sp.service:6: Unterminated specifier '%' at the end of SyslogIdentifier=, ignoring.");
        assert_null(u->s.description);
        assert_string_equal(u->s.service.exec[SERVICE_EXEC_START].items[0].argv[1], "sp.service%");
        unit_file_free(u);
}

static void test_specifiers_single_pass(void **state) {
        /* The instance "%n" (escaped as %, which is not a valid unit char, so use
         * the raw API) must come out literally. */
        UnitFile *u = unit_file_new("a@b.service");
        free(u->instance);
        u->instance = strdup("%n%%");
        char *out = NULL, bad = 0;
        assert_int_equal(unit_specifiers_expand_raw(u, NULL, "x%iy%%n", &out, &bad), 0);
        assert_string_equal(out, "x%n%%y%n");
        free(out);
        assert_int_equal(unit_specifiers_expand_raw(u, NULL, "%!", &out, &bad), -EBADMSG);
        assert_int_equal(bad, '!');
        unit_file_free(u);
}

static void test_misc_exec_settings(void **state) {
        UnitFile *u = load_text("m.service", SVC "WorkingDirectory=-~\nNice=-5\nNice=20\nOOMScoreAdjust=-900\n"
                                                 "IOSchedulingClass=idle\nIOSchedulingPriority=7\n"
                                                 "CPUSchedulingPolicy=fifo\nCPUSchedulingPriority=50\n"
                                                 "TasksMax=100\nTasksMax=infinity\nRuntimeDirectoryMode=0700\n"
                                                 "RuntimeDirectoryPreserve=restart\nSendSIGHUP=yes\n"
                                                 "FinalKillSignal=9\nRestartKillSignal=HUP\nKillSignal=SIGWHAT\n"
                                                 "SyslogIdentifier=web\nSlice=x.slice\n");
        ExecSettings *e = &u->s.exec;
        assert_string_equal(e->working_directory, "~");
        assert_true(e->working_directory_missing_ok);
        assert_true(e->nice_set);
        assert_int_equal(e->nice, -5);
        assert_diag(u, "m.service:5: Failed to parse Nice= value '20': not in the range -20..19, ignoring.");
        assert_int_equal(e->oom_score_adjust, -900);
        assert_int_equal(u->s.service.io_class, 3);
        assert_int_equal(u->s.service.io_priority, 7);
        assert_int_equal(u->s.service.cpu_priority, 50);
        assert_int_equal(u->s.service.tasks_max, 0x7fffffff);
        assert_int_equal(e->directory_mode[EXEC_DIRECTORY_RUNTIME], 0700);
        assert_true(u->s.kill.send_sighup);
        assert_int_equal(u->s.kill.final_kill_signal, 9);
        assert_int_equal(u->s.kill.restart_kill_signal, SIGHUP);
        assert_int_equal(u->s.kill.kill_signal, SIGTERM);
        assert_diag(u, "m.service:18: Failed to parse KillSignal= value 'SIGWHAT': not a signal, ignoring.");
        assert_diag(u, "m.service:20: Slice= is not supported by superd, ignoring.");
        unit_file_free(u);
}

static void test_names(void **state) {
        assert_true(unit_name_is_valid("a.service"));
        assert_true(unit_name_is_valid("a@.service"));
        assert_true(unit_name_is_valid("a@b@c.service"));
        assert_false(unit_name_is_valid("@a.service"));
        assert_false(unit_name_is_valid("a.bogus"));
        assert_false(unit_name_is_valid("a b.service"));
        assert_false(unit_name_is_valid(".service"));
        assert_true(unit_name_is_template("a@.service"));
        assert_false(unit_name_is_template("a@b.service"));
        assert_true(unit_name_is_instance("a@b.service"));
        char *n = unit_name_complete("foo");
        assert_string_equal(n, "foo.service");
        free(n);
}

static void test_names_helpers(void **state) {
        char *n = unit_name_complete("foo.socket");
        assert_string_equal(n, "foo.socket");
        free(n);
        assert_null(unit_name_complete("foo/bar"));
        n = unit_name_template_of("a@b.service");
        assert_string_equal(n, "a@.service");
        free(n);
        assert_null(unit_name_template_of("a.service"));
        n = unit_name_instantiate("a@.timer", "x");
        assert_string_equal(n, "a@x.timer");
        free(n);
        assert_null(unit_name_instantiate("a@.timer", "bad/inst"));
        n = unit_name_path_unescape("dev-sda\\x2d1");
        assert_string_equal(n, "/dev/sda-1");
        free(n);
        assert_int_equal(unit_type_from_name("x.path"), UNIT_PATH);
        assert_string_equal(unit_type_to_string(UNIT_SOCKET), "socket");
        assert_string_equal(unit_load_state_to_string(UNIT_BAD_SETTING), "bad-setting");
        assert_string_equal(unit_dependency_to_string(UNIT_BINDS_TO), "BindsTo");
        assert_string_equal(service_exec_command_to_string(SERVICE_EXEC_STOP_POST), "ExecStopPost");
}

/* systemd's own corpus: every key of the types superd knows is known. */
static void test_systemd_directives_known(void **state) {
        const char *files[] = { "directives.socket", "directives.timer", "directives.path", "directives.install",
                                "systemd-resolved.service", "systemd-machined.service", "syslog.socket",
                                "tmpfiles-clean.timer", "systemd-ask-password-console.path", "timers.target" };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char path[256], buf[65536], name[64];
                snprintf(path, sizeof path, "tests/fuzz/corpus/unit-file/%s", files[i]);
                FILE *f = fopen(path, "re");
                if (!f) {
                        fprintf(stderr, "skipping %s (run from the source tree)\n", path);
                        continue;
                }
                size_t n = fread(buf, 1, sizeof buf - 1, f);
                fclose(f);
                buf[n] = 0;
                char *nl = strchr(buf, '\n'), *body = buf;
                assert_non_null(nl);
                if (buf[0] != '[') { /* the first line names the type */
                        *nl = 0;
                        body = nl + 1;
                }
                snprintf(name, sizeof name, "x.%.16s", body == buf ? "service" : buf);
                UnitFile *u = NULL;
                assert_int_equal(unit_file_load_string(NULL, files[i], name, body, strlen(body), &u), 0);
                for (size_t k = 0; k < u->diag.n; k++)
                        if (strstr(u->diag.entries[k].text, "Unknown")) {
                                dump_diag(u);
                                fail();
                        }
                /* The corpus copy of syslog.socket ends in the directives list, whose empty
                 * ListenFIFO= resets every Listen*= (as in systemd): a socket without any. */
                if (!startswith(files[i], "directives") && !streq(files[i], "syslog.socket"))
                        assert_int_equal(u->load_state, UNIT_LOADED);
                unit_file_free(u);
        }
}

static void test_manager_specifiers(void **state) {
        char want[300], host[256] = "";
        UnitFile *u = load_text("h.service", "[Unit]\nDescription=%U:%G:%H\nDocumentation=file:%h file:%u\n"
                                             "[Service]\nExecStart=/bin/x %T %V %y %Y\n");
        gethostname(host, sizeof host - 1);
        snprintf(want, sizeof want, "%u:%u:%s", (unsigned) geteuid(), (unsigned) getegid(), host);
        assert_string_equal(u->s.description, want);
        if (geteuid() == 0) {
                assert_string_equal(u->s.documentation[0], "file:/root");
                assert_string_equal(u->s.documentation[1], "file:root");
        }
        char **argv = u->s.service.exec[SERVICE_EXEC_START].items[0].argv;
        assert_string_equal(argv[1], "/tmp");
        assert_string_equal(argv[2], "/var/tmp");
        assert_string_equal(argv[3], "h.service");
        assert_string_equal(argv[4], "");
        unit_file_free(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tables_sorted),
                cmocka_unit_test(test_minimal),
                cmocka_unit_test(test_defaults),
                cmocka_unit_test(test_lexer_comments_continuation),
                cmocka_unit_test(test_lexer_errors),
                cmocka_unit_test(test_lexer_line_numbers_after_continuation),
                cmocka_unit_test(test_section_of_other_type),
                cmocka_unit_test(test_unsupported_types),
                cmocka_unit_test(test_bool_and_sec),
                cmocka_unit_test(test_empty_resets_scalar),
                cmocka_unit_test(test_timeouts),
                cmocka_unit_test(test_enums),
                cmocka_unit_test(test_type_defaults),
                cmocka_unit_test(test_service_verify),
                cmocka_unit_test(test_fail_closed),
                cmocka_unit_test(test_fail_closed_socket),
                cmocka_unit_test(test_valid_privileges),
                cmocka_unit_test(test_unenforced),
                cmocka_unit_test(test_lists_and_reset),
                cmocka_unit_test(test_exit_status_sets),
                cmocka_unit_test(test_unit_section),
                cmocka_unit_test(test_install_section),
                cmocka_unit_test(test_specifiers_in_values),
                cmocka_unit_test(test_specifier_errors),
                cmocka_unit_test(test_specifiers_single_pass),
                cmocka_unit_test(test_misc_exec_settings),
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_names_helpers),
                cmocka_unit_test(test_systemd_directives_known),
                cmocka_unit_test(test_manager_specifiers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
