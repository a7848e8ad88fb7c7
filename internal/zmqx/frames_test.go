package zmqx

import (
	"fmt"
	"slices"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
)

// pair returns two connected PAIR sockets, closed when the test ends.
func pair(t *testing.T) (a, b *zmq.Socket) {
	t.Helper()
	addr := fmt.Sprintf("inproc://frames-test-%d", time.Now().UnixNano())
	a, _ = zmq.NewSocket(zmq.PAIR)
	b, _ = zmq.NewSocket(zmq.PAIR)
	t.Cleanup(func() { a.Close(); b.Close() })
	if err := a.Bind(addr); err != nil {
		t.Fatal(err)
	}
	if err := b.Connect(addr); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// A message over the frame limit is read whole and dropped; the next one
// comes out intact, in the caller's buffer.
func TestRecvFramesDropsMessagesOverTheLimit(t *testing.T) {
	a, b := pair(t)
	if err := SendFrames(a, [][]byte{[]byte("1"), []byte("2"), []byte("3"), []byte("4")}); err != nil {
		t.Fatal(err)
	}
	if err := SendFrames(a, [][]byte{[]byte("topic"), []byte("body")}); err != nil {
		t.Fatal(err)
	}
	buf := make([][]byte, 0, 3)
	deadline := time.Now().Add(5 * time.Second)
	var frames [][]byte
	var size int
	var err error
	for frames, size, err = RecvFrames(b, buf, 3); err != nil && err != ErrTooManyFrames; frames, size, err = RecvFrames(b, buf, 3) {
		if time.Now().After(deadline) {
			t.Fatal("nothing received")
		}
		time.Sleep(time.Millisecond)
	}
	if err != ErrTooManyFrames || size != 4 || len(frames) != 0 {
		t.Fatalf("first message: %q, size %d, %v; want it dropped", frames, size, err)
	}
	frames, size, err = RecvFrames(b, buf, 3)
	if err != nil || size != 9 || !slices.EqualFunc(frames, []string{"topic", "body"}, func(f []byte, s string) bool { return string(f) == s }) {
		t.Fatalf("second message: %q, size %d, %v", frames, size, err)
	}
	if &frames[0] != &buf[:1][0] {
		t.Error("the frames are not in the caller's buffer")
	}
	if _, _, err := RecvFrames(b, buf, 3); err == nil {
		t.Error("a third message out of two")
	}
}
