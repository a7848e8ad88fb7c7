# zchat: the two commands of the quick start are `make run` and `make test`.
GO ?= go
BIN := bin/zchat

.PHONY: run test build deps test-deps vet bench clean

run: deps build
	./$(BIN) up --data ./data

test: test-deps vet
	$(GO) test -race -count=1 -timeout 20m ./...

build: deps
	$(GO) build -o $(BIN) ./cmd/zchat

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test
	@if [ -f test/interop/node/package-lock.json ] && [ ! -d test/interop/node/node_modules ]; then \
		cd test/interop/node && npm ci --no-audit --no-fund --loglevel=error; fi

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...

bench: build
	scripts/bench.sh

clean:
	rm -rf bin
