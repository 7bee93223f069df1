/** Errno codes that describe the machine's files and disks: what the user can fix, never a bug in regprobe. */
const ENVIRONMENT_ERRNOS = new Set([
  'EACCES', 'EPERM', 'ENOSPC', 'EISDIR', 'EROFS', 'ENOTDIR', 'EFBIG', 'EDQUOT', 'ENAMETOOLONG', 'ELOOP', 'ENXIO',
  'ETXTBSY', 'EMFILE', 'ENFILE', 'EEXIST', 'ENOENT', 'EBUSY', 'EXDEV',
])

/**
 * A file-system error from a system call (it has .code and .syscall): exit 2 with the path and the reason (a full
 * disk, a read-only folder, --har at a directory), not "internal error". Small and free of imports: base.ts loads it.
 */
export function isEnvironmentError(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException | undefined
  return typeof e?.code === 'string' && ENVIRONMENT_ERRNOS.has(e.code) && typeof e.syscall === 'string'
}
