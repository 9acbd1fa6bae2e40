/*
 * uring.c: FUSE requests over io_uring, one queue per CPU.
 *
 * Why.  A FUSE request is a round trip between two processes: the caller
 * sleeps, a daemon thread wakes, answers, and wakes the caller.  Read from
 * /dev/fuse, the request goes to whichever daemon thread waits, usually on
 * another CPU; on a virtual machine waking an idle vCPU costs more than
 * answering (README, "Performance").  Since Linux 6.14 the kernel can queue
 * each request on a ring of the CPU that made it instead.  Here every CPU
 * gets a few threads pinned to it, each with its own io_uring and one ring
 * entry registered on that CPU's queue, so a request is taken on the CPU
 * that made it, and the reply wakes the program on that same CPU (which
 * takes a trick: see set_idle), so both wake-ups stay local.
 *
 * How.  libfuse 3.14 has no io_uring support, so this file speaks the
 * kernel's protocol (FUSE_IO_URING_CMD_REGISTER / COMMIT_AND_FETCH,
 * include/uapi/linux/fuse.h) with raw io_uring system calls, and hands each
 * request to libfuse as if read from /dev/fuse: fuse_session_process_buf()
 * on a copy laid out as /dev/fuse would (header, per-op header, payload).
 * The reply comes back through the session's custom writev
 * (fuse_session_custom_io): when its unique id is the one this thread is
 * answering, it is copied into the ring entry, committed once the handler
 * has returned (which also fetches the next request, see serve);
 * everything else (invalidations, replies to requests read from /dev/fuse)
 * is written to /dev/fuse as before.  libfuse's INIT reply does not ask for
 * io_uring (FUSE_OVER_IO_URING): with the module parameter on, the kernel
 * takes registrations all the same, and requests keep coming through
 * /dev/fuse until the rings are ready instead of waiting for them.
 *
 * The /dev/fuse loop keeps running: INIT, the requests sent before every
 * queue has an entry, FORGETs and INTERRUPTs come that way.  The kernel
 * switches to the rings only once every possible CPU's queue has an entry,
 * and never at all unless the fuse module allows it
 * (/sys/module/fuse/parameters/enable_uring); if registering fails for any
 * reason, the threads end and /dev/fuse serves everything, as before.
 * -o uring=0 does without it, and so does a daemon that may not take its
 * threads back from SCHED_IDLE (set_idle).
 *
 * A request whose handler blocks holds its thread; another thread of the
 * same CPU takes the next one (FS_URING_THREADS per CPU, like the idle
 * threads of libfuse's loop; one for a CPU that is not online).  A handler must never wait for what only a
 * request of its own CPU could give: ll.c's notifiers are there for that.
 */
#include "uring.h"

#include <errno.h>
#include <linux/fuse.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include "fs.h"

/* ---- the kernel's protocol (uapi fuse.h 7.42; Debian 12's headers are older) ---- */

#define URING_IN_OUT_SZ 128
#define URING_OP_IN_SZ 128
enum { CMD_REGISTER = 1, CMD_COMMIT_AND_FETCH = 2 };

struct ent_in_out {
    uint64_t flags;
    uint64_t commit_id;
    uint32_t payload_sz;
    uint32_t padding;
    uint64_t reserved;
};

struct req_header {
    char in_out[URING_IN_OUT_SZ];   /* fuse_in_header, then fuse_out_header */
    char op_in[URING_OP_IN_SZ];     /* the request's first argument */
    struct ent_in_out ent;
};

struct cmd_req {                    /* in the SQE's 80-byte command area */
    uint64_t flags;
    uint64_t commit_id;
    uint16_t qid;
    uint8_t padding[6];
};

#define SQE_SIZE 128                /* IORING_SETUP_SQE128 */
#define SQE_CMD_OFFSET 48

_Static_assert(sizeof(struct req_header) == 288, "the kernel's struct fuse_uring_req_header");
_Static_assert(sizeof(struct cmd_req) <= SQE_SIZE - SQE_CMD_OFFSET, "the SQE's command area");

/* ---- one thread: its io_uring and its ring entry ---- */

struct uthread {
    pthread_t tid;
    int started;
    int qid;                        /* the CPU it serves */
    int idle;                       /* runs as SCHED_IDLE (set_idle) */
    int ring_fd;
    /* the submission and completion rings, mapped */
    void *sq_map, *cq_map, *sqes;
    size_t sq_map_len, cq_map_len, sqes_len;
    _Atomic unsigned *sq_tail, *cq_head, *cq_tail;   /* one submission at a time: no full SQ */
    unsigned *sq_mask, *sq_array, *cq_mask;
    struct io_uring_cqe *cqes;
    /* the entry: what the kernel fills and reads back */
    struct req_header hdr;
    char *payload;
    size_t payload_len;
    struct iovec iov[2];
    /* the request being answered, laid out as /dev/fuse would give it */
    char *req;
    uint64_t unique;
    uint32_t opcode;
    int answered;
    int served;                     /* has served a request */
};

static struct fuse_session *session;
static int fuse_fd = -1;
static struct uthread *threads;
static int nthreads;
static _Thread_local struct uthread *self;
static atomic_int stopping;         /* fs_uring_stop: threads, end */

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned submit, unsigned wait, unsigned flags)
{
    return (int)syscall(__NR_io_uring_enter, fd, submit, wait, flags, NULL, 0);
}

static void ring_unmap(struct uthread *t)
{
    if (t->sqes)
        munmap(t->sqes, t->sqes_len);
    if (t->cq_map && t->cq_map != t->sq_map)
        munmap(t->cq_map, t->cq_map_len);
    if (t->sq_map)
        munmap(t->sq_map, t->sq_map_len);
    if (t->ring_fd >= 0)
        close(t->ring_fd);
    t->sqes = t->cq_map = t->sq_map = NULL;
    t->ring_fd = -1;
}

static int ring_setup(struct uthread *t)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SQE128;
    t->ring_fd = sys_setup(2, &p);
    if (t->ring_fd < 0)
        return -errno;
    t->sq_map_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    t->cq_map_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if ((p.features & IORING_FEAT_SINGLE_MMAP) && t->cq_map_len > t->sq_map_len)
        t->sq_map_len = t->cq_map_len;
    t->sq_map = mmap(NULL, t->sq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                     t->ring_fd, IORING_OFF_SQ_RING);
    if (t->sq_map == MAP_FAILED) {
        t->sq_map = NULL;
        goto fail;
    }
    if (p.features & IORING_FEAT_SINGLE_MMAP) {
        t->cq_map = t->sq_map;
    } else {
        t->cq_map = mmap(NULL, t->cq_map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                         t->ring_fd, IORING_OFF_CQ_RING);
        if (t->cq_map == MAP_FAILED) {
            t->cq_map = NULL;
            goto fail;
        }
    }
    t->sqes_len = p.sq_entries * SQE_SIZE;
    t->sqes = mmap(NULL, t->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                   t->ring_fd, IORING_OFF_SQES);
    if (t->sqes == MAP_FAILED) {
        t->sqes = NULL;
        goto fail;
    }
    char *sq = t->sq_map, *cq = t->cq_map;
    t->sq_tail = (_Atomic unsigned *)(sq + p.sq_off.tail);
    t->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    t->sq_array = (unsigned *)(sq + p.sq_off.array);
    t->cq_head = (_Atomic unsigned *)(cq + p.cq_off.head);
    t->cq_tail = (_Atomic unsigned *)(cq + p.cq_off.tail);
    t->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    t->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    return 0;
fail:
    ring_unmap(t);
    return -ENOMEM;
}

/* Queues one command on this thread's entry and submits it (no wait). */
static int submit_cmd(struct uthread *t, unsigned op, uint64_t commit_id)
{
    unsigned tail = atomic_load_explicit(t->sq_tail, memory_order_relaxed);
    unsigned idx = tail & *t->sq_mask;
    unsigned char *raw = (unsigned char *)t->sqes + (size_t)idx * SQE_SIZE;
    memset(raw, 0, SQE_SIZE);
    struct io_uring_sqe *sqe = (struct io_uring_sqe *)raw;
    sqe->opcode = IORING_OP_URING_CMD;
    sqe->fd = fuse_fd;
    sqe->cmd_op = op;
    sqe->addr = (uint64_t)(uintptr_t)t->iov;
    sqe->len = 2;
    struct cmd_req cmd = { .commit_id = commit_id, .qid = (uint16_t)t->qid };
    memcpy(raw + SQE_CMD_OFFSET, &cmd, sizeof cmd);
    t->sq_array[idx] = idx;
    atomic_store_explicit(t->sq_tail, tail + 1, memory_order_release);
    for (;;) {
        int n = sys_enter(t->ring_fd, 1, 0, 0);
        if (n >= 0)
            return 0;
        if (errno != EINTR)
            return -errno;
    }
}

/* Waits for the entry's next completion: 0 with a request in the entry,
 * else the (negative) error the kernel gave. */
static int wait_cqe(struct uthread *t)
{
    for (;;) {
        unsigned head = atomic_load_explicit(t->cq_head, memory_order_relaxed);
        unsigned tail = atomic_load_explicit(t->cq_tail, memory_order_acquire);
        if (head != tail) {
            int res = t->cqes[head & *t->cq_mask].res;
            atomic_store_explicit(t->cq_head, head + 1, memory_order_release);
            return res;
        }
        if (sys_enter(t->ring_fd, 0, 1, IORING_ENTER_GETEVENTS) < 0) {
            if (errno != EINTR)
                return -errno;
            if (atomic_load(&stopping))
                return -ECANCELED;
        }
    }
}

/* ---- the reply path: libfuse's writev ---- */

/* Copies a reply into the entry; serve() commits it once the handler has
 * returned (see there). */
static ssize_t copy_reply(struct uthread *t, const struct iovec *iov, int count)
{
    size_t total = 0, hdr_left = sizeof(struct fuse_out_header), pay = 0;
    char *h = t->hdr.in_out;
    for (int i = 0; i < count; i++) {
        const char *src = iov[i].iov_base;
        size_t len = iov[i].iov_len;
        total += len;
        size_t n = len < hdr_left ? len : hdr_left;
        memcpy(h, src, n);
        h += n;
        hdr_left -= n;
        src += n;
        len -= n;
        if (pay + len > t->payload_len) {
            errno = EINVAL;
            return -1;
        }
        memcpy(t->payload + pay, src, len);
        pay += len;
    }
    t->hdr.ent.payload_sz = (uint32_t)pay;
    t->answered = 1;
    return (ssize_t)total;
}

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
    (void)userdata;
    struct uthread *t = self;
    if (t && !t->answered && count > 0 && iov[0].iov_len >= sizeof(struct fuse_out_header)
        && ((struct fuse_out_header *)iov[0].iov_base)->unique == t->unique)
        return copy_reply(t, iov, count);
    return writev(fd, iov, count);
}

static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
    (void)userdata;
    return read(fd, buf, len);
}

/* ---- the threads ---- */

/* Lays the entry's request out as /dev/fuse would: header, the per-op
 * header (whatever the total length leaves after the payload), payload. */
static int take_request(struct uthread *t)
{
    struct fuse_in_header in;
    memcpy(&in, t->hdr.in_out, sizeof in);
    size_t pay = t->hdr.ent.payload_sz;
    t->unique = in.unique;
    t->opcode = in.opcode;
    t->answered = 0;
    if (in.len < sizeof in + pay || in.len - sizeof in - pay > URING_OP_IN_SZ
        || pay > t->payload_len)
        return -EPROTO;
    size_t op = in.len - sizeof in - pay;
    memcpy(t->req, &in, sizeof in);
    memcpy(t->req + sizeof in, t->hdr.op_in, op);
    memcpy(t->req + sizeof in + op, t->payload, pay);
    return (int)in.len;
}

/*
 * The commit wakes the program that made the request, asleep on this CPU.
 * The kernel wakes a task on an idle CPU rather than a busy one, and this
 * CPU is busy: with this thread.  So the program would move to the other
 * CPU at every reply, and its next request would wake that idle vCPU, the
 * very cost the queues per CPU are there to save (perf: 43,000 migrations
 * in a cold find of 51,000 requests, and no gain).  A CPU that runs only
 * SCHED_IDLE tasks counts as idle, so the thread commits as SCHED_IDLE:
 * the program is woken here and takes the CPU at once.  (A "sync" wake-up,
 * as pipes use, would say the same; the FUSE reply does not make one.)
 *
 * The thread also sleeps as SCHED_IDLE.  Linux 6.12's scheduler leaves a
 * task that goes to sleep owing CPU time on its run queue for a while
 * ("delayed dequeue"), still counted as running: a thread that had
 * answered a release (which cat's close sends just before its next open)
 * and slept as SCHED_OTHER kept its CPU from counting as idle, and in
 * about half the runs every reply moved the program again (21,000
 * migrations in 25,000 opens, 67 us an open and close against 35).
 *
 * A release, which no one waits for, is answered as SCHED_IDLE too, so
 * that it never preempts the program that sent it (cat's close, just
 * before its next open).  Every other request takes SCHED_OTHER first.
 * Answering the short ones (lookup, getattr, open...) as SCHED_IDLE as
 * well would save two system calls each (a warm open and close: 31.5 us ->
 * 26 us), and was tried: but they take locks other requests need
 * (SQLite's, held.c's), and a SCHED_IDLE task preempted while holding one
 * gets 3/1024 of a CPU a busy program wants, so everything waiting for
 * the lock waits with it.  In 1 of 30 runs of test-concurrency under
 * ASan, its readers, beside a process stat()ing in a tight loop, made 88
 * reads in 8 s instead of thousands (that this was the cause is likely,
 * not proven).  A release holds such locks only for a few list operations
 * (handle_free), or takes the writer, and then SCHED_OTHER first
 * (fs_uring_busy).  Going back from SCHED_IDLE needs CAP_SYS_NICE or
 * RLIMIT_NICE >= 20: fs_uring_start tries it first, and without it uses no
 * rings, since /dev/fuse then does better.
 */
static void set_idle(struct uthread *t, int idle)
{
    struct sched_param sp = { 0 };
    if (t->idle != idle && sched_setscheduler(0, idle ? SCHED_IDLE : SCHED_OTHER, &sp) == 0)
        t->idle = idle;
}

/* Does a program wait for the reply to this request? */
static int waited_for(uint32_t opcode)
{
    return opcode != FUSE_RELEASE && opcode != FUSE_RELEASEDIR;
}

/* Called before taking a lock other requests wait for (the writer): a
 * ring thread answering a release runs as SCHED_IDLE (set_idle) and must
 * not hold such a lock behind busy programs; it gets its normal policy
 * back.  Elsewhere it does nothing. */
void fs_uring_busy(void)
{
    if (self)
        set_idle(self, 0);
}

static void *probe_policy(void *arg)
{
    struct sched_param sp = { 0 };
    *(int *)arg = sched_setscheduler(0, SCHED_IDLE, &sp) == 0
               && sched_setscheduler(0, SCHED_OTHER, &sp) == 0;
    return NULL;
}

static void *serve(void *arg)
{
    struct uthread *t = arg;
    self = t;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(t->qid, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);   /* an offline CPU: run anywhere */

    /* The kernel takes registrations only once INIT is answered. */
    int res;
    for (int tries = 0;; tries++) {
        if ((res = submit_cmd(t, CMD_REGISTER, 0)) == 0)
            res = wait_cqe(t);
        if (res != -EAGAIN || tries > 5000 || atomic_load(&stopping))
            break;
        usleep(1000);
    }
    while (res == 0) {
        if (!t->served) {
            /* Named once it has served: what shows (in /proc/PID/task/
             * TID/comm) that requests do come this way. */
            char name[16];
            snprintf(name, sizeof name, "uring-cpu%d", t->qid);
            pthread_setname_np(pthread_self(), name);
            t->served = 1;
        }
        int len = take_request(t);
        if (waited_for(t->opcode))
            set_idle(t, 0);
        if (len < 0) {
            fs_log(LOG_ERR, "io_uring: a request whose lengths do not add up: answered EIO");
        } else {
            struct fuse_buf buf = { .size = (size_t)len, .mem = t->req };
            fuse_session_process_buf(session, &buf);
        }
        if (!t->answered) {
            /* Every request on a ring expects a reply (FORGET never comes
             * this way); a handler that gave none is answered EIO. */
            struct fuse_out_header out = { .len = sizeof out, .error = -EIO, .unique = t->unique };
            struct iovec iov = { &out, sizeof out };
            copy_reply(t, &iov, 1);
        }
        /* Committed only now, not from the writev: committing fetches the
         * next request into this entry at once, and if the handler went on
         * after its reply and blocked, that request would be stranded on a
         * thread that does not come back for it (the kernel cannot even
         * abort such a request).  Nothing is done after a reply in ll.c. */
        set_idle(t, 1);
        res = submit_cmd(t, CMD_COMMIT_AND_FETCH, t->unique);
        if (res == 0)
            res = wait_cqe(t);
    }
    if (res < 0 && res != -ENOTCONN && res != -EOPNOTSUPP && res != -ECONNABORTED
        && res != -ECANCELED)
        fs_log(LOG_WARNING, "io_uring queue %d: %s; %s", t->qid, strerror(-res),
               t->served ? "this thread stops, the others of its CPU serve"
                         : "requests keep coming through /dev/fuse");
    self = NULL;
    return NULL;
}

int fs_uring_setup(struct fuse_session *se)
{
    static const struct fuse_custom_io io = { .writev = io_writev, .read = io_read };
    session = se;
    fuse_fd = fuse_session_fd(se);
    return fuse_session_custom_io(se, &io, fuse_fd);
}

/* The number of possible CPUs (the kernel makes one queue for each). */
static int possible_cpus(void)
{
    FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
    int lo = 0, hi = -1;
    if (f) {
        if (fscanf(f, "%d-%d", &lo, &hi) < 1)
            hi = -1;
        else if (hi < 0)
            hi = lo;
        fclose(f);
    }
    return hi >= 0 ? hi + 1 : (int)sysconf(_SC_NPROCESSORS_CONF);
}

static void wake_up(int sig)
{
    (void)sig;          /* only interrupts io_uring_enter (no SA_RESTART) */
}

void fs_uring_start(unsigned max_write)
{
    if (!session || threads)
        return;
    int cpus = possible_cpus();
    if (cpus < 1 || cpus > 1024)
        return;
    pthread_t probe;
    int can_idle = 0;
    if (pthread_create(&probe, NULL, probe_policy, &can_idle) != 0)
        return;
    pthread_join(probe, NULL);
    if (!can_idle)
        return;                     /* see set_idle */
    size_t payload = max_write > 8192 ? max_write : 8192;
    if (payload < 32 * 4096)
        payload = 32 * 4096;         /* the kernel asks for max(max_write, max_pages pages) */
    /* FS_URING_THREADS for each CPU this daemon may run on; one for a CPU
     * that is possible but offline (or not ours), which the kernel wants
     * an entry for all the same (a VM may say 64 possible for 2 online). */
    cpu_set_t ours;
    if (sched_getaffinity(0, sizeof ours, &ours) != 0)
        return;
    int per[1024], total = 0;
    for (int q = 0; q < cpus; q++)
        total += per[q] = q < CPU_SETSIZE && CPU_ISSET(q, &ours) ? FS_URING_THREADS : 1;
    threads = calloc((size_t)total, sizeof *threads);
    if (!threads)
        return;
    nthreads = total;
    int ok = 1;
    for (int i = 0, q = 0, k = 0; i < nthreads; i++) {
        struct uthread *t = &threads[i];
        if (k == per[q]) {
            q++;
            k = 0;
        }
        k++;
        t->qid = q;
        t->ring_fd = -1;
        t->payload_len = payload;
        t->payload = malloc(payload);
        t->req = malloc(sizeof(struct fuse_in_header) + URING_OP_IN_SZ + payload);
        t->iov[0] = (struct iovec){ &t->hdr, sizeof t->hdr };
        t->iov[1] = (struct iovec){ t->payload, payload };
        if (ok && (!t->payload || !t->req || ring_setup(t) != 0))
            ok = 0;
    }
    if (!ok) {
        /* No io_uring here (io_uring_disabled, memory): /dev/fuse serves
         * everything, as it does until every queue has an entry. */
        fs_uring_stop();
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = wake_up;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < nthreads; i++)
        threads[i].started = pthread_create(&threads[i].tid, NULL, serve, &threads[i]) == 0;
}

/*
 * The threads end by themselves when the connection ends, but not when the
 * daemon stops while files are still open on a lazily unmounted tree (the
 * connection lives until /dev/fuse is closed, after this).  So they are
 * told to stop and interrupted (SIGUSR1) until they have.
 */
void fs_uring_stop(void)
{
    atomic_store(&stopping, 1);
    for (int i = 0; i < nthreads; i++) {
        struct uthread *t = &threads[i];
        for (int tries = 0; t->started && tries < 2500; tries++) {
            if (pthread_tryjoin_np(t->tid, NULL) == 0) {
                t->started = 0;
                break;
            }
            pthread_kill(t->tid, SIGUSR1);
            usleep(2000);
        }
        if (t->started)
            pthread_detach(t->tid);     /* stuck in the kernel: leave it */
    }
    int stuck = 0;
    for (int i = 0; i < nthreads; i++) {
        if (threads[i].started) {
            stuck++;                    /* still uses its buffers: kept */
            continue;
        }
        ring_unmap(&threads[i]);
        free(threads[i].payload);
        free(threads[i].req);
    }
    if (!stuck)
        free(threads);
    threads = NULL;
    nthreads = 0;
}
