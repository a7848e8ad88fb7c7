package bench

import (
	"strconv"
	"strings"
	"time"
)

// stampSep ends the send time at the start of a benchmark message.
const stampSep = '|'

// stampedText is a message of size bytes (at least the stamp itself) that
// starts with the send time in Unix nanoseconds, so that a subscriber can
// measure publish-to-delivery latency.
func stampedText(sent time.Time, size int) string {
	var b strings.Builder
	b.Grow(max(size, 24))
	b.WriteString(strconv.FormatInt(sent.UnixNano(), 10))
	b.WriteByte(stampSep)
	for b.Len() < size {
		b.WriteByte('x')
	}
	return b.String()
}

// parseStamp reads the send time of a stamped message.
func parseStamp(text string) (time.Time, bool) {
	i := strings.IndexByte(text, stampSep)
	if i <= 0 {
		return time.Time{}, false
	}
	ns, err := strconv.ParseInt(text[:i], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, ns), true
}
