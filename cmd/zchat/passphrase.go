package main

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/term"
)

// passphraseEnv gives the passphrase of the user's key without asking.
const passphraseEnv = "ZCHAT_PASSPHRASE"

// passphrase is how the flags supply the passphrase of a key file:
// ZCHAT_PASSPHRASE when set, else with --passphrase asked on the terminal
// (twice for a new key: a typo would lose the name), else none. An answer
// is asked once per name and process.
func (f *ClientFlags) passphrase() func(name string, creating bool) (string, error) {
	if v, ok := os.LookupEnv(passphraseEnv); ok {
		return func(string, bool) (string, error) { return v, nil }
	}
	if !f.Passphrase {
		return nil
	}
	if f.askPass == nil {
		f.askPass = cachedPrompt(promptPassphrase)
	}
	return f.askPass
}

// cachedPrompt asks once per name.
func cachedPrompt(ask func(name string, creating bool) (string, error)) func(string, bool) (string, error) {
	var mu sync.Mutex
	answers := map[string]string{}
	return func(name string, creating bool) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if v, ok := answers[name]; ok {
			return v, nil
		}
		v, err := ask(name, creating)
		if err == nil {
			answers[name] = v
		}
		return v, err
	}
}

// promptPassphrase reads the passphrase from the terminal, without echo.
func promptPassphrase(name string, creating bool) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("no terminal to ask the passphrase on: set %s (%w)", passphraseEnv, err)
	}
	defer tty.Close()
	whose := "your key"
	if name != "" {
		whose = fmt.Sprintf("the key of '%s'", name)
	}
	if !creating {
		return readSecret(tty, fmt.Sprintf("passphrase of %s: ", whose))
	}
	first, err := readSecret(tty, fmt.Sprintf("new %s: passphrase to seal it (empty: none): ", whose[4:]))
	if err != nil || first == "" {
		return first, err
	}
	again, err := readSecret(tty, "the same passphrase again: ")
	if err != nil {
		return "", err
	}
	if again != first {
		return "", errors.New("the two passphrases differ")
	}
	return first, nil
}

func readSecret(tty *os.File, prompt string) (string, error) {
	fmt.Fprint(tty, prompt)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("read the passphrase: %w", err)
	}
	return string(b), nil
}
