/*
 * walkers.h: whether a program listing directories wants their files'
 * attributes (walkers.c).
 */
#ifndef DEPOTFS_WALKERS_H
#define DEPOTFS_WALKERS_H

#include <sys/types.h>

/* Should a listing for thread pid carry the attributes of the files in it
 * (not only of the directories)? */
int walker_wants_attrs(pid_t pid);
/* Thread pid looked up a file (not a directory) by name. */
void walker_looked_up_file(pid_t pid);

#endif
