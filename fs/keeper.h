/*
 * keeper.h: the process that ends a stuck dead daemon's connection (keeper.c).
 */
#ifndef DEPOT_KEEPER_H
#define DEPOT_KEEPER_H

/* Forks the keeper of the mount at mountpoint; call once mounted, while
 * the daemon is still one thread. */
void fs_keeper_start(const char *mountpoint);

#endif
