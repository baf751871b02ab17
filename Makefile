# ecstui — the two commands a newcomer needs are `make demo` and `make test`.
GO      ?= go
PKGS    := ./...
BIN     := bin/ecstui

.PHONY: build demo test goldens bench fmt vet clean

build:
	$(GO) build -o $(BIN) ./cmd/ecstui

# The full TUI against the built-in simulator: no AWS account needed.
demo: build
	./$(BIN) --demo

# gofmt check, go.mod tidy, go vet, and the whole suite with the race detector
# (which includes TestLayering: ui/ and logs/ never link aws-sdk-go-v2).
test:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	@tidy=$$($(GO) mod tidy -diff 2>&1); \
	if [ -n "$$tidy" ]; then echo "go.mod/go.sum are not tidy: run go mod tidy"; echo "$$tidy"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 9m $(PKGS)

# Rewrite every golden file (the packages whose tests use ui/internal/screentest),
# then review the change with git diff (docs/TESTING.md).
goldens:
	$(GO) test -count=1 $$($(GO) list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}' $(PKGS) | awk '/\/ui\/internal\/screentest/ {print $$1}') -update

# Benchmarks: never part of `make test`.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
