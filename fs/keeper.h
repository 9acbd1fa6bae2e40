/*
 * keeper.h: the process that ends a stuck dead daemon's connection (keeper.c).
 */
#ifndef DEPOT_KEEPER_H
#define DEPOT_KEEPER_H

/* Forks the keeper of the mount at mountpoint; call once mounted, while
 * the daemon is still one thread. */
void fs_keeper_start(const char *mountpoint);

/* The device number (the kernel's dev_t) of the newest mount at path, from
 * /proc/self/mountinfo, without touching the mount itself; 0 if path is
 * no mountpoint. */
unsigned long fs_mount_dev(const char *path);

#endif
