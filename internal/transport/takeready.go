package transport

// takeReady hands every message already waiting on ch to fn, without
// waiting for more.
func takeReady(ch <-chan [][]byte, fn func([][]byte)) {
	for {
		select {
		case frames := <-ch:
			fn(frames)
		default:
			return
		}
	}
}
