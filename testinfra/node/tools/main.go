// Command relanode holds the two small programs the test node needs and no registry can
// supply here: the pod sandbox's "pause" process, and a byte forwarder that carries the
// test's API connections from a Unix socket (reachable from outside the node's network
// namespace) to the API server inside it.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "pause":
		pause()
	case "forward":
		if len(os.Args) != 6 {
			usage()
		}
		forward(os.Args[2], os.Args[3], os.Args[4], os.Args[5])
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: relanode pause | relanode forward <listen-net> <listen-addr> <dial-net> <dial-addr>")
	os.Exit(2)
}

// pause holds the pod's namespaces open until it is told to stop, reaping orphans as PID 1.
func pause() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				var ws syscall.WaitStatus
				pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}

func forward(lnet, laddr, dnet, daddr string) {
	if lnet == "unix" {
		_ = os.Remove(laddr)
	}
	l, err := net.Listen(lnet, laddr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	if lnet == "unix" {
		_ = os.Chmod(laddr, 0o600)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			os.Exit(1)
		}
		go func(c net.Conn) {
			defer c.Close()
			d, err := net.Dial(dnet, daddr)
			if err != nil {
				return
			}
			defer d.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(d, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, d); done <- struct{}{} }()
			<-done
		}(c)
	}
}
