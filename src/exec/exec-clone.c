/* exec-clone.c — starting a child that borrows our memory until it execs.
 *
 * fork() copies superd's page tables, and afterwards every page superd
 * writes takes a copy-on-write fault: for a per-connection service that is
 * most of what a spawn costs, and it grows with the manager's heap. A
 * child made with clone3(CLONE_VM | CLONE_VFORK) shares our memory and runs
 * while we are suspended, until its execve() (or _exit()) gives the memory
 * back: no copy, no faults, which is what posix_spawn() does. Born straight
 * into the service's cgroup (CLONE_INTO_CGROUP) it has nothing to wait for,
 * so our suspension lasts only the few system calls of exec_child().
 *
 * The rules that make sharing safe: the child runs on its own stack (a
 * buffer in our suspended frame), it calls nothing that allocates or takes
 * a lock (so callers use this only when no NSS lookup is needed), it only
 * writes its own stack and the envp slots exec.h reserves for it, and it
 * leaves by execve() or _exit(). Its file table, signal handlers, umask
 * and working directory are its own copies (no CLONE_FILES, CLONE_SIGHAND,
 * CLONE_FS).
 *
 * The child has to start on the new stack, which a C call of the system
 * call cannot do (it would return on our stack); a few instructions of
 * assembly do it, for x86-64. Elsewhere (and under AddressSanitizer) this
 * returns -ENOSYS and the caller forks. */
#include "exec/exec-internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Room for exec_child()'s frames: its fd table and credentials (~40 KiB)
 * and what execve() and the sanitizers add. */
#define CHILD_STACK_SIZE (256U * 1024U)

typedef struct CloneArgs {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
                set_tid_size, cgroup;
} CloneArgs;

typedef struct ChildStart {
        const ExecParams *params;
        int report_fd;
} ChildStart;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif

/* AddressSanitizer cannot follow a child onto a stack it did not make (it
 * reports the frames there as overflows), so sanitizer builds fork. */
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
/* long clone3_on_stack(CloneArgs *args, size_t size, void (*fn)(void *), void *arg):
 * the parent gets the pid or -errno; the child, on args->stack, calls fn(arg),
 * which must not return. The system call keeps r8/r9 (only rcx, r11 and rax
 * change), and the child starts with our registers and its new rsp. */
long clone3_on_stack(CloneArgs *args, size_t size, void (*fn)(void *), void *arg);
__asm__(".text\n"
        ".globl clone3_on_stack\n"
        ".hidden clone3_on_stack\n"
        ".type clone3_on_stack, @function\n"
        "clone3_on_stack:\n"
        "        mov %rdx, %r8\n"
        "        mov %rcx, %r9\n"
        "        mov $435, %eax\n" /* __NR_clone3 */
        "        syscall\n"
        "        test %rax, %rax\n"
        "        jnz 1f\n"
        "        xor %ebp, %ebp\n"
        "        mov %r9, %rdi\n"
        "        call *%r8\n"
        "        hlt\n"
        "1:      ret\n"
        ".size clone3_on_stack, .-clone3_on_stack\n");
#define HAVE_CLONE3_ON_STACK 1
#endif

#ifdef HAVE_CLONE3_ON_STACK
static void child_start(void *userdata) {
        const ChildStart *s = userdata;
        exec_child(s->params, s->report_fd);
}

pid_t exec_clone_shared(const ExecParams *p, int report_fd, int cgroup_fd, int *ret_pidfd) {
        _Alignas(64) char stack[CHILD_STACK_SIZE];
        ChildStart start = { .params = p, .report_fd = report_fd };
        int pidfd = -1;
        CloneArgs a = {
                .flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                .pidfd = (uint64_t) (uintptr_t) &pidfd,
                .exit_signal = SIGCHLD,
                .stack = (uint64_t) (uintptr_t) stack,
                .stack_size = sizeof stack,
                .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
        };
        int saved_errno = errno; /* the child shares it */
        long r = clone3_on_stack(&a, sizeof a, child_start, &start);
        errno = saved_errno;
        if (r > 0)
                *ret_pidfd = pidfd;
        return (pid_t) r;
}
#else
pid_t exec_clone_shared(const ExecParams *p, int report_fd, int cgroup_fd, int *ret_pidfd) {
        (void) p;
        (void) report_fd;
        (void) cgroup_fd;
        (void) ret_pidfd;
        return -ENOSYS;
}
#endif
