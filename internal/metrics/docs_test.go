package metrics

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMetricNamesDocumented checks that every metric name defined in the
// code appears in docs/production.md (where `a_{b,c}_d` stands for
// a_b_d and a_c_d).
func TestMetricNamesDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "production.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, name := range regexp.MustCompile(`zchat_[a-z_{},]+`).FindAllString(string(doc), -1) {
		for _, n := range expand(name) {
			documented[strings.TrimSuffix(n, "_")] = true
		}
	}
	sources, _ := filepath.Glob("*.go")
	sources = append(sources, filepath.Join("..", "registry", "metrics.go"))
	defined := regexp.MustCompile(`"(zchat_[a-z_]+)"`)
	for _, src := range sources {
		if strings.HasSuffix(src, "_test.go") {
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range defined.FindAllStringSubmatch(string(b), -1) {
			if !documented[m[1]] {
				t.Errorf("%s (%s) is not in docs/production.md", m[1], src)
			}
		}
	}
}

// expand turns a_{b,c}_d into a_b_d and a_c_d.
func expand(s string) []string {
	open, end := strings.IndexByte(s, '{'), strings.IndexByte(s, '}')
	if open < 0 || end < open {
		return []string{s}
	}
	var out []string
	for _, alt := range strings.Split(s[open+1:end], ",") {
		out = append(out, expand(s[:open]+alt+s[end+1:])...)
	}
	return out
}
