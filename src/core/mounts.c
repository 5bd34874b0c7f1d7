/* mounts.c — the mount table watch (see mounts.h). */
#include "mounts.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mountinfo.h"
#include "manager.h"

struct ManagerMounts {
        int fd;            /* /proc/self/mountinfo */
        LoopSource *watch; /* EPOLLPRI on fd: the table changed */
        MountTable *table; /* NULL: unreadable or unparsable, nothing is local */
};

static void mounts_read(ManagerMounts *mm) {
        _cleanup_free_ char *text = NULL;
        size_t size;
        mm->table = mount_table_free(mm->table);
        int r = mountinfo_read_fd(mm->fd, &text, &size);
        if (r >= 0)
                r = mount_table_parse(text, size, &mm->table);
        if (r < 0)
                log_full_errno(LOG_DEBUG, r, "Failed to read /proc/self/mountinfo, forking every process: %m");
}

static void mounts_changed(LoopSource *s, int fd, uint32_t events, void *userdata) {
        mounts_read(userdata);
}

static ManagerMounts *mounts_free(ManagerMounts *mm) {
        if (!mm)
                return NULL;
        loop_source_free(mm->watch);
        safe_close(mm->fd);
        mount_table_free(mm->table);
        free(mm);
        return NULL;
}

int manager_mounts_setup(Manager *m) {
        if (m->mounts)
                return 0;
        ManagerMounts *mm = calloc(1, sizeof(ManagerMounts));
        if (!mm)
                return log_warning_errno(-ENOMEM, "Failed to watch the mount table, forking every process: %m");
        /* The watch comes first: a change after the open raises an event,
         * so none can slip between reading and watching. */
        mm->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        int r = mm->fd < 0 ? -errno : loop_add_io(m->loop, mm->fd, EPOLLPRI, mounts_changed, mm, &mm->watch);
        if (r < 0) {
                mounts_free(mm);
                return log_warning_errno(r, "Failed to watch the mount table, forking every process: %m");
        }
        mounts_read(mm);
        m->mounts = mm;
        return 0;
}

void manager_mounts_free(Manager *m) {
        m->mounts = mounts_free(m->mounts);
}

void manager_mounts_refresh(Manager *m) {
        ManagerMounts *mm = m->mounts;
        if (!mm)
                return;
        /* The poll takes the pending event, so the loop does not read the
         * table a second time. */
        struct pollfd p = { .fd = mm->fd, .events = POLLPRI };
        if (poll(&p, 1, 0) > 0 && (p.revents & (POLLPRI | POLLERR)))
                mounts_read(mm);
}

bool manager_path_is_local(Manager *m, const char *path) {
        return m->mounts && m->mounts->table && !mount_table_path_is_remote(m->mounts->table, path);
}
