# giving: two commands do all the set-up on a fresh Debian machine with the Swift toolchain.
#   make demo   installs what is missing, builds, and runs giving on the bundled sample
#   make test   installs what is missing, builds, and runs every test
#   make bench  benchmarks giving against its peers on generated data (see Benchmarks/)

APT_PACKAGES := libcsv-dev libxml2-dev libxml2-utils pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GIVING := .build/release/giving
SAMPLE := Fixtures/sample

.PHONY: deps build release demo test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

release: deps
	swift build -c release

demo: release
	@echo "== giving convert: the sample CSV to a 360Giving JSON package"
	$(GIVING) convert $(SAMPLE)/grants.csv --to json -o /tmp/giving-demo.json
	@head -c 400 /tmp/giving-demo.json; echo " …"
	@echo "== giving convert: back to CSV with the standard titles"
	$(GIVING) convert /tmp/giving-demo.json --to csv -o /tmp/giving-demo.csv
	@head -n 2 /tmp/giving-demo.csv | cut -c1-300

test: deps
	swift build --build-tests
	swift test --skip-build

bench: release
	Benchmarks/run.sh

clean:
	rm -rf .build
