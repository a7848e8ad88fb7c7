package zmqx

import (
	"errors"

	zmq "github.com/pebbe/zmq4"
)

// ErrTooManyFrames is returned for a message with more frames than the
// receiver keeps; the message has been read and dropped.
var ErrTooManyFrames = errors.New("too many frames")

// RecvFrames receives one whole multi-part message from s without
// waiting, reusing buf's array, and returns its frames and their total
// size. A message with more than limit frames is read to its end and
// dropped (ErrTooManyFrames): the frames after the limit are not kept.
// libzmq delivers a message's frames together, so only the first receive
// can find nothing (EAGAIN).
func RecvFrames(s *zmq.Socket, buf [][]byte, limit int) (frames [][]byte, size int, err error) {
	f, err := s.RecvBytes(zmq.DONTWAIT)
	if err != nil {
		return buf[:0], 0, err
	}
	return RecvRest(s, append(buf[:0], f), limit)
}

// RecvRest receives the rest of a message whose first frames, already
// received (one with metadata, say), are started, as RecvFrames does;
// started must hold at most limit frames.
func RecvRest(s *zmq.Socket, started [][]byte, limit int) (frames [][]byte, size int, err error) {
	frames = started
	for _, f := range started {
		size += len(f)
	}
	dropping := false
	for {
		more, err := s.GetRcvmore()
		if err != nil {
			return frames[:0], 0, err
		}
		if !more {
			break
		}
		f, err := s.RecvBytes(zmq.DONTWAIT)
		if err != nil {
			return frames[:0], 0, err
		}
		size += len(f)
		if len(frames) == limit {
			frames, dropping = frames[:0], true
		}
		if !dropping {
			frames = append(frames, f)
		}
	}
	if dropping {
		return frames[:0], size, ErrTooManyFrames
	}
	return frames, size, nil
}

// SendFrames sends frames as one message without waiting. On a DEALER
// the first frame fails with EAGAIN when no peer can take the message
// (none connected, or all at their high-water mark) and then nothing was
// sent; later frames of a message never fail that way. A ROUTER drops a
// message for a peer that is gone or full instead of failing, and so does
// an XPUB for a subscriber at its high-water mark.
func SendFrames(s *zmq.Socket, frames [][]byte) error {
	last := len(frames) - 1
	for i, f := range frames {
		flags := zmq.DONTWAIT
		if i < last {
			flags |= zmq.SNDMORE
		}
		if _, err := s.SendBytes(f, flags); err != nil {
			return err
		}
	}
	return nil
}
