/* manager-adopt.c — finding what a crashed superd left behind (SPEC 6).
 *
 * Every service's state goes to RUNTIME_DIR/units/NAME on each change,
 * written once at the end of the loop iteration that changed it (a restart
 * goes from auto-restart to running in one iteration, after its spawn),
 * in place, and removed once the service is down with nothing left
 * running. At start-up, before the default target is
 * started, each record is read back:
 * - a running service whose main process still exists (in the unit's
 *   cgroup, or, without cgroups, with the /proc start time we recorded) is
 *   re-adopted: state running, MainPID set, its end seen through its pidfd
 *   (it is no longer our child), counters and invocation id kept; the
 *   default target's start is then a no-op for it;
 * - any other service with processes left (a control process mid-
 *   ExecStartPre, a main process that was being stopped) is stopped as a
 *   stop would (SIGTERM, SIGKILL after TimeoutStopSec); a start queued for
 *   it waits for that, as a restart;
 * - processes of a unit that is no longer defined get SIGTERM, then
 *   SIGKILL after DefaultTimeoutStopSec.
 * Each case is logged. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-unit.h"
#include "lib/cgroup.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"

typedef struct LeftoverProcess {
        PidRef pid;               /* or a cgroup */
        char *cgroup;
        struct LeftoverProcess *next;
} LeftoverProcess;

typedef struct UnitRecord {
        ServiceState state;
        ServiceResult result;
        pid_t main_pid, control_pid;
        unsigned long long main_start, control_start;
        unsigned n_restarts;
        char invocation_id[64];
        usec_t exec_main_start_timestamp, exec_main_start_monotonic;
        usec_t active_enter_timestamp, active_enter_monotonic;
} UnitRecord;

static unsigned long long starttime_of(pid_t pid) {
        unsigned long long t = 0;
        return pid > 0 && process_get_starttime(pid, &t) >= 0 ? t : 0;
}

/* What the record keeps to know pid again: nothing with cgroups (the
 * cgroup says whose it is, record_pid_valid()), which spares a read of
 * /proc/PID/stat per spawn and the /proc dentries it leaves to prune. */
static unsigned long long record_starttime(Manager *m, pid_t pid) {
        return m->cgroup_root ? 0 : starttime_of(pid);
}

/* The record is padded to a fixed size and written with one pwrite() at
 * offset 0 of the file it replaces: no temporary file, no rename, no
 * truncation, and a superd killed at any point leaves either the old
 * record or the new one (a write within one page of the page cache is
 * not split by a signal). */
#define STATE_RECORD_SIZE 1024

static void unit_state_write(Manager *m, Unit *u) {
        Service *s = &u->service;
        bool down = (s->state == SERVICE_DEAD || s->state == SERVICE_FAILED) && !pidref_is_set(&s->main_pid) &&
                    !pidref_is_set(&s->control_pid);
        if (!down && s->state == s->saved_state && s->main_pid.pid == s->saved_main_pid &&
            s->control_pid.pid == s->saved_control_pid && s->n_restarts == s->saved_n_restarts)
                return;
        s->saved_state = s->state;
        s->saved_main_pid = s->main_pid.pid;
        s->saved_control_pid = s->control_pid.pid;
        s->saved_n_restarts = s->n_restarts;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", m->units_state_dir, u->name);
        if (down) {
                (void) unlink(path);
                return;
        }
        StrBuf b = {};
        strbuf_printf(&b, "State=%s\nResult=%s\nMainPID=%d\nMainStartTime=%llu\nControlPID=%d\n"
                      "ControlStartTime=%llu\nNRestarts=%u\nInvocationID=%s\n"
                      "ExecMainStartTimestamp=%llu\nExecMainStartMonotonic=%llu\n"
                      "ActiveEnterTimestamp=%llu\nActiveEnterMonotonic=%llu\n",
                      service_state_to_string(s->state), service_result_to_string(s->result),
                      (int) s->main_pid.pid, record_starttime(m, s->main_pid.pid), (int) s->control_pid.pid,
                      record_starttime(m, s->control_pid.pid), s->n_restarts, strempty(u->invocation_id),
                      (unsigned long long) s->exec_main_start_timestamp,
                      (unsigned long long) s->exec_main_start_monotonic,
                      (unsigned long long) u->active_enter_timestamp, (unsigned long long) u->active_enter_monotonic);
        while (!b.oom && b.len < STATE_RECORD_SIZE)
                strbuf_putc(&b, '\n');
        int fd = b.oom || b.len > STATE_RECORD_SIZE ? -1 : open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || pwrite(fd, b.data, b.len, 0) != (ssize_t) b.len)
                log_unit_debug(u->name, "Failed to write state record '%s': %m", path);
        safe_close(fd);
        strbuf_done(&b);
}

void manager_flush_unit_states(Manager *m) {
        char **names = m->units_state_dirty;
        m->units_state_dirty = NULL;
        STRV_FOREACH(n, names) {
                Unit *u = manager_get_unit(m, *n);
                if (!u) {
                        /* Freed since, so down with nothing left. */
                        char path[4096];
                        snprintf(path, sizeof path, "%s/%s", m->units_state_dir, *n);
                        (void) unlink(path);
                } else if (u->type == UNIT_SERVICE && u->service.state_dirty) {
                        u->service.state_dirty = false;
                        unit_state_write(m, u);
                }
        }
        strv_free(names);
}

static void unit_states_post(LoopSource *s, void *userdata) {
        manager_flush_unit_states(userdata);
}

void manager_save_unit_state(Manager *m, Unit *u) {
        Service *s = &u->service;
        /* Accept=yes instances are not saved: their connection fd does not survive a
         * re-exec, and a state file per connection costs more than the connection. */
        if (!m->units_state_dir || u->type != UNIT_SERVICE || u->connection || s->state_dirty)
                return;
        if (!m->units_state_post && loop_add_post(m->loop, unit_states_post, m, &m->units_state_post) < 0) {
                unit_state_write(m, u);
                return;
        }
        if (strv_extend(&m->units_state_dirty, u->name) < 0) {
                unit_state_write(m, u);
                return;
        }
        s->state_dirty = true;
        loop_defer_enable(m->units_state_post);
}

static int record_read(const char *path, UnitRecord *r) {
        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        char line[512];
        *r = (UnitRecord) { .state = _SERVICE_STATE_MAX };
        while (fgets(line, sizeof line, f)) {
                line[strcspn(line, "\n")] = 0;
                char *v = strchr(line, '=');
                if (!v)
                        continue;
                *v++ = 0;
                unsigned long long n = strtoull(v, NULL, 10);
                if (streq(line, "State"))
                        r->state = service_state_from_string(v);
                else if (streq(line, "Result"))
                        r->result = service_result_from_string(v);
                else if (streq(line, "MainPID"))
                        r->main_pid = (pid_t) n;
                else if (streq(line, "MainStartTime"))
                        r->main_start = n;
                else if (streq(line, "ControlPID"))
                        r->control_pid = (pid_t) n;
                else if (streq(line, "ControlStartTime"))
                        r->control_start = n;
                else if (streq(line, "NRestarts"))
                        r->n_restarts = (unsigned) n;
                else if (streq(line, "InvocationID"))
                        snprintf(r->invocation_id, sizeof r->invocation_id, "%s", v);
                else if (streq(line, "ExecMainStartTimestamp"))
                        r->exec_main_start_timestamp = n;
                else if (streq(line, "ExecMainStartMonotonic"))
                        r->exec_main_start_monotonic = n;
                else if (streq(line, "ActiveEnterTimestamp"))
                        r->active_enter_timestamp = n;
                else if (streq(line, "ActiveEnterMonotonic"))
                        r->active_enter_monotonic = n;
        }
        fclose(f);
        if (r->result >= _SERVICE_RESULT_MAX)
                r->result = SERVICE_SUCCESS;
        return r->state < _SERVICE_STATE_MAX ? 0 : -EBADMSG;
}

/* pid is still the process the record names: in the unit's cgroup, or
 * (without cgroups) started at the recorded time. */
static bool record_pid_valid(Manager *m, const char *name, pid_t pid, unsigned long long start) {
        if (pid <= 1 || pid == getpid() || !process_is_alive(pid))
                return false;
        if (m->cgroup_root) {
                _cleanup_free_ char *owner = manager_cgroup_unit_of_pid(m, pid);
                return owner && streq(owner, name);
        }
        return start != 0 && starttime_of(pid) == start;
}

static void leftover_add(Manager *m, pid_t pid, const char *cgroup) {
        LeftoverProcess *l = calloc(1, sizeof(LeftoverProcess));
        if (!l)
                return;
        l->pid = PIDREF_NULL;
        if (pid > 0)
                (void) pidref_set(&l->pid, pid);
        l->cgroup = cgroup ? strdup(cgroup) : NULL;
        l->next = m->leftovers;
        m->leftovers = l;
}

static void leftovers_signal(Manager *m, int sig) {
        for (LeftoverProcess *l = m->leftovers; l; l = l->next) {
                if (pidref_is_set(&l->pid))
                        (void) pidref_kill(&l->pid, sig);
                if (l->cgroup) {
                        (void) cgroup_kill(l->cgroup, sig);
                        if (sig == SIGKILL)
                                (void) cgroup_remove(l->cgroup);
                }
        }
}

void manager_leftovers_free(Manager *m) {
        m->leftover_timer = loop_source_free(m->leftover_timer);
        while (m->leftovers) {
                LeftoverProcess *l = m->leftovers;
                m->leftovers = l->next;
                pidref_done(&l->pid);
                free(l->cgroup);
                free(l);
        }
}

static void leftovers_timeout(LoopSource *src, usec_t now, void *userdata) {
        Manager *m = userdata;
        log_info("Killing what is left of units that are no longer defined.");
        leftovers_signal(m, SIGKILL);
        manager_leftovers_free(m);
}

/* A unit that is no longer defined (or not a service): only its processes. */
static void adopt_undefined(Manager *m, const char *name, const UnitRecord *r) {
        _cleanup_free_ char *cg = manager_unit_cgroup_path(m, name);
        bool any = false;
        pid_t pids[2] = { r->main_pid, r->control_pid };
        unsigned long long starts[2] = { r->main_start, r->control_start };
        for (size_t i = 0; i < 2; i++)
                if (record_pid_valid(m, name, pids[i], starts[i])) {
                        log_warning("Stopping leftover process %d of %s, which is no longer defined.", (int) pids[i],
                                    name);
                        leftover_add(m, pids[i], NULL);
                        any = true;
                }
        if (cg && cgroup_is_populated(cg)) {
                log_warning("Stopping leftover processes in cgroup of %s, which is no longer defined.", name);
                leftover_add(m, 0, cg);
                any = true;
        } else if (cg)
                (void) cgroup_remove(cg);
        if (any && !m->leftover_timer &&
            loop_add_time(m->loop, now_monotonic() + m->config.default_timeout_stop, leftovers_timeout, m,
                          &m->leftover_timer) < 0)
                log_warning("Failed to arm the leftover timer, ignoring.");
}

static void adopt_restore(Unit *u, const UnitRecord *r) {
        Service *s = &u->service;
        s->n_restarts = r->n_restarts;
        s->result = r->result;
        s->exec_main_start_timestamp = r->exec_main_start_timestamp;
        s->exec_main_start_monotonic = r->exec_main_start_monotonic;
        if (r->invocation_id[0]) {
                free(u->invocation_id);
                u->invocation_id = strdup(r->invocation_id);
        }
}

static void adopt_service(Manager *m, Unit *u, const UnitRecord *r) {
        Service *s = &u->service;
        bool main_ok = record_pid_valid(m, u->name, r->main_pid, r->main_start);
        bool control_ok = record_pid_valid(m, u->name, r->control_pid, r->control_start);
        if (m->cgroup_root)
                if (service_cgroup_attach(u) >= 0)
                        service_cgroup_spawned(u); /* the dir fd is opened again per spawn */
        adopt_restore(u, r);
        bool up = r->state == SERVICE_RUNNING || r->state == SERVICE_RELOAD || r->state == SERVICE_START_POST;
        if (up && main_ok && service_adopt_running(u, r->main_pid, false) >= 0) {
                service_restore_state(u, SERVICE_RUNNING, true);
                u->active_enter_timestamp = r->active_enter_timestamp;
                u->active_enter_monotonic = r->active_enter_monotonic;
                log_unit_info(u->name, "Re-adopted process %d of %s.", (int) r->main_pid, u->name);
                return;
        }
        if (r->state == SERVICE_EXITED && !r->main_pid) {
                service_restore_state(u, SERVICE_EXITED, true);
                log_unit_info(u->name, "Re-adopted %s (exited, remains active).", u->name);
                return;
        }
        if (main_ok)
                (void) service_adopt_running(u, r->main_pid, false);
        if (control_ok)
                (void) service_adopt_control(u, r->control_pid, false);
        if (!main_ok && !control_ok && !service_cgroup_populated(u)) {
                log_unit_info(u->name, "Nothing left of %s (state '%s' when superd stopped).", u->name,
                              service_state_to_string(r->state));
                s->n_restarts = 0;
                service_cgroup_release(u);
                manager_save_unit_state(m, u);
                return;
        }
        log_unit_warning(u->name, "Stopping leftover processes of %s (state '%s' when superd stopped).", u->name,
                         service_state_to_string(r->state));
        service_stop_leftovers(u);
        if (unit_active_state(u) == UNIT_DEACTIVATING && u->job == JOB_NONE) {
                /* A running stop job: a start queued now waits for it (a restart). */
                u->job = JOB_STOP;
                u->job_running = true;
        }
}

void manager_adopt_leftovers(Manager *m) {
        DIR *d = opendir(m->units_state_dir);
        if (!d)
                return;
        struct dirent *de;
        while ((de = readdir(d))) {
                const char *name = de->d_name;
                if (name[0] == '.' || strstr(name, ".tmp"))
                        continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", m->units_state_dir, name);
                UnitRecord r;
                if (record_read(path, &r) < 0) {
                        (void) unlink(path);
                        continue;
                }
                Unit *u = NULL;
                if (manager_load_unit(m, name, &u) < 0 || u->type != UNIT_SERVICE ||
                    u->file->load_state != UNIT_LOADED) {
                        adopt_undefined(m, name, &r);
                        (void) unlink(path);
                        continue;
                }
                adopt_service(m, u, &r);
        }
        closedir(d);
}
