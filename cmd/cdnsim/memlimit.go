package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/topology/cache"
)

// memLimit is the memory a run may use: --max-memory when given, else
// what the machine has available. name says where it comes from, for
// the refusal's message.
type memLimit struct {
	bytes int64 // 0: no limit known
	name  string
}

// meminfo is where the machine's memory is read from (a variable for tests).
var meminfo = "/proc/meminfo"

// machineMemory is the memory available for a new process: MemAvailable
// from /proc/meminfo (free memory plus caches the kernel can drop), else
// MemTotal; 0 when neither can be read (not Linux), which sets no limit.
func machineMemory() memLimit {
	b, err := os.ReadFile(meminfo)
	if err != nil {
		return memLimit{}
	}
	var total int64
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 || kb > 1<<43 {
			continue
		}
		switch key {
		case "MemAvailable":
			return memLimit{kb << 10, "available on this machine (MemAvailable; --max-memory sets the limit)"}
		case "MemTotal":
			total = kb << 10
		}
	}
	if total > 0 {
		return memLimit{total, "on this machine (MemTotal; --max-memory sets the limit)"}
	}
	return memLimit{}
}

// maxMemoryUsage is the --max-memory flag's help.
const maxMemoryUsage = "refuse a scenario whose estimated memory exceeds this, e.g. 8GB (default: the memory available on this machine; 0: no limit)"

// parseMaxMemory reads --max-memory: a size ("16GB", "512MB"), or "" for
// the machine's memory, or "0" for no limit.
func parseMaxMemory(v string) (memLimit, error) {
	if v == "" {
		return machineMemory(), nil
	}
	n, err := cache.ParseSize(v)
	if err != nil {
		return memLimit{}, fmt.Errorf("--max-memory: %v", err)
	}
	return memLimit{n, "set by --max-memory"}, nil
}
