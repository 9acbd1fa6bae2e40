/*
 * keeper.c: a small process that ends the mount's connection when the
 * daemon dies and cannot finish dying.
 *
 * The daemon tells the kernel which cached names a change touched, and
 * dropping a name takes its directory's lock, which a program listing that
 * directory holds while its own request waits for the daemon.  If the
 * daemon is killed (kill -9) while one of its threads waits for such a
 * lock, that thread cannot end, so the process never exits and never
 * closes /dev/fuse, and the kernel never ends the programs' requests: they
 * wait for ever (tests/mount/test-uring.sh saw all 24 programs of a storm
 * do so).  Ending the connection (what umount -f does) frees them all.
 *
 * So the daemon forks a keeper right after mounting, while it is still one
 * thread.  The keeper closes every file (above all /dev/fuse, which would
 * keep the connection alive) and sleeps until the daemon's main thread
 * dies (PR_SET_PDEATHSIG).  If the daemon is then gone, the kernel has
 * ended the connection itself and the keeper just exits.  If threads of it
 * still live a moment later, it is stuck: the keeper writes to the
 * connection's abort file (/sys/fs/fuse/connections/N/abort, mounting
 * that filesystem if it must and may), as umount -f would.  The connection
 * is named while those threads hold its /dev/fuse, so its number cannot
 * have been reused (a path could: another mount may sit there by now).
 * SIGINT, SIGTERM or SIGHUP end the keeper too.
 */
#include "keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

unsigned long fs_mount_dev(const char *path)
{
    char real[PATH_MAX], line[8192];
    if (!realpath(path, real))
        return 0;
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f)
        return 0;
    unsigned long dev = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned maj, min;
        char mnt[PATH_MAX];
        /* id parent major:minor root mountpoint ... */
        if (sscanf(line, "%*s %*s %u:%u %*s %4095s", &maj, &min, mnt) == 3 && !strcmp(mnt, real))
            dev = ((unsigned long)maj << 20) | min;     /* the kernel's dev_t, as fusectl names it */
    }
    fclose(f);
    return dev;
}

/* Is process pid stuck dying: its main thread dead, other threads alive?
 * Those threads share its files, /dev/fuse among them, so the connection
 * (and its number) is still its own.  Not just "is its /proc entry
 * there": a daemon that exited normally stays a zombie (one thread, no
 * file open) until its parent reaps it, and its connection's number may
 * already belong to a new mount. */
static int stuck_dying(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int threads = 0;
    while (fgets(line, sizeof line, f) && sscanf(line, "Threads: %d", &threads) != 1)
        ;
    fclose(f);
    return threads > 1;
}

static int write_abort(const char *path)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    int ok = write(fd, "1", 1) == 1;
    close(fd);
    return ok ? 0 : -1;
}

static void keep(pid_t daemon, unsigned long dev)
{
    char path[96];
    snprintf(path, sizeof path, "/sys/fs/fuse/connections/%lu/abort", dev);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    prctl(PR_SET_NAME, "depotfs-keeper");
    if (getppid() == daemon) {          /* else it died already */
        int sig = 0;
        if (sigwait(&set, &sig) != 0 || sig != SIGUSR1)
            return;
    }
    /* The main thread is gone: give the process a moment to end. */
    for (int i = 0; i < 20 && stuck_dying(daemon); i++) {
        struct timespec ts = { 0, 25 * 1000000L };
        nanosleep(&ts, NULL);
    }
    if (!stuck_dying(daemon))
        return;
    if (write_abort(path) != 0 && access("/sys/fs/fuse/connections", F_OK) == 0
        && mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL) == 0)
        write_abort(path);
}

void fs_keeper_start(const char *mountpoint)
{
    unsigned long dev = fs_mount_dev(mountpoint);
    if (!dev)
        return;
    pid_t daemon = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return;                         /* the daemon (or no keeper) */
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    close_range(3, ~0U, 0);             /* /dev/fuse above all */
    keep(daemon, dev);
    _exit(0);
}
