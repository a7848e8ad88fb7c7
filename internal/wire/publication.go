package wire

// DecodePublication reads a publication payload leniently: a flat map (the
// standard), an envelope whose data holds the fields, or JSON text. The
// returned Message has Service "" for a flat payload.
func DecodePublication(frame []byte) (Message, error) {
	m := Message{Encoding: sniff(frame)}
	top, err := decodeMap(frame, m.Encoding)
	if err != nil {
		return m, err
	}
	if data, ok := AsMap(top["data"]); ok {
		m.Service, _ = AsString(top["service"])
		m.Data = data
	} else {
		m.Data = top
	}
	m.Clock = findClock(top, m.Data)
	m.Timestamp, _ = Seconds(firstPresent(m.Data["timestamp"], top["timestamp"]))
	return m, nil
}
