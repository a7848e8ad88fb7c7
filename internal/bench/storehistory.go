package bench

import (
	"context"
	"log/slog"
	"time"

	"zchat"
	"zchat/internal/store"
)

// storeHistoryQueries is how many history queries measureStoreHistory
// times.
const storeHistoryQueries = 2000

// measureStoreHistory opens the store in dir as server name (as the server
// will at its start) and times History of channel with limit directly, in
// this process: the query alone, without the request path around it.
func measureStoreHistory(ctx context.Context, dir, name, channel string, limit int) (Summary, error) {
	st, err := store.Open(dir, name, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return Summary{}, err
	}
	defer st.Close()
	h := NewLatency()
	q := zchat.HistoryQuery{Channel: channel, Limit: limit}
	for range storeHistoryQueries {
		start := time.Now()
		if _, err := st.History(ctx, q); err != nil {
			return Summary{}, err
		}
		h.Record(time.Since(start))
	}
	return h.Summary(), nil
}
