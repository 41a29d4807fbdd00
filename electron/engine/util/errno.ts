import { errorMessage } from './error-message';
/**
 * What a file-system error means to a user, in words: "permission denied", not "EACCES" (review
 * S12.15: index said "cannot read (EACCES)" and export "cannot write in … (EACCES)" where match and
 * probe said "permission denied"). Every engine message about an fs error words it here.
 */
const WORDS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk is full',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a folder in the path is a file',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'a file by that name is in the way',
  ELOOP: 'a symbolic link loop',
  EMFILE: 'too many files open',
  ENFILE: 'too many files open',
  EBUSY: 'in use by another program',
  EIO: 'a read or write error on the disk',
  ENXIO: 'the device is not there',
  ENODEV: 'the device is not there',
};

/** The error's cause in words; an unknown code stays as it is (better than nothing), a codeless error gives its message. */
export function errnoWords(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return WORDS[code] ?? code;
  return errorMessage(err);
}
