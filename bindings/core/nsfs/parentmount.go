//go:build linux

package nsfs

import (
	"encoding/binary"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// statmount(2) (Linux 6.8): the request and the offset of mnt_parent_id in
// struct statmount (include/uapi/linux/mount.h).
const (
	statmountMntBasic  = 0x2 // STATMOUNT_MNT_BASIC
	mntIDReqSizeVer0   = 24  // MNT_ID_REQ_SIZE_VER0
	statmountParentOff = 48  // offsetof(struct statmount, mnt_parent_id)
	statmountMaskOff   = 8   // offsetof(struct statmount, mask)
)

// mountIDs returns the mount ids of the mount that fd is on, and of its
// parent: the unique 64-bit ids through statmount(2) where the kernel has
// it, else the ids of /proc/thread-self/mountinfo. ok is false when the
// mount is not in the calling thread's mount namespace.
func mountIDs(fd int) (mnt, parent uint64, unique, ok bool, err error) {
	var stx unix.Statx_t
	err = unix.Statx(fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID_UNIQUE, &stx)
	if err != nil {
		return 0, 0, false, false, err
	}
	if stx.Mask&unix.STATX_MNT_ID_UNIQUE != 0 {
		p, found, serr := statmountParent(stx.Mnt_id)
		if serr == nil {
			return stx.Mnt_id, p, true, found, nil
		}
	}
	if err = unix.Statx(fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_MNT_ID, &stx); err != nil {
		return 0, 0, false, false, err
	}
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return 0, 0, false, false, err
	}
	p, found := parentMount(data, stx.Mnt_id)
	return stx.Mnt_id, p, false, found, nil
}

// statmountParent asks statmount(2) for the parent of unique mount id in
// the calling thread's mount namespace; found is false when the mount is
// not there (ENOENT). Other errors (ENOSYS before Linux 6.8) mean "ask
// mountinfo".
func statmountParent(id uint64) (parent uint64, found bool, err error) {
	var req [mntIDReqSizeVer0]byte
	binary.NativeEndian.PutUint32(req[0:], mntIDReqSizeVer0)
	binary.NativeEndian.PutUint64(req[8:], id)
	binary.NativeEndian.PutUint64(req[16:], statmountMntBasic) // what to return
	var buf [1024]byte
	_, _, errno := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req[0])),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
	switch {
	case errno == unix.ENOENT:
		return 0, false, nil
	case errno != 0:
		return 0, false, errno
	case binary.NativeEndian.Uint64(buf[statmountMaskOff:])&statmountMntBasic == 0:
		return 0, false, unix.ENOSYS
	}
	return binary.NativeEndian.Uint64(buf[statmountParentOff:]), true, nil
}

// dirMountID returns the id of the mount directory fd dir is on, unique
// or not as asked, to compare with mountIDs' parent.
func dirMountID(dir int, unique bool) (uint64, error) {
	mask := uint32(unix.STATX_MNT_ID)
	if unique {
		mask = unix.STATX_MNT_ID_UNIQUE
	}
	var stx unix.Statx_t
	if err := unix.Statx(dir, "", unix.AT_EMPTY_PATH, int(mask), &stx); err != nil {
		return 0, err
	}
	return stx.Mnt_id, nil
}
