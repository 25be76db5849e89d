import { defineCodes } from "../design/diagnostics.ts";

/** Codes produced by the pipeline itself: `--check`, the out dir and the file system under it. */
export const pipelineCodes = defineCodes({
  "out-of-date": {
    severity: "error",
    doc: "`--check` found a file in the out dir that differs from a fresh build (or is missing, or is no longer generated). Run `contractor build`.",
  },
  "out-dir-refused": {
    severity: "error",
    doc: "`--out` is `/`, the home directory, or a directory holding `.git` outside the project tree (another repository). Choose a dedicated output directory.",
  },
  "out-not-a-directory": {
    severity: "error",
    doc: "`--out`, or a directory an owned file goes into, exists but is not a directory (a file, a dangling link). Remove it or choose another `--out`.",
  },
  "out-file-not-regular": {
    severity: "error",
    doc: "Where the build writes or reads an owned file there is something that is not a regular file (a FIFO, a directory, a symbolic link, a socket); contractor never opens it. Remove it.",
  },
  "out-file-not-owned": {
    severity: "error",
    doc: "A generated file would replace a file of the same name that contractor did not write (it is not in `.contractor-manifest.json`). Move the file, or choose another `--out`.",
  },
  "out-locked": {
    severity: "error",
    doc: "Another contractor build held the out dir's lock (`.contractor/lock`) for longer than the wait allows. Wait for it to finish; a lock left by a process that no longer runs is taken over automatically.",
  },
  "out-journal-unreadable": {
    severity: "error",
    doc: "The out dir's write journal (`.contractor/journal.json`) cannot be read, so an interrupted build cannot be rolled back. Restore the out dir from version control and remove `.contractor/`.",
  },
  "out-retired-kept": {
    severity: "warning",
    doc: "A `.contractor-retired-*` directory left by an older contractor holds files the out dir lacks; it is kept. Copy what you need from it, then remove it.",
  },
  "fs-permission-denied": {
    severity: "error",
    doc: "The file system refused an operation on the out dir (EACCES/EPERM). Make the out dir (or its parent, for a new out dir) writable by this user.",
  },
  "fs-read-only": {
    severity: "error",
    doc: "The out dir is on a read-only file system (EROFS). Choose an `--out` on a writable file system.",
  },
  "fs-no-space": {
    severity: "error",
    doc: "The disk (or quota) is full (ENOSPC/EDQUOT); the out dir was left as it was. Free some space and build again.",
  },
  "fs-busy": {
    severity: "error",
    doc: "The file system reported a busy resource (EBUSY), for example an out dir that is a mount point being replaced. Choose a directory inside the mount instead.",
  },
  "fs-too-many-open-files": {
    severity: "error",
    doc: "The process or the system ran out of file descriptors (EMFILE/ENFILE). Raise the limit (`ulimit -n`) or close other programs.",
  },
  "fs-error": {
    severity: "error",
    doc: "Another file-system error (EIO, EXDEV, ELOOP…) stopped the write; the message names the operation and path, and the out dir was left complete.",
  },
});
