// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over PostgreSQL
// storage) for Docket's development, tests and benchmarks. It is a separate main module so the
// FerretDB CLI's build-time version check does not apply.
//
// It prints one line "FERRETDB_URI=mongodb://host:port/" once it accepts
// connections, and exits when it gets SIGINT/SIGTERM or when its standard input
// closes (the parent died), so no orphan survives a crashed test run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free one)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("exit-on-stdin-close", false, "exit when standard input reaches EOF")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL database to store in (required)")
	flag.Parse()

	if *pgURL == "" {
		fmt.Fprintln(os.Stderr, "ferretdb: --postgresql-url is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: *pgURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			logger.Error("run failed", "error", err)
		}
	}()

	// MongoDBURI blocks until the listener is bound.
	fmt.Printf("FERRETDB_URI=%s\n", f.MongoDBURI())

	<-done
}
