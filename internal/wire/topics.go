package wire

import "strings"

// PrivatePrefix starts the topic of private messages to a claimed name.
// Standard topics are channel and user names, which cannot contain
// control characters, so no standard subscription can match this
// namespace except the empty one, which the authenticated proxy port
// refuses and the open port never carries (see internal/proxy).
const PrivatePrefix = "\x01"

// PrivateTopic is the topic of the private messages for the owner of a
// claimed name: the prefix and the owner's CURVE public key (Z85, 40
// characters). All topics of the namespace have one length, so a
// subscription to one of them matches that one alone; the proxy accepts
// it only from a connection authenticated with that key, and the payload
// names the recipient (dst) as in any private publication.
func PrivateTopic(ownerKey string) string { return PrivatePrefix + ownerKey }

// IsPrivateTopic tells a claimed name's private topic from a standard one.
func IsPrivateTopic(topic string) bool { return strings.HasPrefix(topic, PrivatePrefix) }
