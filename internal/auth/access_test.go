package auth

import "testing"

func TestAccessKeyIsStableAndDistinct(t *testing.T) {
	a, _ := GenerateKey()
	b, _ := GenerateKey()
	if AccessKey(a) != AccessKey(a) {
		t.Fatal("AccessKey is not deterministic")
	}
	if AccessKey(a) == AccessKey(b) {
		t.Fatal("two clusters share an access key")
	}
	if ak := AccessKey(a); ak.Public == a.Public || ak.Secret == a.Secret {
		t.Fatal("the access key is the cluster key")
	}
	if _, err := KeyFromSecret(AccessKey(a).Secret); err != nil {
		t.Fatalf("the access key is not a valid CURVE key: %v", err)
	}
}
