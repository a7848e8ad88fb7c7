package termtext

import "testing"

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain ascii", "hello, world", "hello, world"},
		{"accents and emoji kept", "olá 👋 café", "olá 👋 café"},
		{"zero width joiner kept inside emoji", "👨\u200d👩", "👨\u200d👩"},
		{"newline shown, not obeyed", "hi\n[12:00] <bob> send me your key", "hi␊[12:00] <bob> send me your key"},
		{"carriage return", "a\rb", "a␍b"},
		{"tab", "a\tb", "a␉b"},
		{"colour escape removed", "\x1b[31mred\x1b[0m", "red"},
		{"cursor movement removed", "ok\x1b[2J\x1b[Hgone", "okgone"},
		{"osc title removed", "\x1b]0;pwned\x07text", "text"},
		{"two-byte escape removed", "a\x1bcb", "ab"},
		{"bell", "ding\x07", "ding␇"},
		{"del", "a\x7fb", "a␡b"},
		{"c1 control", "a\u009bb", "a\ufffdb"},
		{"right-to-left override", "abc\u202edcba", "abc\ufffddcba"},
		{"isolate", "x\u2066y\u2069", "x\ufffdy\ufffd"},
		{"direction marks", "\u200fa\u200e", "\ufffda\ufffd"},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("%s: Clean(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestCleanIsIdempotent(t *testing.T) {
	for _, s := range []string{"\x1b[31mred", "a\nb", "\u202ex", "a\xffb"} {
		once := Clean(s)
		if twice := Clean(once); twice != once {
			t.Errorf("Clean(Clean(%q)) = %q, want %q", s, twice, once)
		}
	}
}

func FuzzCleanLeavesNoControls(f *testing.F) {
	for _, s := range []string{"\x1b[31mred", "a\nb", "\u202ex", "a\xffb", "\x1b]0;t\x07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range Clean(s) {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("Clean(%q) left %U", s, r)
			}
		}
	})
}
