#include "condition.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/macro.h"
#include "lib/timespan.h"
#include "manager.h"
#include "unit.h"

static int read_small_file(const char *path, char *buf, size_t size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        ssize_t n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return (int) n;
}

const char *detect_container(void) {
        static char id[64];
        char buf[4096];
        if (read_small_file("/run/systemd/container", buf, sizeof buf) > 0) {
                snprintf(id, sizeof id, "%.*s", (int) strcspn(buf, "\n"), buf);
                return id;
        }
        int n = read_small_file("/proc/1/environ", buf, sizeof buf);
        for (int i = 0; i < n; i += (int) strlen(buf + i) + 1)
                if (strncmp(buf + i, "container=", 10) == 0 && buf[i + 10]) {
                        snprintf(id, sizeof id, "%s", buf + i + 10);
                        return id;
                }
        if (access("/.dockerenv", F_OK) == 0)
                return "docker";
        if (access("/run/.containerenv", F_OK) == 0)
                return "podman";
        if (read_small_file("/proc/sys/kernel/osrelease", buf, sizeof buf) > 0 && strstr(buf, "microsoft"))
                return "wsl";
        return NULL;
}

const char *detect_vm(void) {
        static const char *const vendors[][2] = {
                { "QEMU", "qemu" }, { "KVM", "kvm" }, { "VMware", "vmware" }, { "VirtualBox", "oracle" },
                { "innotek", "oracle" }, { "Xen", "xen" }, { "Microsoft", "microsoft" }, { "Amazon EC2", "amazon" },
                { "Google", "google" }, { "Firecracker", "kvm" }, { "Parallels", "parallels" }, { "Bochs", "bochs" },
        };
        static const char *const files[] = { "/sys/class/dmi/id/sys_vendor", "/sys/class/dmi/id/product_name",
                                             "/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/bios_vendor" };
        char buf[256];
        for (size_t f = 0; f < ELEMENTSOF(files); f++)
                if (read_small_file(files[f], buf, sizeof buf) > 0)
                        for (size_t i = 0; i < ELEMENTSOF(vendors); i++)
                                if (strstr(buf, vendors[i][0]))
                                        return vendors[i][1];
        FILE *f = fopen("/proc/cpuinfo", "re");
        char line[1024];
        bool hv = false;
        while (f && !hv && fgets(line, sizeof line, f))
                hv = strncmp(line, "flags", 5) == 0 && strstr(line, " hypervisor");
        if (f)
                fclose(f);
        return hv ? "vm-other" : NULL;
}

static bool test_virtualization(const char *p) {
        const char *c = detect_container(), *v = c ? NULL : detect_vm();
        int b = parse_boolean(p);
        if (b >= 0)
                return (c || v) == (b == 1);
        if (streq(p, "container"))
                return c != NULL;
        if (streq(p, "vm"))
                return v != NULL;
        return (c && streq(c, p)) || (v && streq(v, p));
}

/* True on mains power, and where there is no battery at all (SPEC 5). */
static bool on_ac_power(void) {
        DIR *d = opendir("/sys/class/power_supply");
        bool battery = false, mains_online = false;
        struct dirent *de;
        while (d && (de = readdir(d))) {
                char path[512], type[64] = "", online[16] = "";
                if (de->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof path, "/sys/class/power_supply/%s/type", de->d_name);
                (void) read_small_file(path, type, sizeof type);
                snprintf(path, sizeof path, "/sys/class/power_supply/%s/online", de->d_name);
                (void) read_small_file(path, online, sizeof online);
                if (strncmp(type, "Battery", 7) == 0)
                        battery = true;
                else if (strncmp(type, "Mains", 5) == 0 && online[0] == '1')
                        mains_online = true;
        }
        if (d)
                closedir(d);
        return mains_online || !battery;
}

static const char *const capability_names[] = {
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
        "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
        "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
        "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
        "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
        "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

static bool test_capability(const char *p) {
        const char *name = startswith(p, "CAP_") ? p + 4 : p;
        int cap = -1;
        for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
                if (strcasecmp(name, capability_names[i]) == 0)
                        cap = (int) i;
        if (cap < 0)
                return false;
        FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        unsigned long long bnd = 0;
        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, "CapBnd: %llx", &bnd) == 1)
                        break;
        if (f)
                fclose(f);
        return (bnd >> cap) & 1;
}

static bool test_kernel_command_line(const char *p) {
        char buf[8192];
        if (read_small_file("/proc/cmdline", buf, sizeof buf) < 0)
                return false;
        bool has_value = strchr(p, '=') != NULL;
        size_t pl = strlen(p);
        for (char *w = strtok(buf, " \t\n"); w; w = strtok(NULL, " \t\n"))
                if (streq(w, p) || (!has_value && strncmp(w, p, pl) == 0 && w[pl] == '='))
                        return true;
        return false;
}

static bool test_user(const char *p) {
        uid_t uid = getuid();
        if (streq(p, "@system"))
                return uid < 1000;
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        if (*p && !*end)
                return n == uid;
        struct passwd *pw = getpwuid(uid);
        return pw && streq(pw->pw_name, p);
}

static bool test_environment(const char *p, char *const *environ) {
        bool exact = strchr(p, '=') != NULL;
        size_t pl = strlen(p);
        for (size_t i = 0; environ && environ[i]; i++)
                if (exact ? streq(environ[i], p) : (strncmp(environ[i], p, pl) == 0 && environ[i][pl] == '='))
                        return true;
        return false;
}

static bool test_path(ConditionType t, const char *p) {
        struct stat st;
        if (stat(p, &st) < 0)
                return false;
        switch (t) {
        case CONDITION_PATH_IS_DIRECTORY:
                return S_ISDIR(st.st_mode);
        case CONDITION_FILE_NOT_EMPTY:
                return S_ISREG(st.st_mode) && st.st_size > 0;
        case CONDITION_FILE_IS_EXECUTABLE:
                return S_ISREG(st.st_mode) && (st.st_mode & 0111);
        default:
                return true;
        }
}

int condition_test(const Condition *c, char *const *environ) {
        const char *p = c->param ? c->param : "";
        bool r;
        switch (c->type) {
        case CONDITION_PATH_EXISTS:
        case CONDITION_PATH_IS_DIRECTORY:
        case CONDITION_FILE_NOT_EMPTY:
        case CONDITION_FILE_IS_EXECUTABLE:
                r = test_path(c->type, p);
                break;
        case CONDITION_USER:
                r = test_user(p);
                break;
        case CONDITION_ENVIRONMENT:
                r = test_environment(p, environ);
                break;
        case CONDITION_AC_POWER:
                r = on_ac_power() == (parse_boolean(p) != 0);
                break;
        case CONDITION_CAPABILITY:
                r = test_capability(p);
                break;
        case CONDITION_VIRTUALIZATION:
                r = test_virtualization(p);
                break;
        case CONDITION_KERNEL_COMMAND_LINE:
                r = test_kernel_command_line(p);
                break;
        default:
                r = true;
        }
        return r != c->negate;
}

/* Non-trigger entries must all pass; of the trigger ('|') ones, one must. */
static bool test_list(const UnitSettings *st, bool asserts, char *const *environ) {
        bool any_trigger = false, trigger_ok = false;
        for (size_t i = 0; i < st->n_conditions; i++) {
                const Condition *c = &st->conditions[i];
                if (c->assert != asserts)
                        continue;
                bool ok = condition_test(c, environ) > 0;
                if (c->trigger) {
                        any_trigger = true;
                        trigger_ok |= ok;
                } else if (!ok)
                        return false;
        }
        return !any_trigger || trigger_ok;
}

bool unit_test_conditions(Unit *u, bool *ret_assert_failed) {
        const UnitSettings *st = unit_settings(u);
        char *const *env = u->manager->environ;
        u->condition_timestamp = now_realtime();
        u->assert_result = test_list(st, true, env);
        u->condition_result = u->assert_result ? test_list(st, false, env) : -1;
        *ret_assert_failed = !u->assert_result;
        return u->assert_result && u->condition_result == 1;
}
