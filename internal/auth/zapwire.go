package auth

import "errors"

// zapVersion is the only version of RFC 27.
const zapVersion = "1.0"

// ZAP status codes: 200 accepts, 400 refuses (a client error), 500 is our
// failure to understand the request.
const (
	statusOK      = "200"
	statusDenied  = "400"
	statusFailure = "500"
)

// parseRequest reads the frames of a ZAP request: version, request id,
// domain, address, identity, mechanism, then the mechanism's credentials.
func parseRequest(frames [][]byte) (Request, error) {
	if len(frames) < 6 {
		return Request{}, errors.New("ZAP request with fewer than 6 frames")
	}
	if string(frames[0]) != zapVersion {
		return Request{}, errors.New("ZAP request of an unknown version")
	}
	return Request{
		ID:          string(frames[1]),
		Domain:      string(frames[2]),
		Address:     string(frames[3]),
		Mechanism:   string(frames[5]),
		Credentials: frames[6:],
	}, nil
}

// replyFrames is the reply to the request with id: version, request id,
// status code, status text, user id, metadata (none).
func replyFrames(id string, d Decision) []string {
	switch {
	case d.Allow:
		return []string{zapVersion, id, statusOK, "OK", d.UserID, ""}
	default:
		return []string{zapVersion, id, statusDenied, "access denied", "", ""}
	}
}

// failureFrames answers a request we could not read. Its id, if any, is
// the second frame.
func failureFrames(frames [][]byte) []string {
	id := ""
	if len(frames) > 1 {
		id = string(frames[1])
	}
	return []string{zapVersion, id, statusFailure, "malformed ZAP request", "", ""}
}
