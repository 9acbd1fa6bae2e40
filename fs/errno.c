/*
 * errno.c: the one place where a depot error becomes an errno value.
 */
#include <errno.h>

#include "fs.h"

int fs_errno(int depot_err)
{
    switch (depot_err) {
    case DEPOT_OK:        return 0;
    case DEPOT_ENOENT:    return ENOENT;
    case DEPOT_EINVAL:    return EINVAL;
    case DEPOT_EACCES:    return EACCES;
    case DEPOT_EPERM:     return EPERM;
    case DEPOT_EEXIST:    return EEXIST;
    case DEPOT_EROFS:     return EROFS;
    case DEPOT_EBUSY:     return EBUSY;
    case DEPOT_ENOMEM:    return ENOMEM;
    case DEPOT_EIO:
    case DEPOT_ENOTDEPOT:
    case DEPOT_EVERSION:
    default:              return EIO;
    }
}
