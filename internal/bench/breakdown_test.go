package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleProfile = `## ` + sectionDSO + `

    53.66%  [kernel.kallsyms]

## ` + sectionInclusive + `

    41.70%     0.09%  [k] do_syscall_64
    23.95%     0.00%  [k] finish_task_switch.isra.0
    16.82%     0.36%  [.] runtime.sysmon
     5.39%     0.00%  [.] zchat/internal/store.(*Store).writeLoop
     5.10%     0.00%  [k] do_fsync
     2.00%     0.10%  [.] zchat/internal/replication.(*shipper).run
     1.00%     0.10%  [.] zchat/internal/replication.(*Replicator).OnCommit
`

func TestBreakdown(t *testing.T) {
	got := joinShares(breakdown(sampleProfile))
	want := "24% kernel scheduler (context switches); 17% Go runtime's sysmon thread; 5% store writer (SQLite writes and fsync); 5% fsync in the kernel; 2% replication"
	if got != want {
		t.Errorf("breakdown:\n got %s\nwant %s", got, want)
	}
	if ex := excerpt(sampleProfile); !strings.Contains(ex, "(*Store).writeLoop") || !strings.Contains(ex, "[kernel.kallsyms]") ||
		strings.Contains(ex, "runtime.sysmon") || strings.Contains(ex, "\n\n\n") {
		t.Errorf("excerpt:\n%s", ex)
	}
}

func TestPerfStat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stat")
	text := "# started on ...\n\n16872,,context-switches,5092182593,100.00,,\n1129.95,msec,task-clock,1129950000,100.00,,\n" +
		"153,,syscalls:sys_enter_fsync,5092182593,100.00,,\n<not counted>,,syscalls:sys_enter_fdatasync,0,0.00,,\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := readPerfStat(path)
	if c["context-switches"] != 16872 || c["fsync"] != 153 || c["task-clock"] != 1129950000 || len(c) != 3 {
		t.Fatalf("counters %v", c)
	}
	got := strings.Join(perUnit(c, 100), ", ")
	if got != "168.72 context switches, 1.53 fsync, 11300 µs of CPU" {
		t.Errorf("perUnit: %s", got)
	}
}

func TestPerfTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trace")
	text := `
 Summary of events:

 zb (31236), 4331 events, 10.9%

   syscall            calls  errors  total       min       avg       max       stddev
                                     (msec)    (msec)    (msec)    (msec)        (%)
   --------------- --------  ------ -------- --------- --------- ---------     ------
   pwrite64            2153      0   204.473     0.008     0.095    35.811     25.12%
   fsync                 12      0   107.919     1.051     8.993    24.499     26.10%

 zb (31253), 1472 events, 3.7%

   pwrite64             731      0    44.405     0.008     0.061     3.308     13.20%
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got := readPerfTrace(path)
	if got["pwrite64"].Calls != 2884 || got["fsync"].Calls != 12 || got["fsync"].TotalMS != 107.919 {
		t.Fatalf("%+v", got)
	}
	if s := ioCosts(got, 12); !strings.HasPrefix(s, "20740 µs in pwrite64 (240.33 calls of 86 µs on average), 8993 µs in fsync (1.00 calls of 8993 µs") {
		t.Errorf("ioCosts: %s", s)
	}
}
