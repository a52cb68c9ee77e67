//go:build linux

package netns

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/nsh-lua/nsh/bindings/nsfs"
	"golang.org/x/sys/unix"
)

// Add creates a new network namespace named name, as `ip netns add NAME`
// does, and returns a handle to it (the caller closes it). /run/netns is
// made a shared mount point first, bound onto itself if it is not a mount
// point yet, so the name propagates to other mount namespaces and `ip netns`
// sees it; then /run/netns/NAME is created exclusively and the namespace,
// made on a throwaway thread that dies afterwards, is bind-mounted on it.
// The calling thread never changes namespace. On failure nothing is left.
func Add(name string) (*nsfs.Handle, error) {
	if err := ValidateName(name); err != nil {
		return nil, fail("add", name, err)
	}
	// Every step acts in the calling thread's mount namespace: stay on
	// one thread (whose namespaces do not change, so unlocking is safe).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := prepareDir(); err != nil {
		return nil, fail("add", name, err)
	}
	path := Path(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fail("add", name, err)
	}
	unix.Close(fd)
	h, err := bindNew(path)
	if err != nil {
		unix.Unlink(path)
		return nil, fail("add", name, err)
	}
	return h, nil
}

// prepareDir makes /run/netns exist and be a shared mount point, the way
// iproute2's netns_add does, under an exclusive flock on the directory so
// that concurrent callers do not stack bind mounts.
func prepareDir() error {
	if err := unix.Mkdir(Dir, 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return step("mkdir "+Dir, err)
	}
	lock, err := unix.Open(Dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return step("open "+Dir, err)
	}
	defer unix.Close(lock)
	if unix.Flock(lock, unix.LOCK_EX) == nil {
		defer unix.Flock(lock, unix.LOCK_UN)
	}
	return makeShared()
}

// makeShared runs `mount --make-rshared /run/netns`; when /run/netns is not
// a mount point yet (EINVAL) it first binds the directory onto itself and
// makes that private, so the shared mount gets a peer group of its own.
func makeShared() error {
	err := unix.Mount("", Dir, "none", unix.MS_SHARED|unix.MS_REC, "")
	if !errors.Is(err, unix.EINVAL) {
		if err != nil {
			return step("mount --make-shared "+Dir, err)
		}
		return nil
	}
	if err := unix.Mount(Dir, Dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return step("mount --bind "+Dir, err)
	}
	if err := unix.Mount("", Dir, "none", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return step("mount --make-private "+Dir, err)
	}
	if err := unix.Mount("", Dir, "none", unix.MS_SHARED|unix.MS_REC, ""); err != nil {
		return step("mount --make-shared "+Dir, err)
	}
	return nil
}

// bindNew makes a network namespace on a throwaway thread and bind-mounts
// it on path. The bind lands in the calling thread's mount namespace, where
// path was just created: when the throwaway thread is in another one (the
// caller entered a mount namespace of its own), it joins the caller's
// first, after unshare(CLONE_FS) as setns(CLONE_NEWNS) requires.
func bindNew(path string) (h *nsfs.Handle, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread() // this thread's namespaces do not change
	var mnt unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/mnt", &mnt); err != nil {
		return nil, step("stat mount namespace", err)
	}
	tid := unix.Gettid()
	onThrowawayThread(func() {
		if err = joinMountNS(tid, mnt); err == nil {
			h, err = unshareAndBind(path)
		}
	})
	return h, err
}

// joinMountNS moves the calling (throwaway) thread into the mount
// namespace of thread tid of this process, identified by want, unless it is
// there already.
func joinMountNS(tid int, want unix.Stat_t) error {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/mnt", &st); err != nil {
		return step("stat mount namespace", err)
	}
	if st.Dev == want.Dev && st.Ino == want.Ino {
		return nil
	}
	fd, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/mnt", tid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return step("open caller's mount namespace", err)
	}
	defer unix.Close(fd)
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return step("unshare CLONE_FS", err)
	}
	if err := unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
		return step("setns caller's mount namespace", err)
	}
	return nil
}

// unshareAndBind runs on the throwaway thread.
func unshareAndBind(path string) (*nsfs.Handle, error) {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return nil, step("unshare CLONE_NEWNET", err)
	}
	const self = "/proc/thread-self/ns/net"
	fd, err := unix.Open(self, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, step("open "+self, err)
	}
	if err := unix.Mount(self, path, "none", unix.MS_BIND, ""); err != nil {
		unix.Close(fd)
		return nil, step("bind "+self, err)
	}
	h, err := nsfs.FromFD(fd, path)
	if err != nil {
		unix.Unmount(path, unix.MNT_DETACH)
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}
