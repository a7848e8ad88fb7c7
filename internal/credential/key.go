package credential

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strings"

	zmq "github.com/pebbe/zmq4"

	"zchat/internal/auth"
)

// Key is a CURVE key pair in Z85 text, as libzmq takes it.
type Key = auth.Key

// Generate makes a new key pair.
func Generate() (Key, error) { return auth.GenerateKey() }

// fileHeader starts every key file's plain text, so that a wrong file or a
// wrong passphrase is told apart from a damaged key.
const fileHeader = "zchat user key v1"

// marshal is the plain text of the key file: the header, then the public
// and the secret key, one per line.
func marshal(k Key) []byte {
	return fmt.Appendf(nil, "%s\npublic %s\nsecret %s\n", fileHeader, k.Public, k.Secret)
}

// parseKey reads what marshal wrote and checks that the public key belongs
// to the secret one.
func parseKey(b []byte) (Key, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	var lines []string
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if len(lines) < 3 || lines[0] != fileHeader {
		return Key{}, errors.New("not a zchat user key file")
	}
	pub, ok1 := strings.CutPrefix(lines[1], "public ")
	sec, ok2 := strings.CutPrefix(lines[2], "secret ")
	if !ok1 || !ok2 || len(pub) != 40 || len(sec) != 40 {
		return Key{}, errors.New("damaged zchat user key file")
	}
	derived, err := zmq.AuthCurvePublic(sec)
	if err != nil || derived != pub {
		return Key{}, errors.New("damaged zchat user key file: the public key does not match the secret key")
	}
	return Key{Public: pub, Secret: sec}, nil
}
